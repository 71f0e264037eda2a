"""The kernel: simulation clock, node table, connection table and model registry.

Everything here lives on the host in NumPy arrays. The engine compiles it
into device arrays at ``Prepare``/``Simulate`` and writes state back after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import kernel_attributes, timeconv, units
from .errors import NESTErrors
from .models.base import MODELS, NEURON_STATUS, ModelEntry, NodeModel, Prop, default_value
from .parameters import Parameter, resolve_values
from .synapses.base import SYNAPSE_MODELS, SynapseEntry
from .timeconv import steps_to_ms

# State entry the engine keeps for every neuron: the step stamp of its last spike (t_spike).
LAST_SPIKE = "__last_spike"


@dataclass
class Group:
    """All nodes of one model class: parameters and state as arrays of shape [n]."""

    cls: type[NodeModel]
    gids: np.ndarray
    model_names: list[str]
    params: dict[str, np.ndarray]
    state: dict[str, np.ndarray]
    # Device-side recorded data or other per-node host data (recorders).
    host: list[dict[str, Any]] = field(default_factory=list)
    # Input already in the ring buffers when the engine was dropped: [steps ahead, channel, node].
    pending_input: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.gids)


@dataclass
class ConnBlock:
    """Connections made by one ``Connect`` call (or one synapse model within it)."""

    syn_model: str
    source: np.ndarray  # global ids
    target: np.ndarray
    weight: np.ndarray
    delay: np.ndarray  # ms
    receptor: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def make_writable(self) -> None:
        """Replace broadcast (one value for all) arrays by real copies before a change."""
        for name in ("weight", "delay", "receptor"):
            arr = getattr(self, name)
            if not arr.flags.writeable:
                setattr(self, name, np.array(arr))
        for name, arr in self.extra.items():
            if not arr.flags.writeable:
                self.extra[name] = np.array(arr)


def _props_array(prop: Prop, values: Any, n: int) -> np.ndarray:
    if prop.dtype in ("vector", "strings", "nodes"):
        arr = np.empty(n, dtype=object)
        for i in range(n):
            if prop.dtype == "strings":
                arr[i] = list(values)
            else:
                arr[i] = np.array(values, dtype=float if prop.dtype == "vector" else np.int64, copy=True)
        return arr
    if prop.dtype is str:
        return np.array([values] * n, dtype=object)
    return np.full(n, values, dtype=np.dtype(prop.dtype))


class Kernel:
    """One global simulation kernel, as NEST's."""

    def __init__(self) -> None:
        self.reset()

    # ------------------------------------------------------------------ reset
    def reset(self) -> None:
        kept = {k: v for k, v in getattr(self, "status", {}).items() if k in kernel_attributes.KEPT_BY_RESET}
        self.status: dict[str, Any] = {
            k: kernel_attributes.copied(v) for k, v in kernel_attributes.STORED_DEFAULTS.items()
        }
        self.status.update(kept)
        timeconv.set_tics_per_ms(timeconv.DEFAULT_TICS_PER_MS)
        self.timers: dict[str, Any] = kernel_attributes.new_timers()
        # min_delay and max_delay in tics when a script set them, else None.
        self.delay_extrema_tics: tuple[int, int] | None = None
        self.verbosity = None
        self.time_steps = 0  # biological time in steps
        self.node_models: dict[str, ModelEntry] = {
            name: ModelEntry(name, cls, {}) for name, cls in MODELS.items()
        }
        self.synapse_models: dict[str, SynapseEntry] = {
            name: SynapseEntry(name, cls, {}) for name, cls in SYNAPSE_MODELS.items()
        }
        self.groups: list[Group] = []
        self.group_of_cls: dict[type[NodeModel], int] = {}
        self.node_group = np.zeros(0, dtype=np.int32)  # indexed by gid - 1
        self.node_local = np.zeros(0, dtype=np.int64)
        self.connections: list[ConnBlock] = []
        # (sources, targets) of connections Disconnect removed.
        self.removed_connections: list[tuple[np.ndarray, np.ndarray]] = []
        self.engine = None
        # Spikes plastic synapses have not yet seen, kept while the engine is rebuilt:
        # (interval start step, steps in the interval, source gids, multiplicities).
        self.pending_spikes: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
        # Spike histories plastic synapses read (per group index), kept while the engine is rebuilt.
        self.post_history: dict[int, dict[str, np.ndarray]] = {}
        # Each volume transmitter's dopamine spikes since its last trigger (times in ms,
        # multiplicities), by node id, kept while the engine is rebuilt.
        self.dopamine_spikes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.prepared = False
        self.simulated = False
        self.rng = np.random.default_rng(self.status["rng_seed"])

    @property
    def h(self) -> float:
        return float(self.status["resolution"])

    @property
    def network_size(self) -> int:
        return len(self.node_group)

    def invalidate(self) -> None:
        """The network changed: the compiled engine must be rebuilt; input already on
        its way (in the ring buffers) is kept for the new one."""
        if self.engine is not None:
            self.engine.sync_to_host()
            self.engine.save_pending_input()
        self.engine = None

    # ----------------------------------------------------------------- models
    def node_model(self, name: str) -> ModelEntry:
        if not isinstance(name, str) or name not in self.node_models:
            if isinstance(name, str) and name in self.synapse_models:
                raise NESTErrors.UnknownModelName(f"{name} is not a known model name.")
            raise NESTErrors.UnknownModelName(f"{name} is not a known model name.")
        return self.node_models[name]

    def synapse_model(self, name: str) -> SynapseEntry:
        if not isinstance(name, str) or name not in self.synapse_models:
            raise NESTErrors.UnknownSynapseType(f"Synapse with name {name} does not exist.")
        return self.synapse_models[name]

    def model_defaults(self, entry: ModelEntry) -> tuple[dict[str, Any], dict[str, Any]]:
        """Parameter and state defaults of a (possibly copied) model."""
        cls = entry.cls
        params = {k: entry.defaults.get(k, prop.default) for k, prop in cls.params.items()}
        state = {}
        for k, prop in cls.state.items():
            state[k] = entry.defaults[k] if k in entry.defaults else default_value(prop, params)
        return params, state

    # ------------------------------------------------------------------ nodes
    def create(self, model: str, n: int, params: Any) -> np.ndarray:
        entry = self.node_model(model)
        if not isinstance(n, int | np.integer) or n < 1:
            raise NESTErrors.BadProperty("")
        n = int(n)
        cls = entry.cls
        pdef, sdef = self.model_defaults(entry)
        p = {k: _props_array(cls.params[k], v, n) for k, v in pdef.items()}
        s = {k: _props_array(cls.state[k], v, n) for k, v in sdef.items()}
        if cls.kind == "neuron":
            s[LAST_SPIKE] = np.full(n, -1, dtype=np.int64)  # stamp of the last spike, in steps
        first = self.network_size + 1
        gids = np.arange(first, first + n, dtype=np.int64)
        # Check and apply the user's parameters on a scratch copy first, so a
        # bad value leaves nothing behind.
        if params is not None:
            per_node = params if isinstance(params, list | tuple) else None
            if per_node is not None:
                if len(per_node) != n:
                    raise NESTErrors.BadProperty(
                        "List of dictionaries must be the same size as the number of nodes."
                    )
                for i, d in enumerate(per_node):
                    self._apply(
                        cls, model, p, s, d, np.array([i]), gids[i : i + 1], "NodeManager::set_status"
                    )
            else:
                self._apply(cls, model, p, s, params, np.arange(n), gids, "NodeManager::set_status")
        else:
            self._check(cls, model, p, gids)
        self.invalidate()
        gi = self.group_of_cls.get(cls)
        if gi is None:
            gi = len(self.groups)
            self.group_of_cls[cls] = gi
            self.groups.append(Group(cls, gids, [model] * n, p, s, [cls_host(cls) for _ in range(n)]))
            local = np.arange(n)
        else:
            g = self.groups[gi]
            local = np.arange(g.n, g.n + n)
            g.gids = np.concatenate([g.gids, gids])
            g.model_names += [model] * n
            for k in g.params:
                g.params[k] = np.concatenate([g.params[k], p[k]])
            for k in g.state:
                g.state[k] = np.concatenate([g.state[k], s[k]])
            g.host += [cls_host(cls) for _ in range(n)]
        self.node_group = np.concatenate([self.node_group, np.full(n, gi, dtype=np.int32)])
        self.node_local = np.concatenate([self.node_local, local])
        return gids

    def _check(
        self,
        cls: type[NodeModel],
        model: str,
        p: Mapping[str, np.ndarray],
        gids: np.ndarray,
        old: Mapping[str, np.ndarray] | None = None,
        changed: Mapping[str, Any] | None = None,
    ) -> None:
        msg = cls.check_set(p, p if old is None else old, changed or {}, gids, self)
        if msg:
            raise NESTErrors.BadProperty(f"Setting status of a '{model}' with node ID {int(gids[0])}: {msg}")

    def _apply(
        self,
        cls: type[NodeModel],
        model: str,
        p: dict[str, np.ndarray],
        s: dict[str, np.ndarray],
        values: Mapping[str, Any],
        idx: np.ndarray,
        gids: np.ndarray,
        where: str,
    ) -> None:
        """Set ``values`` on nodes ``idx`` of the arrays p/s in place, after checking them."""
        if not isinstance(values, Mapping):
            raise NESTErrors.TypeMismatch("Expected a dictionary of parameters.")
        unknown = [k for k in values if k not in cls.params and k not in cls.state or _is_hidden(cls, k)]
        readonly = [k for k in values if k in cls.params and cls.params[k].readonly]
        if unknown:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function {where}:  {' '.join(unknown)}"
            )
        if readonly:
            raise NESTErrors.BadProperty(f"Property {readonly[0]} is read-only.")
        newp = {k: v.copy() for k, v in p.items()}
        news = {k: v.copy() for k, v in s.items()}
        for k, v in values.items():
            target, prop = (newp, cls.params[k]) if k in cls.params else (news, cls.state[k])
            target[k][idx] = _convert(prop, k, v, len(idx), self.rng)
        self._check(
            cls, model, {k: v[idx] for k, v in newp.items()}, gids, {k: v[idx] for k, v in p.items()}, values
        )
        p.update(newp)
        s.update(news)

    def set_nodes(self, gids: np.ndarray, values: Mapping[str, Any] | list, commit: bool = True) -> None:
        """SetStatus on nodes: one dict for all, or one dict per node.

        Every value is checked on scratch copies first; the nodes change only if
        all of them are valid (and ``commit``: without it, only the checks run)."""
        if self.engine is not None:
            self.engine.sync_to_host()
        if isinstance(values, list | tuple):
            if len(values) != len(gids):
                raise NESTErrors.BadProperty(
                    "List of dictionaries must be the same size as the number of nodes."
                )
            updates = [(np.array([g]), d) for g, d in zip(gids, values, strict=True)]
        else:
            updates = [(gids, values)]
        work: dict[int, tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = {}
        applied = []
        for node_ids, vals_all in updates:
            groups = self.node_group[node_ids - 1]
            # Nodes in a NodeCollection may span groups; per-node list values follow
            # the collection order, so split them per group.
            for gi in np.unique(groups):
                sel = np.nonzero(groups == gi)[0]
                g = self.groups[gi]
                p, st = work.setdefault(int(gi), (dict(g.params), dict(g.state)))
                local = self.node_local[node_ids[sel] - 1]
                vals = {
                    key: v if _is_list_prop(g.cls, key) else _select(v, sel, len(node_ids))
                    for key, v in vals_all.items()
                }
                model = sorted({g.model_names[i] for i in local})[0]
                self._apply(g.cls, model, p, st, vals, local, node_ids[sel], "NodeManager::set_status")
                applied.append((g, local, vals))
        if not commit:
            return
        for gi, (p, st) in work.items():
            self.groups[gi].params, self.groups[gi].state = p, st
        for g, local, vals in applied:
            g.cls.on_set(g, local, vals, self)
        if self.engine is not None:
            self.engine.mark_params_dirty()

    def node_values(self, gids: np.ndarray, key: str) -> list[Any] | None:
        """One parameter or state variable of many nodes, read straight from the group
        arrays; None if ``key`` is not a plain parameter or state of every node."""
        groups = self.node_group[gids - 1]
        local = self.node_local[gids - 1]
        out: list[Any] = [None] * len(gids)
        for gi in np.unique(groups):
            g = self.groups[gi]
            prop = g.cls.params.get(key)
            if prop is None and key in g.cls.state and not g.cls.state[key].hidden:
                prop = g.cls.state[key]
                if self.engine is not None:
                    self.engine.sync_to_host()
            if prop is None or (prop.hidden if key in g.cls.params else False):
                return None
            table = g.params if key in g.cls.params else g.state
            where = np.nonzero(groups == gi)[0]
            values = table[key][local[where]]
            if prop.dtype in (float, int, bool):
                values = values.tolist()
            else:
                values = [_py(v, prop) for v in values]
            for i, v in zip(where, values, strict=True):
                out[i] = v
        return out

    def get_node(self, gid: int) -> dict[str, Any]:
        gi = int(self.node_group[gid - 1])
        i = int(self.node_local[gid - 1])
        g = self.groups[gi]
        if self.engine is not None:
            self.engine.sync_to_host()
        cls = g.cls
        # Constant neuron entries first, so that a model's own parameters of the same name win.
        archiving = cls.kind == "neuron" and cls.element_type == "neuron"  # not a volume_transmitter
        d: dict[str, Any] = dict(NEURON_STATUS) if archiving else {}
        for k, prop in cls.params.items():
            if not prop.hidden:  # e.g. a recorder's backend options, shown by the recorder itself
                d[k] = _py(g.params[k][i], prop)
        for k, prop in cls.state.items():
            if not prop.hidden:
                d[k] = _py(g.state[k][i], prop)
        if archiving:
            last = int(g.state[LAST_SPIKE][i])
            d["t_spike"] = float(steps_to_ms(last, self.h)) if last >= 0 else -1.0
        d.update(cls.status_extra(g.params, i))
        d.update(cls.host_status(g, i, self) if hasattr(cls, "host_status") else {})
        d.update(cls.extra_status)
        d["element_type"] = cls.element_type
        d["global_id"] = int(gid)
        d["model"] = g.model_names[i]
        d["model_id"] = list(self.node_models).index(g.model_names[i])
        d["local"] = True
        d["frozen"] = False
        d["vp"] = int(kernel_attributes.node_vp(self, np.array([gid]), archiving)[0])
        d["thread"] = d["vp"]  # one process: a virtual process is a thread
        d["thread_local_id"] = -1
        if cls.recordables:
            d["recordables"] = list(cls.recordables_of(g.params, i))
        if cls.receptor_types:
            d["receptor_types"] = dict(cls.receptor_types)
        return d

    # ------------------------------------------------------------ connections
    def add_connections(self, block: ConnBlock) -> None:
        self.invalidate()
        self.connections.append(block)

    @property
    def num_connections(self) -> int:
        return int(sum(len(b.source) for b in self.connections))


def _is_list_prop(cls: type[NodeModel], key: str) -> bool:
    prop = cls.params.get(key) or cls.state.get(key)
    return prop is not None and prop.dtype in ("vector", "strings", "nodes")


def _is_hidden(cls: type[NodeModel], k: str) -> bool:
    return k in cls.state and cls.state[k].hidden


def _select(v: Any, sel: np.ndarray, n: int) -> Any:
    """Pick the entries of a per-node value list that belong to a node subset."""
    if isinstance(v, list | tuple | np.ndarray) and not isinstance(v, str) and len(v) == n and n > 1:
        arr = np.asarray(v, dtype=object) if isinstance(v, list | tuple) else v
        return [arr[i] for i in sel] if len(sel) > 1 else arr[sel[0]]
    return v


def _convert(prop: Prop, name: str, value: Any, n: int, rng: np.random.Generator) -> Any:
    """Turn a user value for ``n`` nodes into array entries, NEST-style type checks included."""
    value = units.to_nest(value, prop.unit, name)
    if prop.dtype == "strings":
        names = [value] if isinstance(value, str) else list(value)
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = list(names)
        return out
    if prop.dtype == "vector":
        if isinstance(value, list | tuple) and any(isinstance(x, list | tuple | np.ndarray) for x in value):
            inner = "std::vector<double, std::allocator<double> >"
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{name}' from "
                f"std::vector<{inner}, std::allocator<{inner} > > to type std::vector<double>"
            )
        if np.ndim(value) == 0 and not isinstance(value, str):
            kind = "long" if isinstance(value, int | np.integer) else "double"
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{name}' from {kind} to type std::vector<double>"
            )
        arr = np.asarray(value, dtype=float).ravel()
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = arr.copy()
        return out
    if prop.dtype == "nodes":
        ids = _node_ids(value)
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = ids.copy()
        return out
    if prop.dtype is str:
        if not isinstance(value, str):
            kind = (
                "bool"
                if isinstance(value, bool | np.bool_)
                else "long"
                if isinstance(value, int | np.integer)
                else "double"
                if isinstance(value, float | np.floating)
                else "std::vector<std::string, std::allocator<std::string> >"
                if isinstance(value, list | tuple)
                else type(value).__name__
            )
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{name}' from {kind} to type std::string"
            )
        return value
    if prop.dtype is bool:
        kind = (
            "std::string"
            if isinstance(value, str)
            else "long"
            if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
            else "double"
            if isinstance(value, float | np.floating)
            else None
        )
        if kind:  # NEST's message for bool has no final full stop
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{name}' from {kind} to type bool"
            )
        return np.asarray(value, dtype=bool)
    if isinstance(value, str) or (isinstance(value, list | tuple) and any(isinstance(x, str) for x in value)):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{name}' from std::string to type double."
        )
    if prop.dtype is int and np.asarray(value).dtype.kind == "f":  # NEST reads a long, not a double
        raise NESTErrors.TypeMismatch(f"Expected datatype: Failed to cast '{name}' from double to type long")
    if isinstance(value, Parameter):
        out = value.sample(rng, n)
    elif n > 1 or np.ndim(value) > 0:
        out = resolve_values(value, n, rng)
    else:
        out = value
    if prop.dtype is int:
        return np.asarray(out).astype(np.int64)
    return np.asarray(out, dtype=np.float64)


