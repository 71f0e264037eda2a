"""``stdp_nn_pre_centered_synapse``: STDP with the presynaptic-centered nearest-neighbour
pairing scheme (Izhikevich & Desai 2003; Morrison et al. 2008, fig. 7B).

When a presynaptic spike stamped t passes and the target spiked since the previous
presynaptic spike (both seen through the dendritic delay d, the connection's delay),
the synapse facilitates once, with the first of those postsynaptic spikes and the
presynaptic trace Kplus decayed to it, and then resets Kplus to 0 (a postsynaptic
spike makes the synapse forget earlier presynaptic spikes). It then depresses with
the target's nearest-neighbour trace at t - d (exp(-dt / tau_minus) of its last
spike before t - d), decays Kplus to t and adds 1, and sends the new weight.
Facilitation and depression are ``stdp_synapse``'s power laws; parameters and checks
are ``stdp_synapse``'s.
"""

from __future__ import annotations

import jax.numpy as jnp

from .base import register_synapse
from .stdp_synapse import (
    depress,
    facilitate,
    first_read_time,
    history_window,
    nearest_kminus_at,
    stdp_synapse,
)


@register_synapse
class stdp_nn_pre_centered_synapse(stdp_synapse):
    name = "stdp_nn_pre_centered_synapse"
    aliases = ("_hpc", "_lbl")
    sizeof = 96

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        first, count = history_window(post, t_last - d, t_spike - d)
        paired = count > 0
        t_post = first_read_time(post, first)
        kplus_then = p["Kplus"] * jnp.exp((t_last - (t_post + d)) / p["tau_plus"])
        facilitated = facilitate(p, p["weight"], kplus_then)
        w = jnp.where(paired, facilitated, p["weight"])
        kplus = jnp.where(paired, 0.0, p["Kplus"])
        w = depress(p, w, nearest_kminus_at(post, t_spike - d))
        kplus = kplus * jnp.exp((t_last - t_spike) / p["tau_plus"]) + 1.0
        return {"weight": w, "Kplus": kplus, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w
