"""``aeif_cond_alpha``: AdEx neuron with alpha-shaped synaptic conductances.

Spikes with positive weight raise ``dg_ex`` by ``w e / tau_syn_ex``, others
raise ``dg_in`` by ``|w| e / tau_syn_in``; the conductances follow
``g' = dg - g / tau_syn``, ``dg' = -dg / tau_syn``.
"""

from __future__ import annotations

import numpy as np

from ..base import Prop, register
from ..iaf_psc.shared import sign_channel
from .shared import ADEX_PARAMS, AdExNeuron, adaptation_rate, membrane_potential, spike_current, voltage_rate


@register
class aeif_cond_alpha(AdExNeuron):
    name = "aeif_cond_alpha"
    params = {
        **ADEX_PARAMS,
        "E_ex": Prop(0.0, "mV"),
        "E_in": Prop(-85.0, "mV"),
        "tau_syn_ex": Prop(0.2, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
    }
    ode_state = ("V_m", "dg_ex", "g_ex", "dg_in", "g_in", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "dg_ex": Prop(0.0, "nS/ms"),
        "g_ex": Prop(0.0, "nS"),
        "dg_in": Prop(0.0, "nS/ms"),
        "g_in": Prop(0.0, "nS"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
    }
    recordables = ("V_m", "g_ex", "g_in", "w")
    channels = ("ex", "in", "current")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_w")
    nonnegative_state = ("g_ex", "g_in")
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["g0_ex"] = np.e / p["tau_syn_ex"]
        out["g0_in"] = np.e / p["tau_syn_in"]
        return out

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        i_ex = y["g_ex"] * (v - p["E_ex"])
        i_in = y["g_in"] * (v - p["E_in"])
        return {
            "V_m": voltage_rate(p, v, refractory, (spike_current(p, v), -i_ex, -i_in, -y["w"]), i_stim),
            "dg_ex": -y["dg_ex"] / p["tau_syn_ex"],
            "g_ex": y["dg_ex"] - y["g_ex"] / p["tau_syn_ex"],
            "dg_in": -y["dg_in"] / p["tau_syn_in"],
            "g_in": y["dg_in"] - y["g_in"] / p["tau_syn_in"],
            "w": adaptation_rate(p, v, y["w"]),
        }

    @classmethod
    def receive(cls, p, y, x):
        # The inhibitory channel sums the (negative) weights; NEST adds their magnitudes.
        return {**y, "dg_ex": y["dg_ex"] + x[0] * p["g0_ex"], "dg_in": y["dg_in"] - x[1] * p["g0_in"]}
