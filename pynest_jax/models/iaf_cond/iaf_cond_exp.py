"""``iaf_cond_exp``: leaky IAF neuron with exponentially decaying synaptic conductances.

A spike with positive weight raises ``g_ex`` by ``w`` nS, others raise ``g_in`` by
``|w|``; each decays with ``g' = -g / tau_syn``.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..base import Prop, register
from .shared import CondIAF, clamped_potential, cond_params, membrane_rate


@register
class iaf_cond_exp(CondIAF):
    name = "iaf_cond_exp"
    params = cond_params(tau_syn_ex=0.2, tau_syn_in=2.0)
    ode_state = ("V_m", "g_ex", "g_in")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "g_ex": Prop(0.0, "nS"),
        "g_in": Prop(0.0, "nS"),
        **CondIAF.hidden_state,
    }
    recordables = ("V_m", "g_ex", "g_in")
    time_constants = ("tau_syn_ex", "tau_syn_in")

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = clamped_potential(p, y["V_m"], refractory)
        currents = (y["g_ex"] * (v - p["E_ex"]), y["g_in"] * (v - p["E_in"]))
        return {
            "V_m": jnp.where(refractory, 0.0, membrane_rate(p, v, i_stim, currents, stim_first=True)),
            "g_ex": -y["g_ex"] / p["tau_syn_ex"],
            "g_in": -y["g_in"] / p["tau_syn_in"],
        }

    @classmethod
    def receive(cls, p, y, x):
        return {**y, "g_ex": y["g_ex"] + x[0], "g_in": y["g_in"] - x[1]}
