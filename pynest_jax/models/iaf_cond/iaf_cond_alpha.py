"""``iaf_cond_alpha``: leaky IAF neuron with alpha-shaped synaptic conductances.

Spikes with positive weight raise ``dg_ex`` by ``w e / tau_syn_ex``, others raise
``dg_in`` by ``|w| e / tau_syn_in`` (a unit weight gives a peak of 1 nS); the
conductances follow ``g' = dg - g / tau_syn``, ``dg' = -dg / tau_syn``.
"""

from __future__ import annotations

import numpy as np

from ..base import register
from .shared import RisingConductanceIAF, cond_params


@register
class iaf_cond_alpha(RisingConductanceIAF):
    name = "iaf_cond_alpha"
    params = cond_params(tau_syn_ex=0.2, tau_syn_in=2.0)
    time_constants = ("tau_syn_ex", "tau_syn_in")

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        for k in ("ex", "in"):
            tau = p[f"tau_syn_{k}"]
            out[f"rise_{k}"] = out[f"decay_{k}"] = tau
            out[f"g0_{k}"] = np.e / tau
        return out
