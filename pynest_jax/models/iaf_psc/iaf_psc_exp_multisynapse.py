"""``iaf_psc_exp_multisynapse``: leaky IAF neuron with exponential currents on n ports.

As ``iaf_psc_exp``, but each receptor port k = 1..n has its own exponential
current with time constant ``tau_syn[k-1]`` and takes spikes of either sign.
In each step a non-refractory neuron advances its membrane potential
(relative to ``E_L``) exactly with the step current and the synaptic
currents of the previous step; then the currents decay and take up this
step's spikes, then threshold and reset. ``I_syn`` records the sum of the
port currents. NEST refuses a ``tau_syn`` entry equal to ``tau_m`` when
``tau_syn`` is set.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import Prop, StepContext, register
from .propagators import exp, exp_psc_propagator
from .shared import (
    MultisynapseIAF,
    Rule,
    non_negative_rule,
    padded_tau_syn,
    positive_rule,
    relative_potentials,
    reset_rule,
)

_POSITIVE_MSG = "All synaptic time constants must be strictly positive."
_DIFFER_MSG = "Membrane and synapse time constant(s) must differ. See note in documentation."


@register
class iaf_psc_exp_multisynapse(MultisynapseIAF):
    name = "iaf_psc_exp_multisynapse"
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_const": Prop(0.0, "pA", hidden=True),
        "refr": Prop(0, "", int, hidden=True),
        "i_syn": Prop([], "pA", "vector", hidden=True),
    }
    port_state = ("i_syn",)

    @classmethod
    def rules(cls, p, old, changed, has_input):
        """NEST's checks in its order."""
        return [
            positive_rule("C_m", "Capacitance must be > 0."),
            positive_rule("tau_m", "Membrane time constant must be strictly positive."),
            *cls.port_rule(p, old, changed, has_input),
            *_tau_syn_rule(p, "tau_syn" in changed),
            non_negative_rule("t_ref", "Refractory time must not be negative."),
            reset_rule(),
        ]

    @classmethod
    def device_params(cls, p, h):
        tau, mask = padded_tau_syn(p)
        tau_m, c_m = p["tau_m"], p["C_m"]
        p22 = exp(-h / tau_m)
        return {
            **relative_potentials(p),
            "P22": p22,
            "P20": tau_m / c_m * (1.0 - p22),
            "P11": exp(-h / tau) * mask,
            "P21": exp_psc_propagator(tau, tau_m[:, None], c_m[:, None], h) * mask,
            "refr_steps": ms_to_steps(p["t_ref"], h),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        free = s["refr"] == 0
        i_syn = s["i_syn"]
        y_free = y * p["P22"] + (p["I_e"] + s["I_const"]) * p["P20"] + jnp.sum(p["P21"] * i_syn, axis=1)
        y = jnp.where(free, y_free, y)
        refr = jnp.where(free, s["refr"], s["refr"] - 1)

        i_syn = i_syn * p["P11"] + cls.port_input(x, i_syn.shape[1])

        spike = y >= p["theta"]
        refr = jnp.where(spike, p["refr_steps"], refr)
        y = jnp.where(spike, p["v_reset"], y)
        new = {"V_m": y + p["E_L"], "I_const": x[0], "refr": refr, "i_syn": i_syn}
        return new, spike.astype(jnp.int32)


def _tau_syn_rule(p, given: bool) -> list[Rule]:
    """NEST checks the entries of ``tau_syn`` in order, each for > 0 and then (only
    when ``tau_syn`` is being set) for differing from ``tau_m``."""
    for taus, tau_m in zip(p["tau_syn"], p["tau_m"], strict=True):
        for t in np.asarray(taus, dtype=float):
            if t <= 0:
                return [(lambda _: True, _POSITIVE_MSG)]
            if given and t == tau_m:
                return [(lambda _: True, _DIFFER_MSG)]
    return []
