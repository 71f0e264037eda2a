"""``iaf_psc_exp``: leaky IAF neuron with exponentially decaying postsynaptic currents.

Exact integration as in NEST 3.10. In each step a non-refractory neuron
advances its membrane potential (relative to ``E_L``) with the synaptic
currents and the step current of the previous step; then the synaptic
currents decay, the excitatory one takes up the current arriving on receptor
1 in the previous step (so that input is filtered by the excitatory synapse),
both take up the spikes of this step (split by the sign of the weight), and
the neuron fires if ``V_m >= V_th`` (``delta == 0``) or, with escape noise
(``delta > 0``), with probability ``rho * exp((V_m - V_th) / delta) * h``.
Currents arriving in this step on receptors 0 and 1 act from the next step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .propagators import exp, exp_psc_propagator
from .shared import (
    IAF_PARAMS,
    IGNORE_AND_SPIKE_PARAMS,
    check_archiving,
    first_error,
    non_negative_rule,
    positive_rule,
    relative_potentials,
    reset_rule,
    sign_channel,
    unknown_receptor,
)

# NEST treats delta below this as a hard threshold and above it as escape noise.
_DELTA_EPS = 1e-10


@register
class iaf_psc_exp(NodeModel):
    name = "iaf_psc_exp"
    params = {
        **IAF_PARAMS,
        "tau_syn_ex": Prop(2.0, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
        "rho": Prop(0.01, "1/s"),
        "delta": Prop(0.0, "mV"),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "i_0": Prop(0.0, "pA", hidden=True),  # step current (receptor 0) of the previous step
        "i_1": Prop(0.0, "pA", hidden=True),  # current for the excitatory synapse (receptor 1)
        "refr": Prop(0, "", int, hidden=True),
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current", "filtered_current")

    @classmethod
    def check(cls, p):
        """NEST's checks, in its order; the archiving-node checks come last."""
        rules = [
            reset_rule(),
            positive_rule("C_m", "Capacitance must be strictly positive."),
            positive_rule(
                ("tau_m", "tau_syn_ex", "tau_syn_in"),
                "Membrane and synapse time constants must be strictly positive.",
            ),
            non_negative_rule("t_ref", "Refractory time must not be negative."),
            non_negative_rule("rho", "Stochastic firing intensity must not be negative."),
            non_negative_rule("delta", "Width of threshold region must not be negative."),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Spikes and data requests on receptor 0 only; currents on receptor 0 or 1."""
        ok = (receptor == 0) | ((receptor == 1) & (event == "current"))
        return unknown_receptor(receptor, ok, event)

    spike_channel = staticmethod(sign_channel)

    @classmethod
    def current_channel(cls, receptor):
        return np.where(np.asarray(receptor) == 1, 3, 2).astype(np.int32)

    @classmethod
    def device_params(cls, p, h):
        tau_m, c_m = p["tau_m"], p["C_m"]
        p22 = exp(-h / tau_m)
        p11_ex = exp(-h / p["tau_syn_ex"])
        delta = p["delta"]
        return {
            **relative_potentials(p),
            "P11_ex": p11_ex,
            "P11_in": exp(-h / p["tau_syn_in"]),
            "one_minus_P11_ex": 1.0 - p11_ex,
            "P22": p22,
            "P21_ex": exp_psc_propagator(p["tau_syn_ex"], tau_m, c_m, h),
            "P21_in": exp_psc_propagator(p["tau_syn_in"], tau_m, c_m, h),
            "P20": tau_m / c_m * (1.0 - p22),
            "refr_steps": ms_to_steps(p["t_ref"], h),
            "hard": delta < _DELTA_EPS,
            "noisy": delta > _DELTA_EPS,
            "inv_delta": 1.0 / np.where(delta > _DELTA_EPS, delta, 1.0),
            "rho_h": p["rho"] * h * 1e-3,  # NEST scales the rate (1/s) by h in ms
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y, refr, spike, currents = exp_psc_step(p, s, x, ctx)
        new = {
            "V_m": jnp.where(spike, p["v_reset"], y) + p["E_L"],
            **currents,
            "refr": jnp.where(spike, p["refr_steps"], refr),
        }
        return new, spike.astype(jnp.int32)


def exp_psc_step(p: dict, s: dict, x: jax.Array, ctx: StepContext) -> tuple:
    """One step of iaf_psc_exp before reset: the membrane potential relative to E_L, the
    refractory count, the spikes (threshold or escape noise) and the new currents."""
    y = s["V_m"] - p["E_L"]
    free = s["refr"] == 0
    y_free = (
        y * p["P22"]
        + s["I_syn_ex"] * p["P21_ex"]
        + s["I_syn_in"] * p["P21_in"]
        + (p["I_e"] + s["i_0"]) * p["P20"]
    )
    y = jnp.where(free, y_free, y)
    refr = jnp.where(free, s["refr"], s["refr"] - 1)
    currents = {
        "I_syn_ex": s["I_syn_ex"] * p["P11_ex"] + p["one_minus_P11_ex"] * s["i_1"] + x[0],
        "I_syn_in": s["I_syn_in"] * p["P11_in"] + x[1],
        "i_0": x[2],
        "i_1": x[3],
    }
    spike = p["hard"] & (y >= p["theta"])
    if ctx.key is not None:
        spike = spike | _escape_noise(p, y, ctx.key)
    return y, refr, spike, currents


def _escape_noise(p: dict, y: jax.Array, key: jax.Array) -> jax.Array:
    """Stochastic spikes of the nodes with ``delta > 0``: a uniform draw below
    ``rho * exp((V_m - V_th) / delta) * h`` (no draws when no node is noisy)."""

    def draw(_):
        u = jax.random.uniform(key, y.shape, dtype=y.dtype)
        phi = p["rho_h"] * jnp.exp(p["inv_delta"] * (y - p["theta"]))
        return p["noisy"] & (u < phi)

    return jax.lax.cond(jnp.any(p["noisy"]), draw, lambda _: jnp.zeros(y.shape, bool), None)
