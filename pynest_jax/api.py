"""PyNEST's high-level functions, with NEST's names, arguments and errors."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import units
from .connection_rules import connect_pairs_indexed
from .delivery import is_uniform
from .engine import Engine
from .errors import NESTErrors
from .kernel import KERNEL, ConnBlock
from .models.base import NEURON_STATUS, ModelEntry
from .nodecollection import NodeCollection, SynapseCollection
from .parameters import Parameter
from .synapses.base import SynapseEntry
from .timeconv import (
    TICS_PER_MS,
    is_multiple_of_resolution,
    ms_to_steps,
    ms_to_tics,
    steps_to_ms,
    tics_per_step,
)

__all__ = [
    "Cleanup",
    "Connect",
    "CopyModel",
    "Create",
    "GetConnections",
    "GetDefaults",
    "GetKernelStatus",
    "GetStatus",
    "Install",
    "Prepare",
    "ResetKernel",
    "Run",
    "RunManager",
    "SetDefaults",
    "SetKernelStatus",
    "SetStatus",
    "Simulate",
]


# ---------------------------------------------------------------------- nodes
def Create(model: str, n: int = 1, params: Any = None, positions: Any = None) -> NodeCollection:
    """Create ``n`` nodes of ``model``; ``params`` is a dict (values scalar, per node or
    ``nest.random`` parameters) or a list of one dict per node."""
    if positions is not None:
        raise NESTErrors.NotImplemented("Spatially distributed nodes are not supported by pynest_jax yet.")
    gids = KERNEL.create(model, n, params)
    return NodeCollection(gids)


def SetStatus(nodes: NodeCollection | SynapseCollection, params: Any, val: Any = None) -> None:
    """Deprecated NEST 2 style ``SetStatus``; same as ``nodes.set(...)``."""
    if isinstance(params, str):
        params = {params: val}
    if isinstance(nodes, SynapseCollection):
        nodes.set(params)
        return
    _check_nc(nodes)
    if isinstance(params, list | tuple):
        nodes.set(list(params))
    else:
        nodes.set(params)


def GetStatus(nodes: NodeCollection | SynapseCollection, keys: Any = None, output: str = "") -> Any:
    """Deprecated NEST 2 style ``GetStatus``: a tuple with one entry per node."""
    if isinstance(nodes, SynapseCollection):
        if keys is None:
            return tuple(c.get() for c in nodes)
        if isinstance(keys, str):
            return tuple(c.get(keys) for c in nodes)
        return tuple(tuple(c.get(k) for k in keys) for c in nodes)
    _check_nc(nodes)
    result = []
    for node in nodes:
        d = node.get()
        if keys is None:
            result.append(d)
        elif isinstance(keys, str):
            if keys not in d:
                raise KeyError(keys)
            result.append(d[keys])
        else:
            for k in keys:
                if k not in d:
                    raise KeyError(k)
            result.append(tuple(d[k] for k in keys))
    return tuple(result)


def _check_nc(nodes: Any) -> None:
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a NodeCollection")


# --------------------------------------------------------------------- models
def _any_model(name: str, error: type = NESTErrors.UnknownModelName) -> ModelEntry | SynapseEntry:
    if name in KERNEL.node_models:
        return KERNEL.node_models[name]
    if name in KERNEL.synapse_models:
        return KERNEL.synapse_models[name]
    raise error(f"{name} is not a known model name.")


def CopyModel(existing: str, new: str, params: Mapping[str, Any] | None = None) -> None:
    """Copy a node or synapse model under a new name, with changed defaults."""
    entry = _any_model(existing)
    if new in KERNEL.node_models or new in KERNEL.synapse_models:
        raise NESTErrors.NewModelNameExists(
            f"Model {new} is the name of an existing model and cannot be re-used."
        )
    if isinstance(entry, ModelEntry):
        copy = ModelEntry(new, entry.cls, dict(entry.defaults))
        KERNEL.node_models[new] = copy
    else:
        copy = SynapseEntry(new, entry.cls, dict(entry.defaults))
        KERNEL.synapse_models[new] = copy
    if params:
        try:
            SetDefaults(new, params)
        except Exception:
            (KERNEL.node_models if isinstance(copy, ModelEntry) else KERNEL.synapse_models).pop(new)
            raise


def SetDefaults(model: str, params: Any, val: Any = None) -> None:
    """Change the defaults of a model for nodes or synapses created later."""
    if isinstance(params, str):
        params = {params: val}
    entry = _any_model(model)
    if isinstance(entry, ModelEntry):
        cls = entry.cls
        unknown = [k for k in params if k not in cls.params and (k not in cls.state or cls.state[k].hidden)]
        if unknown:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function SetDefaults:  {' '.join(unknown)}"
            )
        trial = dict(entry.defaults)
        from .kernel import _convert

        for k, v in params.items():
            prop = cls.params.get(k) or cls.state[k]
            conv = _convert(prop, k, v, 1, KERNEL.rng)
            trial[k] = (
                conv[0]
                if isinstance(conv, np.ndarray) and conv.dtype == object
                else (conv.item() if isinstance(conv, np.ndarray) and conv.ndim == 0 else conv)
            )
        p, _ = KERNEL.model_defaults(ModelEntry(model, cls, trial))
        arrs = {k: np.asarray([v] if not isinstance(v, list | np.ndarray) else [None]) for k, v in p.items()}
        for k, v in p.items():
            if isinstance(v, list | np.ndarray):
                arrs[k] = np.empty(1, dtype=object)
                arrs[k][0] = v
        msg = cls.check(arrs)
        if msg:
            raise NESTErrors.BadProperty(f"Setting status of model '{model}': {msg}")
        entry.defaults = trial
    else:
        props = {**entry.cls.params, **entry.cls.common}
        recordable = entry.cls.plastic()
        unknown = [
            k
            for k in params
            if k not in props and k != "synapse_model" and not (k == "weight_recorder" and recordable)
        ]
        if unknown:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in synapse defaults, in function SetDefaults:  {' '.join(unknown)}"
            )
        new = dict(entry.defaults)
        for k, v in params.items():
            if k == "weight_recorder":
                new[k] = _weight_recorder_gid(v)
                continue
            if k == "volume_transmitter":
                new[k] = _volume_transmitter_gid(v)
                continue
            v = units.to_nest(v, props[k].unit, k) if k != "weight" else _weight_value(v)
            if k == "delay":
                # A model with ``delay_from_status`` sets (and checks) its own, possibly off-grid, delay.
                hook = getattr(entry.cls, "delay_from_status", None)
                if hook is not None:
                    v = hook(np.array([float(v)]), KERNEL.h, _frozen_delay_limits())[0]
                else:
                    _delay_steps_checked(np.array([float(v)]), KERNEL.h)
            new[k] = float(v) if props[k].dtype is float else v
        # ``update_defaults``: common properties derived from others, updated in NEST's order.
        hook = getattr(entry.cls, "update_defaults", None)
        if hook is not None:
            if KERNEL.engine is not None:  # the synapse count the synapses keep while simulating
                KERNEL.engine.sync_to_host()
            current = {c: entry.default(c) for c in entry.cls.common}
            new.update(hook(current, {c: v for c, v in params.items() if c in entry.cls.common}))
        if "weight" in entry.cls.common and "weight" in params and _model_in_use(model):
            raise NESTErrors.BadProperty("Common properties cannot be changed after connections exist.")
        trial = {k: np.asarray([new.get(k, entry.cls_default(k))]) for k in props}
        bad = entry.cls.check(trial)
        if bad is not None:
            raise NESTErrors.BadProperty(bad)
        entry.defaults = new
        KERNEL.invalidate()


def _volume_transmitter_gid(value: Any) -> int:
    """The node id of the volume_transmitter a synapse model reads dopamine spikes from."""
    if not isinstance(value, NodeCollection):
        kind = "long" if isinstance(value, int | np.integer) else "std::vector<long, std::allocator<long> >"
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast 'volume_transmitter' from {kind} to type "
            "std::shared_ptr<nest::NodeCollection>"
        )
    if len(value.ids) != 1:
        raise NESTErrors.BadProperty("Property volume_transmitter must be a single element NodeCollection")
    gid = int(value.ids[0])
    if not getattr(KERNEL.groups[KERNEL.node_group[gid - 1]].cls, "collects_spikes", False):
        raise NESTErrors.BadProperty(
            "Property volume_transmitter must be set to a node of type volume_transmitter"
        )
    return gid


def _weight_recorder_gid(value: Any) -> int:
    """The node id of the weight_recorder a synapse model is to report to (0: none)."""
    ids = list(value.ids) if isinstance(value, NodeCollection) else [int(value)]
    if len(ids) != 1:
        raise NESTErrors.BadProperty("weight_recorder must be a single node.")
    gid = int(ids[0])
    known = 1 <= gid <= KERNEL.network_size
    if not known or KERNEL.groups[KERNEL.node_group[gid - 1]].cls.name != "weight_recorder":
        raise NESTErrors.IllegalConnection("Only weight_recorder can be used as weight recorder.")
    return gid


def _model_in_use(model: str) -> bool:
    return any(b.syn_model == model for b in KERNEL.connections)


def GetDefaults(model: str, keys: Any = None, output: str = "") -> Any:
    """Defaults of a node or synapse model, with NEST's keys."""
    entry = _any_model(model, NESTErrors.UnknownComponent)
    if isinstance(entry, ModelEntry):
        cls = entry.cls
        p, s = KERNEL.model_defaults(entry)
        from .kernel import _py

        d = {k: _py(v, cls.params[k]) for k, v in p.items() if not cls.params[k].hidden}
        d.update({k: _py(v, cls.state[k]) for k, v in s.items() if not cls.state[k].hidden})
        d.update(cls.extra_status)
        d.update(
            {
                "element_type": cls.element_type,
                "model": model,
                "global_id": 0,
                "frozen": False,
                "local": True,
                "thread": -1,
                "vp": -1,
                "thread_local_id": -1,
                "type_id": cls.name,
                "model_id": list(KERNEL.node_models).index(model),
            }
        )
        # What every NEST neuron (an archiving node) shows.
        if cls.kind == "neuron" and cls.element_type == "neuron":
            d = {**NEURON_STATUS, "t_spike": -1.0, **d}
        # NEST's per-thread memory bookkeeping (one thread); our element size is the
        # bytes of one node's parameters and state in the group arrays.
        count = sum(g.model_names.count(model) for g in KERNEL.groups)
        d.update(
            {
                "available": np.array([0]),
                "capacity": np.array([count]),
                "instantiations": np.array([count]),
                "elementsize": _node_bytes(cls),
            }
        )
        if cls.recordables:
            arrs = {k: np.asarray([v], dtype=object) for k, v in p.items()}
            d["recordables"] = list(cls.recordables_of(arrs, 0))
        if cls.receptor_types:
            d["receptor_types"] = dict(cls.receptor_types)
        if cls.kind == "recorder":
            d["events"] = {"senders": np.array([], dtype=np.int64), "times": np.array([], dtype=float)}
            d["n_events"] = 0
    else:
        cls = entry.cls
        # Models with ``shared`` values: their synapses change common properties while simulating.
        if getattr(cls, "shared", ()) and KERNEL.engine is not None:
            KERNEL.engine.sync_to_host()
        d = {k: entry.default(k) for k, prop in {**cls.params, **cls.common}.items() if not prop.hidden}
        if "volume_transmitter" in d:
            vt = d["volume_transmitter"]
            d["volume_transmitter"] = NodeCollection([vt] if vt else [])
        d.update(
            {
                "element_type": "synapse",
                "has_delay": True,
                "num_connections": sum(len(b.source) for b in KERNEL.connections if b.syn_model == model),
                "receptor_type": 0,
                "requires_symmetric": False,
                **({"sizeof": cls.sizeof} if cls.sizeof else {}),
                "synapse_model": model,
                "synapse_modelid": list(KERNEL.synapse_models).index(model),
                "weight_recorder": NodeCollection(
                    [entry.defaults["weight_recorder"]] if entry.defaults.get("weight_recorder") else []
                ),
            }
        )
    return _select(d, keys)


