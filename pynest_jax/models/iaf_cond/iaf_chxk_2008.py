"""``iaf_chxk_2008``: conductance-based IAF neuron with an after-hyperpolarising (AHP)
conductance (Casti et al. 2008).

Excitatory, inhibitory and AHP conductances are alpha functions (``g' = dg - g / tau``,
``dg' = -dg / tau``); a unit spike weight gives a peak of 1 nS, a spike of the neuron an
AHP conductance peaking at ``g_ahp``. There is no reset and no refractory period: the
neuron spikes when ``V_m`` crosses ``V_th`` from below within a step. NEST places the
spike inside the step by linear interpolation of ``V_m`` between the ends of the step,
starts the AHP alpha function at that time (its value at the end of the step is added
to the AHP state, or replaces it when ``ahp_bug`` reproduces the original code) and
sends the spike with that offset: recorders show the precise time, while spike
delivery to other neurons stays on the grid.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..base import ARCHIVING_PARAMS, Prop, register
from ..iaf_psc.shared import IGNORE_AND_SPIKE_PARAMS, check_archiving, first_error, positive_rule
from .shared import CAPACITANCE_MSG, TIME_CONSTANTS_MSG, CondIAF, membrane_rate


@register
class iaf_chxk_2008(CondIAF):
    name = "iaf_chxk_2008"
    params = {
        "V_th": Prop(-45.0, "mV"),
        "g_L": Prop(100.0, "nS"),
        "C_m": Prop(1000.0, "pF"),
        "E_ex": Prop(20.0, "mV"),
        "E_in": Prop(-90.0, "mV"),
        "E_L": Prop(-60.0, "mV"),
        "tau_syn_ex": Prop(1.0, "ms"),
        "tau_syn_in": Prop(1.0, "ms"),
        "I_e": Prop(0.0, "pA"),
        "tau_ahp": Prop(0.5, "ms"),
        "g_ahp": Prop(443.8, "nS"),
        "E_ahp": Prop(-95.0, "mV"),
        "ahp_bug": Prop(False, "", bool),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    # NEST shows only V_m; "G_ahp" is the AHP conductance (the parameter g_ahp is its peak).
    ode_state = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in", "dg_ahp", "G_ahp")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        **{k: Prop(0.0, "nS", hidden=True) for k in ("g_ex", "g_in", "G_ahp")},
        **{k: Prop(0.0, "nS/ms", hidden=True) for k in ("dg_ex", "dg_in", "dg_ahp")},
        "I_stim": Prop(0.0, "pA", hidden=True),
        "h_int": Prop(0.0, "ms", hidden=True),
        # Time (ms) from this step's spike to the end of the step; 0 without a spike.
        "spike_offset": Prop(0.0, "ms", hidden=True),
    }
    recordables = ("I_ahp", "I_syn_ex", "I_syn_in", "V_m", "g_ahp", "g_ex", "g_in")
    spike_offset_state = "spike_offset"

    @classmethod
    def check(cls, p):
        rules = [
            positive_rule("C_m", CAPACITANCE_MSG),
            positive_rule(("tau_syn_ex", "tau_syn_in", "tau_ahp"), TIME_CONSTANTS_MSG),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["g0_ex"] = np.e / p["tau_syn_ex"]
        out["g0_in"] = np.e / p["tau_syn_in"]
        out["g0_ahp"] = p["g_ahp"] * np.e / p["tau_ahp"]
        return out

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = y["V_m"]
        currents = (y["g_ex"] * (v - p["E_ex"]), y["g_in"] * (v - p["E_in"]), y["G_ahp"] * (v - p["E_ahp"]))
        return {
            "V_m": membrane_rate(p, v, i_stim, currents),
            "dg_ex": -y["dg_ex"] / p["tau_syn_ex"],
            "g_ex": y["dg_ex"] - y["g_ex"] / p["tau_syn_ex"],
            "dg_in": -y["dg_in"] / p["tau_syn_in"],
            "g_in": y["dg_in"] - y["g_in"] / p["tau_syn_in"],
            "dg_ahp": -y["dg_ahp"] / p["tau_ahp"],
            "G_ahp": y["dg_ahp"] - y["G_ahp"] / p["tau_ahp"],
        }

    @classmethod
    def fire(cls, p, s, y):
        v_prev, v = s["V_m"], y["V_m"]
        spike = (v_prev < p["V_th"]) & (v >= p["V_th"])
        # Time from the crossing of V_th (linear interpolation) to the end of the step.
        dt = p["h_ms"] * (v - p["V_th"]) / jnp.where(spike, v - v_prev, 1.0)
        dt = jnp.where(spike, dt, 0.0)
        d_dg = p["g0_ahp"] * jnp.exp(-dt / p["tau_ahp"])
        d_g = d_dg * dt
        # ahp_bug: the new AHP alpha function replaces the one of earlier spikes.
        dg_ahp = jnp.where(p["ahp_bug"], d_dg, y["dg_ahp"] + d_dg)
        g_ahp = jnp.where(p["ahp_bug"], d_g, y["G_ahp"] + d_g)
        y = {
            **y,
            "dg_ahp": jnp.where(spike, dg_ahp, y["dg_ahp"]),
            "G_ahp": jnp.where(spike, g_ahp, y["G_ahp"]),
        }
        return y, spike.astype(jnp.int32), {"spike_offset": dt}

    @classmethod
    def receive(cls, p, y, x):
        return {**y, "dg_ex": y["dg_ex"] + x[0] * p["g0_ex"], "dg_in": y["dg_in"] - x[1] * p["g0_in"]}

    @classmethod
    def recordable(cls, p, s, name):
        v = s["V_m"]
        if name == "I_syn_ex":
            return s["g_ex"] * (v - p["E_ex"])
        if name == "I_syn_in":
            return s["g_in"] * (v - p["E_in"])
        if name == "I_ahp":
            return s["G_ahp"] * (v - p["E_ahp"])
        if name == "g_ahp":
            return s["G_ahp"]
        return s[name]
