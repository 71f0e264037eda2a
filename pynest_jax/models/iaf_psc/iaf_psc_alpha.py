"""``iaf_psc_alpha``: leaky IAF neuron with alpha-shaped postsynaptic currents.

Exact integration as in NEST: the membrane potential (relative to ``E_L``) is
advanced with the propagators of the previous step's currents, then the
synaptic currents decay and take up the spikes of this step, then threshold
and reset; a spike is stamped at the end of the step. Excitatory and
inhibitory inputs are separated by the sign of the weight.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .propagators import alpha_psc_propagators, exp, expm1
from .shared import IAF_PARAMS, IGNORE_AND_SPIKE_PARAMS, check_iaf, relative_potentials, sign_channel


@register
class iaf_psc_alpha(NodeModel):
    name = "iaf_psc_alpha"
    params = {
        **IAF_PARAMS,
        "V_min": Prop(-np.inf, "mV"),
        "tau_syn_ex": Prop(2.0, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,  # accepted and shown, without effect, as in NEST
    }
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "dI_syn_ex": Prop(0.0, "pA/ms", hidden=True),
        "dI_syn_in": Prop(0.0, "pA/ms", hidden=True),
        "I_stim": Prop(0.0, "pA", hidden=True),
        "refr": Prop(0, "", int, hidden=True),
    }
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current")

    @classmethod
    def check(cls, p):
        return check_iaf(
            p,
            c_m_msg="Capacitance must be > 0.",
            tau_m_msg="Membrane time constant must be > 0.",
            tau_syn=("tau_syn_ex", "tau_syn_in"),
            tau_syn_msg="All synaptic time constants must be > 0.",
            t_ref_msg="The refractory time t_ref can't be negative.",
        )

    spike_channel = staticmethod(sign_channel)

    @classmethod
    def device_params(cls, p, h):
        tau_m, c_m = p["tau_m"], p["C_m"]
        p31_ex, p32_ex = alpha_psc_propagators(p["tau_syn_ex"], tau_m, c_m, h)
        p31_in, p32_in = alpha_psc_propagators(p["tau_syn_in"], tau_m, c_m, h)
        return {
            **relative_potentials(p),
            "expm1_tau_m": expm1(-h / tau_m),
            "P30": -tau_m / c_m * expm1(-h / tau_m),
            "P11_ex": exp(-h / p["tau_syn_ex"]),
            "P11_in": exp(-h / p["tau_syn_in"]),
            "P21_ex": h * exp(-h / p["tau_syn_ex"]),
            "P21_in": h * exp(-h / p["tau_syn_in"]),
            "P31_ex": p31_ex,
            "P32_ex": p32_ex,
            "P31_in": p31_in,
            "P32_in": p32_in,
            "psc_norm_ex": np.e / p["tau_syn_ex"],
            "psc_norm_in": np.e / p["tau_syn_in"],
            "refr_steps": ms_to_steps(p["t_ref"], h),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y3 = s["V_m"] - p["E_L"]
        free = s["refr"] == 0
        y3_new = (
            p["P30"] * (s["I_stim"] + p["I_e"])
            + p["P31_ex"] * s["dI_syn_ex"]
            + p["P32_ex"] * s["I_syn_ex"]
            + p["P31_in"] * s["dI_syn_in"]
            + p["P32_in"] * s["I_syn_in"]
            + p["expm1_tau_m"] * y3
            + y3
        )
        y3 = jnp.where(free, jnp.maximum(y3_new, p["v_min"]), y3)
        refr = jnp.where(free, s["refr"], s["refr"] - 1)

        i_ex = p["P21_ex"] * s["dI_syn_ex"] + p["P11_ex"] * s["I_syn_ex"]
        di_ex = p["P11_ex"] * s["dI_syn_ex"] + p["psc_norm_ex"] * x[0]
        i_in = p["P21_in"] * s["dI_syn_in"] + p["P11_in"] * s["I_syn_in"]
        di_in = p["P11_in"] * s["dI_syn_in"] + p["psc_norm_in"] * x[1]

        spike = y3 >= p["theta"]
        refr = jnp.where(spike, p["refr_steps"], refr)
        y3 = jnp.where(spike, p["v_reset"], y3)
        new = {
            "V_m": y3 + p["E_L"],
            "I_syn_ex": i_ex,
            "I_syn_in": i_in,
            "dI_syn_ex": di_ex,
            "dI_syn_in": di_in,
            "I_stim": x[2],
            "refr": refr,
        }
        return new, spike.astype(jnp.int32)
