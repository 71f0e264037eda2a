"""``bernoulli_synapse``: each presynaptic spike is transmitted with probability ``p_transmit``.

NEST draws one uniform number per spike of the event's multiplicity and sends
the event, with ``weight`` and the number of spikes that passed as its
multiplicity, if any passed. The synapse keeps no state, but its random draw
at every spike makes it an event-driven (plastic) synapse here.

Deliberate difference: ``transmit`` does not see a spike's multiplicity, and the
engine multiplies what it sends by it, so a multiple spike (e.g. from a parrot
repeating coinciding input spikes) passes or fails as a whole, where NEST draws
once per spike. Spikes of neurons, which come one at a time, are unaffected.
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
        """Each spike of a multiple spike passes on its own with probability p_transmit."""
        passed = jax.random.binomial(key, p["multiplicity"], p["p_transmit"])
        return {}, p["weight"], passed
