"""What NEST's conductance-based IAF models (``iaf_cond_*``, ``iaf_chxk_2008``) share:
parameters, checks, the membrane equation and the update around the integrator.

Every model of the family integrates its state over each simulation step with the
shared RKF45 and GSL's ``y`` step control with an absolute tolerance of 1e-3 and no
relative one (``gsl_odeiv_control_y_new(1e-3, 0.0)``); the first integration step is
the simulation step ``h``, and each neuron carries its step size on to the next
simulation step. Unlike the AdEx models, nothing happens between the integration
steps: only after the whole simulation step does NEST look at the state. A
refractory neuron then counts down and is clamped to ``V_reset``; otherwise a
neuron at or above ``V_th`` spikes, is reset and stays refractory for ``t_ref``
(in steps, rounded up). After that the step's spike input enters the synapses and
the step current is taken for the next step. While refractory, the right-hand
side holds ``V_m`` (dV/dt = 0) and evaluates the currents at ``V_reset``;
otherwise it evaluates them at ``min(V_m, V_th)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps, steps_to_ms
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext
from ..gsl_rkf45 import StepControl, evolve
from ..iaf_psc.propagators import exp
from ..iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    Rule,
    check_archiving,
    first_error,
    non_negative_rule,
    positive_rule,
    sign_channel,
)

# gsl_odeiv_control_y_new(1e-3, 0.0): absolute error 1e-3 per component, no relative part.
CONTROL = StepControl.y(1e-3, 0.0)

TIME_CONSTANTS_MSG = "All time constants must be strictly positive."
CAPACITANCE_MSG = "Capacitance must be strictly positive."


def cond_params(**defaults: float) -> dict[str, Prop]:
    """The parameters of the iaf_cond models with NEST's units; ``defaults`` overrides
    NEST's iaf_cond_alpha defaults and adds model-specific ones."""
    values = {
        "V_th": -55.0,
        "V_reset": -60.0,
        "t_ref": 2.0,
        "g_L": 16.6667,
        "C_m": 250.0,
        "E_ex": 0.0,
        "E_in": -85.0,
        "E_L": -70.0,
        "I_e": 0.0,
        **defaults,
    }
    return {k: Prop(v, UNITS.get(k, "ms")) for k, v in values.items()} | {
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }


UNITS = {
    "V_th": "mV",
    "V_reset": "mV",
    "g_L": "nS",
    "C_m": "pF",
    "E_ex": "mV",
    "E_in": "mV",
    "E_L": "mV",
    "I_e": "pA",
    "E_sfa": "mV",
    "E_rr": "mV",
    "q_sfa": "nS",
    "q_rr": "nS",
    "E_ahp": "mV",
    "g_ahp": "nS",
}