def _node_bytes(cls: Any) -> int:
    """Bytes one node of this model takes in the group arrays (8 per value; vectors
    and strings count as one reference)."""
    return 8 * len(cls.params) + 8 * len(cls.state)


def _select(d: dict[str, Any], keys: Any) -> Any:
    """PyNEST's key selection: the dict, one value, or a tuple of values."""
    if keys is None:
        return d
    if isinstance(keys, str):
        if keys not in d:
            raise KeyError(keys)
        return d[keys]
    return tuple(d[k] for k in keys)


def Install(module_name: str) -> None:
    """NEST extension modules are C++ libraries; pynest_jax cannot load them."""
    raise NESTErrors.DynamicModuleManagementError(f"Module {module_name} cannot be loaded by pynest_jax.")


# ---------------------------------------------------------------- connections
_SYN_SPEC_BASE = ("synapse_model", "weight", "delay", "receptor_type", "synapse_label")


def _weight_value(v: Any) -> Any:
    """Weights are in pA (current synapses) or nS (conductance synapses); quantities are stripped."""
    if units.is_quantity(v):
        for unit in ("pA", "nS", "mV", ""):
            try:
                return units.to_nest(v, unit, "weight")
            except NESTErrors.BadProperty:
                continue
    return v


def _delay_steps_checked(delay_ms: np.ndarray, h: float) -> np.ndarray:
    """Delays rounded to whole steps, as NEST does; below one step is a BadDelay."""
    delay_ms = np.asarray(delay_ms, dtype=float)
    if is_uniform(delay_ms):  # one value for all
        return np.broadcast_to(_delay_steps_checked(delay_ms[:1].copy(), h)[0], delay_ms.shape)
    # NEST's Time::delay_ms_to_steps: ms times steps per ms, halves rounded up (1.25 ms is
    # 13 steps of 0.1 ms, 0.15 ms is 2).
    steps = np.floor(delay_ms * (TICS_PER_MS / tics_per_step(h)) + 0.5).astype(np.int64)
    bad = steps < 1
    if np.any(bad):
        shown = float(steps[bad][0] * h)  # NEST shows the rounded delay, negative ones too
        raise NESTErrors.BadDelay(
            f"Delay value {shown:g} is invalid: Delay must be greater than or equal to resolution"
        )
    return steps


