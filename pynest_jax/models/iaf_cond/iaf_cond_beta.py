"""``iaf_cond_beta``: leaky IAF neuron with beta-shaped synaptic conductances.

The conductances follow ``g' = dg - g / tau_rise``, ``dg' = -dg / tau_decay`` (NEST's
equations), a difference of two exponentials. A spike raises ``dg_ex`` (positive
weight) or ``dg_in`` by ``|w|`` times NEST's beta normalisation, so that a unit
weight gives a peak of 1 nS; equal (or nearly equal) time constants fall back to
the alpha function's ``e / tau_decay``.
"""

from __future__ import annotations

from ..base import register
from .shared import RisingConductanceIAF, beta_normalisation, cond_params


@register
class iaf_cond_beta(RisingConductanceIAF):
    name = "iaf_cond_beta"
    params = cond_params(tau_rise_ex=0.2, tau_decay_ex=0.2, tau_rise_in=2.0, tau_decay_in=2.0)
    time_constants = ("tau_rise_ex", "tau_decay_ex", "tau_rise_in", "tau_decay_in")

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        for k in ("ex", "in"):
            out[f"rise_{k}"] = p[f"tau_rise_{k}"]
            out[f"decay_{k}"] = p[f"tau_decay_{k}"]
            out[f"g0_{k}"] = beta_normalisation(p[f"tau_rise_{k}"], p[f"tau_decay_{k}"])
        return out
