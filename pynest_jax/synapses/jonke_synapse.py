"""``jonke_synapse``: STDP with exponential weight dependence and a constant offset
(Jonke et al. 2017).

As in NEST, a presynaptic spike stamped t (dendritic delay d = the connection's
delay) facilitates once per postsynaptic spike in (t_lastspike - d, t - d] by
``lambda * (exp(mu_plus * w) * Kplus_decayed - beta)`` (bounded above by ``Wmax``),
then depresses by ``lambda * (alpha * exp(mu_minus * w) * Kminus(t - d) + beta)``
(bounded below by 0; Kminus with the neuron's ``tau_minus``), sends the weight and
adds 1 to the presynaptic trace Kplus (time constant ``tau_plus``). With
``lambda`` = 0 the weight stays as it is, unbounded. The plasticity parameters are
common to all connections (SetDefaults/CopyModel only); weight and Kplus are per
connection.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse
from .stdp_synapse import pair_rule


def _facilitate(p: dict, w, kplus):
    new = w + p["lambda"] * (jnp.exp(p["mu_plus"] * w) * kplus - p["beta"])
    return jnp.where(p["lambda"] == 0.0, w, jnp.where(new < p["Wmax"], new, p["Wmax"]))


def _depress(p: dict, w, kminus):
    new = w + p["lambda"] * (-p["alpha"] * jnp.exp(p["mu_minus"] * w) * kminus - p["beta"])
    return jnp.where(p["lambda"] == 0.0, w, jnp.where(new > 0.0, new, 0.0))


@register_synapse
class jonke_synapse(SynapseModel):
    name = "jonke_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "Kplus": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    common = {
        "alpha": Prop(1.0, ""),
        "beta": Prop(0.0, ""),
        "lambda": Prop(0.01, ""),
        "mu_plus": Prop(0.0, ""),
        "mu_minus": Prop(0.0, ""),
        "tau_plus": Prop(20.0, "ms"),
        "Wmax": Prop(100.0, ""),
    }
    dynamic = ("weight", "Kplus", "t_lastspike")
    reads_history = True
    sizeof = 48

    @classmethod
    def check(cls, p, connecting=False):
        if np.any(np.asarray(p["Kplus"], float) < 0):
            return "Kplus must be non-negative."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        return pair_rule(
            p, t_spike, lambda w, k: _facilitate(p, w, k), lambda w, k: _depress(p, w, k), p["tau_plus"]
        )
