"""``ac_generator``: a sinusoidal current ``offset + amplitude * sin(omega t + phase)``.

As NEST, the sine is not evaluated directly: at every ``Prepare`` (so at the
start of every ``Simulate``) the oscillator state is set to
``amplitude * (cos, sin)(omega t + phase)`` at the current time ``t``, and each
update step rotates it by ``omega h`` with a fixed 2x2 matrix; the current of
a step is the rotated sine component plus the offset. The oscillator turns in
every step; ``start``/``stop`` only gate what is sent.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..models.base import Prop, register
from ..timeconv import steps_to_ms
from .stimulation import StimulationDevice, block_state, first_active, resume_block

_OSC = ("y_0", "y_1")


def rotation(freq_hz: np.ndarray, h: float) -> dict[str, np.ndarray]:
    """NEST's rotation matrix of one step for a frequency in Hz."""
    omega = 2.0 * np.pi * np.asarray(freq_hz, dtype=np.float64) / 1000.0
    res = float(steps_to_ms(1, h))
    return {
        "zero": np.zeros(omega.shape, dtype=np.int64),
        "A_00": np.cos(omega * res),
        "A_01": -np.sin(omega * res),
        "A_10": np.sin(omega * res),
        "A_11": np.cos(omega * res),
    }


def phase_at(freq_hz: np.ndarray, phase_deg: np.ndarray, t_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """(cos, sin) of ``omega t + phi`` computed as NEST does at Prepare."""
    omega = 2.0 * np.pi * np.asarray(freq_hz, dtype=np.float64) / 1000.0
    phi = np.asarray(phase_deg, dtype=np.float64) * 2.0 * np.pi / 360.0
    return np.cos(omega * t_ms + phi), np.sin(omega * t_ms + phi)


def _plain(x: Any, zero: Any) -> Any:
    """``x`` itself, in a form the compiler cannot fuse into a multiply-add: NEST's
    arithmetic has no fused multiply-adds, and we reproduce its numbers bit for bit."""
    as_int = jax.lax.bitcast_convert_type(x, jnp.int64) ^ zero
    return jax.lax.bitcast_convert_type(as_int, jnp.float64)


def rotate(p: dict, y0: Any, y1: Any) -> tuple[Any, Any]:
    """One step of the oscillator, in NEST's order of operations (``p["zero"]`` is a
    runtime 0 that keeps products apart from sums)."""
    z = p["zero"]
    return (
        _plain(p["A_00"] * y0, z) + _plain(p["A_01"] * y1, z),
        _plain(p["A_10"] * y0, z) + _plain(p["A_11"] * y1, z),
    )


@register
class ac_generator(StimulationDevice):
    """Sinusoidal current generator (NEST's ``ac_generator``)."""

    name = "ac_generator"
    emits = "current"
    params = {
        **StimulationDevice.params,
        "amplitude": Prop(0.0, "pA"),
        "offset": Prop(0.0, "pA"),
        "frequency": Prop(0.0, "Hz"),
        "phase": Prop(0.0, ""),
    }
    state = {"y_0": Prop(0.0, "pA"), "y_1": Prop(0.0, "pA"), **block_state(_OSC, (float, float))}
    recordables = ("I",)

    @classmethod
    def device_params(cls, p, h):
        return {"offset": p["offset"], **rotation(p["frequency"], h), **cls.window_params(p, h)}

    @classmethod
    def pre_run(cls, group: Any, p: dict, s: dict, kernel: Any) -> dict:
        """NEST's pre-run hook: restart the oscillator at the current time."""
        t = float(steps_to_ms(kernel.time_steps, kernel.h))
        c, si = phase_at(group.params["frequency"], group.params["phase"], t)
        amp = np.asarray(group.params["amplitude"], dtype=np.float64)
        restart = {
            "y_0": jnp.asarray(amp * c),
            "y_1": jnp.asarray(amp * si),
            "blk_first": s["blk_first"] * 0 - 1,
        }
        return {**s, **restart}

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        start, keep = resume_block(s, first_active(steps, active), _OSC)

        def body(y, xs):
            step, run = xs
            y0, y1 = rotate(p, *y)
            y = (jnp.where(run, y0, y[0]), jnp.where(run, y1, y[1]))
            on = cls.current_on(p, step + 1)
            return y, jnp.where(on, y[1] + p["offset"], 0.0)

        (y0, y1), current = jax.lax.scan(body, (start["y_0"], start["y_1"]), (steps, active))
        return {**s, **keep, "y_0": y0, "y_1": y1}, cs, current[:, src]
