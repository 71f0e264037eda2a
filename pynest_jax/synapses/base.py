"""Declarative description of NEST synapse models and their registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..models.base import Prop

SYNAPSE_MODELS: dict[str, type[SynapseModel]] = {}


class SynapseModel:
    """A synapse model: its per-connection parameters and common properties.

    ``params`` are set per connection (``weight``, ``delay`` and
    model-specific ones); ``common`` are shared by all connections of the model
    and can only be set with ``SetDefaults`` (e.g. the weight of
    ``static_synapse_hom_w``).
    """

    name: ClassVar[str]
    params: ClassVar[dict[str, Prop]] = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
    }
    common: ClassVar[dict[str, Prop]] = {}
    aliases: ClassVar[tuple[str, ...]] = ()
    # NEST's ``sizeof`` (bytes of one connection object) as its status shows it; None
    # where NEST 3.10 shows none (its ``_lbl`` variant still does: ``conn_bytes`` + 8).
    sizeof: ClassVar[int | None] = 32
    conn_bytes: ClassVar[int | None] = None
    # Per-connection entries of ``params`` that the synapse changes while spikes pass
    # (read back into the connection table after a simulation). Empty: a static synapse.
    dynamic: ClassVar[tuple[str, ...]] = ()
    # Whether ``transmit`` reads the target neurons' spike history (STDP).
    reads_history: ClassVar[bool] = False

    # A native CPU kernel that computes exactly this class's ``transmit`` (see
    # ``native_rule``); None: the XLA loop over spikes runs ``transmit``.
    native: ClassVar[str | None] = None

    @classmethod
    def plastic(cls) -> bool:
        return bool(cls.dynamic)

    @classmethod
    def native_rule(cls) -> str | None:
        """The native kernel of this model: ``native`` if the class declaring it also
        declares the ``transmit`` in use (a subclass that changes the dynamics does
        not inherit the kernel)."""
        owner = next((c for c in cls.__mro__ if "native" in c.__dict__), None)
        rule = next((c for c in cls.__mro__ if "transmit" in c.__dict__), None)
        return cls.native if owner is not None and owner is rule else None

    @classmethod
    def check(cls, p: dict[str, np.ndarray], connecting: bool = False) -> str | None:
        """NEST's message if the per-connection values are invalid, else None.
        ``connecting``: the values come from Connect's syn_spec (NEST skips some
        checks there)."""
        return None

    @classmethod
    def transmit(cls, p: dict[str, Any], t_spike: Any, key: Any) -> tuple:
        """A presynaptic spike stamped ``t_spike`` (ms) passes the synapses whose values
        are ``p`` (one array entry per synapse; ``common`` properties included): their
        new dynamic values and the weight each sends, optionally followed by whether
        each synapse transmits the spike (1 by default; 0: no event reaches the target
        or the weight_recorder). Each spike of a multiple spike passes on its own. ``key`` is a
        JAX random key of this spike, for stochastic synapses. Only plastic synapse
        models implement it."""
        raise NotImplementedError


# NEST's variants of a synapse model: ``_hpc`` addresses its target by an index (16 bytes
# less per connection), ``_lbl`` carries a ``synapse_label`` (8 bytes more).
_LABEL = Prop(-1, "", int)


def variant(cls: type[SynapseModel], suffix: str) -> type[SynapseModel]:
    """The ``_hpc`` or ``_lbl`` variant of a synapse model: same dynamics, NEST's own
    ``sizeof`` and, for ``_lbl``, the per-connection ``synapse_label``."""
    size = cls.sizeof if cls.sizeof is not None else cls.conn_bytes
    doc = f"``{cls.name}`` as NEST's ``{suffix}`` variant."
    ns: dict[str, Any] = {"name": cls.name + suffix, "__doc__": doc}
    if suffix == "_lbl":
        ns["params"] = {**cls.params, "synapse_label": _LABEL}
        ns["sizeof"] = None if size is None else size + 8
    elif suffix == "_hpc":
        ns["sizeof"] = None if cls.sizeof is None else cls.sizeof - 16
    return type(cls.__name__ + suffix, (cls,), ns)


def register_synapse(cls: type[SynapseModel]) -> type[SynapseModel]:
    SYNAPSE_MODELS[cls.name] = cls
    for suffix in cls.aliases:
        SYNAPSE_MODELS[cls.name + suffix] = variant(cls, suffix)
    return cls


@dataclass
class SynapseEntry:
    """A synapse model as the kernel sees it: class plus (possibly copied) defaults."""

    name: str
    cls: type[SynapseModel]
    defaults: dict[str, Any] = field(default_factory=dict)

    def default(self, key: str) -> Any:
        if key in self.defaults:
            return self.defaults[key]
        return self.cls_default(key)

    def cls_default(self, key: str) -> Any:
        """The model's own default of ``key``."""
        props = {**self.cls.params, **self.cls.common}
        return props[key].default
