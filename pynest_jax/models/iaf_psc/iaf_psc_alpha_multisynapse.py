"""``iaf_psc_alpha_multisynapse``: leaky IAF neuron with alpha-shaped currents on n ports.

As ``iaf_psc_alpha``, but each receptor port k = 1..n has its own alpha
current with time constant ``tau_syn[k-1]`` and takes spikes of either sign.
In each step a non-refractory neuron advances its membrane potential
(relative to ``E_L``) exactly with the step current and the synaptic
currents of the previous step and is bounded below by ``V_min``; then the
currents advance and take up this step's spikes, then threshold and reset.
``I_syn`` records the sum of the port currents.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import Prop, StepContext, register
from .propagators import alpha_psc_propagators, exp
from .shared import (
    MultisynapseIAF,
    non_negative_rule,
    padded_tau_syn,
    positive_rule,
    relative_potentials,
    reset_rule,
)


@register
class iaf_psc_alpha_multisynapse(MultisynapseIAF):
    name = "iaf_psc_alpha_multisynapse"
    params = {**MultisynapseIAF.params, "V_min": Prop(-np.inf, "mV")}
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_const": Prop(0.0, "pA", hidden=True),
        "refr": Prop(0, "", int, hidden=True),
        "y1_syn": Prop([], "pA/ms", "vector", hidden=True),
        "y2_syn": Prop([], "pA", "vector", hidden=True),
    }
    port_state = ("y1_syn", "y2_syn")

    @classmethod
    def rules(cls, p, old, changed, has_input):
        """NEST's checks in its order."""
        return [
            positive_rule("C_m", "Capacitance must be strictly positive."),
            positive_rule("tau_m", "Membrane time constant must be strictly positive."),
            *cls.port_rule(p, old, changed, has_input),
            (
                lambda p: any(np.any(np.asarray(t) <= 0) for t in p["tau_syn"]),
                "All synaptic time constants must be strictly positive.",
            ),
            non_negative_rule("t_ref", "Refractory time must not be negative."),
            reset_rule(),
        ]

    @classmethod
    def device_params(cls, p, h):
        tau, mask = padded_tau_syn(p)
        tau_m, c_m = p["tau_m"], p["C_m"]
        p31, p32 = alpha_psc_propagators(tau, tau_m[:, None], c_m[:, None], h)
        p11 = exp(-h / tau) * mask
        p33 = exp(-h / tau_m)
        return {
            **relative_potentials(p),
            "P33": p33,
            "P30": 1.0 / c_m * (1.0 - p33) * tau_m,
            "P11": p11,
            "P21": h * p11,
            "P31": p31 * mask,
            "P32": p32 * mask,
            "psc_norm": np.e / tau * mask,
            "refr_steps": ms_to_steps(p["t_ref"], h),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y = s["V_m"] - p["E_L"]
        free = s["refr"] == 0
        y1, y2 = s["y1_syn"], s["y2_syn"]
        y_free = p["P30"] * (s["I_const"] + p["I_e"]) + p["P33"] * y
        y_free = y_free + jnp.sum(p["P31"] * y1 + p["P32"] * y2, axis=1)
        y = jnp.where(free, jnp.maximum(y_free, p["v_min"]), y)
        refr = jnp.where(free, s["refr"], s["refr"] - 1)

        y2 = p["P21"] * y1 + p["P11"] * y2
        y1 = y1 * p["P11"] + p["psc_norm"] * cls.port_input(x, y1.shape[1])

        spike = y >= p["theta"]
        refr = jnp.where(spike, p["refr_steps"], refr)
        y = jnp.where(spike, p["v_reset"], y)
        new = {"V_m": y + p["E_L"], "I_const": x[0], "refr": refr, "y1_syn": y1, "y2_syn": y2}
        return new, spike.astype(jnp.int32)
