"""``stdp_pl_synapse_hom``: power-law STDP (Morrison et al. 2007) with parameters common
to all connections (``tau_plus``, ``lambda``, ``alpha``, ``mu``: SetDefaults/CopyModel
only); each connection keeps its weight, ``Kplus`` and time of the previous spike.

The spike pairing is ``stdp_synapse``'s (all pairs, presynaptic trace Kplus, the
target's Kminus). Facilitation adds lambda * w**mu * Kplus (unbounded), depression
subtracts lambda * alpha * w * Kminus and stops at 0. NEST scales times by a stored
1 / tau_plus; so do we. NEST checks only tau_plus > 0 (and, unlike the other STDP
models, neither the sign of the weight nor Kplus). NEST stores an invalid tau_plus
in the defaults although it raises; we keep the previous value.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import register_synapse
from .stdp_synapse import facilitate_each, history_window, kminus_at, stdp_synapse


@register_synapse
class stdp_pl_synapse_hom(stdp_synapse):
    name = "stdp_pl_synapse_hom"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "Kplus": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    common = {
        "tau_plus": Prop(20.0, "ms"),
        "lambda": Prop(0.1, ""),
        "alpha": Prop(1.0, ""),
        "mu": Prop(0.4, ""),
    }
    sizeof = 48

    @classmethod
    def check(cls, p, connecting=False):
        if "tau_plus" in p and not np.all(np.asarray(p["tau_plus"], dtype=float) > 0.0):
            return "tau_plus > 0. required."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        tau_inv = 1.0 / p["tau_plus"]
        first, count = history_window(post, t_last - d, t_spike - d)

        def pair(w, t_post):
            kplus = p["Kplus"] * jnp.exp((t_last - (t_post + d)) * tau_inv)
            return w + p["lambda"] * jnp.power(w, p["mu"]) * kplus

        w = facilitate_each(post, first, count, p["weight"], pair)
        w = w - p["lambda"] * p["alpha"] * w * kminus_at(post, t_spike - d)
        w = jnp.where(w > 0.0, w, 0.0)
        kplus = p["Kplus"] * jnp.exp((t_last - t_spike) * tau_inv) + 1.0
        return {"weight": w, "Kplus": kplus, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w
