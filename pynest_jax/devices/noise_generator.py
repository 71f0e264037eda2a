"""``noise_generator``: piecewise constant Gaussian white noise, drawn per target.

As in NEST, every ``dt`` ms (a multiple of the resolution) each connection
draws a new, independent amplitude
``mean + sqrt(std**2 + y_1 * std_mod**2) * N(0, 1)``, which it keeps until the
next draw; ``y_1`` is ``sin(omega t + phase)`` from an oscillator that NEST
restarts at every ``Prepare`` and rotates once per active step (only when
``std_mod`` is not 0). Draws are made in active steps only: after an inactive
period the next draw comes at the first active step. The random numbers are
not NEST's, so runs agree with NEST statistically, not sample by sample.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..models.base import Prop, register
from ..timeconv import steps_to_ms, tics_per_step
from .ac_generator import phase_at, rotate, rotation
from .stimulation import (
    StimulationDevice,
    block_state,
    first_active,
    nest_tics,
    resume_block,
    tics_to_steps,
    time_text,
    window_error,
)

_OSC = ("y_0", "y_1")


@register
class noise_generator(StimulationDevice):
    """Gaussian noise current generator (NEST's ``noise_generator``)."""

    name = "noise_generator"
    emits = "current"
    params = {
        **StimulationDevice.params,
        "mean": Prop(0.0, "pA"),
        "std": Prop(0.0, "pA"),
        "std_mod": Prop(0.0, "pA"),
        "dt": Prop(1.0, "ms"),
        "frequency": Prop(0.0, "Hz"),
        "phase": Prop(0.0, ""),
    }
    state = {"y_0": Prop(0.0, ""), "y_1": Prop(0.0, ""), **block_state(_OSC, (float, float))}
    recordables = ("I",)

    @classmethod
    def check(cls, p):
        """NEST's checks, in NEST's order; a ``dt`` off the grid is a StepMultipleRequired."""
        from ..kernel import KERNEL as kernel

        if np.any(p["std"] < 0) or np.any(p["std_mod"] < 0):
            return "The standard deviation cannot be negative."
        if np.any(p["std_mod"] > p["std"]):
            return "The modulation apmlitude must be smaller or equal to the baseline amplitude."
        tps = tics_per_step(kernel.h)
        for dt in np.atleast_1d(p["dt"]):
            tics = int(nest_tics(dt))
            if tics % tps or tics_to_steps(tics, tps) < 1:
                raise NESTErrors.StepMultipleRequired(
                    f"The time property dt = {time_text(dt, kernel.h)} of model noise_generator must be a "
                    f"multiple of the resolution {time_text(kernel.h, kernel.h)}."
                )
        return window_error(p, kernel.h)

    @classmethod
    def device_params(cls, p, h):
        return {
            "mean": p["mean"],
            "std": p["std"],
            "std_mod": p["std_mod"],
            "dt_steps": nest_tics(p["dt"]) // tics_per_step(h),
            **rotation(p["frequency"], h),
            **cls.window_params(p, h),
        }

    @classmethod
    def conn_state(cls, n_conn: int) -> dict[str, Any]:
        """Per target: its current amplitude and the step of its next draw."""
        return {"amp": np.zeros(n_conn), "next": np.zeros(n_conn, dtype=np.int64)}

    @classmethod
    def pre_run(cls, group: Any, p: dict, s: dict, kernel: Any) -> dict:
        """NEST's pre-run hook: restart the modulation oscillator at the current time."""
        t = float(steps_to_ms(kernel.time_steps, kernel.h))
        c, si = phase_at(group.params["frequency"], group.params["phase"], t)
        return {**s, "y_0": jnp.asarray(c), "y_1": jnp.asarray(si), "blk_first": s["blk_first"] * 0 - 1}

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        start, keep = resume_block(s, first_active(steps, active), _OSC)
        normal = jax.random.normal(key, (len(steps), src.shape[0]), dtype=jnp.float64)
        modulated = p["std_mod"] != 0.0

        def body(carry, xs):
            y0, y1, amp, nxt = carry
            step, run, z = xs
            on = run & cls.current_on(p, step + 1)
            r0, r1 = rotate(p, y0, y1)
            turn = on & modulated
            y0, y1 = jnp.where(turn, r0, y0), jnp.where(turn, r1, y1)
            draw = on[src] & (step >= nxt)
            sd = jnp.sqrt(p["std"] * p["std"] + y1 * p["std_mod"] * p["std_mod"])[src]
            amp = jnp.where(draw, p["mean"][src] + sd * z, amp)
            nxt = jnp.where(draw, step + p["dt_steps"][src], nxt)
            return (y0, y1, amp, nxt), jnp.where(on[src], amp, 0.0)

        init = (start["y_0"], start["y_1"], cs["amp"], cs["next"])
        (y0, y1, amp, nxt), current = jax.lax.scan(body, init, (steps, active, normal))
        return {**s, **keep, "y_0": y0, "y_1": y1}, {"amp": amp, "next": nxt}, current
