"""``gif_cond_exp``: generalised integrate-and-fire neuron with exponential conductances.

``V_m``, ``g_ex`` and ``g_in`` are integrated over each step with GSL's RKF45
(``gsl_odeiv_control_y_new(gsl_error_tol, 0)``, first integration step ``h``),
with ``C_m dV/dt = -g_L (V - E_L) + I_stim + I_e - g_ex (V - E_ex) - g_in (V - E_in)
- I_stc``; while refractory the right-hand side sees ``V_reset`` and ``dV/dt = 0``.
Then spikes with weight >= 0 raise ``g_ex`` by the weight, others ``g_in`` by
``|w|``; see ``shared`` for the threshold, escape noise and refractoriness.
NEST does not check ``gsl_error_tol``.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..base import Prop, StepContext, register
from ..iaf_psc.shared import sign_channel
from .shared import GIF_PARAMS, GIF_STATE, GifNeuron, integrate, tau_syn_error


@register
class gif_cond_exp(GifNeuron):
    name = "gif_cond_exp"
    category = "A"
    params = {
        **GIF_PARAMS,
        "E_ex": Prop(0.0, "mV"),
        "E_in": Prop(-85.0, "mV"),
        "tau_syn_ex": Prop(2.0, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
        "gsl_error_tol": Prop(1e-3),
    }
    state = {
        **GIF_STATE,
        "g_ex": Prop(0.0, "nS"),
        "g_in": Prop(0.0, "nS"),
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, NEST's first step is h
    }
    recordables = ("E_sfa", "I_stc", "V_m", "g_ex", "g_in")
    channels = ("ex", "in", "current")
    current_index = 2
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def synapse_error(cls, p, old, changed, has_input):
        return tau_syn_error(p)

    @classmethod
    def derivatives(cls, p: dict, y: dict, aux: dict) -> dict:
        refractory = aux["refr"] > 0
        v = y["V_m"]
        v_eff = jnp.where(refractory, p["V_reset"], v)
        i_ex = y["g_ex"] * (v_eff - p["E_ex"])
        i_in = y["g_in"] * (v_eff - p["E_in"])
        i_leak = p["g_L"] * (v_eff - p["E_L"])
        dv = (-i_leak + aux["I_stim"] + p["I_e"] - i_ex - i_in - aux["stc"]) / p["C_m"]
        return {
            "V_m": jnp.where(refractory, 0.0, dv),
            "g_ex": -y["g_ex"] / p["tau_syn_ex"],
            "g_in": -y["g_in"] / p["tau_syn_in"],
        }

    @classmethod
    def membrane(cls, p, s, x, stc, ctx: StepContext):
        y = {k: s[k] for k in ("V_m", "g_ex", "g_in")}
        y, h_int = integrate(cls.derivatives, p, s, y, stc, ctx)
        g_ex = y["g_ex"] + x[0]
        g_in = y["g_in"] - x[1]
        return y["V_m"], {"g_ex": g_ex, "g_in": g_in, "h_int": h_int}
