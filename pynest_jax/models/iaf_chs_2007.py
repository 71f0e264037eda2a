"""``iaf_chs_2007``: Carandini, Horton and Sincich's (2007) normalised spike-response neuron.

NEST 3.10's update, once per step: the EPSP part ``V_syn`` follows an
alpha-shaped kernel (time constant ``tau_epsp``, amplitude ``V_epsp``) driven
by the synaptic current of the previous step, which then decays and takes up
this step's spikes (only weights >= 0; NEST drops the others); the
after-hyperpolarisation ``V_spike`` decays with ``tau_reset``. ``V_m`` is
their sum plus, when ``V_noise > 0`` and ``noise`` is not empty, ``V_noise``
times the next entry of the ``noise`` vector (a given signal replayed sample by
sample; setting ``noise`` restarts it). If ``V_m`` reaches the threshold 1 the
neuron fires and ``V_spike`` and ``V_m`` drop by ``V_reset``. There is no
refractory period and no current input.

Past the end of ``noise`` NEST reads beyond its vector (undefined values); we
add no noise there.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .iaf_psc.propagators import exp
from .iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    check_archiving,
    first_error,
    non_negative_rule,
    positive_rule,
    unknown_receptor,
)

# NEST's fixed values of the normalised model: threshold and membrane capacitance.
_U_TH = 1.0
_C = 1.0


@register
class iaf_chs_2007(NodeModel):
    name = "iaf_chs_2007"
    category = "B"
    params = {
        "V_reset": Prop(2.31),
        "V_epsp": Prop(0.77),
        "tau_epsp": Prop(8.5, "ms"),
        "tau_reset": Prop(15.4, "ms"),
        "V_noise": Prop(0.0),
        "noise": Prop([], "", "vector"),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(0.0),
        "I_syn_ex": Prop(0.0, "", hidden=True),
        "V_syn": Prop(0.0, "", hidden=True),
        "V_spike": Prop(0.0, "", hidden=True),
        "position": Prop(0, "", int, hidden=True),  # next sample of ``noise``
    }
    recordables = ("V_m",)
    # Channel 1 takes the spikes with negative weights, which NEST ignores.
    channels = ("ex", "dropped")

    @classmethod
    def check(cls, p):
        """NEST's order: V_epsp, V_reset, time constants, then the archiving-node checks."""
        rules = [
            non_negative_rule("V_epsp", "EPSP cannot be negative."),
            non_negative_rule("V_reset", "Reset potential cannot be negative."),
            positive_rule(("tau_epsp", "tau_reset"), "All time constants must be strictly positive."),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Spikes and data requests on receptor 0; NEST takes no currents."""
        if event == "current":
            return 0, "IllegalConnection", _NO_CURRENTS
        return unknown_receptor(receptor, receptor == 0, event)

    @classmethod
    def spike_channel(cls, receptor, weight):
        return np.where(np.asarray(weight) >= 0, 0, 1).astype(np.int32)

    @classmethod
    def on_set(cls, group, local, values, kernel):
        """A new noise signal is replayed from its start."""
        if "noise" in values:
            group.state["position"][np.atleast_1d(local)] = 0

    @classmethod
    def device_params(cls, p, h):
        p11 = exp(-h / p["tau_epsp"])
        lengths = np.array([len(v) for v in p["noise"]], dtype=np.int64)
        noise = np.zeros((len(lengths), max(1, int(lengths.max(initial=0)))))
        for i, v in enumerate(p["noise"]):
            noise[i, : len(v)] = v
        return {
            "P11": p11,
            "P22": exp(-h / p["tau_epsp"]),
            "P30": exp(-h / p["tau_reset"]),
            "P21": p["V_epsp"] * math.exp(1.0) / _C * p11 * h / p["tau_epsp"],
            "V_reset": p["V_reset"],
            "V_noise": p["V_noise"],
            "noise": noise,
            "noise_len": lengths,
        }

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        v_syn = s["V_syn"] * p["P22"] + s["I_syn_ex"] * p["P21"]
        i_syn = s["I_syn_ex"] * p["P11"] + x[0]
        v_spike = s["V_spike"] * p["P30"]
        pos = s["position"]
        noisy = (p["V_noise"] > 0.0) & (p["noise_len"] > 0)
        width = p["noise"].shape[1]
        sample = jnp.take_along_axis(p["noise"], jnp.clip(pos, 0, width - 1)[:, None], axis=1)[:, 0]
        sample = jnp.where(pos < p["noise_len"], sample, 0.0)
        v_m = v_syn + v_spike + jnp.where(noisy, p["V_noise"] * sample, 0.0)
        spike = v_m >= _U_TH
        new = {
            "V_m": jnp.where(spike, v_m - p["V_reset"], v_m),
            "I_syn_ex": i_syn,
            "V_syn": v_syn,
            "V_spike": jnp.where(spike, v_spike - p["V_reset"], v_spike),
            "position": pos + noisy.astype(pos.dtype),
        }
        return new, spike.astype(jnp.int32)


_NO_CURRENTS = (
    "Creation of connection is not possible because:\nThe target node or synapse model does not support "
    "current input."
)
