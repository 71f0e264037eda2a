"""Declarative description of a NEST node model and the registry of models.

A model declares its parameters and state (NEST names, defaults, units), its
recordables and receptor ports, checks parameter values as NEST does, and
supplies pure, vectorised JAX functions that the engine calls for a whole
population at once. The engine only knows the *category* of a model
(``kind``), never its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

Array = Any  # jax or numpy array


@dataclass(frozen=True)
class Prop:
    """One parameter or state variable: its default, NEST unit and value type.

    ``default`` may be a callable of the parameter dict (for state that
    starts at a parameter value, e.g. ``V_m`` starts at ``E_L``).
    ``dtype`` is ``float``, ``int``, ``bool``, ``str``, ``"vector"`` (a
    per-node list of floats such as ``spike_times``), ``"strings"`` (a
    per-node list of names such as ``record_from``) or ``"nodes"`` (node ids,
    shown as a NodeCollection, e.g. a weight_recorder's ``senders``).
    """

    default: Any
    unit: str = ""
    dtype: Any = float
    readonly: bool = False
    hidden: bool = False  # internal state NEST does not show in its status


@dataclass
class StepContext:
    """What a model's update sees of the simulation clock (traced values)."""

    step: Array  # global step index s; the update advances from s*h to (s+1)*h
    h: float
    key: Array | None = None


class NodeModel:
    """Base class of every node model (neurons and devices).

    ``kind`` is one of: ``"neuron"`` (has input ring buffers, updates every
    step, may emit spikes), ``"spike_source"`` (emits the same spikes to all
    its targets, e.g. ``spike_generator``), ``"stimulator"`` (emits a value per
    connection and step, e.g. ``dc_generator`` or ``poisson_generator``) and
    ``"recorder"``.
    """

    name: ClassVar[str]
    kind: ClassVar[str] = "neuron"
    element_type: ClassVar[str] = "neuron"
    category: ClassVar[str] = "B"
    params: ClassVar[dict[str, Prop]] = {}
    state: ClassVar[dict[str, Prop]] = {}
    recordables: ClassVar[tuple[str, ...]] = ()
    # Input channels of the ring buffer, e.g. ("ex", "in", "current").
    channels: ClassVar[tuple[str, ...]] = ()
    # receptor_types as NEST reports them (empty: only receptor 0).
    receptor_types: ClassVar[dict[str, int]] = {}
    # Recorders that take spikes from their sources (spike_recorder) are connection targets.
    receives_spikes: ClassVar[bool] = False
    # Whether spike input is scaled by the connection weight (a parrot ignores it).
    spike_weighted: ClassVar[bool] = True
    # Extra read-only status entries NEST shows for this model.
    extra_status: ClassVar[dict[str, Any]] = {}

    # ----- host side -------------------------------------------------------
    @classmethod
    def check(cls, p: Mapping[str, np.ndarray]) -> str | None:
        """Return NEST's error message if the parameters are invalid, else None."""
        return None

    @classmethod
    def check_set(
        cls,
        p: Mapping[str, np.ndarray],
        old: Mapping[str, np.ndarray],
        changed: Mapping[str, Any],
        gids: np.ndarray,
        kernel: Any,
    ) -> str | None:
        """Like ``check``, for values being set: ``old`` holds the previous values and
        ``changed`` the entries of the status dictionary (NEST checks some values only
        when they are given, or against the node's connections)."""
        return cls.check(p)

    @classmethod
    def receptor_error(
        cls, receptor: np.ndarray, event: str, p: Mapping[str, np.ndarray], local: np.ndarray
    ) -> tuple[int, str, str] | None:
        """The first connection whose ``receptor_type`` the targets refuse for this event
        type (``"spike"``, ``"current"`` or ``"data"``), as (index, NEST error class name,
        message with a ``{model}`` field), or None if all are accepted."""
        if cls.valid_receptor(receptor, p, local):
            return None
        return 0, "UnknownReceptorType", f"Receptor type {int(receptor[0])} is not available in {{model}}."

    @classmethod
    def valid_receptor(cls, receptor: np.ndarray, p: Mapping[str, np.ndarray], local: np.ndarray) -> bool:
        """Whether every receptor_type in ``receptor`` is accepted by the targets."""
        return bool(np.all(receptor == 0))

    @classmethod
    def spike_channel(cls, receptor: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Ring-buffer channel that receives a spike with this receptor and weight."""
        return np.zeros(len(receptor), dtype=np.int32)

    @classmethod
    def current_channel(cls, receptor: np.ndarray) -> np.ndarray:
        """Ring-buffer channel that receives a current with this receptor."""
        return np.full(len(receptor), cls.channels.index("current"), dtype=np.int32)

    @classmethod
    def n_channels(cls, p: Mapping[str, np.ndarray]) -> int:
        return len(cls.channels)

    @classmethod
    def status_extra(cls, p: Mapping[str, np.ndarray], i: int) -> dict[str, Any]:
        """Model-specific computed status entries of node ``i``."""
        return {}

    @classmethod
    def recordables_of(cls, p: Mapping[str, np.ndarray], i: int) -> tuple[str, ...]:
        """Recordables of node ``i`` (multisynapse models have one per receptor)."""
        return cls.recordables

    @classmethod
    def new_host(cls) -> dict[str, Any]:
        """Fresh host-side data of one node (a recorder keeps its events here)."""
        return {}

    @classmethod
    def host_status(cls, group: Any, i: int, kernel: Any) -> dict[str, Any]:
        """Status entries computed from host-side data (e.g. ``events``)."""
        return {}

    @classmethod
    def on_set(cls, group: Any, local: np.ndarray, values: Mapping[str, Any], kernel: Any) -> None:
        """Hook after SetStatus (e.g. a recorder clearing its events when n_events=0)."""

    # ----- device side (pure, vectorised over the population) --------------
    @classmethod
    def device_params(cls, p: Mapping[str, np.ndarray], h: float) -> dict[str, Array]:
        """Parameters as device arrays, plus constants derived from them (propagators)."""
        return {k: np.asarray(v) for k, v in p.items() if cls.params[k].dtype in (float, int, bool)}

    @classmethod
    def device_state(cls, p: Mapping[str, np.ndarray], s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Host state as the update receives it (per-node vectors come as [n, width]
        arrays padded with zeros); a model may reshape it to match its parameters."""
        return s

    # ----- stimulators: one value per connection and step ------------------
    emits: ClassVar[str] = "spike"  # or "current"

    @classmethod
    def conn_state(cls, n_conn: int) -> dict[str, Array]:
        """Per-connection state of a stimulator (e.g. independent noise values)."""
        return {}

    @classmethod
    def emit(cls, p: dict, s: dict, cs: dict, src: Array, ctx: StepContext) -> tuple[dict, dict, Array]:
        """Stimulator step: returns new device state, new connection state and one
        value per connection (current in pA, or spike multiplicity)."""
        raise NotImplementedError

    @classmethod
    def emit_block(
        cls, p: dict, s: dict, cs: dict, src: Array, steps: Array, active: Array, key: Array, h: float
    ) -> tuple[dict, dict, Array]:
        """Stimulator output for several consecutive steps ``steps`` (shape [D]):
        one value per step and connection, shape [D, n_conn]. The default runs
        ``emit`` step by step; stateless devices override it with one vectorised call."""
        import jax

        def body(carry, xs):
            st, c = carry
            step, on = xs
            ctx = StepContext(step=step, h=h, key=jax.random.fold_in(key, step))
            st2, c2, val = cls.emit(p, st, c, src, ctx)
            keep = lambda a, b: jax.numpy.where(on, a, b)  # noqa: E731
            return (jax.tree.map(keep, st2, st), jax.tree.map(keep, c2, c)), val

        (s, cs), vals = jax.lax.scan(body, (s, cs), (steps, active))
        return s, cs, vals

    @classmethod
    def update(cls, p: dict, s: dict, x: Array, ctx: StepContext) -> tuple[dict, Array]:
        """Advance every node one step. ``x[c]`` is channel c of this step's input.

        Returns the new state and the number of spikes each node emits.
        """
        raise NotImplementedError

    @classmethod
    def recordable(cls, p: dict, s: dict, name: str) -> Array:
        """Value of a recordable; by default the state variable of that name."""
        return s[name]


MODELS: dict[str, type[NodeModel]] = {}


def register(cls: type[NodeModel]) -> type[NodeModel]:
    """Class decorator adding a model to the registry under its NEST name."""
    MODELS[cls.name] = cls
    return cls


@dataclass
class ModelEntry:
    """A model as the kernel sees it: a class plus (possibly copied) defaults."""

    name: str
    cls: type[NodeModel]
    defaults: dict[str, Any] = field(default_factory=dict)


def default_value(prop: Prop, params: Mapping[str, Any]) -> Any:
    d = prop.default
    return d(params) if callable(d) else d


# Parameters every NEST neuron inherits from its archiving node (used by STDP).
ARCHIVING_PARAMS: dict[str, Prop] = {
    "tau_minus": Prop(20.0, "ms"),
    "tau_minus_triplet": Prop(110.0, "ms"),
}

# Status entries NEST shows for every neuron that do not affect our dynamics.
NEURON_STATUS: dict[str, Any] = {
    "Ca": 0.0,
    "archiver_length": 0,
    "beta_Ca": 0.001,
    "ignore_and_spike": False,
    "ignore_and_spike_interval": 100.0,
    "ignore_and_spike_offset": 1.0,
    "node_uses_wfr": False,
    "post_trace": 0.0,
    "synaptic_elements": {},
    "tau_Ca": 10000.0,
}
