"""``weight_recorder``: the weights plastic synapses send, one event per synapse and spike.

A synapse model reports to it when its ``weight_recorder`` default is set
(SetDefaults/CopyModel). Each presynaptic spike passing such a synapse gives
an event with the presynaptic sender, the target, the spike time, the weight
sent, the receptor and the port (the synapse's index among its source's
connections of that model), in the order the synapses see the spikes.
``senders`` and ``targets`` (NodeCollections, empty: all) restrict the events
to those synapses; NEST shows them for a created recorder, not in its defaults.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.base import Prop, register
from .recording import RecordingDevice

_INTEGER_VALUES = ("ports", "receptors", "targets")


@register
class weight_recorder(RecordingDevice):
    name = "weight_recorder"
    params = {
        **RecordingDevice.params,
        # Shown by host_status for created recorders only.
        "senders": Prop([], "", "nodes", hidden=True),
        "targets": Prop([], "", "nodes", hidden=True),
    }

    @classmethod
    def check(cls, p):
        msg = super().check(p)
        if msg:
            return msg
        for key in ("senders", "targets"):
            for ids in p[key]:
                steps = np.diff(np.asarray(ids))
                if np.any(steps < 0):
                    return "Indices must be sorted in ascending order"
                if np.any(steps == 0):
                    return "All node IDs in a NodeCollection have to be unique"
        return None

    @classmethod
    def host_status(cls, group, i, kernel):
        out = super().host_status(group, i, kernel)
        if group.gids[i] > 0:  # not the model's defaults
            from ..nodecollection import NodeCollection

            out.update({key: NodeCollection(group.params[key][i]) for key in ("senders", "targets")})
        return out

    @classmethod
    def value_names(cls, group: Any, i: int) -> tuple[str, ...]:
        return ("ports", "receptors", "targets", "weights")

    @classmethod
    def add_weights(
        cls, group: Any, i: int, stamps: np.ndarray, values: dict[str, np.ndarray], h: float
    ) -> None:
        """Store the events of one run (stamps: the presynaptic spike times in steps)."""
        from ..kernel import KERNEL

        t_min, t_max = cls.window_steps(group.params, i, h)
        keep = (stamps > t_min) & (stamps <= t_max)
        for key in ("senders", "targets"):
            only = group.params[key][i]
            if len(only):
                keep &= np.isin(values[key], only)
        if not keep.any():
            return
        events = {name: np.asarray(v)[keep] for name, v in values.items()}
        events["stamps"] = np.asarray(stamps)[keep]
        events["offsets"] = np.zeros(int(keep.sum()))
        cls.store(group, i, events, KERNEL)

    @classmethod
    def events(cls, group: Any, i: int, h: float) -> dict[str, np.ndarray]:
        ev = super().events(group, i, h)
        for name in _INTEGER_VALUES:
            if name in ev and len(ev[name]):  # no events yet: only empty float arrays
                ev[name] = ev[name].astype(np.int64)
        return ev
