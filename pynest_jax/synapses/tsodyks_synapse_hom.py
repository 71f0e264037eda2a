"""``tsodyks_synapse_hom``: ``tsodyks_synapse`` whose weight and dynamics parameters are
common to all its connections.

``weight``, ``U``, ``tau_psc``, ``tau_rec`` and ``tau_fac`` are set only with
SetDefaults/CopyModel; each connection keeps its own ``x``, ``y``, ``u`` and
time of the previous spike (starting at 0 ms), updated as in ``tsodyks_synapse``
(whose ``transmit`` it inherits: common properties reach it in ``p``).
NEST checks ``u`` of this model nowhere.
"""

from __future__ import annotations

import numpy as np

from ..models.base import Prop
from ..models.iaf_psc.shared import first_error
from .base import register_synapse
from .tsodyks_synapse import X_PLUS_Y_MSG, tsodyks_synapse, x_plus_y_rule

# NEST's checks of the common properties, in its order (messages without quotes, unlike
# the per-connection ones of tsodyks_synapse).
_COMMON_RULES = (
    ("U", lambda v: (v > 1.0) | (v < 0.0), "U must be in [0,1]."),
    ("tau_psc", lambda v: v <= 0.0, "tau_psc must be > 0."),
    ("tau_rec", lambda v: v <= 0.0, "tau_rec must be > 0."),
    ("tau_fac", lambda v: v < 0.0, "tau_fac must be >= 0."),
)


@register_synapse
class tsodyks_synapse_hom(tsodyks_synapse):
    name = "tsodyks_synapse_hom"
    aliases = ("_hpc", "_lbl")
    params = {
        "delay": Prop(1.0, "ms"),
        "x": Prop(1.0, ""),
        "y": Prop(0.0, ""),
        "u": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    common = {
        "weight": Prop(1.0, ""),
        "U": Prop(0.5, ""),
        "tau_psc": Prop(3.0, "ms"),
        "tau_rec": Prop(800.0, "ms"),
        "tau_fac": Prop(0.0, "ms"),
    }
    sizeof = None  # NEST 3.10 shows no sizeof for this model (nor for its _hpc variant)
    conn_bytes = 56

    @classmethod
    def check(cls, p, connecting=False):
        """The common properties (where given, i.e. for the defaults) before the
        per-connection x + y, as NEST's SetDefaults does."""
        for key, bad, msg in _COMMON_RULES:
            if key in p and np.any(bad(np.asarray(p[key], dtype=float))):
                return msg
        return first_error(p, ((x_plus_y_rule, X_PLUS_Y_MSG),))
