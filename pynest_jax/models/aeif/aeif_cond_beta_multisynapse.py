"""``aeif_cond_beta_multisynapse``: AdEx neuron with beta-shaped conductances on n ports.

Port k has reversal potential ``E_rev[k-1]``, rise time ``tau_rise[k-1]`` and
decay time ``tau_decay[k-1]``: ``dg' = -dg / tau_rise``,
``g' = dg - g / tau_decay``; a spike of weight w raises ``dg_k`` by ``w``
times NEST's beta normalisation (a unit spike peaks at 1 nS; the alpha
function's ``e / tau_decay`` where rise and decay times are equal). NEST
refuses time constants <= 0 and ``tau_decay < tau_rise``, port by port, when
the arrays are set.
"""

from __future__ import annotations

from ..base import Prop, register
from ..iaf_psc.shared import padded_tau_syn
from .shared import ADEX_PARAMS, PORT_POSITIVE_MSG, AdExMultisynapse, beta_normalisation


@register
class aeif_cond_beta_multisynapse(AdExMultisynapse):
    name = "aeif_cond_beta_multisynapse"
    params = {
        **ADEX_PARAMS,
        "E_rev": Prop([0.0], "mV", "vector"),
        "tau_rise": Prop([2.0], "ms", "vector"),
        "tau_decay": Prop([20.0], "ms", "vector"),
    }
    port_params = ("E_rev", "tau_rise", "tau_decay")
    resize_msg = (
        "If the number of receptor ports is changed, all three arrays E_rev, tau_rise and tau_decay "
        "must be provided."
    )
    size_msg = (
        "The reversal potential, synaptic rise time and synaptic decay time arrays must have the same size."
    )

    @classmethod
    def port_value_errors(cls, values):
        if values["tau_rise"] <= 0 or values["tau_decay"] <= 0:
            return PORT_POSITIVE_MSG
        if values["tau_decay"] < values["tau_rise"]:
            return "Synaptic rise time must be smaller than or equal to decay time."
        return None

    @classmethod
    def synapse_constants(cls, p):
        rise, _ = padded_tau_syn(p, "tau_rise")
        decay, _ = padded_tau_syn(p, "tau_decay")
        return rise, decay, beta_normalisation(rise, decay)
