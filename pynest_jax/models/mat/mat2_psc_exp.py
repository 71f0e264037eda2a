"""``mat2_psc_exp``: leaky integrator with exponential PSCs and a two-timescale adaptive threshold.

Exact integration as in NEST 3.10. In each step the membrane potential
(relative to ``E_L``) advances with the synaptic currents and the step
current of the previous step (NEST writes the decay as ``V * expm1(-h/tau_m)
+ V``); the threshold components decay; the synaptic currents decay and take
up this step's spikes. A neuron that is not refractory fires if ``V_m`` has
reached ``omega + V_th_alpha_2 + V_th_alpha_1``; it then starts a refractory
period of ``t_ref`` (in steps) and the threshold components jump by
``alpha_1`` and ``alpha_2``. ``V_m`` is never reset.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..base import Prop, StepContext, register
from ..iaf_psc.propagators import exp, expm1
from .shared import MatNeuron, mat_params


@register
class mat2_psc_exp(MatNeuron):
    name = "mat2_psc_exp"
    params = mat_params(
        E_L=-70.0,
        I_e=0.0,
        C_m=100.0,
        tau_m=5.0,
        tau_syn_ex=1.0,
        tau_syn_in=3.0,
        t_ref=2.0,
        tau_1=10.0,
        tau_2=200.0,
        alpha_1=37.0,
        alpha_2=2.0,
        omega=-51.0,
    )
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "V_th_alpha_1": Prop(0.0, "mV"),
        "V_th_alpha_2": Prop(0.0, "mV"),
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "i_0": Prop(0.0, "pA", hidden=True),  # step current of the previous step
        "refr": Prop(0, "", int, hidden=True),
    }
    recordables = ("V_m", "V_th")

    @classmethod
    def distinct_rules(cls):
        same = lambda p: (p["tau_m"] == p["tau_syn_ex"]) | (p["tau_m"] == p["tau_syn_in"])  # noqa: E731
        return [(same, "Membrane and synapse time constant(s) must differ.See note in documentation.")]

    @classmethod
    def device_params(cls, p, h):
        tau_m, c_m = p["tau_m"], p["C_m"]
        p11_ex = exp(-h / p["tau_syn_ex"])
        p11_in = exp(-h / p["tau_syn_in"])
        p22_expm1 = expm1(-h / tau_m)
        return {
            **cls.common_device_params(p, h),
            "P11_ex": p11_ex,
            "P11_in": p11_in,
            "P22_expm1": p22_expm1,
            "P21_ex": _p21(p["tau_syn_ex"], tau_m, c_m, p11_ex, h),
            "P21_in": _p21(p["tau_syn_in"], tau_m, c_m, p11_in, h),
            "P20": -tau_m / c_m * p22_expm1,
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        y = (
            y * p["P22_expm1"]
            + y
            + s["I_syn_ex"] * p["P21_ex"]
            + s["I_syn_in"] * p["P21_in"]
            + (p["I_e"] + s["i_0"]) * p["P20"]
        )
        th = {
            "V_th_alpha_1": s["V_th_alpha_1"] * p["P_th_1"],
            "V_th_alpha_2": s["V_th_alpha_2"] * p["P_th_2"],
        }
        i_ex = s["I_syn_ex"] * p["P11_ex"] + x[0]
        i_in = s["I_syn_in"] * p["P11_in"] + x[1]
        free = s["refr"] == 0
        spike = free & (y >= cls.threshold(p, th, absolute=False))
        new = {
            "V_m": y + p["E_L"],
            "V_th_alpha_1": jnp.where(spike, th["V_th_alpha_1"] + p["alpha_1"], th["V_th_alpha_1"]),
            "V_th_alpha_2": jnp.where(spike, th["V_th_alpha_2"] + p["alpha_2"], th["V_th_alpha_2"]),
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "i_0": x[2],
            "refr": jnp.where(spike, p["refr_steps"], jnp.where(free, s["refr"], s["refr"] - 1)),
        }
        return new, spike.astype(jnp.int32)


def _p21(tau_syn, tau_m, c_m, p11, h: float):
    """NEST's propagator from a synaptic current to V_m (no singular-case fallback:
    NEST refuses tau_syn == tau_m)."""
    return -tau_m / (c_m * (1.0 - tau_m / tau_syn)) * p11 * expm1(h * (1.0 / tau_syn - 1.0 / tau_m))
