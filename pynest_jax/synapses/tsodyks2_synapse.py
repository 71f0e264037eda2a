"""``tsodyks2_synapse``: short-term depression and facilitation (Tsodyks-Markram).

At each presynaptic spike the synapse first brings its state up to this
spike: the resources recover towards 1 with ``tau_rec`` after the fraction
``u`` used at the previous spike, and the release probability relaxes
towards ``U`` with ``tau_fac`` (no facilitation when ``tau_fac`` is 0), both
over the time since the previous spike; then it sends ``x u weight``. The
first spike finds no previous one and sends with the initial ``x`` and ``u``
(NEST 3.10's behaviour, measured; sources of other versions differ).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from .base import SynapseModel, register_synapse


@register_synapse
class tsodyks2_synapse(SynapseModel):
    name = "tsodyks2_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "U": Prop(0.5, ""),
        "u": Prop(0.5, ""),
        "x": Prop(1.0, ""),
        "tau_rec": Prop(800.0, "ms"),
        "tau_fac": Prop(0.0, "ms"),
        "t_lastspike": Prop(-1.0, "ms", hidden=True),  # -1: no spike yet
    }
    dynamic = ("u", "x", "t_lastspike")
    sizeof = 80

    @classmethod
    def check(cls, p, connecting=False):
        rules = (
            (lambda: (p["U"] > 1.0) | (p["U"] < 0.0), "U must be in [0,1]."),
            (lambda: (p["u"] > 1.0) | (p["u"] < 0.0), "u must be in [0,1]."),
            (lambda: p["tau_rec"] <= 0.0, "tau_rec must be > 0."),
            (lambda: p["tau_fac"] < 0.0, "tau_fac must be >= 0."),
        )
        for bad, msg in rules:
            if np.any(bad()):
                return msg
        return None

    @classmethod
    def transmit(cls, p, t_spike, key):
        dt = t_spike - p["t_lastspike"]
        seen = p["t_lastspike"] >= 0.0
        x_decay = jnp.exp(-dt / p["tau_rec"])
        facilitating = p["tau_fac"] >= 1.0e-10
        u_decay = jnp.where(facilitating, jnp.exp(-dt / jnp.where(facilitating, p["tau_fac"], 1.0)), 0.0)
        x = jnp.where(seen, 1.0 + (p["x"] - p["x"] * p["u"] - 1.0) * x_decay, p["x"])
        u = jnp.where(seen, p["U"] + p["u"] * (1.0 - p["U"]) * u_decay, p["u"])
        return {"u": u, "x": x, "t_lastspike": jnp.broadcast_to(t_spike, u.shape)}, x * u * p["weight"]
