"""``weight_recorder``: the weights plastic synapses send, one event per synapse and spike.

A synapse model reports to it when its ``weight_recorder`` default is set
(SetDefaults/CopyModel). Each presynaptic spike passing such a synapse gives
an event with the presynaptic sender, the target, the spike time, the weight
sent, the receptor and the port (the synapse's index among its source's
connections of that model), in the order the synapses see the spikes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models.base import register
from .recording import RecordingDevice

_INTEGER_VALUES = ("ports", "receptors", "targets")


@register
class weight_recorder(RecordingDevice):
    name = "weight_recorder"

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
            ev[name] = ev[name].astype(np.int64)
        return ev
