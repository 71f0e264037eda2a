"""``aeif_psc_delta``: AdEx neuron whose input spikes make V_m jump by their weight.

Unlike the other AdEx models, the step's spikes are applied inside the
integration loop, right after the first accepted integration step (NEST
reads the ring buffer there, which empties it): a non-refractory neuron's
``V_m`` jumps by the summed weight and may fire at once; a refractory neuron
drops the input, or, with ``refractory_input``, accumulates it discounted by
``exp(-r h / tau_m)`` (``r`` the refractory steps left, ``tau_m = C_m / g_L``)
and adds the sum once it is free again. The right-hand side multiplies by
precomputed inverses of ``Delta_T``, ``C_m`` and ``tau_w``.

NEST 3.10 negates the unsigned refractory counter in that discount, so the
exponent wraps to ``(2**32 - r) h / tau_m`` and the factor is infinite: with
``refractory_input`` and ``t_ref >= h`` every refractory integration step adds
``0 * inf`` or ``w * inf`` to the accumulator, and ``V_m`` and ``w`` become
NaN once the neuron has been refractory. We reproduce that.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..base import Prop, register
from .shared import (
    ADEX_PARAMS,
    AdExNeuron,
    adaptation_rate,
    membrane_potential,
    spike,
    spike_current,
    voltage_rate,
)


@register
class aeif_psc_delta(AdExNeuron):
    name = "aeif_psc_delta"
    params = {**ADEX_PARAMS, "refractory_input": Prop(False, "", bool)}
    ode_state = ("V_m", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
        "refr_input": Prop(0.0, "mV", hidden=True),  # input accumulated while refractory
    }
    recordables = ("V_m", "w")
    channels = ("spikes", "current")
    time_constants = ("tau_w",)
    messages = {
        "reset": "Ensure that V_reset < V_peak .",
        "c_m": "Ensure that C_m > 0",
        "tau": "tau_w must be strictly positive.",
    }

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        with np.errstate(divide="ignore"):
            out["Delta_T_inv"] = 1.0 / np.asarray(p["Delta_T"], dtype=float)
            out["tau_m"] = p["C_m"] / np.asarray(p["g_L"], dtype=float)
        out["C_m_inv"] = 1.0 / p["C_m"]
        out["tau_w_inv"] = 1.0 / p["tau_w"]
        return out

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        terms = (spike_current(p, v, p["Delta_T_inv"]), -y["w"])
        return {
            "V_m": voltage_rate(p, v, refractory, terms, i_stim, p["C_m_inv"]),
            "w": adaptation_rate(p, v, y["w"], p["tau_w_inv"]),
        }

    @classmethod
    def loop_aux(cls, p, s, x):
        return {"input": x[0], "unread": jnp.ones(s["refr"].shape, dtype=bool), "buffer": s["refr_input"]}

    @classmethod
    def after_step(cls, p, y, aux, advanced, h):
        refractory = aux["refr"] > 0
        free = advanced & ~refractory
        held = advanced & refractory
        with_refr = p["refractory_input"]
        x = jnp.where(aux["unread"], aux["input"], 0.0)
        v = jnp.where(free, y["V_m"] + x, y["V_m"])
        flush = free & with_refr & (aux["buffer"] != 0.0)
        v = jnp.where(flush, v + aux["buffer"], v)
        v = jnp.where(held, p["V_reset"], v)
        # NEST's discount exp(-r h / tau_m) negates an unsigned counter (see the module docstring).
        wrapped = 2.0**32 - aux["refr"].astype(jnp.float64)
        discount = jnp.exp(wrapped * h / p["tau_m"])
        buffer = jnp.where(flush, 0.0, aux["buffer"])
        buffer = jnp.where(held & with_refr, buffer + x * discount, buffer)
        aux = {**aux, "buffer": buffer, "unread": aux["unread"] & ~advanced}
        return spike(p, {**y, "V_m": v}, aux, free & (v >= p["V_spike"]))

    @classmethod
    def stored(cls, p, y, aux):
        return {**y, "refr_input": aux["buffer"]}
