"""``ht_synapse``: synaptic depression after Hill & Tononi (2005).

Each connection holds a vesicle pool ``P`` that recovers towards 1 with
``tau_P``. At a presynaptic spike the synapse first lets ``P`` recover over the
time since its previous spike, sends ``P weight``, then depletes the pool by the
fraction ``delta_P``. The previous spike time starts at 0 ms, so the first spike
recovers the initial ``P`` from t = 0 (NEST 3.10's behaviour). Only the spike's
grid time counts (no precise offsets), as in NEST.

NEST writes the new values before it checks them, so a refused ``SetStatus``
keeps them in NEST; pynest_jax keeps the old values instead.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..models.base import Prop
from ..models.iaf_psc.shared import first_error
from .base import SynapseModel, register_synapse


@register_synapse
class ht_synapse(SynapseModel):
    name = "ht_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "tau_P": Prop(500.0, "ms"),
        "delta_P": Prop(0.125, ""),
        "P": Prop(1.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    dynamic = ("P", "t_lastspike")
    sizeof = 72

    @classmethod
    def check(cls, p: dict[str, Any], connecting: bool = False) -> str | None:
        """NEST's order: tau_P, delta_P, then P."""
        return first_error(
            p,
            (
                (lambda p: p["tau_P"] <= 0.0, "tau_P > 0 required."),
                (lambda p: (p["delta_P"] < 0.0) | (p["delta_P"] > 1.0), "0 <= delta_P <= 1 required."),
                (lambda p: (p["P"] < 0.0) | (p["P"] > 1.0), "0 <= P <= 1 required."),
            ),
        )

    @classmethod
    def transmit(cls, p: dict[str, Any], t_spike: Any, key: Any) -> tuple:
        recovered = 1.0 - (1.0 - p["P"]) * jnp.exp(-(t_spike - p["t_lastspike"]) / p["tau_P"])
        new = {
            "P": recovered * (1.0 - p["delta_P"]),
            "t_lastspike": jnp.broadcast_to(t_spike, recovered.shape),
        }
        return new, recovered * p["weight"]
