"""What all stimulation devices share: the activity window ``start``/``stop``/``origin``.

NEST emits a spike of a spike-emitting device at stamp ``t`` only if
``origin + start < t <= origin + stop``. A current-emitting device is on in
the update steps whose current first acts on the target in
``(origin + start, origin + stop]`` (plus the connection delay); in terms of the
emitting step ``s`` (stamp ``s + 1``) that is ``start <= s + 1 < stop``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..models.base import NodeModel, Prop
from ..timeconv import is_multiple_of_resolution, ms_to_steps

STOP_MAX = np.finfo(float).max
_FAR = np.iinfo(np.int64).max // 4


class StimulationDevice(NodeModel):
    kind = "stimulator"
    element_type = "stimulator"
    category = "E"
    params = {
        "start": Prop(0.0, "ms"),
        "stop": Prop(STOP_MAX, "ms"),
        "origin": Prop(0.0, "ms"),
        "label": Prop("", "", str),
        "stimulus_source": Prop("", "", str),
    }

    @classmethod
    def check(cls, p):
        from ..kernel import KERNEL

        h = KERNEL.h
        for key in ("start", "stop", "origin"):
            if any(x < STOP_MAX / 2 and not is_multiple_of_resolution(x, h) for x in np.atleast_1d(p[key])):
                return f"{key} must be a multiple of the simulation resolution."
        if np.any(p["stop"] < p["start"]):
            return "stop >= start required."
        return None

    @classmethod
    def window_params(cls, p, h: float) -> dict[str, np.ndarray]:
        """The activity window in steps, for the device update."""
        origin = ms_to_steps(p["origin"], h)
        stop = np.where(p["stop"] >= STOP_MAX / 2, _FAR, origin + ms_to_steps(np.minimum(p["stop"], 1e15), h))
        return {"t_start": origin + ms_to_steps(p["start"], h), "t_stop": stop}

    @staticmethod
    def current_on(p, stamp):
        """Whether a current device emits in the step with this stamp."""
        return (stamp >= p["t_start"]) & (stamp < p["t_stop"])

    @staticmethod
    def spikes_on(p, stamp):
        """Whether a spike device may emit a spike with this stamp."""
        return (stamp > p["t_start"]) & (stamp <= p["t_stop"])


def gather(values, src):
    """Per-connection view of a per-device array."""
    return jnp.asarray(values)[src]
