"""``amat2_psc_exp``: ``mat2_psc_exp`` with a voltage-dependent threshold component.

Exact integration as in NEST 3.10. The third threshold component ``V_th_v``
follows ``V_m`` through a second-order kernel (time constant ``tau_v``,
strength ``beta``): in each step it and its derivative advance first, from the
potential, currents and step current of the previous step, then ``V_m``, then
the other threshold components and the synaptic currents (which take up this
step's spikes). A neuron that is not refractory fires if ``V_m`` has reached
``omega + V_th_alpha_2 + V_th_alpha_1 + V_th_v``; it then starts a refractory
period of ``t_ref`` (in steps) and ``V_th_alpha_1``, ``V_th_alpha_2`` jump by
``alpha_1``, ``alpha_2``. ``V_m`` is never reset.

The propagators are NEST's closed forms (powers from the C library), which
NEST only defines for pairwise different ``tau_m``, ``tau_v`` and synaptic
time constants; it refuses equal ones.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ..base import Prop, StepContext, register
from ..iaf_psc.propagators import exp
from .shared import MatNeuron, mat_params


@register
class amat2_psc_exp(MatNeuron):
    name = "amat2_psc_exp"
    params = mat_params(
        E_L=-70.0,
        I_e=0.0,
        C_m=200.0,
        tau_m=10.0,
        tau_syn_ex=1.0,
        tau_syn_in=3.0,
        t_ref=2.0,
        tau_1=10.0,
        tau_2=200.0,
        alpha_1=10.0,
        alpha_2=0.0,
        beta=0.0,
        tau_v=5.0,
        omega=-65.0,
    )
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "V_th_alpha_1": Prop(0.0, "mV"),
        "V_th_alpha_2": Prop(0.0, "mV"),
        "V_th_v": Prop(0.0, "mV"),
        "V_th_dv": Prop(0.0, "mV/ms", hidden=True),  # derivative of V_th_v
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "i_0": Prop(0.0, "pA", hidden=True),  # step current of the previous step
        "refr": Prop(0, "", int, hidden=True),
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m", "V_th", "V_th_v")
    time_constants = (*MatNeuron.time_constants, "tau_v")
    threshold_state = ("V_th_alpha_1", "V_th_alpha_2", "V_th_v")

    @classmethod
    def distinct_rules(cls):
        def m_equal(p):
            return (
                (p["tau_m"] == p["tau_syn_ex"]) | (p["tau_m"] == p["tau_syn_in"]) | (p["tau_m"] == p["tau_v"])
            )

        def v_equal(p):
            return (p["tau_v"] == p["tau_syn_ex"]) | (p["tau_v"] == p["tau_syn_in"])

        return [
            (m_equal, "tau_m must differ from tau_syn_ex, tau_syn_in and tau_v. See note in documentation."),
            (v_equal, "tau_v must differ from tau_syn_ex, tau_syn_in and tau_m. See note in documentation."),
        ]

    @classmethod
    def device_params(cls, p, h):
        return {**cls.common_device_params(p, h), **_propagators(p, h)}

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        i_ex, i_in, dv = s["I_syn_ex"], s["I_syn_in"], s["V_th_dv"]
        drive = p["I_e"] + s["i_0"]
        v_th_v = (
            drive * p["P70"]
            + i_ex * p["P71"]
            + i_in * p["P72"]
            + y * p["P73"]
            + dv * p["P76"]
            + s["V_th_v"] * p["P77"]
        )
        dv = drive * p["P60"] + i_ex * p["P61"] + i_in * p["P62"] + y * p["P63"] + dv * p["P66"]
        y = drive * p["P30"] + i_ex * p["P31"] + i_in * p["P32"] + y * p["P33"]
        th = {
            "V_th_alpha_1": s["V_th_alpha_1"] * p["P_th_1"],
            "V_th_alpha_2": s["V_th_alpha_2"] * p["P_th_2"],
            "V_th_v": v_th_v,
        }
        i_ex = i_ex * p["P11"] + x[0]
        i_in = i_in * p["P22"] + x[1]
        free = s["refr"] == 0
        spike = free & (y >= cls.threshold(p, th, absolute=False))
        new = {
            "V_m": y + p["E_L"],
            "V_th_alpha_1": jnp.where(spike, th["V_th_alpha_1"] + p["alpha_1"], th["V_th_alpha_1"]),
            "V_th_alpha_2": jnp.where(spike, th["V_th_alpha_2"] + p["alpha_2"], th["V_th_alpha_2"]),
            "V_th_v": v_th_v,
            "V_th_dv": dv,
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "i_0": x[2],
            "refr": jnp.where(spike, p["refr_steps"], jnp.where(free, s["refr"], s["refr"] - 1)),
        }
        return new, spike.astype(jnp.int32)


def _pow(x: np.ndarray, n: float) -> np.ndarray:
    """``pow`` of the C library, elementwise (NEST's ``std::pow``)."""
    return np.vectorize(lambda v: math.pow(v, n), otypes=[np.float64])(np.asarray(x, dtype=np.float64))


def _propagators(p, h: float) -> dict[str, np.ndarray]:
    """NEST's propagators of amat2_psc_exp, in its arithmetic order."""
    c, beta = p["C_m"], p["beta"]
    tm, te, ti, tv = p["tau_m"], p["tau_syn_ex"], p["tau_syn_in"], p["tau_v"]
    e_e, e_i, e_m, e_v = exp(-h / te), exp(-h / ti), exp(-h / tm), exp(-h / tv)

    def p6s(ts, es):  # current -> V_th_dv
        return (beta * ts * tm * tv * (e_v * (-ts + tm) + e_m * (ts - tv) + es * (-tm + tv))) / (
            c * (ts - tm) * (ts - tv) * (tm - tv)
        )

    def p7s(ts, es):  # current -> V_th_v
        return (
            beta
            * ts
            * tm
            * tv
            * (
                (e_m * tm * _pow(ts - tv, 2) - es * ts * _pow(tm - tv, 2)) * tv
                - e_v * (ts - tm) * (h * (ts - tv) * (tm - tv) + ts * tm * tv - _pow(tv, 3))
            )
        ) / (c * (ts - tm) * _pow(ts - tv, 2) * _pow(tm - tv, 2))

    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "P11": e_e,
            "P22": e_i,
            "P33": e_m,
            "P66": e_v,
            "P77": e_v,
            "P30": (tm - e_m * tm) / c,
            "P31": ((e_e - e_m) * te * tm) / (c * (te - tm)),
            "P32": ((e_i - e_m) * ti * tm) / (c * (ti - tm)),
            "P60": (beta * (e_m - e_v) * tm * tv) / (c * (tm - tv)),
            "P61": p6s(te, e_e),
            "P62": p6s(ti, e_i),
            "P63": (beta * (-e_m + e_v) * tv) / (tm - tv),
            "P70": (beta * tm * tv * (e_m * tm * tv - e_v * (h * (tm - tv) + tm * tv)))
            / (c * _pow(tm - tv, 2)),
            "P71": p7s(te, e_e),
            "P72": p7s(ti, e_i),
            "P73": (beta * tv * (-(e_m * tm * tv) + e_v * (h * (tm - tv) + tm * tv))) / _pow(tm - tv, 2),
            "P76": e_v * h,
        }
