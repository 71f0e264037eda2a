"""What NEST's AdEx models (``aeif_*``) share: parameters, checks, the spike
handling between integration steps, and the update around the integrator.

Every model of the family integrates its state over each simulation step with
the shared RKF45 (``gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)``,
first integration step ``min(0.01 ms, h)``). After each accepted integration
step a refractory neuron is clamped to ``V_reset``; otherwise, once ``V_m``
reaches ``V_peak`` (``V_th`` when ``Delta_T == 0``), the neuron spikes within
that same loop: ``V_m`` is reset, ``w`` jumps by ``b`` and the refractory
counter is set to ``t_ref`` in steps plus one (it is decremented at the end of
the step). A neuron can therefore fire several times in one step when
``t_ref == 0``. After the integration the step's spikes enter the synapses
and the step current is taken for the next step.

NEST throws ``NumericalInstability`` when ``V_m < -1e3`` or ``|w| > 1e6``; we
keep integrating (an exception cannot leave a compiled step).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext
from ..gsl_rkf45 import StepControl, evolve
from ..iaf_psc.shared import IGNORE_AND_SPIKE_PARAMS, Rule, check_archiving, first_error, positive_rule

Params = Mapping[str, np.ndarray]

ADEX_PARAMS: dict[str, Prop] = {
    "V_peak": Prop(0.0, "mV"),
    "V_reset": Prop(-60.0, "mV"),
    "t_ref": Prop(0.0, "ms"),
    "g_L": Prop(30.0, "nS"),
    "C_m": Prop(281.0, "pF"),
    "E_L": Prop(-70.6, "mV"),
    "Delta_T": Prop(2.0, "mV"),
    "tau_w": Prop(144.0, "ms"),
    "a": Prop(4.0, "nS"),
    "b": Prop(80.5, "pA"),
    "V_th": Prop(-50.4, "mV"),
    "I_e": Prop(0.0, "pA"),
    "gsl_error_tol": Prop(1e-6),
    **ARCHIVING_PARAMS,
    **IGNORE_AND_SPIKE_PARAMS,
}

# Largest exponent NEST lets (V_peak - V_th) / Delta_T reach: log(DBL_MAX / 1e20).
_MAX_EXP_ARG = float(np.log(np.finfo(np.float64).max / 1e20))


def adex_rules(time_constants: tuple[str, ...]) -> list[Rule]:
    """NEST 3.10's checks of the AdEx parameters, in its order."""

    def overflow(p: Params) -> np.ndarray:
        dt = np.asarray(p["Delta_T"], dtype=float)
        safe = np.where(dt > 0, dt, 1.0)
        return (dt > 0) & ((p["V_peak"] - p["V_th"]) / safe >= _MAX_EXP_ARG)

    return [
        (lambda p: p["V_reset"] >= p["V_peak"], "Ensure that: V_reset < V_peak ."),
        (lambda p: p["Delta_T"] < 0.0, "Delta_T must be positive."),
        (
            overflow,
            "The current combination of V_peak, V_th and Delta_Twill lead to numerical overflow at "
            "spike time; try for instance to increase Delta_T or to reduce V_peakto avoid this problem.",
        ),
        (lambda p: p["V_peak"] < p["V_th"], "V_peak >= V_th required."),
        positive_rule("C_m", "Capacitance must be strictly positive."),
        (lambda p: p["t_ref"] < 0.0, "Refractory time cannot be negative."),
        positive_rule(time_constants, "All time constants must be strictly positive."),
        positive_rule("gsl_error_tol", "The gsl_error_tol must be strictly positive."),
    ]


def spike_current(p: dict, v: Any) -> Any:
    """The exponential spike-initiation current ``g_L Delta_T exp((V - V_th) / Delta_T)``
    (zero when ``Delta_T == 0``)."""
    dt = p["Delta_T"]
    on = dt != 0.0
    arg = jnp.where(on, (v - p["V_th"]) / jnp.where(on, dt, 1.0), 0.0)
    return jnp.where(on, p["g_L"] * dt * jnp.exp(arg), 0.0)


