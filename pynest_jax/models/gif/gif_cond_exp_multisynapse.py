"""``gif_cond_exp_multisynapse``: ``gif_cond_exp`` with an exponential conductance per port.

Port k = 1..n has reversal potential ``E_rev[k-1]`` and time constant
``tau_syn[k-1]``; spikes raise its conductance by their weight after the
step's integration (NEST refuses negative weights only when it delivers
them, during Simulate; we cannot raise there and add them as they are).
``C_m dV/dt = -g_L (V - E_L) + I_stim + I_e - sum_k g_k (V - E_rev_k) - I_stc``,
where the synaptic terms see ``V_reset`` while refractory (and ``dV/dt = 0``).
``g`` (the conductances), ``n_receptors`` and ``has_connections`` are status
entries. Changing the number of ports needs both ``E_rev`` and ``tau_syn``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..base import Prop, StepContext, register
from ..iaf_psc.shared import padded_tau_syn
from .shared import GIF_PARAMS, GIF_STATE, GifMultisynapse, any_non_positive, check_gif, integrate

_BOTH_MSG = "If the number of receptor ports is changed, both arrays E_rev and tau_syn must be provided."


@register
class gif_cond_exp_multisynapse(GifMultisynapse):
    name = "gif_cond_exp_multisynapse"
    category = "A"
    params = {
        **GIF_PARAMS,
        "tau_syn": Prop([2.0], "ms", "vector"),
        "E_rev": Prop([0.0], "mV", "vector"),
        "gsl_error_tol": Prop(1e-3),
    }
    state = {
        **GIF_STATE,
        "g": Prop([], "nS", "vector", hidden=True),
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, NEST's first step is h
    }
    channels = ("current",)
    port_state = ("g",)

    @classmethod
    def checks(cls, p, old, changed, has_input):
        """NEST checks the receptor arrays (when either is given) before everything else."""
        return cls.port_error(p, old, changed, has_input) or check_gif(p)

    @classmethod
    def port_error(cls, p, old, changed, has_input) -> str | None:
        e_given, tau_given = "E_rev" in changed, "tau_syn" in changed
        if not (e_given or tau_given):
            return None
        for e_rev, tau, e_old in zip(p["E_rev"], p["tau_syn"], old["E_rev"], strict=True):
            resized = len(e_rev) != len(e_old) or len(tau) != len(e_old)
            if resized and not (e_given and tau_given):
                return _BOTH_MSG
        for e_rev, tau in zip(p["E_rev"], p["tau_syn"], strict=True):
            if len(e_rev) != len(tau):
                return "The reversal potential, and synaptic time constant arrays must have the same size."
        if cls.reduced_ports(p, old, has_input):
            return cls.ports_msg
        if any_non_positive(p["tau_syn"]):
            return "All synaptic time constants must be strictly positive"
        return None

    @classmethod
    def status_extra(cls, p, i):
        return {"n_receptors": len(p["E_rev"][i])}

    @classmethod
    def host_status(cls, group, i, kernel):
        n = len(group.params["E_rev"][i])
        g = np.zeros(n)
        stored = np.asarray(group.state["g"][i], dtype=float)[:n]
        g[: len(stored)] = stored
        return {**super().host_status(group, i, kernel), "g": g}

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["tau_syn_T"] = padded_tau_syn(p)[0].T
        out["E_rev_T"] = padded_tau_syn(p, "E_rev", 0.0)[0].T
        return out

    @classmethod
    def derivatives(cls, p: dict, y: dict, aux: dict) -> dict:
        refractory = aux["refr"] > 0
        v = y["V_m"]
        v_eff = jnp.where(refractory, p["V_reset"], v)
        g = y["g"]
        # NEST's leak term here takes the unclamped potential; it only matters where dV/dt = 0.
        i_leak = -p["g_L"] * (v - p["E_L"])
        i_syn = jnp.zeros_like(v)
        for k in range(g.shape[0]):
            i_syn = i_syn + -g[k] * (v_eff - p["E_rev_T"][k])
        dv = (i_leak + aux["I_stim"] + p["I_e"] + i_syn - aux["stc"]) / p["C_m"]
        return {"V_m": jnp.where(refractory, 0.0, dv), "g": -g / p["tau_syn_T"]}

    @classmethod
    def membrane(cls, p, s, x, stc, ctx: StepContext):
        y, h_int = integrate(cls.derivatives, p, s, {"V_m": s["V_m"], "g": s["g"].T}, stc, ctx)
        g = y["g"].T + cls.port_input(x, s["g"].shape[1])
        return y["V_m"], {"g": g, "h_int": h_int}
