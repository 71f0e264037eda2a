"""NEST's time arithmetic: times are integer tics, steps are whole multiples of tics.

NEST converts a time in ms to tics by rounding to the nearest tic and
reports times as ``tics * ms_per_tic``; we do the same so that recorded times
and step counts are bit-identical to NEST's.
"""

from __future__ import annotations

import numpy as np

TICS_PER_MS = 1000.0
MS_PER_TIC = 1.0 / TICS_PER_MS


def ms_to_tics(ms: float | np.ndarray) -> np.ndarray:
    """Nearest tic, halves rounded up (NEST's ``ld_round``)."""
    return np.floor(np.asarray(ms, dtype=np.float64) * TICS_PER_MS + 0.5).astype(np.int64)


def tics_per_step(h: float) -> int:
    return int(round(h * TICS_PER_MS))


def ms_to_steps(ms: float | np.ndarray, h: float) -> np.ndarray:
    """Steps of a duration as NEST's ``Time(Time::ms(x)).get_steps()``: the nearest tic,
    then up to the next whole step (a refractory time of 1.94 ms is 20 steps of 0.1 ms)."""
    return -(-ms_to_tics(ms) // tics_per_step(h))


def steps_to_ms(steps: np.ndarray | int, h: float) -> np.ndarray:
    return (np.asarray(steps, dtype=np.int64) * tics_per_step(h)) * MS_PER_TIC


def is_multiple_of_resolution(ms: float, h: float) -> bool:
    return int(ms_to_tics(ms)) % tics_per_step(h) == 0
