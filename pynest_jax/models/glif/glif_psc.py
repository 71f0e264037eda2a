"""``glif_psc``: GLIF neuron (models 1-5) with alpha-shaped synaptic currents on n ports.

Each receptor port k = 1..n has an alpha current with time constant
``tau_syn[k-1]`` (a spike of weight 1 gives a peak of 1 pA at ``tau_syn``).
A non-refractory neuron advances its membrane potential exactly with the
step current and the mean after-spike current of the step (leak time constant
``C_m / g``) and with the synaptic currents of the previous step; then the
threshold, reset and after-spike-current rules of ``shared`` apply, then the
synaptic currents advance and take up this step's spikes. ``I_syn`` records
the sum of the port currents at the start of the step, ``I`` the step current
that drives the next step.
"""

from __future__ import annotations

from ..base import Prop, register
from .shared import GLIF_PARAMS, GLIF_STATE, GlifAlphaPSC


@register
class glif_psc(GlifAlphaPSC):
    name = "glif_psc"
    params = {**GLIF_PARAMS, "g": Prop(9.43, "nS"), "tau_syn": Prop([2.0], "ms", "vector")}
    state = {
        **GLIF_STATE,
        "I_syn": Prop(0.0, "pA", hidden=True),
        "y1": Prop([], "pA/ms", "vector", hidden=True),
        "y2": Prop([], "pA", "vector", hidden=True),
    }
    port_state = ("y1", "y2")
