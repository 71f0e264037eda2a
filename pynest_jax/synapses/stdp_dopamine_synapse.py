"""``stdp_dopamine_synapse``: dopamine-modulated STDP (Izhikevich 2007, Potjans et al. 2010).

The synapse keeps an eligibility trace ``c``, a dopamine trace ``n`` and the
presynaptic trace Kplus. Pre-before-post pairs raise ``c`` by ``A_plus`` Kplus,
post-before-pre pairs lower it by ``A_minus`` Kminus (the target's trace at the
presynaptic spike minus the dendritic delay d, the connection's delay). The
weight follows dw/dt = c (n - b) in closed form between events, bounded by
``Wmin`` and ``Wmax``; ``c`` decays with ``tau_c``, ``n`` with ``tau_n`` and jumps
by multiplicity / ``tau_n`` at each dopamine spike.

Dopamine spikes reach the synapses through the ``volume_transmitter`` set as the
model's common property: it lists the spikes it received (time of arrival,
multiplicity) after a leading entry at its previous trigger time. Each synapse
remembers how far it has read that list (hidden ``dopa_index``). Every
``deliver_interval`` min-delay slices the transmitter makes all its synapses
catch up to the end of the slice (``trigger``) and restarts its list.

A presynaptic spike stamped t first catches up with the postsynaptic spikes
since the last update (facilitating, except for post spikes at t itself) and the
dopamine spikes up to t, then depresses, sends the weight, and moves the last
update (hidden ``t_lastspike``, NEST's t_last_update) to t. As in NEST, a spike
of a slice that ended with a trigger passes after it (the update then runs
backward over that last stretch).

Deliberate difference: such a synapse reads some of its target's archived spikes a
second time, and NEST counts every read towards dropping an archived spike; with
several STDP synapses of different delays onto a neuron, NEST can then drop a spike
that another synapse has not read yet, which never facilitates that synapse. We keep
every spike until each synapse has read it (the result NEST gives when a silent
synapse with a long delay onto the neuron keeps its spikes longer).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse
from .stdp_synapse import STDP_EPS, history_window, kminus_at


def _update_weight(p: dict, w: Any, c0: Any, n0: Any, minus_dt: Any) -> Any:
    """The weight after a stretch of length -minus_dt with eligibility c0 and dopamine
    n0 at its start (both decaying), clipped to [Wmin, Wmax]."""
    taus = (p["tau_c"] + p["tau_n"]) / (p["tau_c"] * p["tau_n"])
    w = w - c0 * (
        n0 / taus * jnp.expm1(taus * minus_dt) - p["b"] * p["tau_c"] * jnp.expm1(minus_dt / p["tau_c"])
    )
    w = jnp.where(w < p["Wmin"], p["Wmin"], w)
    return jnp.where(w > p["Wmax"], p["Wmax"], w)


def _process_dopamine(p: dict, dopa: dict, st: tuple, t0: Any, t1: Any, on: Any) -> tuple:
    """Advance (weight, c, n, index) of the lanes ``on`` from t0 to t1 through the
    transmitter's dopamine spikes in (t0, t1] (NEST's tolerance). ``n`` stays at the
    time of the last dopamine spike read, ``c`` moves to t1."""
    w, c, n, idx = st
    T, M, count = dopa["t"], dopa["m"], dopa["n"]
    last = T.shape[0] - 1

    def due(idx: Any) -> Any:
        return on & (idx + 1 < count) & (t1 - T[jnp.minimum(idx + 1, last)] > -STDP_EPS)

    def read_one(carry: tuple) -> tuple:
        w, n, idx, started = carry
        go = due(idx)
        t_cur, nxt = T[idx], jnp.minimum(idx + 1, last)
        t_next = T[nxt]
        # The first stretch starts at t0 (n taken back to t0), later ones at a dopamine spike.
        w_first = _update_weight(p, w, c, n * jnp.exp((t_cur - t0) / p["tau_n"]), t0 - t_next)
        w_later = _update_weight(p, w, c * jnp.exp((t0 - t_cur) / p["tau_c"]), n, t_cur - t_next)
        n_next = n * jnp.exp((t_cur - t_next) / p["tau_n"]) + M[nxt] / p["tau_n"]
        return (
            jnp.where(go, jnp.where(started, w_later, w_first), w),
            jnp.where(go, n_next, n),
            jnp.where(go, nxt, idx),
            started | go,
        )

    w, n, idx, started = jax.lax.while_loop(
        lambda carry: jnp.any(due(carry[2])), read_one, (w, n, idx, jnp.zeros_like(on))
    )
    t_cur = T[idx]
    w_after = _update_weight(p, w, c * jnp.exp((t0 - t_cur) / p["tau_c"]), n, t_cur - t1)
    w_none = _update_weight(p, w, c, n * jnp.exp((t_cur - t0) / p["tau_n"]), t0 - t1)
    w = jnp.where(on, jnp.where(started, w_after, w_none), w)
    c = jnp.where(on, c * jnp.exp((t0 - t1) / p["tau_c"]), c)
    return w, c, n, idx


def _catch_up(p: dict, t_end: Any, t_spike: Any = None) -> tuple:
    """(weight, c, n, index) after the postsynaptic spikes in (t_last - d, t_end - d]
    and the dopamine spikes up to t_end. With ``t_spike`` (a presynaptic spike), post
    spikes at t_spike itself (NEST's tolerance) do not facilitate."""
    post, dopa, d, t_last = p["post"], p["dopamine"], p["delay_ms"], p["t_lastspike"]
    st = (p["weight"], p["c"], p["n"], p["dopa_index"].astype(jnp.int32))
    first, count = history_window(post, t_last - d, t_end - d)
    M = post["t"].shape[0]
    lanes = jnp.arange(post["t"].shape[1])

    def one_post(j: Any, carry: tuple) -> tuple:
        *st, t0 = carry
        on = j < count
        t_post = post["t"][jnp.minimum(first + j, M - 1), lanes]
        w, c, n, idx = _process_dopamine(p, dopa, tuple(st), t0, t_post + d, on)
        t0 = jnp.where(on, t_post + d, t0)
        grow = on if t_spike is None else on & (t_spike - t_post > STDP_EPS)
        c = jnp.where(grow, c + p["A_plus"] * (p["Kplus"] * jnp.exp((t_last - t0) / p["tau_plus"])), c)
        return w, c, n, idx, t0

    *st, t0 = jax.lax.fori_loop(0, jnp.max(count, initial=0), one_post, (*st, t_last))
    on = jnp.ones(t0.shape, bool)
    return _process_dopamine(p, dopa, tuple(st), t0, t_end, on)


@register_synapse
class stdp_dopamine_synapse(SynapseModel):
    name = "stdp_dopamine_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "Kplus": Prop(0.0, ""),
        "c": Prop(0.0, ""),
        "n": Prop(0.0, ""),
        # NEST's t_last_update: the last presynaptic spike or trigger.
        "t_lastspike": Prop(0.0, "ms", hidden=True),
        # Entries of the transmitter's dopamine list this synapse has read.
        "dopa_index": Prop(0.0, "", hidden=True),
    }
    common = {
        # Node id of the volume_transmitter (0: none yet).
        "volume_transmitter": Prop(0, "", dtype=int),
        "A_plus": Prop(1.0, ""),
        "A_minus": Prop(1.5, ""),
        "tau_plus": Prop(20.0, "ms"),
        "tau_c": Prop(1000.0, "ms"),
        "tau_n": Prop(200.0, "ms"),
        "b": Prop(0.0, ""),
        "Wmin": Prop(0.0, ""),
        "Wmax": Prop(200.0, ""),
    }
    dynamic = ("weight", "Kplus", "c", "n", "t_lastspike", "dopa_index")
    reads_history = True
    uses_volume_transmitter = True
    sizeof = None  # NEST 3.10 shows no sizeof for this model (nor for its _hpc variant)
    conn_bytes = 80

    @classmethod
    def check(cls, p: dict[str, np.ndarray], connecting: bool = False) -> str | None:
        if np.any(np.asarray(p["Kplus"]) < 0):
            return "Kplus must be non-negative."
        return None

    @classmethod
    def check_connect(cls, default: Any) -> str | None:
        """NEST refuses connections of the model while it has no volume transmitter."""
        if not default("volume_transmitter"):
            return "No volume transmitter has been assigned to the dopamine synapse."
        return None

    @classmethod
    def transmit(cls, p: dict, t_spike: Any, key: Any) -> tuple:
        w, c, n, idx = _catch_up(p, t_spike, t_spike)
        c = c - p["A_minus"] * kminus_at(p["post"], t_spike - p["delay_ms"])
        kplus = p["Kplus"] * jnp.exp((p["t_lastspike"] - t_spike) / p["tau_plus"]) + 1.0
        new = {
            "weight": w,
            "c": c,
            "n": n,
            "dopa_index": idx.astype(jnp.float64),
            "Kplus": kplus,
            "t_lastspike": jnp.broadcast_to(t_spike, w.shape),
        }
        return new, w

    @classmethod
    def trigger(cls, p: dict, t_trig: Any) -> dict:
        """The volume transmitter's trigger at t_trig (end of a slice): every synapse
        catches up to t_trig; n and Kplus decay to it and the synapse starts reading
        the transmitter's new list (which begins with t_trig) from its start."""
        w, c, n, idx = _catch_up(p, t_trig)
        n = n * jnp.exp((p["dopamine"]["t"][idx] - t_trig) / p["tau_n"])
        kplus = p["Kplus"] * jnp.exp((p["t_lastspike"] - t_trig) / p["tau_plus"])
        return {
            "weight": w,
            "c": c,
            "n": n,
            "dopa_index": jnp.zeros_like(w),
            "Kplus": kplus,
            "t_lastspike": jnp.broadcast_to(t_trig, w.shape),
        }
