"""``gif_psc_exp_multisynapse``: ``gif_psc_exp`` with an exponential current per receptor port.

Port k = 1..n (``tau_syn[k-1]``) takes spikes of either sign. Unlike
``gif_psc_exp``, NEST moves the membrane with each port's current as it was
*before* this step's decay and spikes, so a spike reaches ``V_m`` one step
later. ``n_receptors`` and ``has_connections`` are status entries.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..base import Prop, StepContext, register
from ..iaf_psc.propagators import exp, exp_psc_propagator
from ..iaf_psc.shared import padded_tau_syn
from .shared import GIF_PARAMS, GIF_STATE, GifMultisynapse, any_non_positive, membrane_propagators


@register
class gif_psc_exp_multisynapse(GifMultisynapse):
    name = "gif_psc_exp_multisynapse"
    params = {**GIF_PARAMS, "tau_syn": Prop([2.0], "ms", "vector")}
    state = {**GIF_STATE, "i_syn": Prop([], "pA", "vector", hidden=True)}
    channels = ("current",)
    port_state = ("i_syn",)

    @classmethod
    def synapse_error(cls, p, old, changed, has_input):
        """Only when ``tau_syn`` is given: fewer ports on a connected node, then entries <= 0."""
        if "tau_syn" not in changed:
            return None
        if cls.reduced_ports(p, old, has_input):
            return cls.ports_msg
        if any_non_positive(p["tau_syn"]):
            return "All synaptic time constants must be > 0."
        return None

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out.update(membrane_propagators(p, h))
        tau, mask = padded_tau_syn(p)
        c_m = p["C_m"][:, None]
        out["P11"] = np.where(mask, exp(-h / tau), 0.0)
        out["P21"] = np.where(mask, exp_psc_propagator(tau, c_m / p["g_L"][:, None], c_m, h), 0.0)
        return out

    @classmethod
    def membrane(cls, p, s, x, stc, ctx: StepContext):
        i_syn = s["i_syn"]
        syn_pot = jnp.zeros_like(s["V_m"])
        for k in range(i_syn.shape[1]):
            syn_pot = syn_pot + p["P21"][:, k] * i_syn[:, k]
        i_syn = p["P11"] * i_syn + cls.port_input(x, i_syn.shape[1])
        v = p["P30"] * (s["I_stim"] + p["I_e"] - stc) + p["P33"] * s["V_m"] + p["P31"] * p["E_L"] + syn_pot
        return v, {"i_syn": i_syn}
