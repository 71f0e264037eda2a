"""``stdp_nn_symm_synapse``: STDP with the symmetric nearest-neighbour pairing scheme
(Morrison et al. 2007, 2008).

When a presynaptic spike stamped t passes, the synapse facilitates once for every
postsynaptic spike since its previous presynaptic spike (both seen through the
dendritic delay d, the connection's delay), each paired with that previous
presynaptic spike only: the presynaptic trace is exp(-dt / tau_plus), not a sum.
Then it depresses with the target's nearest-neighbour trace at t - d, i.e.
exp(-(t - d - t_post) / tau_minus) of its last spike before t - d, and sends the
new weight. There is no Kplus. As in NEST, the "previous presynaptic spike" of a
new synapse is at 0 ms. Facilitation and depression are ``stdp_synapse``'s power
laws. NEST compares the signs of weight and Wmax by their sign bit here (-0.0 is
negative).
"""

from __future__ import annotations

import jax.numpy as jnp

from .base import register_synapse
from .stdp_synapse import (
    WEIGHT_SIGN_MSG,
    depress,
    facilitate,
    facilitate_each,
    history_window,
    nearest_kminus_at,
    stdp_synapse,
    weight_sign_differs,
)


@register_synapse
class stdp_nn_symm_synapse(stdp_synapse):
    name = "stdp_nn_symm_synapse"
    aliases = ("_hpc", "_lbl")
    params = {k: v for k, v in stdp_synapse.params.items() if k != "Kplus"}
    dynamic = ("weight", "t_lastspike")
    sizeof = 88

    @classmethod
    def check(cls, p, connecting=False):
        # NEST 3.10 does not compare the signs of weight and Wmax for Connect's syn_spec.
        if not connecting and weight_sign_differs(p, signbit=True):
            return WEIGHT_SIGN_MSG
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        first, count = history_window(post, t_last - d, t_spike - d)

        def pair(w, t_post):
            # Each postsynaptic spike pairs only with the previous presynaptic spike.
            return facilitate(p, w, jnp.exp((t_last - (t_post + d)) / p["tau_plus"]))

        w = facilitate_each(post, first, count, p["weight"], pair)
        w = depress(p, w, nearest_kminus_at(post, t_spike - d))
        return {"weight": w, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w
