"""``aeif_cond_alpha_multisynapse``: AdEx neuron with alpha-shaped conductances on n ports.

Port k has reversal potential ``E_rev[k-1]`` and time constant
``tau_syn[k-1]``; a spike of weight w raises ``dg_k`` by ``w e / tau_syn``.
NEST refuses a ``tau_syn`` entry <= 0 when the arrays are set.
"""

from __future__ import annotations

import numpy as np

from ..base import Prop, register
from ..iaf_psc.shared import padded_tau_syn
from .shared import ADEX_PARAMS, PORT_POSITIVE_MSG, AdExMultisynapse


@register
class aeif_cond_alpha_multisynapse(AdExMultisynapse):
    name = "aeif_cond_alpha_multisynapse"
    params = {
        **ADEX_PARAMS,
        "E_rev": Prop([0.0], "mV", "vector"),
        "tau_syn": Prop([2.0], "ms", "vector"),
    }
    port_params = ("E_rev", "tau_syn")
    resize_msg = "If the number of receptor ports is changed, both arrays E_rev and tau_syn must be provided."
    size_msg = "The reversal potential, and synaptic time constant arrays must have the same size."

    @classmethod
    def port_value_errors(cls, values):
        return PORT_POSITIVE_MSG if values["tau_syn"] <= 0 else None

    @classmethod
    def synapse_constants(cls, p):
        tau, _ = padded_tau_syn(p, "tau_syn")
        return tau, tau, np.e / tau
