"""``spike_generator``: emits spikes at given times to all its targets.

A spike at time ``t`` (relative to ``origin``) is emitted in the step that
ends at ``origin + t`` (its stamp), so it reaches a target at
``origin + t + delay``; only stamps in ``(origin + start, origin + stop]`` are
emitted. As in NEST, times are checked and put on the grid when they are set:
off-grid times are an error unless ``allow_offgrid_times`` (then they move to
the end of their step) or ``precise_times`` (then the spike keeps its offset
from the end of the step, which only precise-time targets and recorders see);
with ``shift_now_spikes`` a spike at the current time moves one step later.
``spike_weights`` multiply the connection weight spike by spike (the sign of
the product picks a target's excitatory or inhibitory input), and
``spike_multiplicities`` make one spike count several times.

The generator is a spike source for recorders; its connections to neurons are
served like a stimulator's (one value per connection and step), which is
where the per-spike weights are applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..models.base import Prop, register
from ..timeconv import tics_per_step
from .stimulation import _FAR, StimulationDevice, cpp_num, nest_tics, stamp_tics, tics_to_ms, window_error

_FLAGS = ("precise_times", "allow_offgrid_times", "shift_now_spikes")


def precise_offsets(times: np.ndarray, tps: int) -> tuple[np.ndarray, np.ndarray]:
    """Stamps (tics) and offsets (ms) of precise spike times, computed as NEST does."""
    t = np.asarray(times, dtype=np.float64)
    stamps = stamp_tics(t, tps)
    stamp_ms = tics_to_ms(stamps)
    offset = stamp_ms - t
    # NEST treats an offset below the rounding error (or subnormal) as 0.
    tiny = np.abs(offset) < np.finfo(float).eps * np.abs(stamp_ms + t) * 2.0
    tiny |= np.abs(offset) < np.finfo(float).tiny
    return stamps, np.where(tiny, 0.0, offset)


def grid_stamps(times: Any, p: Mapping[str, Any], i: int, tps: int) -> np.ndarray:
    """Stamps (tics, relative to origin) of node ``i``'s spike times."""
    if p["precise_times"][i]:
        return precise_offsets(times, tps)[0]
    return nest_tics(times)


@register
class spike_generator(StimulationDevice):
    """Spike source with given spike times (NEST's ``spike_generator``)."""

    name = "spike_generator"
    kind = "spike_source"
    delivers_as_stimulus = True
    params = {
        **StimulationDevice.params,
        "spike_times": Prop([], "ms", "vector"),
        "spike_weights": Prop([], "", "vector"),
        "spike_multiplicities": Prop([], "", "vector"),
        "precise_times": Prop(False, "", bool),
        "allow_offgrid_times": Prop(False, "", bool),
        "shift_now_spikes": Prop(False, "", bool),
    }

    # ------------------------------------------------------------- checking
    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        """NEST's checks of a status update; spike times given here are put on the grid."""
        tps = tics_per_step(kernel.h)
        now = int(kernel.time_steps) * tps
        for j in range(len(gids)):
            msg = _set_one(p, old, changed, j, tps, now)
            if msg:
                return msg
        return window_error(p, kernel.h)

    @classmethod
    def status_extra(cls, p, i):
        from ..kernel import KERNEL

        times = np.asarray(p["spike_times"][i], dtype=float)
        if p["precise_times"][i] and len(times):
            stamps, offsets = precise_offsets(times, tics_per_step(KERNEL.h))
            times = tics_to_ms(stamps) - offsets
        mult = np.asarray(p["spike_multiplicities"][i], dtype=float)
        mult = mult.astype(np.int64) if len(mult) else mult  # PyNEST shows an empty list as floats
        return {"spike_times": times, "spike_multiplicities": mult}

    @classmethod
    def spike_offsets(cls, group: Any, i: int, h: float) -> tuple[np.ndarray, np.ndarray] | None:
        """For a node with precise times: the stamp (steps, origin included) and offset
        (ms) of every spike, repeated by multiplicity, in order; else None."""
        p = group.params
        times = np.asarray(p["spike_times"][i], dtype=float)
        if not p["precise_times"][i] or not len(times):
            return None
        tps = tics_per_step(h)
        stamps, offsets = precise_offsets(times, tps)
        mult = np.ones(len(times), dtype=np.int64)
        m = np.asarray(p["spike_multiplicities"][i], dtype=float)
        mult[: min(len(m), len(times))] = m[: len(times)]
        steps = stamps // tps + int(nest_tics(p["origin"][i])) // tps
        order = np.argsort(steps, kind="stable")
        return np.repeat(steps[order], mult[order]), np.repeat(offsets[order], mult[order])

    # --------------------------------------------------------------- device
    @classmethod
    def device_params(cls, p, h):
        tps = tics_per_step(h)
        rows = [_unique_spikes(p, i, tps) for i in range(len(p["spike_times"]))]
        width = max([len(r[0]) for r in rows] + [1])
        out = {
            "stamps": np.full((len(rows), width), _FAR, dtype=np.int64),
            "count": np.zeros((len(rows), width), dtype=np.int32),
            "pos": np.zeros((len(rows), width)),
            "neg": np.zeros((len(rows), width)),
        }
        win = cls.window_params(p, h)
        for i, r in enumerate(rows):
            n = len(r[0])
            out["stamps"][i, :n] = r[0] + win["t_origin"][i]
            out["count"][i, :n], out["pos"][i, :n], out["neg"][i, :n] = r[1], r[2], r[3]
        return {**out, **win}

    @classmethod
    def _lookup(cls, p, stamps):
        """Per node and stamp (shape [n, len(stamps)]): index of that stamp in the
        node's spike table and whether the node has spikes there."""
        idx = jax.vmap(lambda row: jnp.searchsorted(row, stamps))(p["stamps"])
        idx = jnp.minimum(idx, p["stamps"].shape[1] - 1)
        hit = jnp.take_along_axis(p["stamps"], idx, axis=1) == stamps[None, :]
        on = cls.spikes_on({k: p[k][:, None] for k in ("t_start", "t_stop")}, stamps[None, :])
        return idx, hit & on

    @classmethod
    def update(cls, p, s, x, ctx):
        stamp = jnp.reshape(ctx.step + 1, (1,))
        idx, hit = cls._lookup(p, stamp)
        count = jnp.take_along_axis(p["count"], idx, axis=1)
        return s, jnp.where(hit, count, 0)[:, 0].astype(jnp.int32)

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        idx, hit = cls._lookup(p, steps + 1)  # [n, D]

        def per_conn(name):
            v = jnp.where(hit, jnp.take_along_axis(p[name], idx, axis=1), 0)
            return v.T[:, src].astype(jnp.float64)

        return s, cs, (per_conn("count"), per_conn("pos"), per_conn("neg"))


