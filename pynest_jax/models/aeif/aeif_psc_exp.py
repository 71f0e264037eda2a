"""``aeif_psc_exp``: AdEx neuron with exponentially decaying synaptic currents.

Spikes with positive weight raise ``I_syn_ex`` by ``w``, others raise
``I_syn_in`` by ``|w|``; the currents decay with ``tau_syn_ex`` /
``tau_syn_in`` and enter the membrane as ``+I_syn_ex - I_syn_in``.
"""

from __future__ import annotations

from ..base import Prop, register
from ..iaf_psc.shared import sign_channel
from .shared import ADEX_PARAMS, AdExNeuron, adaptation_rate, membrane_potential, spike_current, voltage_rate


@register
class aeif_psc_exp(AdExNeuron):
    name = "aeif_psc_exp"
    params = {
        **ADEX_PARAMS,
        "tau_syn_ex": Prop(0.2, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
    }
    ode_state = ("V_m", "I_syn_ex", "I_syn_in", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_syn_ex": Prop(0.0, "pA"),
        "I_syn_in": Prop(0.0, "pA"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m", "w")
    channels = ("ex", "in", "current")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_w")
    messages = {"reset": "Ensure that V_reset < V_peak .", "c_m": "Ensure that C_m > 0"}
    nonnegative_state = ("I_syn_ex", "I_syn_in")
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        terms = (spike_current(p, v), y["I_syn_ex"], -y["I_syn_in"], -y["w"])
        return {
            "V_m": voltage_rate(p, v, refractory, terms, i_stim),
            "I_syn_ex": -y["I_syn_ex"] / p["tau_syn_ex"],
            "I_syn_in": -y["I_syn_in"] / p["tau_syn_in"],
            "w": adaptation_rate(p, v, y["w"]),
        }

    @classmethod
    def receive(cls, p, y, x):
        # The inhibitory channel sums the (negative) weights; NEST adds their magnitudes.
        return {**y, "I_syn_ex": y["I_syn_ex"] + x[0], "I_syn_in": y["I_syn_in"] - x[1]}
