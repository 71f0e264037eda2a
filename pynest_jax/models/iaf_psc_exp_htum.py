"""``iaf_psc_exp_htum``: ``iaf_psc_exp`` with separate absolute and total refractory periods.

Exact integration as in NEST 3.10 (Hill and Tononi's model, as used by
Tsodyks et al.). In each step the membrane potential (relative to ``E_L``)
advances with the synaptic currents and step current of the previous step,
unless the neuron is absolutely refractory (then it stays at ``V_reset``);
the synaptic currents decay and take up this step's spikes (weights >= 0
excitatory, < 0 inhibitory). A neuron outside its total refractory period
fires if ``V_m >= V_th``: ``V_m`` is reset and both refractory periods start,
``t_ref_abs`` (``V_m`` clamped) and ``t_ref_tot >= t_ref_abs`` (no firing).

NEST's multimeter records ``V_m`` relative to ``E_L`` for this model (its
status shows the absolute value); we record what NEST records.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..timeconv import ms_to_steps
from .base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .iaf_psc.propagators import exp, exp_psc_propagator
from .iaf_psc.shared import (
    IAF_PARAMS,
    IGNORE_AND_SPIKE_PARAMS,
    check_archiving,
    first_error,
    positive_rule,
    relative_potentials,
    reset_rule,
    sign_channel,
    unknown_receptor,
)


@register
class iaf_psc_exp_htum(NodeModel):
    name = "iaf_psc_exp_htum"
    category = "B"
    params = {
        **{k: v for k, v in IAF_PARAMS.items() if k != "t_ref"},
        "tau_syn_ex": Prop(2.0, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
        "t_ref_abs": Prop(2.0, "ms"),
        "t_ref_tot": Prop(2.0, "ms"),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "i_0": Prop(0.0, "pA", hidden=True),  # step current of the previous step
        "refr_abs": Prop(0, "", int, hidden=True),
        "refr_tot": Prop(0, "", int, hidden=True),
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current")

    @classmethod
    def check(cls, p):
        """NEST's order: V_reset, t_ref_abs <= t_ref_tot, C_m, time constants, then the
        archiving-node checks."""
        rules = [
            reset_rule(),
            (
                lambda p: p["t_ref_abs"] > p["t_ref_tot"],
                "Total refractory period must be larger or equal than absolute refractory time.",
            ),
            positive_rule("C_m", "Capacitance must be strictly positive."),
            positive_rule(
                ("tau_m", "tau_syn_ex", "tau_syn_in", "t_ref_tot", "t_ref_abs"),
                "All time constants must be strictly positive.",
            ),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        return unknown_receptor(receptor, receptor == 0, event)

    spike_channel = staticmethod(sign_channel)

    @classmethod
    def pre_run(cls, group, p, s, kernel):
        """NEST refuses, when a simulation starts, refractory times shorter than half a tic."""
        for key, which in (("t_ref_abs", "Absolute"), ("t_ref_tot", "Total")):
            if np.any(ms_to_steps(group.params[key], kernel.h) < 1):
                raise NESTErrors.BadProperty(f"{which} refractory time must be at least one time step.")
        return s

    @classmethod
    def device_params(cls, p, h):
        tau_m, c_m = p["tau_m"], p["C_m"]
        p22 = exp(-h / tau_m)
        return {
            **relative_potentials(p),
            "P11_ex": exp(-h / p["tau_syn_ex"]),
            "P11_in": exp(-h / p["tau_syn_in"]),
            "P22": p22,
            "P21_ex": exp_psc_propagator(p["tau_syn_ex"], tau_m, c_m, h),
            "P21_in": exp_psc_propagator(p["tau_syn_in"], tau_m, c_m, h),
            "P20": tau_m / c_m * (1.0 - p22),
            "abs_steps": ms_to_steps(p["t_ref_abs"], h),
            "tot_steps": ms_to_steps(p["t_ref_tot"], h),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        clamped = s["refr_abs"] > 0
        y_free = (
            y * p["P22"]
            + s["I_syn_ex"] * p["P21_ex"]
            + s["I_syn_in"] * p["P21_in"]
            + (p["I_e"] + s["i_0"]) * p["P20"]
        )
        y = jnp.where(clamped, y, y_free)
        refr_abs = jnp.where(clamped, s["refr_abs"] - 1, 0)
        i_ex = s["I_syn_ex"] * p["P11_ex"] + x[0]
        i_in = s["I_syn_in"] * p["P11_in"] + x[1]
        can_fire = s["refr_tot"] == 0
        spike = can_fire & (y >= p["theta"])
        refr_tot = jnp.where(can_fire, 0, s["refr_tot"] - 1)
        new = {
            "V_m": jnp.where(spike, p["v_reset"], y) + p["E_L"],
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "i_0": x[2],
            "refr_abs": jnp.where(spike, p["abs_steps"], refr_abs),
            "refr_tot": jnp.where(spike, p["tot_steps"], refr_tot),
        }
        return new, spike.astype(jnp.int32)

    @classmethod
    def recordable(cls, p, s, name):
        if name == "V_m":  # NEST records the potential relative to E_L
            return s["V_m"] - p["E_L"]
        return s[name]
