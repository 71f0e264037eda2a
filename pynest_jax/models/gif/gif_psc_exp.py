"""``gif_psc_exp``: generalised integrate-and-fire neuron with exponential currents.

The membrane (``tau_m = C_m / g_L``) is integrated exactly over each step,
with the synaptic currents after their decay and this step's spikes (split by
the sign of the weight, kept signed), the step current of the previous step,
``I_e`` and the spike-triggered current ``I_stc``; see ``shared`` for the
threshold, escape noise and refractoriness.
"""

from __future__ import annotations

from ..base import Prop, StepContext, register
from ..iaf_psc.propagators import exp, exp_psc_propagator
from ..iaf_psc.shared import sign_channel
from .shared import GIF_PARAMS, GIF_STATE, GifNeuron, membrane_propagators, tau_syn_error


@register
class gif_psc_exp(GifNeuron):
    name = "gif_psc_exp"
    params = {**GIF_PARAMS, "tau_syn_ex": Prop(2.0, "ms"), "tau_syn_in": Prop(2.0, "ms")}
    state = {
        **GIF_STATE,
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
    }
    recordables = ("E_sfa", "I_stc", "I_syn_ex", "I_syn_in", "V_m")
    channels = ("ex", "in", "current")
    current_index = 2
    spike_channel = staticmethod(sign_channel)

    @classmethod
    def synapse_error(cls, p, old, changed, has_input):
        return tau_syn_error(p)

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out.update(membrane_propagators(p, h))
        for kind in ("ex", "in"):
            tau = p[f"tau_syn_{kind}"]
            out[f"P11{kind}"] = exp(-h / tau)
            out[f"P21{kind}"] = exp_psc_propagator(tau, p["C_m"] / p["g_L"], p["C_m"], h)
        return out

    @classmethod
    def membrane(cls, p, s, x, stc, ctx: StepContext):
        i_ex = s["I_syn_ex"] * p["P11ex"] + x[0]
        i_in = s["I_syn_in"] * p["P11in"] + x[1]
        v = (
            p["P30"] * (s["I_stim"] + p["I_e"] - stc)
            + p["P33"] * s["V_m"]
            + p["P31"] * p["E_L"]
            + i_ex * p["P21ex"]
            + i_in * p["P21in"]
        )
        return v, {"I_syn_ex": i_ex, "I_syn_in": i_in}