def _unique_spikes(p: Mapping[str, Any], i: int, tps: int) -> tuple[np.ndarray, ...]:
    """Node ``i``'s spikes merged per step: stamps (steps), total multiplicity and
    the summed multiplicity * weight of its positive and negative weights."""
    times = np.asarray(p["spike_times"][i], dtype=float)
    if not len(times):
        return (np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))
    steps = grid_stamps(times, p, i, tps) // tps
    mult = np.ones(len(times))
    m = np.asarray(p["spike_multiplicities"][i], dtype=float)
    mult[: min(len(m), len(times))] = m[: len(times)]
    w = np.ones(len(times))
    sw = np.asarray(p["spike_weights"][i], dtype=float)
    w[: min(len(sw), len(times))] = sw[: len(times)]
    uniq, inv = np.unique(steps, return_inverse=True)
    count = np.zeros(len(uniq))
    pos = np.zeros(len(uniq))
    neg = np.zeros(len(uniq))
    np.add.at(count, inv, mult)
    np.add.at(pos, inv, np.where(w >= 0, w * mult, 0.0))
    np.add.at(neg, inv, np.where(w < 0, w * mult, 0.0))
    return uniq, count.astype(np.int32), pos, neg


def _set_one(
    p: Mapping[str, Any], old: Mapping[str, Any], changed: Mapping[str, Any], j: int, tps: int, now: int
) -> str | None:
    """NEST's spike_generator parameter update for node ``j``; None if valid."""
    precise, offgrid, shift = (bool(p[k][j]) for k in _FLAGS)
    if precise and (offgrid or shift):
        return (
            "Option precise_times cannot be set to true when either allow_offgrid_times or "
            "shift_now_spikes is set to true."
        )
    new_times = "spike_times" in changed
    if any(k in changed for k in _FLAGS) and not (new_times or len(old["spike_times"][j]) == 0):
        return "Options can only be set together with spike times or if no spike times have been set."
    n_spikes = len(p["spike_times"][j]) if new_times else len(old["spike_times"][j])
    if new_times:
        times = np.asarray(p["spike_times"][j], dtype=float)
        origin = int(nest_tics(p["origin"][j]))
        stamps = np.zeros(len(times), dtype=np.int64)
        for k, t in enumerate(times):
            if k and times[k - 1] > t:
                return "Spike times must be sorted in non-descending order."
            if t == 0.0 and not shift:
                return "spike time cannot be set to 0."
            if precise:
                continue
            tics = int(nest_tics(t))
            if tics % tps:
                if not offgrid:
                    bad = cpp_num(t)
                    return f"spike_generator: Time point {bad} is not representable in current resolution."
                tics = int(stamp_tics(t, tps))
            if shift and origin + tics == now:
                tics += tps
            stamps[k] = tics
        if not precise:
            times[:] = tics_to_ms(stamps)
            p["spike_times"][j][:] = times
    if "spike_weights" in changed and 0 < len(p["spike_weights"][j]) != n_spikes:
        return (
            "spike_weights must have the same number of elements as spike_times, "
            "or 0 elements to clear the property."
        )
    if "spike_multiplicities" in changed:
        raw = changed["spike_multiplicities"]
        if any(isinstance(x, float | np.floating) for x in np.ravel(np.asarray(raw, dtype=object))):
            raise NESTErrors.TypeMismatch(
                "Expected datatype: Failed to cast 'spike_multiplicities' from std::vector<double, "
                "std::allocator<double> > to type std::vector<long, std::allocator<long> >"
            )
        if 0 < len(p["spike_multiplicities"][j]) != n_spikes:
            return (
                "spike_multiplicities must have the same number of elements as spike_times "
                "or 0 elements to clear the property."
            )
    return None