def _frozen_delay_limits() -> tuple[float, float] | None:
    """NEST's min and max delay (ms) once Simulate has fixed them, else None."""
    if not KERNEL.simulated or not KERNEL.connections:
        return None
    status = kernel_status()
    return status["min_delay"], status["max_delay"]


def _check_delay_range(delay_steps: np.ndarray) -> None:
    """After a Simulate, NEST's min and max delay are fixed: new delays must lie within them."""
    if not KERNEL.simulated or not KERNEL.connections or not len(delay_steps):
        return
    status = kernel_status()
    lo, hi = delay_steps.min() * KERNEL.h, delay_steps.max() * KERNEL.h
    for value in (lo, hi):
        if value < status["min_delay"] - 1e-12 or value > status["max_delay"] + 1e-12:
            raise NESTErrors.BadDelay(
                f"Delay value {value:g} is invalid: Minimum and maximum delay cannot be changed "
                "after Simulate has been called."
            )


def _syn_values(value: Any, n: int, name: str, element: np.ndarray | None = None) -> np.ndarray:
    """One value per connection: a scalar becomes a read-only broadcast view (no memory),
    an array is read in NEST's element order, a Parameter is drawn per connection."""
    if isinstance(value, Parameter):
        return value.sample(KERNEL.rng, n)
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.broadcast_to(np.float64(arr), (n,))
    flat = arr.ravel()
    if element is not None and len(element) == n and len(flat) >= (int(element.max()) + 1 if n else 0):
        return flat[element].astype(float)
    if len(flat) != n:
        raise NESTErrors.DimensionMismatch(f"Expected {n} values for '{name}' but got {len(flat)}.")
    return flat.astype(float)