def _node_ids(value: Any) -> np.ndarray:
    """Node ids of a NodeCollection-valued entry (a NodeCollection or a list of ids, in the
    given order: the model checks it); NEST's TypeMismatch for anything else."""
    if hasattr(value, "ids") and not isinstance(value, np.ndarray):  # a NodeCollection
        return np.array(value.ids, dtype=np.int64)
    if isinstance(value, list | tuple | np.ndarray) and len(value):
        arr = np.asarray(value)
        if arr.ndim == 1 and arr.dtype.kind in "iu":
            bad = arr[(arr < 1) | (arr > KERNEL.network_size)]
            if len(bad):
                raise NESTErrors.UnknownNode(f"Node with id {int(bad[0])} does not exist.")
            return arr.astype(np.int64)
    if isinstance(value, list | tuple | np.ndarray):
        kind = "EmptyList" if not len(value) else "std::vector<double, std::allocator<double> >"
    elif isinstance(value, str):
        kind = "std::string"
    else:
        kind = "long" if isinstance(value, int | np.integer) else "double"
    raise NESTErrors.TypeMismatch(f"Expected datatype: NodeCollection, provided datatype: {kind}")


def _py(v: Any, prop: Prop) -> Any:
    if prop.dtype == "nodes":
        from .nodecollection import NodeCollection

        return NodeCollection(v)
    if prop.dtype == "strings":
        return list(v)
    if prop.dtype == "vector":
        return np.array(v, dtype=float)
    if prop.dtype is str:
        return str(v)
    if prop.dtype is bool:
        return bool(v)
    if prop.dtype is int:
        return int(v)
    return float(v)


def defaults_group(entry: ModelEntry, params: Mapping[str, Any], state: Mapping[str, Any]) -> Group:
    """A one-node group of a model's defaults (global id 0, no connections), from which
    the model computes the status entries GetDefaults shows."""
    cls = entry.cls
    p = {k: _props_array(cls.params[k], v, 1) for k, v in params.items()}
    s = {k: _props_array(cls.state[k], v, 1) for k, v in state.items()}
    return Group(cls, np.zeros(1, dtype=np.int64), [entry.name], p, s, [cls_host(cls)])


def cls_host(cls: type[NodeModel]) -> dict[str, Any]:
    """Fresh host-side per-node data (e.g. a recorder's events)."""
    return cls.new_host() if hasattr(cls, "new_host") else {}


KERNEL = Kernel()
