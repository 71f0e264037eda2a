"""``iaf_cond_exp_sfa_rr``: iaf_cond_exp with spike-frequency adaptation and a relative
refractory mechanism.

Two more conductances, ``g_sfa`` (reversal ``E_sfa``) and ``g_rr`` (reversal
``E_rr``), decay with ``tau_sfa`` and ``tau_rr`` and jump by ``q_sfa`` and ``q_rr`` at
every outgoing spike. As in NEST 3.10 (unlike its older versions), the right-hand
side holds ``V_m`` while refractory and bounds it by ``V_th`` otherwise.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..base import Prop, register
from .shared import CondIAF, clamped_potential, cond_params, membrane_rate


@register
class iaf_cond_exp_sfa_rr(CondIAF):
    name = "iaf_cond_exp_sfa_rr"
    params = cond_params(
        V_th=-57.0,
        V_reset=-70.0,
        t_ref=0.5,
        g_L=28.95,
        C_m=289.5,
        E_in=-75.0,
        tau_syn_ex=1.5,
        tau_syn_in=10.0,
        tau_sfa=110.0,
        tau_rr=1.97,
        E_sfa=-70.0,
        E_rr=-70.0,
        q_sfa=14.48,
        q_rr=3214.0,
    )
    ode_state = ("V_m", "g_ex", "g_in", "g_sfa", "g_rr")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "g_ex": Prop(0.0, "nS"),
        "g_in": Prop(0.0, "nS"),
        "g_sfa": Prop(0.0, "nS"),
        "g_rr": Prop(0.0, "nS"),
        **CondIAF.hidden_state,
    }
    recordables = ("V_m", "g_ex", "g_in", "g_rr", "g_sfa")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_sfa", "tau_rr")

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = clamped_potential(p, y["V_m"], refractory)
        currents = (
            y["g_ex"] * (v - p["E_ex"]),
            y["g_in"] * (v - p["E_in"]),
            y["g_sfa"] * (v - p["E_sfa"]),
            y["g_rr"] * (v - p["E_rr"]),
        )
        dv = membrane_rate(p, v, i_stim, currents, stim_first=True)
        return {
            "V_m": jnp.where(refractory, 0.0, dv),
            "g_ex": -y["g_ex"] / p["tau_syn_ex"],
            "g_in": -y["g_in"] / p["tau_syn_in"],
            "g_sfa": -y["g_sfa"] / p["tau_sfa"],
            "g_rr": -y["g_rr"] / p["tau_rr"],
        }

    @classmethod
    def on_spike(cls, p, y, spike):
        return {
            **y,
            "g_sfa": jnp.where(spike, y["g_sfa"] + p["q_sfa"], y["g_sfa"]),
            "g_rr": jnp.where(spike, y["g_rr"] + p["q_rr"], y["g_rr"]),
        }

    @classmethod
    def receive(cls, p, y, x):
        return {**y, "g_ex": y["g_ex"] + x[0], "g_in": y["g_in"] - x[1]}
