"""NEST's time arithmetic: times are integer tics, steps are whole multiples of tics.

NEST converts a time in ms to tics by rounding to the nearest tic and
reports times as ``tics * ms_per_tic``; we do the same so that recorded times
and step counts are bit-identical to NEST's. The tic length is a kernel
property (``tics_per_ms``, 1000 by default) that a script may change, together
with the resolution, before any node exists.
"""

from __future__ import annotations

import numpy as np

DEFAULT_TICS_PER_MS = 1000

_clock = {"tics_per_ms": DEFAULT_TICS_PER_MS}


def tics_per_ms() -> int:
    return _clock["tics_per_ms"]


def ms_per_tic() -> float:
    return 1.0 / _clock["tics_per_ms"]


def set_tics_per_ms(tics: int) -> None:
    """Change the tic length; the kernel allows it only before nodes exist."""
    _clock["tics_per_ms"] = int(tics)


def ms_to_tics(ms: float | np.ndarray) -> np.ndarray:
    """Nearest tic, halves rounded up (NEST's ``ld_round``)."""
    return np.floor(np.asarray(ms, dtype=np.float64) * tics_per_ms() + 0.5).astype(np.int64)


def tics_per_step(h: float) -> int:
    return int(round(h * tics_per_ms()))


def ms_to_steps(ms: float | np.ndarray, h: float) -> np.ndarray:
    """Steps of a duration as NEST's ``Time(Time::ms(x)).get_steps()``: the nearest tic,
    then up to the next whole step (a refractory time of 1.94 ms is 20 steps of 0.1 ms)."""
    return -(-ms_to_tics(ms) // tics_per_step(h))


def steps_to_ms(steps: np.ndarray | int, h: float) -> np.ndarray:
    return (np.asarray(steps, dtype=np.int64) * tics_per_step(h)) * ms_per_tic()


def is_multiple_of_resolution(ms: float, h: float) -> bool:
    return int(ms_to_tics(ms)) % tics_per_step(h) == 0
