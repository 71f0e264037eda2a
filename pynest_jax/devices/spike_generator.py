"""``spike_generator``: emits spikes at given times to all its targets.

A spike at time ``t`` is emitted in the step that ends at ``t`` (stamp ``t``),
so it reaches a target at ``t + delay``; spikes at or before the current time
and outside ``(origin + start, origin + stop]`` are not emitted.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop, register
from ..timeconv import ms_to_tics, tics_per_step
from .stimulation import StimulationDevice


@register
class spike_generator(StimulationDevice):
    name = "spike_generator"
    kind = "spike_source"
    params = {
        **StimulationDevice.params,
        "spike_times": Prop([], "ms", "vector"),
        "spike_weights": Prop([], "", "vector"),
        "spike_multiplicities": Prop([], "", "vector"),
        "precise_times": Prop(False, "", bool),
        "allow_offgrid_times": Prop(False, "", bool),
        "shift_now_spikes": Prop(False, "", bool),
    }

    @classmethod
    def check(cls, p):
        from ..kernel import KERNEL

        tps = tics_per_step(KERNEL.h)
        for i, times in enumerate(p["spike_times"]):
            times = np.asarray(times, dtype=float)
            if np.any(np.diff(times) < 0):
                return "spike times must be sorted in non-descending order"
            mult = p["spike_multiplicities"][i]
            if len(mult) and len(mult) != len(times):
                return "spike_multiplicities must have the same number of elements as spike_times or 0 elements to clear the property."
            w = p["spike_weights"][i]
            if len(w) and len(w) != len(times):
                return "spike_weights must have the same number of elements as spike_times or 0 elements to clear the property."
            if not (p["precise_times"][i] or p["allow_offgrid_times"][i]):
                tics = np.round(times * 1000.0)
                if np.any(np.abs(tics - times * 1000.0) > 1e-6) or np.any(ms_to_tics(times) % tps != 0):
                    return "spike_generator: Time point is not representable on the grid."
        return super().check(p)

    @classmethod
    def device_params(cls, p, h):
        tps = tics_per_step(h)
        n = len(p["spike_times"])
        width = max([len(t) for t in p["spike_times"]] + [1])
        stamps = np.full((n, width), -1, dtype=np.int64)
        mult = np.zeros((n, width), dtype=np.int32)
        for i, times in enumerate(p["spike_times"]):
            tics = ms_to_tics(times)
            stamps[i, : len(times)] = -(-tics // tps)  # off-grid times go to the end of their step
            m = p["spike_multiplicities"][i]
            mult[i, : len(times)] = np.asarray(m, dtype=np.int32) if len(m) else 1
        return {"stamps": stamps, "mult": mult, **cls.window_params(p, h)}

    @classmethod
    def update(cls, p, s, x, ctx):
        stamp = ctx.step + 1
        hit = (p["stamps"] == stamp) & cls.spikes_on(p, stamp)[:, None]
        return s, jnp.sum(jnp.where(hit, p["mult"], 0), axis=1).astype(jnp.int32)
