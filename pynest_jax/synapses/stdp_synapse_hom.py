"""``stdp_synapse_hom``: ``stdp_synapse`` whose plasticity parameters are common to all
its connections (``tau_plus``, ``lambda``, ``alpha``, ``mu_plus``, ``mu_minus``,
``Wmax``, set only with SetDefaults/CopyModel); each connection keeps its own
weight, ``Kplus`` and time of the previous spike. The dynamics are inherited
(common properties reach ``transmit`` in ``p``)."""

from __future__ import annotations

import numpy as np

from ..models.base import Prop
from .base import register_synapse
from .stdp_synapse import stdp_synapse


@register_synapse
class stdp_synapse_hom(stdp_synapse):
    name = "stdp_synapse_hom"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "Kplus": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    common = {
        "tau_plus": Prop(20.0, "ms"),
        "lambda": Prop(0.01, ""),
        "alpha": Prop(1.0, ""),
        "mu_plus": Prop(1.0, ""),
        "mu_minus": Prop(1.0, ""),
        "Wmax": Prop(100.0, ""),
    }
    sizeof = 48

    @classmethod
    def check(cls, p, connecting=False):
        if np.any(np.asarray(p["Kplus"]) < 0):
            return "Kplus must be non-negative."
        return None
