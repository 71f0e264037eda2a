"""``glif_psc_double_alpha``: GLIF neuron (models 1-5) whose synaptic currents are sums of
two alpha functions.

As ``glif_psc``, but a spike on port k drives a fast alpha current (time
constant ``tau_syn_fast[k-1]``, peak 1 pA per unit weight) and a slow one
(``tau_syn_slow[k-1]``, peak ``amp_slow[k-1]`` pA); the membrane takes up the
fast currents of all ports, then the slow ones. ``tau_syn_fast`` sets the
number of ports. NEST reads ``tau_syn_slow`` and ``amp_slow`` for every port
without checking their length; where they are shorter (undefined in NEST)
the missing slow components are left out here.
"""

from __future__ import annotations

from ..base import Prop, register
from .shared import GLIF_PARAMS, GLIF_STATE, GlifAlphaPSC, positive_entries

_SLOW_TAU_MSG = "All slow synaptic time constants must be strictly positive."
_SLOW_AMP_MSG = "All slow synaptic amplitudes must be strictly positive."


@register
class glif_psc_double_alpha(GlifAlphaPSC):
    name = "glif_psc_double_alpha"
    params = {
        **GLIF_PARAMS,
        "g": Prop(9.43, "nS"),
        "tau_syn_fast": Prop([2.0], "ms", "vector"),
        "tau_syn_slow": Prop([6.0], "ms", "vector"),
        "amp_slow": Prop([0.3], "", "vector"),
    }
    state = {
        **GLIF_STATE,
        "I_syn": Prop(0.0, "pA", hidden=True),
        "y1_fast": Prop([], "pA/ms", "vector", hidden=True),
        "y2_fast": Prop([], "pA", "vector", hidden=True),
        "y1_slow": Prop([], "pA/ms", "vector", hidden=True),
        "y2_slow": Prop([], "pA", "vector", hidden=True),
    }
    port_key = "tau_syn_fast"
    port_keys = ("tau_syn_fast", "tau_syn_slow", "amp_slow")
    port_state = ("y1_fast", "y2_fast", "y1_slow", "y2_slow")
    components = (("_fast", "tau_syn_fast", None), ("_slow", "tau_syn_slow", "amp_slow"))

    @classmethod
    def port_rules(cls, p, old, changed, has_input):
        rules = super().port_rules(p, old, changed, has_input)
        if "tau_syn_slow" in changed:
            rules.append(positive_entries("tau_syn_slow", _SLOW_TAU_MSG))
        if "amp_slow" in changed:
            rules.append(positive_entries("amp_slow", _SLOW_AMP_MSG))
        return rules
