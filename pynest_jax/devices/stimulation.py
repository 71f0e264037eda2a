"""What all stimulation devices share: the activity window ``start``/``stop``/``origin``.

NEST emits a spike of a spike-emitting device at stamp ``t`` only if
``origin + start < t <= origin + stop``. A current-emitting device is on in
the update steps whose current first acts on the target in
``(origin + start, origin + stop]`` (plus the connection delay); in terms of the
emitting step ``s`` (stamp ``s + 1``) that is ``start <= s + 1 < stop``.

Also here: NEST's conversions of times in ms to tics and steps (``Time::ms``,
``Time::ms_stamp``, ``Time::get_steps``), C++-style number formatting for
error messages, and :func:`resume_block`, which lets a stateful stimulator be
asked for the same block of steps once per target group.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp
import numpy as np

from ..models.base import NodeModel, Prop
from ..timeconv import ms_per_tic, ms_to_steps, tics_per_ms

STOP_MAX = np.finfo(float).max
_FAR = np.iinfo(np.int64).max // 4


# ----------------------------------------------------------------- NEST time
def nest_tics(ms: Any) -> np.ndarray:
    """Tics of ``Time::ms(t)``: ``t`` in tics, rounded half up (as NEST casts ``t*1000 + 0.5``)."""
    x = np.asarray(ms, dtype=np.float64) * tics_per_ms() + 0.5
    return np.trunc(x).astype(np.int64)


def stamp_tics(ms: Any, tps: int) -> np.ndarray:
    """Tics of ``Time::ms_stamp(t)``: the end of the step that contains ``t``
    (``t`` itself if it lies on the grid)."""
    t = np.asarray(ms, dtype=np.float64)
    n = np.trunc(t * tics_per_ms()).astype(np.int64)
    n = n - np.fmod(n, tps)
    on_grid_ms = n * (1.0 / tps) * (tps / tics_per_ms())
    return np.where(on_grid_ms < t, n + tps, n)


def tics_to_ms(tics: Any) -> np.ndarray:
    """``Time::get_ms()`` of a time in tics."""
    return np.asarray(tics, dtype=np.int64) * ms_per_tic()


def tics_to_steps(tics: Any, tps: int) -> np.ndarray:
    """``Time::get_steps()``: off-grid times count as the step they end in."""
    t = np.asarray(tics, dtype=np.int64) + tps - 1
    return np.sign(t) * (np.abs(t) // tps)  # C++ integer division truncates


def cpp_num(x: float) -> str:
    """A double as C++'s ``ostream <<`` writes it (6 significant digits)."""
    return f"{float(x):g}"


def time_text(ms: float, h: float) -> str:
    """A ``Time`` as NEST prints it in messages: ``1.5 ms (= 1500 tics = 15 steps)``."""
    tps = int(round(h * tics_per_ms()))
    tics = int(nest_tics(ms))
    steps = int(tics_to_steps(tics, tps))
    return f"{cpp_num(tics * ms_per_tic())} ms (= {tics} tics = {steps} step{'' if steps == 1 else 's'})"


# ------------------------------------------------------------------ devices
# The activity window and label every NEST device (stimulator or recorder) has.
DEVICE_PARAMS: dict[str, Prop] = {
    "start": Prop(0.0, "ms"),
    "stop": Prop(STOP_MAX, "ms"),
    "origin": Prop(0.0, "ms"),
    "label": Prop("", "", str),
}


class StimulationDevice(NodeModel):
    kind = "stimulator"
    element_type = "stimulator"
    category = "E"
    extra_status = {"node_uses_wfr": False}
    params = {
        **DEVICE_PARAMS,
        "stimulus_source": Prop("", "", str),
    }

    @classmethod
    def check(cls, p: Mapping[str, np.ndarray]) -> str | None:
        """NEST's device checks: start, stop and origin are non-negative multiples of
        the resolution, and stop >= start."""
        from ..kernel import KERNEL

        return window_error(p, KERNEL.h)

    @classmethod
    def window_params(cls, p: Mapping[str, np.ndarray], h: float) -> dict[str, np.ndarray]:
        """The activity window in steps, for the device update."""
        origin = ms_to_steps(p["origin"], h)
        stop = np.where(p["stop"] >= STOP_MAX / 2, _FAR, origin + ms_to_steps(np.minimum(p["stop"], 1e15), h))
        return {"t_start": origin + ms_to_steps(p["start"], h), "t_stop": stop, "t_origin": origin}

    @staticmethod
    def current_on(p: Mapping[str, Any], stamp: Any) -> Any:
        """Whether a current device emits in the step with this stamp."""
        return (stamp >= p["t_start"]) & (stamp < p["t_stop"])

    @staticmethod
    def spikes_on(p: Mapping[str, Any], stamp: Any) -> Any:
        """Whether a spike device may emit a spike with this stamp."""
        return (stamp > p["t_start"]) & (stamp <= p["t_stop"])


def window_error(p: Mapping[str, np.ndarray], h: float) -> str | None:
    """NEST's message for an invalid start/stop/origin, or None."""
    tps = int(round(h * tics_per_ms()))
    for key in ("start", "stop", "origin"):
        v = np.atleast_1d(np.asarray(p[key], dtype=float))
        finite = v < STOP_MAX / 2
        bad = finite & ((v < 0) | (nest_tics(np.where(finite, v, 0.0)) % tps != 0))
        if np.any(bad):
            return f"{key} must be a multiple of the simulation resolution."
    if np.any(np.asarray(p["stop"]) < np.asarray(p["start"])):
        return "stop >= start required."
    return None


def gather(values: Any, src: Any) -> Any:
    """Per-connection view of a per-device array."""
    return jnp.asarray(values)[src]


def first_active(steps: Any, active: Any) -> Any:
    """The first step of a block that belongs to the current run."""
    return jnp.min(jnp.where(active, steps, jnp.iinfo(jnp.int64).max))


def resume_block(s: dict, first: Any, names: tuple[str, ...]) -> tuple[dict, dict]:
    """Start-of-block values of the state variables ``names``.

    The engine asks a stimulator for a block once per target group; each call
    must start from the state before the block, which is kept in ``blk_<name>``
    (with ``blk_first``, the block's first step). Returns the start values and
    the bookkeeping entries to put into the new state.
    """
    again = s["blk_first"] == first
    start = {k: jnp.where(again, s["blk_" + k], s[k]) for k in names}
    keep = {"blk_" + k: start[k] for k in names}
    keep["blk_first"] = jnp.broadcast_to(first, s["blk_first"].shape).astype(s["blk_first"].dtype)
    return start, keep


def block_state(names: tuple[str, ...], dtypes: tuple[Any, ...]) -> dict[str, Prop]:
    """Hidden state entries used by :func:`resume_block`."""
    out = {"blk_" + k: Prop(dt(0), "", dt, hidden=True) for k, dt in zip(names, dtypes, strict=True)}
    out["blk_first"] = Prop(-1, "", int, hidden=True)
    return out
