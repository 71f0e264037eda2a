"""``stdp_nn_restr_synapse``: STDP with the restricted symmetric nearest-neighbour
pairing scheme (Morrison et al. 2008, fig. 7C).

A pair counts only between neighbouring spikes of opposite kind. When a presynaptic
spike stamped t passes and the target spiked since the previous presynaptic spike
(both seen through the dendritic delay d, the connection's delay), the synapse
facilitates once with the first of those postsynaptic spikes, paired with the
previous presynaptic spike (trace exp(-dt / tau_plus)), and depresses once with the
last one before t - d (nearest-neighbour trace exp(-dt / tau_minus)). Without such a
postsynaptic spike the weight is unchanged. As in NEST, the "previous presynaptic
spike" of a new synapse is at 0 ms. Facilitation and depression are
``stdp_synapse``'s power laws; there is no Kplus.
"""

from __future__ import annotations

import jax.numpy as jnp

from .base import register_synapse
from .stdp_nn_symm_synapse import stdp_nn_symm_synapse
from .stdp_synapse import (
    WEIGHT_SIGN_MSG,
    depress,
    facilitate,
    first_read_time,
    history_window,
    nearest_kminus_at,
    weight_sign_differs,
)


@register_synapse
class stdp_nn_restr_synapse(stdp_nn_symm_synapse):
    name = "stdp_nn_restr_synapse"
    aliases = ("_hpc", "_lbl")

    @classmethod
    def check(cls, p, connecting=False):
        # Unlike stdp_nn_symm_synapse, 0 and -0.0 count as positive here.
        if not connecting and weight_sign_differs(p):
            return WEIGHT_SIGN_MSG
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        first, count = history_window(post, t_last - d, t_spike - d)
        paired = count > 0
        t_post = first_read_time(post, first)
        w = facilitate(p, p["weight"], jnp.exp((t_last - (t_post + d)) / p["tau_plus"]))
        w = depress(p, w, nearest_kminus_at(post, t_spike - d))
        w = jnp.where(paired, w, p["weight"])
        return {"weight": w, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w