def membrane_potential(p: dict, v: Any, refractory: Any) -> Any:
    """The potential the right-hand side sees: ``V_reset`` while refractory, else ``V_m``
    bounded by ``V_peak``."""
    return jnp.where(refractory, p["V_reset"], jnp.minimum(v, p["V_peak"]))


def voltage_rate(p: dict, v: Any, refractory: Any, currents: Any, i_stim: Any) -> Any:
    """dV/dt = (-g_L (V - E_L) + currents + I_e + I_stim) / C_m, zero while refractory.
    ``currents`` is the spike current minus the synaptic currents and ``w``, summed in
    NEST's order after the leak."""
    dv = (-p["g_L"] * (v - p["E_L"]) + currents + p["I_e"] + i_stim) / p["C_m"]
    return jnp.where(refractory, 0.0, dv)


def adaptation_rate(p: dict, v: Any, w: Any) -> Any:
    """dw/dt = (a (V - E_L) - w) / tau_w."""
    return (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]


class AdExNeuron(NodeModel):
    """Base of the AdEx models: state ``y`` (a dict of the integrated variables),
    hidden ``refr`` (steps left), ``I_stim`` and ``h_int`` (the carried integration step)."""

    category = "A"
    time_constants: ClassVar[tuple[str, ...]] = ("tau_w",)
    # Integrated state variables, in NEST's state-vector order.
    ode_state: ClassVar[tuple[str, ...]] = ()
    hidden_state: ClassVar[dict[str, Prop]] = {
        "refr": Prop(0, "", int, hidden=True),
        "I_stim": Prop(0.0, "pA", hidden=True),
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, NEST's first step is min(0.01, h)
    }

    @classmethod
    def rules(cls) -> list[Rule]:
        return adex_rules(cls.time_constants)

    @classmethod
    def check(cls, p):
        return first_error(p, cls.rules()) or check_archiving(p)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["V_spike"] = np.where(p["Delta_T"] > 0.0, p["V_peak"], p["V_th"])
        out["refr_steps"] = ms_to_steps(p["t_ref"], h)
        return out

    @classmethod
    def derivatives(cls, p: dict, y: dict, refractory: Any, i_stim: Any) -> dict:
        """dy/dt of the integrated state."""
        raise NotImplementedError

    @classmethod
    def receive(cls, p: dict, y: dict, x: Any) -> dict:
        """The state after this step's spike input ``x`` arrived."""
        raise NotImplementedError

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        control = StepControl.yp(p["gsl_error_tol"], p["gsl_error_tol"])
        h_int = jnp.where(s["h_int"] > 0.0, s["h_int"], min(0.01, ctx.h))
        y = {k: s[k] for k in cls.ode_state}
        aux = {"refr": s["refr"], "I_stim": s["I_stim"], "spikes": jnp.zeros_like(s["refr"])}

        def rhs(y, aux):
            return cls.derivatives(p, y, aux["refr"] > 0, aux["I_stim"])

        def on_step(y, aux, advanced):
            refractory = aux["refr"] > 0
            fire = advanced & ~refractory & (y["V_m"] >= p["V_spike"])
            y = dict(y)
            y["V_m"] = jnp.where(advanced & (refractory | fire), p["V_reset"], y["V_m"])
            y["w"] = jnp.where(fire, y["w"] + p["b"], y["w"])
            counts = jnp.where(p["refr_steps"] > 0, p["refr_steps"] + 1, 0)
            aux = {
                **aux,
                "refr": jnp.where(fire, counts, aux["refr"]),
                "spikes": aux["spikes"] + fire,
            }
            return y, aux

        y, aux, h_int = evolve(rhs, control, y, aux, h_int, ctx.h, on_step)
        refr = jnp.where(aux["refr"] > 0, aux["refr"] - 1, 0)
        y = cls.receive(p, y, x)
        new = {**y, "refr": refr, "I_stim": x[cls.channels.index("current")], "h_int": h_int}
        return new, aux["spikes"]
