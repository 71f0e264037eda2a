"""``iaf_tum_2000``: ``iaf_psc_exp`` whose spikes carry the release of a Tsodyks synapse.

The membrane follows NEST 3.10's ``iaf_psc_exp`` exactly: the potential
(relative to ``E_L``) advances unless refractory; the excitatory current
takes up the step current that arrived on receptor 1 in the previous step;
both currents take up this step's spikes (weights > 0 excitatory, else
inhibitory); the neuron fires if ``V_m >= V_th`` (``delta == 0``) or, with
escape noise (``delta > 0``), with probability ``rho * exp((V_m - V_th) /
delta) * h``. At each spike the neuron advances its Tsodyks-Markram synapse
state ``x``, ``y``, ``u`` over the time since its previous spike (from 0 ms
for the first) and releases ``u * x``. NEST sends that release as the spike
event's offset: spike recorders record the spike at the end of its step minus
the release (as for a precise spike time), and a target ``iaf_tum_2000``
scales spikes arriving on receptor 1 by it.

Where we differ (pynest_jax's engine delivers no per-spike values to targets
yet): spikes on receptor 1 count as released amount 0, which is right for
every source but an ``iaf_tum_2000`` (NEST's grid-based neurons and
generators send offset 0); connections between ``iaf_tum_2000`` neurons are
refused when the simulation starts (NEST refuses those it refuses when
connecting, and serves those on receptor 1).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..kernel import LAST_SPIKE
from ..timeconv import ms_per_tic, tics_per_step
from .base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .iaf_psc.iaf_psc_exp import exp_psc_step, iaf_psc_exp
from .iaf_psc.shared import (
    IAF_PARAMS,
    IGNORE_AND_SPIKE_PARAMS,
    check_archiving,
    first_error,
    non_negative_rule,
    positive_rule,
    reset_rule,
    unknown_receptor,
)

# NEST treats delta below this as a hard threshold and above it as escape noise.
_DELTA_EPS = 1e-10


@register
class iaf_tum_2000(NodeModel):
    name = "iaf_tum_2000"
    category = "B"
    params = {
        **IAF_PARAMS,
        "tau_syn_ex": Prop(2.0, "ms"),
        "tau_syn_in": Prop(2.0, "ms"),
        "rho": Prop(0.01, "1/s"),
        "delta": Prop(0.0, "mV"),
        "tau_fac": Prop(1000.0, "ms"),
        "tau_psc": Prop(2.0, "ms"),
        "tau_rec": Prop(400.0, "ms"),
        "U": Prop(0.5),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "x": Prop(0.0),
        "y": Prop(0.0),
        "u": Prop(0.0),
        "I_syn_ex": Prop(0.0, "pA", hidden=True),
        "I_syn_in": Prop(0.0, "pA", hidden=True),
        "i_0": Prop(0.0, "pA", hidden=True),  # step current (receptor 0) of the previous step
        "i_1": Prop(0.0, "pA", hidden=True),  # current for the excitatory synapse (receptor 1)
        "refr": Prop(0, "", int, hidden=True),
        "spike_offset": Prop(0.0, "ms", hidden=True),  # release u * x of this step's spike
    }
    # NEST sends the release as the spike's offset; spike recorders subtract it from the time.
    spike_offset_state = "spike_offset"
    recordables = ("I_syn_ex", "I_syn_in", "V_m")
    # Channel 4 takes spikes on receptor 1, which count as released amount 0 (see above).
    channels = ("ex", "in", "current", "filtered_current", "released")

    @classmethod
    def param_rules(cls) -> list:
        return [
            reset_rule(),
            positive_rule("C_m", "Capacitance must be strictly positive."),
            positive_rule(
                ("tau_m", "tau_syn_ex", "tau_syn_in", "tau_psc", "tau_rec"),
                "Membrane and synapse time constants must be strictly positive.",
            ),
            non_negative_rule("tau_fac", "'tau_fac' must be >= 0."),
            non_negative_rule("t_ref", "Refractory time must not be negative."),
            (lambda p: (p["U"] > 1.0) | (p["U"] < 0.0), "'U' must be in [0,1]."),
            non_negative_rule("rho", "Stochastic firing intensity must not be negative."),
            non_negative_rule("delta", "Width of threshold region must not be negative."),
        ]

    @classmethod
    def check(cls, p):
        return first_error(p, cls.param_rules()) or check_archiving(p)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        """NEST's order: parameters, then the synapse state x + y <= 1 and u in [0, 1]
        (for the values given, else the node's present ones), then the archiving node."""
        msg = first_error(p, cls.param_rules())
        if msg or not any(k in changed for k in ("x", "y", "u")):
            return msg or check_archiving(p)
        x, y, u = (_state_values(k, changed, gids, kernel) for k in ("x", "y", "u"))
        if np.any(x + y > 1.0):
            return "x + y must be <= 1.0."
        if np.any((u > 1.0) | (u < 0.0)):
            return "'u' must be in [0,1]."
        return check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Spikes and currents on receptors 0 and 1; data requests on receptor 0."""
        ok = (receptor == 0) | ((receptor == 1) & (event != "data"))
        return unknown_receptor(receptor, ok, event)

    @classmethod
    def spike_channel(cls, receptor, weight):
        signed = np.where(np.asarray(weight) > 0, 0, 1)
        return np.where(np.asarray(receptor) == 1, 4, signed).astype(np.int32)

    @classmethod
    def current_channel(cls, receptor):
        return np.where(np.asarray(receptor) == 1, 3, 2).astype(np.int32)

    @classmethod
    def pre_run(cls, group, p, s, kernel):
        """Refuse the connections between iaf_tum_2000 neurons that we cannot serve. NEST
        refuses, when connecting, those between different models (a copy counts as a
        precise-spiking target) and those on receptor 0; on receptor 1 it scales the
        spikes by the sender's release, which we cannot carry."""
        gids = np.asarray(group.gids)
        is_tum = np.array([g.cls is cls for g in kernel.groups])
        for blk in kernel.connections:
            into = np.isin(blk.target, gids)
            if not into.any():
                continue
            from_tum = is_tum[kernel.node_group[blk.source[into] - 1]]
            if not from_tum.any():
                continue
            receptor = np.broadcast_to(blk.receptor, blk.target.shape)[into][from_tum]
            pairs = zip(blk.source[into][from_tum], blk.target[into][from_tum], receptor, strict=True)
            for a, b, r in pairs:
                if _model_name(kernel, a) != _model_name(kernel, b):
                    reason = "iaf_tum_2000 neurons cannot be connected to precise spiking neurons."
                elif r == 0:
                    reason = "iaf_tum_2000 neurons must be connected via receptor_type 1."
                else:
                    raise NESTErrors.NotImplemented(
                        "pynest_jax does not yet deliver the synaptic release that iaf_tum_2000 "
                        "neurons send to each other on receptor_type 1."
                    )
                raise NESTErrors.IllegalConnection(
                    f"Creation of connection is not possible because:\n{reason}"
                )
        return s

    @classmethod
    def device_params(cls, p, h):
        """iaf_psc_exp's propagators and escape-noise constants, plus the release dynamics."""
        return {
            **iaf_psc_exp.device_params(p, h),
            "tau_fac": p["tau_fac"],
            "tau_psc": p["tau_psc"],
            "tau_rec": p["tau_rec"],
            "U": p["U"],
            "tics_per_step": np.int64(tics_per_step(h)),
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        y, refr, spike, currents = exp_psc_step(p, s, x, ctx)
        syn = _release(p, s, ctx.step + 1)
        new = {
            "V_m": jnp.where(spike, p["v_reset"], y) + p["E_L"],
            **{k: jnp.where(spike, syn[k], s[k]) for k in ("x", "y", "u")},
            **currents,
            "refr": jnp.where(spike, p["refr_steps"], refr),
            "spike_offset": jnp.where(spike, syn["released"], 0.0),
        }
        return new, spike.astype(jnp.int32)


def _release(p: dict, s: dict, stamp) -> dict:
    """The synapse state after a spike at step ``stamp`` and the amount it releases,
    in NEST's order; the previous spike (never: 0 ms) is the node's last one."""
    ms = lambda steps: (steps * p["tics_per_step"]).astype(jnp.float64) * ms_per_tic()  # noqa: E731
    t_last = ms(jnp.maximum(s[LAST_SPIKE], 0))
    dt = ms(stamp) - t_last
    p_uu = jnp.where(
        p["tau_fac"] == 0.0, 0.0, jnp.exp(-dt / jnp.where(p["tau_fac"] == 0.0, 1.0, p["tau_fac"]))
    )
    p_yy = jnp.exp(-dt / p["tau_psc"])
    p_zz = jnp.expm1(-dt / p["tau_rec"])
    p_xy = (p_zz * p["tau_rec"] - (p_yy - 1.0) * p["tau_psc"]) / (p["tau_psc"] - p["tau_rec"])
    x, y, u = s["x"], s["y"], s["u"]
    z = 1.0 - x - y
    u = u * p_uu
    x = x + (p_xy * y - p_zz * z)
    y = y * p_yy
    u = u + p["U"] * (1.0 - u)
    released = u * x
    return {"x": x - released, "y": y + released, "u": u, "released": released}


def _state_values(name: str, changed, gids: np.ndarray, kernel) -> np.ndarray:
    """Values of a state variable after a status update: those given, else the nodes'
    present ones (model default for nodes being created)."""
    n = len(gids)
    if name in changed:
        return np.broadcast_to(np.asarray(changed[name], dtype=np.float64), (n,))
    out = np.full(n, float(iaf_tum_2000.state[name].default))
    if kernel is None:
        return out
    exists = np.asarray(gids) <= len(kernel.node_group)
    for j in np.nonzero(exists)[0]:
        g = kernel.groups[kernel.node_group[gids[j] - 1]]
        out[j] = g.state[name][kernel.node_local[gids[j] - 1]]
    return out


def _model_name(kernel, gid: int) -> str:
    return kernel.groups[kernel.node_group[gid - 1]].model_names[kernel.node_local[gid - 1]]
