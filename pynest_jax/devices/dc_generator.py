"""``dc_generator``: a constant current while the device is active."""

from __future__ import annotations

import jax.numpy as jnp

from ..models.base import Prop, register
from .stimulation import StimulationDevice


@register
class dc_generator(StimulationDevice):
    name = "dc_generator"
    emits = "current"
    params = {**StimulationDevice.params, "amplitude": Prop(0.0, "pA")}
    recordables = ("I",)

    @classmethod
    def device_params(cls, p, h):
        return {"amplitude": p["amplitude"], **cls.window_params(p, h)}

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        on = cls.current_on(p, steps[:, None] + 1)
        return s, cs, jnp.where(on, p["amplitude"], 0.0)[:, src]
