"""``volume_transmitter``: collects the spikes of a pool of (dopamine) neurons for
neuromodulated synapses (``stdp_dopamine_synapse``).

It takes spikes like a neuron (one ring buffer, multiplicities summed, weights
ignored) but never fires. The engine keeps, per transmitter, the list of
spikes that arrived since its last trigger (time of arrival, multiplicity),
headed by an entry at that trigger time; every ``deliver_interval`` min-delay
slices, at the end of the slice, all synapses of the models that name the
transmitter catch up to the end of the slice and the list restarts. As in NEST,
only neurons can send to it (it is a global receiver), and STDP synapses cannot
end on it.
"""

from __future__ import annotations

import numpy as np

from ..models.base import NodeModel, Prop, register


@register
class volume_transmitter(NodeModel):
    name = "volume_transmitter"
    # For the engine a node that takes spikes through a ring buffer; NEST shows it as "other".
    kind = "neuron"
    element_type = "other"
    category = "E"
    params = {"deliver_interval": Prop(1, "", int)}
    channels = ("spikes",)
    spike_weighted = False
    extra_status = {"node_uses_wfr": False}
    # The engine collects its input as dopamine spikes for the synapses that name it.
    collects_spikes = True

    @classmethod
    def device_params(cls, p, h):
        return {"deliver_interval": np.asarray(p["deliver_interval"], dtype=np.int64)}

    @classmethod
    def update(cls, p, s, x, ctx):
        return s, np.zeros(x.shape[1], np.int32)
