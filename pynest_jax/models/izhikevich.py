"""``izhikevich``: Izhikevich's (2003) quadratic spiking neuron, on NEST's fixed-step map.

NEST 3.10 advances ``V_m`` and ``U_m`` once per simulation step with one of
two explicit schemes, chosen by ``consistent_integration``:

* ``True`` (default): forward Euler from the values of the previous step; the
  step's spike input (summed weights, any sign) is added to ``V_m``;
* ``False``: the published scheme, two half steps of ``V_m`` with the spike
  input as a current, then ``U_m`` from the new ``V_m``.

``V_m`` is then bounded below by ``V_min``; if it has reached ``V_th`` the
neuron fires, ``V_m`` is set to ``c`` and ``U_m`` grows by ``d``. The step
current (receptor 0) takes effect from the next step. There is no refractory
period. ``U_m`` starts at -13 whatever ``b`` and ``V_m`` are, as in NEST.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext, register
from .iaf_psc.shared import IGNORE_AND_SPIKE_PARAMS, check_archiving, unknown_receptor


@register
class izhikevich(NodeModel):
    name = "izhikevich"
    category = "B"
    params = {
        "a": Prop(0.02),
        "b": Prop(0.2),
        "c": Prop(-65.0, "mV"),
        "d": Prop(8.0, "mV"),
        "I_e": Prop(0.0, "pA"),
        "V_th": Prop(30.0, "mV"),
        "V_min": Prop(-np.finfo(np.float64).max, "mV"),
        "consistent_integration": Prop(True, "", bool),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    state = {
        "V_m": Prop(-65.0, "mV"),
        "U_m": Prop(-13.0, "mV"),
        "I": Prop(0.0, "pA", hidden=True),  # step current of the previous step
    }
    recordables = ("U_m", "V_m")
    channels = ("spikes", "current")

    @classmethod
    def check(cls, p):
        """NEST checks none of the model's own parameters."""
        return check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        return unknown_receptor(receptor, receptor == 0, event)

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        h = ctx.h
        v, u, spikes = s["V_m"], s["U_m"], x[0]

        # Forward Euler from the previous values; input jumps V_m.
        v_euler = v + (h * (0.04 * v * v + 5.0 * v + 140.0 - u + s["I"] + p["I_e"]) + spikes)
        u_euler = u + h * p["a"] * (p["b"] * v - u)

        # The published scheme: two half steps of V_m, input as a current, then U_m.
        half = h * 0.5
        v_pub = v + half * (0.04 * v * v + 5.0 * v + 140.0 - u + s["I"] + p["I_e"] + spikes)
        v_pub = v_pub + half * (0.04 * v_pub * v_pub + 5.0 * v_pub + 140.0 - u + s["I"] + p["I_e"] + spikes)
        u_pub = u + h * p["a"] * (p["b"] * v_pub - u)

        consistent = p["consistent_integration"]
        v = jnp.where(consistent, v_euler, v_pub)
        u = jnp.where(consistent, u_euler, u_pub)
        v = jnp.where(v < p["V_min"], p["V_min"], v)
        spike = v >= p["V_th"]
        new = {
            "V_m": jnp.where(spike, p["c"], v),
            "U_m": jnp.where(spike, u + p["d"], u),
            "I": x[1],
        }
        return new, spike.astype(jnp.int32)