def Connect(
    pre: NodeCollection,
    post: NodeCollection,
    conn_spec: Any = None,
    syn_spec: Any = None,
    return_synapsecollection: bool = False,
) -> SynapseCollection | None:
    """Connect ``pre`` to ``post`` with a NEST connection rule and synapse specification."""
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise TypeError("Connect: pre and post must be NodeCollections")
    if syn_spec is None:
        syn_spec = {}
    elif isinstance(syn_spec, str):
        syn_spec = {"synapse_model": syn_spec}
    elif not isinstance(syn_spec, Mapping):
        raise TypeError("syn_spec must be a string or a dict")
    model = syn_spec.get("synapse_model", "static_synapse")
    entry = KERNEL.synapse_model(model)
    cls = entry.cls
    allowed = set(_SYN_SPEC_BASE) | {k for k, prop in cls.params.items() if not prop.hidden}
    unknown = [k for k in syn_spec if k not in allowed and k not in cls.common]
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in syn_spec, in function Connect:  {' '.join(unknown)}"
        )
    common_given = [k for k in syn_spec if k in cls.common]
    if common_given:
        raise NESTErrors.NotImplemented(
            f'Synapse parameter "{sorted(common_given)[0]}" can only be set via SetDefaults() or CopyModel().'
        )

    src, tgt, element = connect_pairs_indexed(pre.ids, post.ids, conn_spec, KERNEL.rng, identity_as_none=True)
    if KERNEL.network_size < 2**31:  # halves the memory of large connection tables
        src, tgt = src.astype(np.int32), tgt.astype(np.int32)
    n = len(src)
    weight_spec = syn_spec.get("weight", entry.default("weight"))
    weight = _syn_values(_weight_value(weight_spec), n, "weight", element)
    delay_spec = syn_spec.get("delay", entry.default("delay"))
    delay_spec = units.to_nest(delay_spec, "ms", "delay")
    # A model with ``delay_from_status`` keeps its (possibly off-grid) default delay when
    # syn_spec gives none; Connect's own delay is rounded to the grid.
    exact_delay = None
    if "delay" not in syn_spec and getattr(cls, "delay_from_status", None) is not None:
        exact_delay = np.broadcast_to(float(delay_spec), (n,))
        delay_steps = np.broadcast_to(ms_to_steps(float(delay_spec), KERNEL.h), (n,))
    else:
        delay_steps = _delay_steps_checked(_syn_values(delay_spec, n, "delay", element), KERNEL.h)
    _check_delay_range(delay_steps)
    receptor = _as_int(_syn_values(syn_spec.get("receptor_type", 0), n, "receptor_type", element))
    extra = {
        k: _syn_values(units.to_nest(v, cls.params[k].unit, k), n, k, element)
        for k, v in syn_spec.items()
        if k in cls.params and k not in ("weight", "delay")
    }
    for k in cls.params:
        if k not in ("weight", "delay") and k not in extra:
            extra[k] = np.full(n, float(entry.default(k)))
    # NEST checks the synapse's values (e.g. the signs of weight and Wmax) only when
    # syn_spec gives more than the model, weight and delay.
    checks_all = bool(set(syn_spec) - {"synapse_model", "weight", "delay"})
    bad = cls.check({"weight": weight, **extra}, connecting=not checks_all) if n else None
    if bad is None and n and hasattr(cls, "check_connect"):  # e.g. a volume transmitter must be set
        bad = cls.check_connect(entry.default)
    if bad is not None:
        raise NESTErrors.BadProperty(bad)
    _check_endpoints(src, tgt, receptor, pre.ids, post.ids, cls.reads_history)
    block = ConnBlock(
        syn_model=model,
        source=src,
        target=tgt,
        weight=weight,
        delay=exact_delay
        if exact_delay is not None
        else _uniform_or(delay_steps, lambda d: steps_to_ms(d, KERNEL.h)),
        receptor=receptor,
        extra=extra,
    )
    KERNEL.add_connections(block)
    if return_synapsecollection:
        b = len(KERNEL.connections) - 1
        return SynapseCollection(np.full(n, b), np.arange(n))
    return None


