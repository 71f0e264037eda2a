"""``bernoulli_synapse``: each presynaptic spike is transmitted with probability ``p_transmit``.

Each spike (also each spike of a multiple spike, which passes on its own as in
NEST) draws one uniform number; a spike that fails reaches neither the target
nor a weight_recorder. The synapse keeps no state, but its random draw at
every spike makes it an event-driven (plastic) synapse here.
"""

from __future__ import annotations

import jax

from ..models.base import Prop
from ..models.iaf_psc.shared import first_error
from .base import SynapseModel, register_synapse


@register_synapse
class bernoulli_synapse(SynapseModel):
    name = "bernoulli_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "p_transmit": Prop(1.0, ""),
    }
    sizeof = 40

    @classmethod
    def plastic(cls) -> bool:
        """Every spike passes through ``transmit`` (for its draw) though nothing changes."""
        return True

    @classmethod
    def check(cls, p, connecting=False):
        return first_error(
            p,
            (
                (
                    lambda p: (p["p_transmit"] < 0.0) | (p["p_transmit"] > 1.0),
                    "Spike transmission probability must be in [0, 1].",
                ),
            ),
        )

    @classmethod
    def transmit(cls, p, t_spike, key):
        """The spike passes with probability p_transmit (each spike of a multiple spike
        comes on its own)."""
        passed = (jax.random.uniform(key, p["p_transmit"].shape) < p["p_transmit"]).astype(float)
        return {}, p["weight"], passed
