"""``iaf_psc_delta``: leaky IAF neuron whose input spikes make voltage jumps.

As NEST 3.10: a non-refractory neuron advances its membrane potential
(relative to ``E_L``) exactly with the step current of the previous step and
adds the weights (in mV) of the spikes arriving in this step; spikes that
arrived while refractory are added too when ``refractory_input`` is set,
each discounted by the membrane decay over the rest of the refractory
period. ``V_m`` is then bounded below by ``V_min``. A refractory neuron keeps
its potential and drops its input (or buffers it). The neuron fires at
``V_m >= V_th``, or, with ``ignore_and_spike``, at fixed times instead:
first ``ignore_and_spike_offset`` after that offset was set, then every
``ignore_and_spike_interval`` (both rounded up to whole steps).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .propagators import exp
from .shared import (
    IAF_PARAMS,
    IGNORE_AND_SPIKE_PARAMS,
    ceil_steps,
    check_archiving,
    first_error,
    non_negative_rule,
    positive_rule,
    relative_potentials,
    reset_rule,
    unknown_receptor,
)


@register
class iaf_psc_delta(NodeModel):
    name = "iaf_psc_delta"
    params = {
        **IAF_PARAMS,
        "V_min": Prop(-np.finfo(np.float64).max, "mV"),
        "refractory_input": Prop(False, "", bool),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_stim": Prop(0.0, "pA", hidden=True),
        "refr": Prop(0, "", int, hidden=True),
        "refr_spikes": Prop(0.0, "mV", hidden=True),  # input buffered while refractory
        # Steps to the next forced spike; -1: restart from ignore_and_spike_offset.
        "ias_countdown": Prop(-1, "", int, hidden=True),
    }
    recordables = ("V_m",)
    channels = ("spikes", "current")

    @classmethod
    def check(cls, p):
        """NEST's checks, in its order; the archiving-node checks come last."""
        rules = [
            reset_rule(),
            positive_rule("C_m", "Capacitance must be > 0."),
            non_negative_rule("t_ref", "Refractory time must not be negative."),
            positive_rule("tau_m", "Membrane time constant must be > 0."),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Every event type on receptor 0 only."""
        return unknown_receptor(receptor, receptor == 0, event)

    @classmethod
    def on_set(cls, group, local, values, kernel) -> None:
        """Setting ``ignore_and_spike_offset`` restarts the countdown to the next forced spike."""
        if "ignore_and_spike_offset" in values:
            group.state["ias_countdown"][local] = -1

    @classmethod
    def device_params(cls, p, h):
        tau_m = p["tau_m"]
        p33 = exp(-h / tau_m)
        return {
            **relative_potentials(p),
            "P33": p33,
            "P30": 1.0 / p["C_m"] * (1.0 - p33) * tau_m,
            "tau_m": tau_m,
            "refr_input": p["refractory_input"],
            "refr_steps": ms_to_steps(p["t_ref"], h),
            "ias": p["ignore_and_spike"],
            "ias_offset": ceil_steps(p["ignore_and_spike_offset"], h),
            "ias_interval": ceil_steps(p["ignore_and_spike_interval"], h),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        r = s["refr"]
        free = r == 0
        spikes = x[0]
        buf = s["refr_spikes"]

        y_free = p["P30"] * (s["I_stim"] + p["I_e"]) + p["P33"] * y + spikes
        y_free = jnp.where(p["refr_input"], y_free + buf, y_free)
        y_free = jnp.where(y_free < p["v_min"], p["v_min"], y_free)
        y = jnp.where(free, y_free, y)
        # Input while refractory, discounted by the decay over the remaining r steps.
        buf_refr = buf + spikes * jnp.exp(-r * ctx.h / p["tau_m"])
        buf = jnp.where(p["refr_input"], jnp.where(free, 0.0, buf_refr), buf)
        r = jnp.where(free, r, r - 1)

        countdown = jnp.where(s["ias_countdown"] < 0, p["ias_offset"], s["ias_countdown"])
        due = countdown - 1 == 0
        forced = jnp.where(due, p["ias_interval"], countdown - 1)
        spike = jnp.where(p["ias"], due, y >= p["theta"])
        countdown = jnp.where(p["ias"], forced, countdown)

        r = jnp.where(spike, p["refr_steps"], r)
        y = jnp.where(spike, p["v_reset"], y)
        new = {
            "V_m": y + p["E_L"],
            "I_stim": x[1],
            "refr": r,
            "refr_spikes": buf,
            "ias_countdown": countdown,
        }
        return new, spike.astype(jnp.int32)