def _event_of_source(cls: Any) -> str:
    """The event type a source sends: spikes, currents, or data requests (multimeters)."""
    if cls.kind == "recorder":
        return "data"
    if cls.kind == "stimulator" and cls.emits == "current":
        return "current"
    return "spike"


def _uniform_or(values: np.ndarray, fn: Any) -> np.ndarray:
    """Apply ``fn`` elementwise, keeping a broadcast (one value for all) array broadcast."""
    if is_uniform(values):
        return np.broadcast_to(fn(values[:1].copy())[0], values.shape)
    return fn(values)


def _as_int(values: np.ndarray) -> np.ndarray:
    return _uniform_or(values, lambda v: np.asarray(v).astype(np.int64))


def _groups_of(gids: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The group of each node in ``gids`` (all drawn from ``candidates``): a broadcast
    view when the candidates lie in one group, so large connection lists are not looked up."""
    groups = KERNEL.node_group[np.asarray(candidates) - 1]
    if len(groups) and groups.min() == groups.max():
        return np.broadcast_to(groups[0], gids.shape)
    return KERNEL.node_group[gids - 1]


def _check_endpoints(
    src: np.ndarray,
    tgt: np.ndarray,
    receptor: np.ndarray,
    pre_ids: np.ndarray,
    post_ids: np.ndarray,
    stdp: bool = False,
) -> None:
    """Refuse connections NEST refuses: wrong direction to devices, unknown receptors,
    volume transmitters anywhere but as the target of neurons, STDP synapses (``stdp``)
    onto them."""
    k = KERNEL
    if not len(src):
        return
    sg, tg = _groups_of(src, pre_ids), _groups_of(tgt, post_ids)
    n_groups = len(k.groups)
    single_target_group = is_uniform(tg)
    for gi in [tg[0]] if single_target_group else np.nonzero(np.bincount(tg, minlength=n_groups))[0]:
        g = k.groups[gi]
        # A slice keeps one-value-for-all arrays (receptor) as cheap broadcast views.
        m = slice(None) if single_target_group else tg == gi
        src_groups = [sg[0]] if is_uniform(sg) else np.nonzero(np.bincount(sg[m], minlength=n_groups))[0]
        src_kinds = {k.groups[x].cls.kind for x in src_groups}
        vt_sources = any(getattr(k.groups[x].cls, "collects_spikes", False) for x in src_groups)
        if getattr(g.cls, "collects_spikes", False) and (vt_sources or src_kinds != {"neuron"}):
            raise NESTErrors.IllegalConnection(
                "Creation of connection is not possible because:\nWe do not allow connection of a "
                "device to a global receiver at the moment."
            )
        if vt_sources:
            raise NESTErrors.IllegalConnection(
                "Creation of connection is not possible because:\nSource node does not send output.\n"
                "  Note that recorders must be connected as Connect(neuron, recorder)."
            )
        if g.cls.kind == "recorder" and not g.cls.receives_spikes:
            raise NESTErrors.IllegalConnection(
                f"Creation of connection is not possible because {g.cls.name} cannot receive events; "
                "connect it as the source."
            )
        sampled = g.cls.kind == "stimulator" and g.cls.recordables
        if (g.cls.kind == "stimulator" and not (sampled and src_kinds == {"recorder"})) or (
            g.cls.kind == "spike_source"
        ):
            raise NESTErrors.IllegalConnection(
                "Creation of connection is not possible because the target does not handle events."
            )
        if g.cls.kind == "neuron":
            if any(k.groups[x].cls.receives_spikes for x in src_groups):
                raise NESTErrors.IllegalConnection("spike_recorder cannot be connected as a source.")
            # NEST asks the target whether it takes this event type at this receptor.
            group_events = [_event_of_source(k.groups[x].cls) for x in src_groups]
            for event in ("spike", "current", "data"):
                if event not in group_events:
                    continue
                if len(src_groups) == 1:
                    em = m
                else:
                    ev_groups = [x for x, e in zip(src_groups, group_events, strict=True) if e == event]
                    em = np.isin(sg, ev_groups) & (True if isinstance(m, slice) else m)
                    if not em.any():
                        continue
                local = k.node_local[tgt[em] - 1]
                bad = g.cls.receptor_error(receptor[em], event, g.params, local)
                if bad is not None:
                    i, err, text = bad
                    raise getattr(NESTErrors, err)(text.format(model=g.model_names[int(local[i])]))
            if stdp and getattr(g.cls, "collects_spikes", False):
                raise NESTErrors.IllegalConnection(
                    "Creation of connection is not possible because:\nThe target node does not support "
                    "STDP synapses."
                )
        if g.cls.receives_spikes:
            emitters = {"neuron", "spike_source"}
            if any(
                k.groups[x].cls.kind not in emitters and k.groups[x].cls.emits != "spike" for x in src_groups
            ):
                raise NESTErrors.IllegalConnection("spike_recorder only records from spiking nodes.")


def GetConnections(
    source: NodeCollection | None = None,
    target: NodeCollection | None = None,
    synapse_model: str | None = None,
    synapse_label: int | None = None,
) -> SynapseCollection:
    """All connections matching source, target and synapse model, in NEST's order."""
    if synapse_model is not None:
        KERNEL.synapse_model(synapse_model)
    blocks, index, srcs, models = [], [], [], []
    model_ids = {name: i for i, name in enumerate(KERNEL.synapse_models)}
    for b, blk in enumerate(KERNEL.connections):
        if synapse_model is not None and blk.syn_model != synapse_model:
            continue
        m = np.ones(len(blk.source), dtype=bool)
        if source is not None:
            m &= np.isin(blk.source, source.ids)
        if target is not None:
            m &= np.isin(blk.target, target.ids)
        idx = np.nonzero(m)[0]
        blocks.append(np.full(len(idx), b))
        index.append(idx)
        srcs.append(blk.source[idx])
        models.append(np.full(len(idx), model_ids[blk.syn_model]))
    if not blocks:
        return SynapseCollection(np.zeros(0), np.zeros(0))
    b = np.concatenate(blocks)
    i = np.concatenate(index)
    # NEST lists connections by synapse model, then source, then creation order.
    order = np.lexsort((i, b, np.concatenate(srcs), np.concatenate(models)))
    return SynapseCollection(b[order], i[order])


# ----------------------------------------------------------------- simulation
def _engine() -> Engine:
    if KERNEL.engine is None:
        KERNEL.engine = Engine(KERNEL)
    return KERNEL.engine


def Prepare() -> None:
    """Build the device image of the network (compiled lazily on the first Run) and
    run every node's pre-run hook, as NEST's Prepare does."""
    _engine().prepare()
    KERNEL.prepared = True


def Run(t: float) -> None:
    """Simulate ``t`` ms between ``Prepare`` and ``Cleanup``."""
    if not KERNEL.prepared:
        raise NESTErrors.KernelException("Run() must be called after Prepare().")
    steps = _steps_of(t)
    if steps:
        _engine().run(steps)
    KERNEL.simulated = True


def Cleanup() -> None:
    """End a Prepare/Run sequence."""
    KERNEL.prepared = False


def _steps_of(t: Any) -> int:
    t = float(units.to_nest(t, "ms", "time"))
    if t < 0:
        raise NESTErrors.BadParameter("The simulation time cannot be negative.")
    if not is_multiple_of_resolution(t, KERNEL.h):
        raise NESTErrors.BadParameter("The simulation time must be a multiple of the simulation resolution.")
    return int(ms_to_tics(t) // tics_per_step(KERNEL.h))


def Simulate(t: float) -> None:
    """Simulate the network for ``t`` ms."""
    steps = _steps_of(t)
    Prepare()
    if steps:
        _engine().run(steps)
    KERNEL.simulated = True
    Cleanup()


@contextmanager
def RunManager():
    """Context manager: Prepare on entry, Cleanup on exit, Run inside."""
    Prepare()
    try:
        yield
    finally:
        Cleanup()


def ResetKernel() -> None:
    """Forget the network and restore all kernel and model defaults."""
    KERNEL.reset()


# --------------------------------------------------------------------- kernel
_READONLY = {
    "biological_time",
    "network_size",
    "num_connections",
    "node_models",
    "synapse_models",
    "min_delay",
    "max_delay",
    "connection_rules",
    "T_max",
    "T_min",
    "ms_per_tic",
    "tics_per_ms",
    "tics_per_step",
    "total_num_virtual_procs",
    "num_processes",
    "mpi_rank",
    "local_spike_counter",
    "prepared",
    "recording_backends",
    "rng_types",
    "to_do",
}


def kernel_status() -> dict[str, Any]:
    k = KERNEL
    d = dict(k.status)
    delays = [b.delay[:1] if is_uniform(b.delay) else b.delay for b in k.connections if len(b.delay)]
    if delays:
        # In whole steps: a cont_delay_synapse keeps an off-grid delay (ms) that NEST counts
        # as the next step up.
        d["min_delay"] = float(steps_to_ms(ms_to_steps(min(x.min() for x in delays), k.h), k.h))
        d["max_delay"] = float(steps_to_ms(ms_to_steps(max(x.max() for x in delays), k.h), k.h))
    else:
        d["min_delay"] = d["max_delay"] = k.h
    d.update(
        {
            "biological_time": float(steps_to_ms(k.time_steps, k.h)),
            "network_size": k.network_size,
            "num_connections": k.num_connections,
            "node_models": sorted(k.node_models),
            "synapse_models": sorted(k.synapse_models),
            "connection_rules": [
                "all_to_all",
                "fixed_indegree",
                "fixed_outdegree",
                "fixed_total_number",
                "one_to_one",
                "pairwise_bernoulli",
                "pairwise_poisson",
                "symmetric_pairwise_bernoulli",
            ],
            "ms_per_tic": 0.001,
            "tics_per_ms": 1000.0,
            "tics_per_step": tics_per_step(k.h),
            "T_max": 1152921504606846.8,
            "T_min": -1152921504606846.8,
            "total_num_virtual_procs": k.status["local_num_threads"],
            "num_processes": 1,
            "mpi_rank": 0,
            "prepared": k.prepared,
            "recording_backends": ["ascii", "memory", "screen"],
            "rng_type": "threefry",
            "rng_types": ["threefry"],
            "to_do": 0,
            "keep_source_table": True,
            "off_grid_spiking": False,
            "use_wfr": True,
            "local_spike_counter": 0,
            "time_simulate": 0.0,
        }
    )
    return d


def GetKernelStatus(keys: Any = None) -> Any:
    """The kernel's status dict, or selected entries of it."""
    d = kernel_status()
    return _select(d, keys)


def SetKernelStatus(params: Mapping[str, Any]) -> None:
    """Set kernel properties (resolution, rng_seed, print_time, data_path, ...)."""
    k = KERNEL
    known = set(kernel_status())
    for key in params:
        if key not in known:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function SetKernelStatus:  {key}"
            )
        if key in _READONLY:
            raise NESTErrors.BadProperty(f"Kernel property {key} is read-only.")
    if "resolution" in params:
        res = float(units.to_nest(params["resolution"], "ms", "resolution"))
        if res != k.h and (k.network_size or k.connections):
            raise NESTErrors.KernelException(
                "Nodes have already been created: time representation cannot be changed."
            )
        if res <= 0 or abs(res * 1000 - round(res * 1000)) > 1e-9:
            raise NESTErrors.BadProperty(
                "The resolution must be a positive multiple of the tic length (1 µs)."
            )
    if "rng_seed" in params:
        seed = params["rng_seed"]
        if not isinstance(seed, int | np.integer) or not (0 < int(seed) < 2**32):
            raise NESTErrors.BadProperty("RNG seed must be in (0, 2^32-1).")
    for key, value in params.items():
        if key == "resolution":
            value = float(units.to_nest(value, "ms", "resolution"))
        k.status[key] = value
    if "rng_seed" in params:
        k.rng = np.random.default_rng(int(params["rng_seed"]))
        k.invalidate()
