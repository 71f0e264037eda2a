"""``stdp_triplet_synapse``: all-to-all triplet STDP (Pfister & Gerstner 2006).

As in NEST, a presynaptic spike stamped t (dendritic delay d = the connection's
delay) first facilitates once per postsynaptic spike in (t_lastspike - d, t - d] by
Kplus decayed to that spike times ``Aplus + Aplus_triplet * y``, where y is the
target's triplet trace just before that spike (its archived value minus 1; the
neuron's ``tau_minus_triplet``). Then the triplet presynaptic trace Kplus_triplet
(``tau_plus_triplet``) decays to t, the weight depresses by the target's Kminus at
t - d (``tau_minus``) times ``Aminus + Aminus_triplet * Kplus_triplet``, both
presynaptic traces add 1 (Kplus decaying with ``tau_plus``), and the weight is
sent. The rule acts on the weight's magnitude within [0, |Wmax|] with the sign of
``Wmax``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse
from .stdp_synapse import WEIGHT_SIGN_MSG, facilitate_each, history_window, kminus_at, weight_sign_differs


def _facilitate(p: dict, w, kplus, ky):
    new = jnp.abs(w) + kplus * (p["Aplus"] + p["Aplus_triplet"] * ky)
    return jnp.copysign(jnp.where(new < jnp.abs(p["Wmax"]), new, p["Wmax"]), p["Wmax"])


def _depress(p: dict, w, kminus, kplus_triplet):
    new = jnp.abs(w) - kminus * (p["Aminus"] + p["Aminus_triplet"] * kplus_triplet)
    return jnp.copysign(jnp.where(new > 0.0, new, 0.0), p["Wmax"])


@register_synapse
class stdp_triplet_synapse(SynapseModel):
    name = "stdp_triplet_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "tau_plus": Prop(16.8, "ms"),
        "tau_plus_triplet": Prop(101.0, "ms"),
        "Aplus": Prop(5e-10, ""),
        "Aminus": Prop(7e-3, ""),
        "Aplus_triplet": Prop(6.2e-3, ""),
        "Aminus_triplet": Prop(2.3e-4, ""),
        "Kplus": Prop(0.0, ""),
        "Kplus_triplet": Prop(0.0, ""),
        "Wmax": Prop(100.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    dynamic = ("weight", "Kplus", "Kplus_triplet", "t_lastspike")
    reads_history = True
    sizeof = None  # NEST 3.10 shows no sizeof for this model (nor for its _hpc variant)
    conn_bytes = 112

    @classmethod
    def check(cls, p, connecting=False):
        if not connecting and weight_sign_differs(p):
            return WEIGHT_SIGN_MSG
        if np.any(~(np.asarray(p["Kplus"], float) >= 0)):
            return "State Kplus must be positive."
        if np.any(~(np.asarray(p["Kplus_triplet"], float) >= 0)):
            return "State Kplus_triplet must be positive."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        first, count = history_window(post, t_last - d, t_spike - d)

        def pair(w, t_post, k3):
            # The archived triplet trace includes the spike's own jump of 1.
            kplus = p["Kplus"] * jnp.exp((t_last - (t_post + d)) / p["tau_plus"])
            return _facilitate(p, w, kplus, k3 - 1.0)

        w = facilitate_each(post, first, count, p["weight"], pair, trace="K3")
        kplus_triplet = p["Kplus_triplet"] * jnp.exp((t_last - t_spike) / p["tau_plus_triplet"])
        w = _depress(p, w, kminus_at(post, t_spike - d), kplus_triplet)
        new = {
            "weight": w,
            "Kplus": p["Kplus"] * jnp.exp((t_last - t_spike) / p["tau_plus"]) + 1.0,
            "Kplus_triplet": kplus_triplet + 1.0,
            "t_lastspike": jnp.broadcast_to(t_spike, w.shape),
        }
        return new, w
