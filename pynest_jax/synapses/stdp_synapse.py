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

from collections.abc import Callable
from typing import Any

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


WEIGHT_SIGN_MSG = "Weight and Wmax must have same sign."


def weight_sign_differs(p: dict, signbit: bool = False) -> bool:
    """Whether some weight and its Wmax differ in sign, as NEST compares them: 0 counts
    as positive (``signbit``: by the sign bit, so -0.0 is negative, as
    ``stdp_nn_symm_synapse`` does)."""
    w, wmax = np.asarray(p["weight"], dtype=float), np.asarray(p["Wmax"], dtype=float)
    if signbit:
        return bool(np.any(np.signbit(w) != np.signbit(wmax)))
    return bool(np.any((w >= 0) != (wmax >= 0)))


def _newest_before(post: dict, t) -> tuple[jnp.ndarray, jnp.ndarray, jnp.ndarray]:
    """Row and column of each target's newest archived spike strictly before t (NEST's
    tolerance), and whether there is one."""
    before = post["valid"] & (t - post["t"] > STDP_EPS)
    # Entries are oldest first, so the newest such entry is the last one marked.
    rows = jnp.arange(post["t"].shape[0])[:, None]
    newest = jnp.max(jnp.where(before, rows, -1), axis=0)
    return jnp.maximum(newest, 0), jnp.arange(post["t"].shape[1]), newest >= 0


def kminus_at(post: dict, t) -> jnp.ndarray:
    """The target's Kminus at time t: decayed from its last spike before t (0 if none)."""
    pick, col, found = _newest_before(post, t)
    k = post["K"][pick, col] * jnp.exp((post["t"][pick, col] - t) * post["tau_minus_inv"])
    return jnp.where(found, k, 0.0)


def nearest_kminus_at(post: dict, t) -> jnp.ndarray:
    """NEST's nearest-neighbour Kminus at time t: only the target's last spike before t
    counts, as exp(-(t - t_post) / tau_minus) (0 if none)."""
    pick, col, found = _newest_before(post, t)
    return jnp.where(found, jnp.exp((post["t"][pick, col] - t) * post["tau_minus_inv"]), 0.0)


def history_window(post: dict, t1, t2) -> tuple[jnp.ndarray, jnp.ndarray]:
    """The target spikes NEST's get_history reads in (t1, t2]: the row of the first one
    and how many (the history is oldest first, so they form one run of entries)."""
    read = post["valid"] & (post["t"] - t1 >= STDP_EPS) & (t2 - post["t"] > -STDP_EPS)
    return jnp.argmax(read, axis=0), jnp.sum(read, axis=0)


def first_read_time(post: dict, first) -> jnp.ndarray:
    """The time of the first spike read (meaningful where the count is positive)."""
    return post["t"][first, jnp.arange(post["t"].shape[1])]


def facilitate_each(post: dict, first, count, w, step: Callable, trace: str | None = None):
    """Apply ``step(w, t_post)`` once per read target spike, in time order (per lane,
    only its own ``count`` spikes); with ``trace``, ``step(w, t_post, value)`` also gets
    that history trace (``"K"`` or ``"K3"``) of the spike."""
    M = post["t"].shape[0]
    lanes = jnp.arange(post["t"].shape[1])

    def one(j, w):
        row = jnp.minimum(first + j, M - 1)
        extra = () if trace is None else (post[trace][row, lanes],)
        return jnp.where(j < count, step(w, post["t"][row, lanes], *extra), w)

    return jax.lax.fori_loop(0, jnp.max(count, initial=0), one, w)


def pair_rule(p: dict, t_spike, facilitate_by: Callable, at_spike: Callable, tau_plus) -> tuple[dict, Any]:
    """NEST's all-to-all pair STDP at a presynaptic spike stamped ``t_spike``: one
    ``facilitate_by(w, kplus)`` per read postsynaptic spike with Kplus decayed to it,
    then ``at_spike(w, kminus)`` with the target's Kminus at t - d; Kplus decays with
    ``tau_plus`` and adds 1. Returns the new values and the weight sent."""
    post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
    first, count = history_window(post, t_last - d, t_spike - d)

    def pair(w, t_post):
        return facilitate_by(w, p["Kplus"] * jnp.exp((t_last - (t_post + d)) / tau_plus))

    w = facilitate_each(post, first, count, p["weight"], pair)
    w = at_spike(w, kminus_at(post, t_spike - d))
    kplus = p["Kplus"] * jnp.exp((t_last - t_spike) / tau_plus) + 1.0
    return {"weight": w, "Kplus": kplus, "t_lastspike": jnp.broadcast_to(t_spike, w.shape)}, w


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
    native = "stdp_pair"

    @classmethod
    def check(cls, p, connecting=False):
        # NEST 3.10 does not compare the signs of weight and Wmax for Connect's syn_spec.
        if not connecting and weight_sign_differs(p):
            return WEIGHT_SIGN_MSG
        if np.any(np.asarray(p["Kplus"]) < 0):
            return "Kplus must be non-negative."
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        return pair_rule(
            p, t_spike, lambda w, k: facilitate(p, w, k), lambda w, k: depress(p, w, k), p["tau_plus"]
        )
