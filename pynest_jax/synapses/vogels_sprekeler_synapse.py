"""``vogels_sprekeler_synapse``: symmetric inhibitory STDP with constant depression
(Vogels et al. 2011).

As in NEST, a presynaptic spike stamped t passing through the synapse (dendritic
delay d = the connection's delay) first facilitates once per postsynaptic spike in
(t_lastspike - d, t - d], by ``eta`` times the presynaptic trace Kplus (time
constant ``tau``) decayed to that spike; then it facilitates by ``eta`` times the
target's Kminus at t - d (the neuron's ``tau_minus``), depresses by ``alpha * eta``,
sends the weight and adds 1 to Kplus. The rule acts on the weight's magnitude, which
stays within [0, |Wmax|]; every update gives the weight the sign of ``Wmax`` (so an
inhibitory synapse has a negative weight and Wmax).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse
from .stdp_synapse import WEIGHT_SIGN_MSG, pair_rule


def _facilitate(p: dict, w, k):
    new = jnp.abs(w) + p["eta"] * k
    return jnp.copysign(jnp.where(new < jnp.abs(p["Wmax"]), new, p["Wmax"]), p["Wmax"])


def _depress(p: dict, w):
    new = jnp.abs(w) - p["alpha"] * p["eta"]
    return jnp.copysign(jnp.where(new > 0.0, new, 0.0), p["Wmax"])


@register_synapse
class vogels_sprekeler_synapse(SynapseModel):
    name = "vogels_sprekeler_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(0.5, ""),
        "delay": Prop(1.0, "ms"),
        "tau": Prop(20.0, "ms"),
        "alpha": Prop(0.12, ""),
        "eta": Prop(0.001, ""),
        "Wmax": Prop(1.0, ""),
        "Kplus": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    dynamic = ("weight", "Kplus", "t_lastspike")
    reads_history = True
    sizeof = 80

    @classmethod
    def check(cls, p, connecting=False):
        # Signs compared by sign bit, but a weight of 0 (either sign) always passes.
        w, wmax = np.asarray(p["weight"], float), np.asarray(p["Wmax"], float)
        if not connecting and np.any((w != 0) & (np.signbit(w) != np.signbit(wmax))):
            return WEIGHT_SIGN_MSG
        if np.any(~(np.asarray(p["Kplus"], float) >= 0)):
            return "State Kplus must be positive."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        # At the spike itself: facilitation by the target's trace, then the constant depression.
        return pair_rule(
            p,
            t_spike,
            lambda w, k: _facilitate(p, w, k),
            lambda w, k: _depress(p, _facilitate(p, w, k)),
            p["tau"],
        )
