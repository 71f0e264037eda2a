"""``aeif_cond_exp``: AdEx neuron with exponentially decaying synaptic conductances.

Spikes with positive weight raise ``g_ex`` by ``w``, others raise ``g_in`` by
``|w|``; the conductances decay with ``tau_syn_ex`` / ``tau_syn_in``. NEST
checks ``V_peak >= V_th`` first and words the ``C_m`` message differently.
"""

from __future__ import annotations

from ..base import Prop, register
from ..iaf_psc.shared import sign_channel
from .shared import ADEX_PARAMS, AdExNeuron, adaptation_rate, membrane_potential, spike_current, voltage_rate


@register
class aeif_cond_exp(AdExNeuron):
    name = "aeif_cond_exp"
    params = {
        **ADEX_PARAMS,
        "E_ex": Prop(0.0, "mV"),
        "E_in": Prop(-85.0, "mV"),
        "tau_syn_ex": Prop(0.2, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
    }
    ode_state = ("V_m", "g_ex", "g_in", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "g_ex": Prop(0.0, "nS"),
        "g_in": Prop(0.0, "nS"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
    }
    recordables = ("V_m", "g_ex", "g_in", "w")
    channels = ("ex", "in", "current")
    time_constants = ("tau_syn_ex", "tau_syn_in", "tau_w")
    check_order = ("peak", "delta_t", "reset")
    messages = {"c_m": "Ensure that C_m >0"}
    nonnegative_state = ("g_ex", "g_in")
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        i_ex = y["g_ex"] * (v - p["E_ex"])
        i_in = y["g_in"] * (v - p["E_in"])
        return {
            "V_m": voltage_rate(p, v, refractory, (spike_current(p, v), -i_ex, -i_in, -y["w"]), i_stim),
            "g_ex": -y["g_ex"] / p["tau_syn_ex"],
            "g_in": -y["g_in"] / p["tau_syn_in"],
            "w": adaptation_rate(p, v, y["w"]),
        }

    @classmethod
    def receive(cls, p, y, x):
        # The inhibitory channel sums the (negative) weights; NEST adds their magnitudes.
        return {**y, "g_ex": y["g_ex"] + x[0], "g_in": y["g_in"] - x[1]}
