"""``aeif_psc_alpha``: AdEx neuron with alpha-shaped synaptic currents.

Spikes with positive weight raise ``dI_syn_ex`` by ``w e / tau_syn_ex``, others
raise ``dI_syn_in`` by ``|w| e / tau_syn_in``; the currents follow
``I' = dI - I / tau_syn``, ``dI' = -dI / tau_syn`` and enter the membrane as
``+I_syn_ex - I_syn_in``.
"""

from __future__ import annotations

import numpy as np

from ..base import Prop, register
from ..iaf_psc.shared import sign_channel
from .shared import ADEX_PARAMS, AdExNeuron, adaptation_rate, membrane_potential, spike_current, voltage_rate


@register
class aeif_psc_alpha(AdExNeuron):
    name = "aeif_psc_alpha"
    params = {
        **ADEX_PARAMS,
        "tau_syn_ex": Prop(0.2, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
    }
    ode_state = ("V_m", "dI_syn_ex", "I_syn_ex", "dI_syn_in", "I_syn_in", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_syn_ex": Prop(0.0, "pA"),
        "dI_syn_ex": Prop(0.0, "pA/ms"),
        "I_syn_in": Prop(0.0, "pA"),
        "dI_syn_in": Prop(0.0, "pA/ms"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m", "w")
    channels = ("ex", "in", "current")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_w")
    messages = {"reset": "Ensure that V_reset < V_peak ."}
    nonnegative_state = ("I_syn_ex", "I_syn_in")
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["i0_ex"] = np.e / p["tau_syn_ex"]
        out["i0_in"] = np.e / p["tau_syn_in"]
        return out

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        terms = (spike_current(p, v), y["I_syn_ex"], -y["I_syn_in"], -y["w"])
        return {
            "V_m": voltage_rate(p, v, refractory, terms, i_stim),
            "dI_syn_ex": -y["dI_syn_ex"] / p["tau_syn_ex"],
            "I_syn_ex": y["dI_syn_ex"] - y["I_syn_ex"] / p["tau_syn_ex"],
            "dI_syn_in": -y["dI_syn_in"] / p["tau_syn_in"],
            "I_syn_in": y["dI_syn_in"] - y["I_syn_in"] / p["tau_syn_in"],
            "w": adaptation_rate(p, v, y["w"]),
        }

    @classmethod
    def receive(cls, p, y, x):
        # The inhibitory channel sums the (negative) weights; NEST adds their magnitudes.
        return {
            **y,
            "dI_syn_ex": y["dI_syn_ex"] + x[0] * p["i0_ex"],
            "dI_syn_in": y["dI_syn_in"] - x[1] * p["i0_in"],
        }