def cond_rules(time_constants: Sequence[str]) -> list[Rule]:
    """NEST 3.10's checks of the iaf_cond models, in its order."""
    return [
        (lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold."),
        positive_rule("C_m", CAPACITANCE_MSG),
        non_negative_rule("t_ref", "Refractory time cannot be negative."),
        positive_rule(time_constants, TIME_CONSTANTS_MSG),
    ]


def log(x: np.ndarray) -> np.ndarray:
    """The C library's ``log`` elementwise (NumPy's may differ in the last bit)."""
    return np.vectorize(math.log, otypes=[np.float64])(np.asarray(x, dtype=np.float64))


def beta_normalisation(tau_rise: np.ndarray, tau_decay: np.ndarray) -> np.ndarray:
    """NEST's factor that gives a beta-shaped conductance a peak of 1 nS per unit weight:
    ``(1/tau_rise - 1/tau_decay) / (exp(-t_p/tau_decay) - exp(-t_p/tau_rise))`` at the
    peak time ``t_p``; ``e / tau_decay`` (the alpha function's) when the time constants
    are too close for that (difference or peak value below machine epsilon)."""
    tr = np.asarray(tau_rise, dtype=np.float64)
    td = np.asarray(tau_decay, dtype=np.float64)
    eps = np.finfo(np.float64).eps
    diff = td - tr
    apart = np.abs(diff) > eps
    safe_diff = np.where(apart, diff, 1.0)
    t_peak = td * tr * log(td / tr) / safe_diff
    peak = np.where(apart, exp(-t_peak / td) - exp(-t_peak / tr), 0.0)
    beta = (1.0 / tr - 1.0 / td) / np.where(np.abs(peak) < eps, 1.0, peak)
    return np.where(np.abs(peak) < eps, np.e / td, beta)


def membrane_rate(p: dict, v: Any, i_stim: Any, currents: Sequence[Any], stim_first: bool = False) -> Any:
    """dV/dt = (-g_L (V - E_L) - sum(currents) + I_stim + I_e) / C_m, summed in NEST's
    order: the currents after the leak, the inputs last (or, ``stim_first``, the inputs
    right after the leak, as iaf_cond_exp writes it)."""
    acc = -(p["g_L"] * (v - p["E_L"]))
    if stim_first:
        acc = acc + i_stim + p["I_e"]
    for c in currents:
        acc = acc - c
    if not stim_first:
        acc = acc + i_stim + p["I_e"]
    return acc / p["C_m"]


class CondIAF(NodeModel):
    """Base of the family: state ``y`` (the integrated variables) plus hidden ``refr``
    (refractory steps left), ``I_stim`` and ``h_int`` (the carried integration step).

    A model supplies ``derivatives`` and ``receive``; ``fire`` handles the state after
    the integration (the standard threshold, reset and refractoriness by default)."""

    category = "A"
    channels = ("ex", "in", "current")
    spike_channel = staticmethod(sign_channel)
    time_constants: ClassVar[tuple[str, ...]] = ()
    # Integrated state variables, in NEST's state-vector order.
    ode_state: ClassVar[tuple[str, ...]] = ()
    hidden_state: ClassVar[dict[str, Prop]] = {
        "refr": Prop(0, "", int, hidden=True),
        "I_stim": Prop(0.0, "pA", hidden=True),
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, NEST's first step is h
    }

    @classmethod
    def rules(cls) -> list[Rule]:
        return cond_rules(cls.time_constants)

    @classmethod
    def check(cls, p):
        return first_error(p, cls.rules()) or check_archiving(p)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        if "t_ref" in p:
            out["refr_steps"] = ms_to_steps(p["t_ref"], h)
        out["h_ms"] = np.float64(steps_to_ms(1, h))
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
    def fire(cls, p: dict, s: dict, y: dict) -> tuple[dict, Any, dict]:
        """Refractoriness, threshold and reset after the integration from state ``s`` to
        ``y``: the new integrated state, the spikes and the new hidden state."""
        refractory = s["refr"] > 0
        spike = ~refractory & (y["V_m"] >= p["V_th"])
        y = {**y, "V_m": jnp.where(refractory | spike, p["V_reset"], y["V_m"])}
        refr = jnp.where(refractory, s["refr"] - 1, jnp.where(spike, p["refr_steps"], 0))
        return cls.on_spike(p, y, spike), spike.astype(jnp.int32), {"refr": refr}

    @classmethod
    def on_spike(cls, p: dict, y: dict, spike: Any) -> dict:
        """Jumps of the state at an outgoing spike (none by default)."""
        return y

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        h_int = jnp.where(s["h_int"] > 0.0, s["h_int"], ctx.h)
        y = {k: s[k] for k in cls.ode_state}
        refractory = s["refr"] > 0 if "refr" in s else jnp.zeros(s["I_stim"].shape, bool)
        aux = {"refractory": refractory, "I_stim": s["I_stim"]}

        def rhs(y, aux, p):
            return cls.derivatives(p, y, aux["refractory"], aux["I_stim"])

        y, _, h_int = evolve(rhs, CONTROL, y, aux, h_int, ctx.h, params=p)
        y, spikes, hidden = cls.fire(p, s, y)
        y = cls.receive(p, y, x)
        new = {**s, **y, **hidden, "I_stim": x[cls.channels.index("current")], "h_int": h_int}
        return new, spikes

    @classmethod
    def recordable(cls, p, s, name):
        if name == "t_ref_remaining":
            return p["h_ms"] * s["refr"]
        return s[name]


def clamped_potential(p: dict, v: Any, refractory: Any) -> Any:
    """The potential the right-hand side sees: ``V_reset`` while refractory, else ``V_m``
    bounded by ``V_th``."""
    return jnp.where(refractory, p["V_reset"], jnp.minimum(v, p["V_th"]))


class RisingConductanceIAF(CondIAF):
    """Base of iaf_cond_alpha and iaf_cond_beta: each conductance ``g`` is driven by
    ``dg``, ``dg' = -dg / tau_decay`` and ``g' = dg - g / tau_rise`` (NEST's naming; an
    alpha function when both are equal), and a spike raises ``dg`` by its weight times
    ``g0`` (device parameters ``rise_*``, ``decay_*`` and ``g0_*`` for ``ex`` and ``in``)."""

    ode_state = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "dg_ex": Prop(0.0, "nS/ms"),
        "g_ex": Prop(0.0, "nS"),
        "dg_in": Prop(0.0, "nS/ms"),
        "g_in": Prop(0.0, "nS"),
        **CondIAF.hidden_state,
    }
    recordables = ("V_m", "g_ex", "g_in", "t_ref_remaining")

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = clamped_potential(p, y["V_m"], refractory)
        currents = (y["g_ex"] * (v - p["E_ex"]), y["g_in"] * (v - p["E_in"]))
        return {
            "V_m": jnp.where(refractory, 0.0, membrane_rate(p, v, i_stim, currents)),
            "dg_ex": -y["dg_ex"] / p["decay_ex"],
            "g_ex": y["dg_ex"] - y["g_ex"] / p["rise_ex"],
            "dg_in": -y["dg_in"] / p["decay_in"],
            "g_in": y["dg_in"] - y["g_in"] / p["rise_in"],
        }

    @classmethod
    def receive(cls, p, y, x):
        return {**y, "dg_ex": y["dg_ex"] + x[0] * p["g0_ex"], "dg_in": y["dg_in"] - x[1] * p["g0_in"]}
