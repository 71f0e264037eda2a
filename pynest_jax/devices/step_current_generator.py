"""``step_current_generator``: a piecewise constant current.

The amplitude becomes ``amplitude_values[k]`` at time ``amplitude_times[k]``
(times must be > 0, strictly increasing and on the grid, unless
``allow_offgrid_times`` moves them to the end of their step; GetStatus shows
the times as stored). As in NEST the amplitude is switched one step ahead, in
the step that ends at the change time, so that the current acts from that
time on; it starts at 0 and keeps its last value when new times are set.
NEST keeps a pointer to the next change, which skips changes that are already
in the past when a run starts; we keep the same pointer as device state.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..models.base import Prop, register
from ..timeconv import tics_per_step
from .stimulation import (
    _FAR,
    StimulationDevice,
    block_state,
    cpp_num,
    first_active,
    nest_tics,
    resume_block,
    stamp_tics,
    tics_to_ms,
    window_error,
)

_STATE = ("amp", "idx")


@register
class step_current_generator(StimulationDevice):
    """Piecewise constant current (NEST's ``step_current_generator``)."""

    name = "step_current_generator"
    emits = "current"
    params = {
        **StimulationDevice.params,
        "amplitude_times": Prop([], "ms", "vector"),
        "amplitude_values": Prop([], "pA", "vector"),
        "allow_offgrid_times": Prop(False, "", bool),
    }
    state = {
        "amp": Prop(0.0, "pA", hidden=True),
        "idx": Prop(0, "", int, hidden=True),
        **block_state(_STATE, (float, int)),
    }
    recordables = ("I",)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        """NEST's checks; given times are stored on the grid."""
        tps = tics_per_step(kernel.h)
        times_given = "amplitude_times" in changed
        values_given = "amplitude_values" in changed
        for j in range(len(gids)):
            if times_given != values_given:
                return "Amplitude times and values must be reset together."
            if "allow_offgrid_times" in changed and not (times_given or len(old["amplitude_times"][j]) == 0):
                return (
                    "allow_offgrid_times can only be changed before amplitude_times have been set, "
                    "or together with amplitude_times and amplitude_values."
                )
            times = p["amplitude_times"][j]
            if len(times) != len(p["amplitude_values"][j]):
                return "Amplitude times and values have to be the same size."
            if times_given:
                msg = _to_grid(times, bool(p["allow_offgrid_times"][j]), tps)
                if msg:
                    return msg
        return window_error(p, kernel.h)

    @classmethod
    def on_set(cls, group, local, values, kernel) -> None:
        """New times or values restart the pointer to the next change (not the amplitude)."""
        if "amplitude_times" in values or "amplitude_values" in values:
            group.state["idx"][np.atleast_1d(local)] = 0

    @classmethod
    def device_params(cls, p, h):
        tps = tics_per_step(h)
        n = len(p["amplitude_times"])
        width = max([len(t) for t in p["amplitude_times"]] + [1])
        stamps = np.full((n, width), _FAR, dtype=np.int64)
        values = np.zeros((n, width))
        for i in range(n):
            k = len(p["amplitude_times"][i])
            stamps[i, :k] = nest_tics(p["amplitude_times"][i]) // tps
            values[i, :k] = p["amplitude_values"][i]
        return {"stamps": stamps, "values": values, **cls.window_params(p, h)}

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        first = first_active(steps, active)
        start, keep = resume_block(s, first, _STATE)
        n, width = p["stamps"].shape
        rows = jnp.arange(n)
        # Changes at or before the first step of this update are in the past.
        past = jax.vmap(lambda row: jnp.searchsorted(row, first, side="right"))(p["stamps"])
        idx0 = jnp.maximum(start["idx"], past)

        def body(carry, xs):
            amp, idx = carry
            step, run = xs
            j = jnp.minimum(idx, width - 1)
            change = run & (idx < width) & (p["stamps"][rows, j] == step + 1)
            amp = jnp.where(change, p["values"][rows, j], amp)
            idx = idx + change.astype(idx.dtype)
            on = run & cls.current_on(p, step + 1)
            return (amp, idx), jnp.where(on, amp, 0.0)

        (amp, idx), current = jax.lax.scan(body, (start["amp"], idx0), (steps, active))
        return {**s, **keep, "amp": amp, "idx": idx}, cs, current[:, src]


def _to_grid(times: np.ndarray, offgrid: bool, tps: int) -> str | None:
    """Put amplitude times on the grid in place, as NEST does; its message if invalid."""
    prev = 0
    out = np.zeros(len(times), dtype=np.int64)
    for k, t in enumerate(np.asarray(times, dtype=float)):
        if t <= 0.0:
            return "Amplitude can only be changed at strictly positive times (t > 0)."
        tics = int(nest_tics(t))
        if tics % tps:
            if not offgrid:
                return (
                    f"step_current_generator: Time point {cpp_num(t)} is not representable in current "
                    "resolution."
                )
            tics = int(stamp_tics(t, tps))
        if tics <= prev:
            return "step_current_generator: amplitude times must be at strictly increasing time steps."
        out[k] = prev = tics
    times[:] = tics_to_ms(out)
    return None
