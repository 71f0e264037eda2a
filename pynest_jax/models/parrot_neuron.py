"""``parrot_neuron``: repeats every spike it receives, ignoring the weight.

Spikes arriving on receptor 0 in a step are re-emitted in that step with
their total multiplicity; receptor 1 accepts spikes that are not repeated.
"""

from __future__ import annotations

import numpy as np

from .base import ARCHIVING_PARAMS, NodeModel, register


@register
class parrot_neuron(NodeModel):
    name = "parrot_neuron"
    category = "E"
    params = dict(ARCHIVING_PARAMS)
    channels = ("spikes", "ignored")
    spike_weighted = False
    extra_status = {"flush_event_send_interval": float("inf")}

    @classmethod
    def valid_receptor(cls, receptor, p, local):
        return bool(np.all((receptor == 0) | (receptor == 1)))

    @classmethod
    def spike_channel(cls, receptor, weight):
        return np.asarray(receptor, dtype=np.int32)

    @classmethod
    def device_params(cls, p, h):
        return {}

    @classmethod
    def update(cls, p, s, x, ctx):
        return s, x[0].astype(np.int32)
