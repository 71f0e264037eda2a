"""``static_synapse`` and ``static_synapse_hom_w``: fixed weight and delay."""

from __future__ import annotations

from ..models.base import Prop
from .base import SynapseModel, register_synapse


@register_synapse
class static_synapse(SynapseModel):
    name = "static_synapse"
    aliases = ("_hpc", "_lbl")


@register_synapse
class static_synapse_hom_w(SynapseModel):
    """All connections share one weight, set with SetDefaults/CopyModel."""

    name = "static_synapse_hom_w"
    aliases = ("_hpc", "_lbl")
    params = {"delay": Prop(1.0, "ms")}
    common = {"weight": Prop(1.0, "")}
    sizeof = 24
