"""``stdp_synapse``: pair-based spike-timing dependent plasticity (Guetig et al. 2003).

When a presynaptic spike stamped t passes, the synapse first facilitates once
for every postsynaptic spike since its previous presynaptic spike (both seen
through the dendritic delay d, the connection's delay), in time order, with
the presynaptic trace Kplus decayed to that postsynaptic spike; then it
depresses with the target's postsynaptic trace Kminus at t - d; it sends the
new weight and adds 1 to Kplus. Facilitation and depression are NEST's power
laws (``lambda``, ``alpha``, ``mu_plus``, ``mu_minus``) bounded by 0 and ``Wmax``.
The target keeps its spike history with Kminus (``tau_minus`` of the neuron).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse

# NEST's tolerance when comparing spike times of the history (ms).
STDP_EPS = 1.0e-6


def facilitate(p: dict, w, kplus):
    norm = w / p["Wmax"] + p["lambda"] * jnp.power(1.0 - w / p["Wmax"], p["mu_plus"]) * kplus
    return jnp.where(norm < 1.0, norm * p["Wmax"], p["Wmax"])


def depress(p: dict, w, kminus):
    norm = w / p["Wmax"] - p["alpha"] * p["lambda"] * jnp.power(w / p["Wmax"], p["mu_minus"]) * kminus
    return jnp.where(norm > 0.0, norm * p["Wmax"], 0.0)


def kminus_at(post: dict, t) -> jnp.ndarray:
    """The target's Kminus at time t: decayed from its last spike before t (0 if none)."""
    before = post["valid"] & (t - post["t"] > STDP_EPS)
    # The newest such entry: entries are oldest first, so take the last one marked.
    rows = jnp.arange(post["t"].shape[0])[:, None]
    newest = jnp.max(jnp.where(before, rows, -1), axis=0)
    col = jnp.arange(post["t"].shape[1])
    pick = jnp.maximum(newest, 0)
    k = post["K"][pick, col] * jnp.exp((post["t"][pick, col] - t) * post["tau_minus_inv"])
    return jnp.where(newest >= 0, k, 0.0)


@register_synapse
class stdp_synapse(SynapseModel):
    name = "stdp_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "tau_plus": Prop(20.0, "ms"),
        "lambda": Prop(0.01, ""),
        "alpha": Prop(1.0, ""),
        "mu_plus": Prop(1.0, ""),
        "mu_minus": Prop(1.0, ""),
        "Wmax": Prop(100.0, ""),
        "Kplus": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    dynamic = ("weight", "Kplus", "t_lastspike")
    reads_history = True
    sizeof = 96

    @classmethod
    def check(cls, p, connecting=False):
        # NEST 3.10 does not compare the signs of weight and Wmax for Connect's syn_spec.
        w, wmax = np.asarray(p["weight"]), np.asarray(p["Wmax"])
        if not connecting and np.any((w >= 0) != (wmax >= 0)):
            return "Weight and Wmax must have same sign."
        if np.any(np.asarray(p["Kplus"]) < 0):
            return "Kplus must be non-negative."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        t1, t2 = t_last - d, t_spike - d
        # The history is oldest first, so the spikes read form one run of entries.
        read = post["valid"] & (post["t"] - t1 >= STDP_EPS) & (t2 - post["t"] > -STDP_EPS)
        first = jnp.argmax(read, axis=0)
        count = jnp.sum(read, axis=0)
        lanes = jnp.arange(read.shape[1])

        def facilitate_one(j, w):
            row = jnp.minimum(first + j, read.shape[0] - 1)
            kplus = p["Kplus"] * jnp.exp((t_last - (post["t"][row, lanes] + d)) / p["tau_plus"])
            return jnp.where(j < count, facilitate(p, w, kplus), w)

        w = jax.lax.fori_loop(0, jnp.max(count, initial=0), facilitate_one, p["weight"])
        w = depress(p, w, kminus_at(post, t2))
        kplus = p["Kplus"] * jnp.exp((t_last - t_spike) / p["tau_plus"]) + 1.0
        return {"weight": w, "Kplus": kplus, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w
