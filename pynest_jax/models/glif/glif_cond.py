"""``glif_cond``: GLIF neuron (models 1-5) with alpha-shaped synaptic conductances on n ports.

Each receptor port k = 1..n has a conductance ``g_k`` with time constant
``tau_syn[k-1]`` and reversal potential ``E_rev[k-1]`` (a spike of weight 1
gives a peak of 1 nS at ``tau_syn``). In each step NEST first integrates the
membrane potential (relative to ``E_L``) and the conductances with GSL's
RKF45 (``gsl_odeiv_control_y_new(1e-3, 0)``, first integration step ``h``,
the step carried over between steps), driven by the step current and the
mean after-spike current of the previous step; the potential does not move
while refractory. Then the threshold, reset and after-spike-current rules of
``shared`` apply to the integrated potential, and this step's spikes raise
``dg_k`` by ``w e / tau_syn[k-1]``.

The status shows the conductances ``g`` and their derivatives ``dg`` as NEST
keeps them: one entry before the first simulation, one per port after it;
``threshold_spike`` and ``threshold_voltage`` are recordables only (NEST also
accepts them in SetStatus, pynest_jax does not).
"""

from __future__ import annotations

from dataclasses import replace

import jax.numpy as jnp
import numpy as np

from ..base import Prop, StepContext, register
from ..gsl_rkf45 import StepControl, evolve
from .shared import (
    GLIF_PARAMS,
    GLIF_STATE,
    TAU_SYN_MSG,
    GlifNeuron,
    asc_check,
    lengths,
    mechanism_check,
    membrane_checks,
    ordered_sum,
    padded,
    ports_resized,
    positive_entries,
    spike_threshold_check,
    voltage_threshold_check,
)

_HIDDEN = ("threshold_spike", "threshold_voltage")


@register
class glif_cond(GlifNeuron):
    name = "glif_cond"
    category = "A"
    params = {
        **GLIF_PARAMS,
        "g_m": Prop(9.43, "nS"),
        "tau_syn": Prop([0.2, 2.0], "ms", "vector"),
        "E_rev": Prop([0.0, -85.0], "mV", "vector"),
    }
    state = {
        **{k: replace(v, hidden=True) if k in _HIDDEN else v for k, v in GLIF_STATE.items()},
        "dg_syn": Prop([], "nS/ms", "vector", hidden=True),
        "g_syn": Prop([], "nS", "vector", hidden=True),
        "n_y": Prop(1, "", int, hidden=True),  # ports in NEST's state vector (shown in g, dg)
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, NEST's first step is h
    }
    recordables = ("ASCurrents_sum", "I", "V_m", "threshold", "threshold_spike", "threshold_voltage")
    conductance = "g_m"
    port_keys = ("tau_syn", "E_rev")
    port_state = ("dg_syn", "g_syn")
    mechanism_msg = (
        "Incorrect model mechanism combination setting.See documents for setting of model "
        "mechanism parameters:spike_dependent_threshold, after_spike_currents, adapting_threshold."
    )

    @classmethod
    def rules(cls, p, old, changed, has_input):
        """NEST's order for glif_cond differs from glif_psc's."""
        return [
            mechanism_check(cls.mechanism_msg),
            *membrane_checks(cls.conductance),
            spike_threshold_check,
            asc_check,
            voltage_threshold_check,
            *cls.port_rules(p, old, changed, has_input),
        ]

    @classmethod
    def port_rules(cls, p, old, changed, has_input):
        """With tau_syn or E_rev set: equal sizes, no new number of ports on a connected
        node, positive time constants."""
        if not any(k in changed for k in cls.port_keys):
            return []

        def sizes(p):
            n_tau, n_rev = lengths(p["tau_syn"]), lengths(p["E_rev"])
            wrong = np.nonzero(n_tau != n_rev)[0]
            if not len(wrong):
                return None
            i = int(wrong[0])
            return (
                "The reversal potential and synaptic time constant arrays, i.e., "
                f"E_rev ({n_rev[i]}) and tau_syn ({n_tau[i]}), must have the same size."
            )

        return [sizes, ports_resized("tau_syn", p, old, has_input), positive_entries("tau_syn", TAU_SYN_MSG)]

    @classmethod
    def recordables_of(cls, p, i):
        ports = [f"g_{k + 1}" for k in range(len(p["tau_syn"][i]))]
        return tuple(sorted([*cls.recordables, *ports]))

    @classmethod
    def host_status(cls, group, i, kernel):
        out = super().host_status(group, i, kernel)
        n_y = int(group.state["n_y"][i])
        for key, name in (("g", "g_syn"), ("dg", "dg_syn")):
            values = np.asarray(group.state[name][i], dtype=float).ravel()[:n_y]
            out[key] = np.pad(values, (0, n_y - len(values)))
        return out

    @classmethod
    def device_params(cls, p, h):
        mask = cls.port_mask(p)
        width = mask.shape[1]
        tau = np.where(mask, padded(p["tau_syn"], width, 1.0), 1.0)
        return {
            **cls.glif_params(p, h),
            "C_m": p["C_m"],
            "tau_syn": tau.T,
            "E_rev": np.where(mask, padded(p["E_rev"], width), 0.0).T,
            "cond_init": np.where(mask, 1.0 * np.e / tau, 0.0),
            "n_receptors": lengths(p["tau_syn"]),
        }

    @classmethod
    def derivatives(cls, p: dict, y: dict, aux: dict) -> dict:
        """Right-hand side: membrane potential (frozen while refractory) and the
        alpha-shaped conductances, ports on the first axis."""
        v = y["V"]
        i_syn = ordered_sum(0.0, y["g"] * (v + p["E_L"] - p["E_rev"]), axis=0)
        dv = (-(p["G"] * v) - i_syn + aux["I"] + aux["asc_sum"]) / p["C_m"]
        return {
            "V": jnp.where(aux["refractory"], 0.0, dv),
            "dg": -y["dg"] / p["tau_syn"],
            "g": y["dg"] - y["g"] / p["tau_syn"],
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        v_old = s["V_m"] - p["E_L"]
        refractory = s["refr"] > 0
        y = {"V": v_old, "dg": s["dg_syn"].T, "g": s["g_syn"].T}
        aux = {"I": s["I"], "asc_sum": s["ASCurrents_sum"], "refractory": refractory}
        h_int = jnp.where(s["h_int"] > 0.0, s["h_int"], ctx.h)

        control = StepControl.y(1e-3, 0.0)
        rhs = lambda y, aux, p: cls.derivatives(p, y, aux)  # noqa: E731
        y, _, h_int = evolve(rhs, control, y, aux, h_int, ctx.h, params=p)

        free = ~refractory
        ts, asc_sum, asc = cls.adapt(p, s, free)
        new, spikes = cls.fire(p, s, free, v_old, y["V"], ts, asc_sum, asc)
        new["dg_syn"] = y["dg"].T + p["cond_init"] * cls.port_input(x, y["dg"].shape[0])
        new["g_syn"] = y["g"].T
        new["I"] = x[0]
        new["n_y"] = jnp.broadcast_to(p["n_receptors"], s["n_y"].shape).astype(s["n_y"].dtype)
        new["h_int"] = h_int
        return new, spikes

    @classmethod
    def recordable(cls, p, s, name):
        if name.startswith("g_"):
            return s["g_syn"][:, int(name[2:]) - 1]
        return super().recordable(p, s, name)
