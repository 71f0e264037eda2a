"""PyNEST's high-level functions, with NEST's names, arguments and errors."""

from __future__ import annotations

import functools
import types
import warnings
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import kernel_attributes, units
from .connect_input import (
    CollocatedSynapses,
    check_spec_keys,
    process_conn_spec,
    process_input_nodes,
    process_syn_spec,
    spec_entry,
    syn_spec_dicts,
)
from .connection_rules import check_conn_spec, connect_pairs_indexed
from .delivery import is_uniform
from .disconnect import Disconnect
from .engine import Engine
from .errors import NESTErrors
from .kernel import KERNEL, ConnBlock
from .models.base import NEURON_STATUS, ModelEntry
from .nodecollection import NodeCollection, SynapseCollection, get_nodes
from .parameters import Parameter
from .synapses.base import SYNAPSE_MODELS, SynapseEntry
from .timeconv import (
    is_multiple_of_resolution,
    ms_to_steps,
    ms_to_tics,
    steps_to_ms,
    tics_per_ms,
    tics_per_step,
)

__all__ = [
    "Cleanup",
    "CollocatedSynapses",
    "Connect",
    "CopyModel",
    "Create",
    "Disconnect",
    "GetConnections",
    "GetDefaults",
    "GetKernelStatus",
    "GetNodes",
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


def _timed(timer: str, accumulate: bool = True) -> Callable[[Callable], Callable]:
    """Measure each call into one of NEST's kernel timers (``time_construction_create``, ...)."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed_call(*args: Any, **kwargs: Any) -> Any:
            with kernel_attributes.timed(KERNEL, timer, accumulate):
                return fn(*args, **kwargs)

        return timed_call

    return wrap


# ---------------------------------------------------------------------- nodes
@_timed("time_construction_create")
def Create(model: str, n: int = 1, params: Any = None, positions: Any = None) -> NodeCollection:
    """Create ``n`` nodes of ``model``; ``params`` is a dict (values scalar, per node or
    ``nest.random`` parameters) or a list of one dict per node."""
    if positions is not None:
        raise NESTErrors.NotImplemented("Spatially distributed nodes are not supported by pynest_jax yet.")
    gids = KERNEL.create(model, n, params)
    return NodeCollection(gids)


_DEPRECATION_SHOWN: set[str] = set()


def _deprecated(name: str, method: str) -> None:
    """NEST's one-time UserWarning for GetStatus and SetStatus."""
    if name not in _DEPRECATION_SHOWN:
        _DEPRECATION_SHOWN.add(name)
        warnings.warn(
            f"\n{name}() is deprecated and will be removed in a future version of NEST. Instead of "
            f"{name}(nrns|conns, args), use nrns|conns.{method}(args).",
            stacklevel=3,
        )


def SetStatus(nodes_or_conns: NodeCollection | SynapseCollection, params: Any, val: Any = None) -> None:
    """NEST 3.9's ``SetStatus`` (deprecated in NEST 3.10): ``nodes_or_conns.set(params)``,
    or ``set({params: val})`` when a value is given."""
    _deprecated("SetStatus", "set")
    nodes_or_conns.set(params if val is None else {params: val})


def GetStatus(nodes_or_conns: NodeCollection | SynapseCollection, keys: Any = None, output: str = "") -> Any:
    """NEST 3.9's ``GetStatus`` (deprecated in NEST 3.10): one entry per node or connection,
    as NEST 3.10 still returns it (a value per element for one key, a tuple of values per
    element for a list of keys, a status dict per element without keys); ``output="json"``
    gives JSON text."""
    _deprecated("GetStatus", "get")
    n = len(nodes_or_conns)
    if n == 0:
        return "[]" if output == "json" else ()
    if keys:
        result = nodes_or_conns.get(keys)
        if isinstance(keys, str):
            if n == 1:
                result = (result,)
        elif n == 1:
            result = (tuple(result.values()),)
        else:
            result = tuple(zip(*result.values(), strict=True))
    else:
        result = nodes_or_conns.get()
        if n == 1:
            result = (result,)
        else:
            result = tuple({key: v[j] for key, v in result.items()} for j in range(n))
    if output == "json":
        from .info import to_json

        result = to_json(result)
    return result


_NO_PROPERTIES: Mapping[str, Any] = types.MappingProxyType({})


def GetNodes(properties: Mapping[str, Any] = _NO_PROPERTIES, local_only: bool = False) -> NodeCollection:
    """All nodes whose status has each of the given values (NEST compares value and
    type: ``-60`` does not match ``-60.0``), as one NodeCollection; all nodes for ``{}``.
    ``local_only`` changes nothing in one process."""
    return get_nodes(properties)


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
                    _check_explicit_delays(_delay_steps_checked(np.array([float(v)]), KERNEL.h))
            new[k] = float(v) if props[k].dtype is float else v
        # ``update_defaults``: common properties derived from others, updated in NEST's order.
        hook = getattr(entry.cls, "update_defaults", None)
        if hook is not None:
            if KERNEL.engine is not None:  # the synapse count the synapses keep while simulating
                KERNEL.engine.sync_to_host()
            current = {c: entry.default(c) for c in entry.cls.common}
            new.update(hook(current, {c: v for c, v in params.items() if c in entry.cls.common}))
        trial = {k: np.asarray([new.get(k, entry.cls_default(k))]) for k in props}
        bad = entry.cls.check(trial)
        if bad is not None:
            raise NESTErrors.BadProperty(bad)
        KERNEL.invalidate()
        entry.defaults = new
        if "weight" in entry.cls.common and "weight" in params:
            # One weight shared by all (``_hom_w``): existing connections take the new one.
            for blk in KERNEL.connections:
                if blk.syn_model == model:
                    blk.weight = np.broadcast_to(float(new["weight"]), blk.weight.shape)


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


def GetDefaults(model: str, keys: Any = None, output: str = "") -> Any:
    """Defaults of a node or synapse model, with NEST's keys."""
    entry = _any_model(model, NESTErrors.UnknownComponent)
    if isinstance(entry, ModelEntry):
        cls = entry.cls
        p, s = KERNEL.model_defaults(entry)
        from .kernel import _py, defaults_group

        d = {k: _py(v, cls.params[k]) for k, v in p.items() if not cls.params[k].hidden}
        d.update({k: _py(v, cls.state[k]) for k, v in s.items() if not cls.state[k].hidden})
        # Computed entries as a node of the model would show them before any connection.
        group = defaults_group(entry, p, s)
        d.update(cls.status_extra(group.params, 0))
        d.update(cls.host_status(group, 0, KERNEL))
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
            d["recordables"] = list(cls.recordables_of(group.params, 0))
        if cls.receptor_types:
            d["receptor_types"] = dict(cls.receptor_types)
    else:
        cls = entry.cls
        # Models with ``shared`` values: their synapses change common properties while simulating.
        if getattr(cls, "shared", ()) and KERNEL.engine is not None:
            KERNEL.engine.sync_to_host()
        props = {**cls.params, **cls.common}
        d = {k: entry.default(k) for k, prop in props.items() if not prop.hidden}
        # Vectors (facetshw's look-up tables) come as NumPy arrays, of their own type.
        d.update({k: np.array(v) for k, v in d.items() if props[k].dtype == "vector"})
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
    """NEST extension modules are C++ libraries that pynest_jax cannot load: every module
    is refused as NEST refuses one whose library it cannot find."""
    raise NESTErrors.DynamicModuleManagementError(
        f"Module '{module_name}' could not be opened.\nThe dynamic loader returned the following error: "
        "'file not found'.\n\nPlease check LD_LIBRARY_PATH (OSX: DYLD_LIBRARY_PATH)!"
    )


# ---------------------------------------------------------------- connections
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
    steps = np.floor(delay_ms * (tics_per_ms() / tics_per_step(h)) + 0.5).astype(np.int64)
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
    return kernel_attributes.delay_extrema(KERNEL)


def _check_delay_range(delay_steps: np.ndarray, default_of: str | None = None) -> None:
    """New delays (steps) must lie within NEST's min and max delay: those fixed by the
    first Simulate, or those a script set. ``default_of``: the delays are the default
    of this synapse model (NEST words that case differently)."""
    if not len(delay_steps):
        return
    if KERNEL.simulated and KERNEL.connections:
        low, high = kernel_attributes.delay_extrema(KERNEL)
        lo, hi = delay_steps.min() * KERNEL.h, delay_steps.max() * KERNEL.h
        for value in (lo, hi):
            if value < low - 1e-12 or value > high + 1e-12:
                raise NESTErrors.BadDelay(
                    f"Delay value {value:g} is invalid: Minimum and maximum delay cannot be changed "
                    "after Simulate has been called."
                )
    bad = kernel_attributes.explicit_delay_error(KERNEL, delay_steps, default_of)
    if bad is not None:
        raise NESTErrors.BadDelay(bad)


def _check_explicit_delays(delay_steps: np.ndarray) -> None:
    """Delays (steps) outside the min and max delay a script set are a BadDelay."""
    bad = kernel_attributes.explicit_delay_error(KERNEL, delay_steps)
    if bad is not None:
        raise NESTErrors.BadDelay(bad)


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


def _connection_block(
    syn_spec: Mapping[str, Any],
    entry: SynapseEntry,
    src: np.ndarray,
    tgt: np.ndarray,
    element: np.ndarray | None,
    pre_ids: np.ndarray,
    post_ids: np.ndarray,
) -> ConnBlock:
    """The synapses of one syn_spec dict between the pairs ``src``/``tgt``, with every
    check NEST makes while creating them; nothing is added to the kernel here."""
    model, cls = entry.name, entry.cls
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
    _check_delay_range(delay_steps, None if "delay" in syn_spec else model)
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
    _check_endpoints(src, tgt, receptor, pre_ids, post_ids, cls.reads_history)
    return ConnBlock(
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


def _collocated_values(syn_spec: Mapping[str, Any], n: int, element: np.ndarray | None) -> dict[str, Any]:
    """Arrays in collocated synapse specifications go to NEST's kernel as they are: it
    reads one value per synapse, in creation order, and fails when they run out."""
    need = int(element.max()) + 1 if element is not None and len(element) else n
    out = dict(syn_spec)
    for key, value in syn_spec.items():
        if key == "synapse_model" or isinstance(value, Parameter) or np.ndim(value) == 0:
            continue
        arr = np.asarray(value)
        if len(arr) < need:
            raise NESTErrors.KernelException("Parameter values exhausted.")
        out[key] = arr[:need]
    return out


def _collocate(blocks: list[ConnBlock]) -> list[ConnBlock]:
    """NEST creates the synapses of one pair one after the other: synapses of the same
    model from several specifications interleave pair by pair (which GetConnections shows)."""
    by_model: dict[str, list[ConnBlock]] = {}
    for blk in blocks:
        by_model.setdefault(blk.syn_model, []).append(blk)
    out = []
    for model, group in by_model.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        k = len(group)

        def weave(arrays: list[np.ndarray]) -> np.ndarray:
            return np.stack([np.asarray(a) for a in arrays], axis=1).reshape(-1)

        first = group[0]
        out.append(
            ConnBlock(
                syn_model=model,
                source=np.repeat(first.source, k),
                target=np.repeat(first.target, k),
                weight=weave([g.weight for g in group]),
                delay=weave([g.delay for g in group]),
                receptor=weave([g.receptor for g in group]),
                extra={name: weave([g.extra[name] for g in group]) for name in first.extra},
            )
        )
    return out


def _compact_ids(ids: np.ndarray) -> np.ndarray:
    """Node ids as int32 when the network allows: halves the memory of large tables."""
    return ids.astype(np.int32) if KERNEL.network_size < 2**31 else ids.astype(np.int64)


@_timed("time_construction_connect")
def Connect(
    pre: NodeCollection | Any,
    post: NodeCollection | Any,
    conn_spec: Any = None,
    syn_spec: Any = None,
    return_synapsecollection: bool = False,
) -> SynapseCollection | None:
    """Connect ``pre`` to ``post`` with a NEST connection rule and synapse specification.

    As in NEST 3.10, ``pre``/``post`` may be arrays of node ids (with ``one_to_one``
    they are connected pairwise, repeated ids allowed), ``syn_spec`` may be a
    ``CollocatedSynapses`` (one synapse per specification and pair), and
    ``return_synapsecollection`` returns ``GetConnections(pre, post)``. Nothing is
    created unless every synapse can be."""
    use_arrays, pre, post = process_input_nodes(pre, post, conn_spec)
    conn = process_conn_spec(conn_spec)
    syn = process_syn_spec(syn_spec, conn, len(pre), len(post), use_arrays)
    if use_arrays:
        if return_synapsecollection:
            raise ValueError("SynapseCollection cannot be returned when connecting two arrays of node IDs")
        _connect_arrays(pre, post, syn)
        return None
    if not isinstance(pre, NodeCollection):
        raise TypeError("Not implemented, presynaptic nodes must be a NodeCollection")
    if not isinstance(post, NodeCollection):
        raise TypeError("Not implemented, postsynaptic nodes must be a NodeCollection")
    collocated = isinstance(syn, CollocatedSynapses)
    specs = syn_spec_dicts(syn.syn_specs if collocated else [syn if syn is not None else {}])
    # NEST's order of checks: the rule, each synapse specification, the rule's parameters,
    # unread keys; then it creates the synapses (checking delays, receptors, ...).
    check_conn_spec(conn, len(pre), len(post), full=False)
    entries = [spec_entry(spec) for spec in specs]
    check_conn_spec(conn, len(pre), len(post))
    for spec, entry in zip(specs, entries, strict=True):
        check_spec_keys(spec, entry, "Connect")
    src, tgt, element = connect_pairs_indexed(pre.ids, post.ids, conn, KERNEL.rng, identity_as_none=True)
    src, tgt = _compact_ids(src), _compact_ids(tgt)
    blocks = [
        _connection_block(
            _collocated_values(spec, len(src), element) if collocated else spec,
            entry,
            src,
            tgt,
            element,
            pre.ids,
            post.ids,
        )
        for spec, entry in zip(specs, entries, strict=True)
    ]
    for block in _collocate(blocks):
        KERNEL.add_connections(block)
    if return_synapsecollection:
        return GetConnections(pre, post)
    return None


def _connect_arrays(pre: np.ndarray, post: np.ndarray, syn: dict[str, Any]) -> None:
    """NEST's array connect: ``pre[i]`` to ``post[i]`` for every i. ``weight`` and
    ``delay`` must be arrays; other parameters may be scalars or arrays and must be
    parameters of the model (common ones are accepted and ignored, as in NEST)."""
    if "weights" in syn:
        raise ValueError("To specify weights, use 'weight' in syn_spec.")
    if "delays" in syn:
        raise ValueError("To specify delays, use 'delay' in syn_spec.")
    weights = np.array(syn["weight"]) if "weight" in syn else None
    delays = np.array(syn["delay"]) if "delay" in syn else None
    model = syn["synapse_model"]
    n = len(pre)
    rows: dict[str, np.ndarray] = {}
    for key in syn:
        if key not in ("weight", "delay", "synapse_model"):
            row = np.zeros(n)
            row[:] = syn[key]
            rows[key] = row
    if weights is not None and weights.ndim != 1:
        raise TypeError("weights must be a 1-dimensional NumPy array")
    if delays is not None and delays.ndim != 1:
        raise TypeError("delays must be a 1-dimensional NumPy array")
    entry = KERNEL.synapse_model(model)
    defaults = GetDefaults(model)
    for key in rows:
        if key not in defaults:
            raise NESTErrors.BadParameter(f"{model} does not have parameter {key}")
    src, tgt = pre.astype(np.int64), post.astype(np.int64)
    size = KERNEL.network_size
    bad_src = (src < 1) | (src > size)
    bad_tgt = (tgt < 1) | (tgt > size)
    int_keys = [k for k in rows if isinstance(defaults[k], int) and not isinstance(defaults[k], bool)]
    bad_int = {k: (rows[k] > 2**31) | (rows[k] != np.trunc(rows[k])) for k in int_keys}
    bad = bad_src | bad_tgt
    for mask in bad_int.values():
        bad |= mask
    first = int(np.argmax(bad)) if bad.any() else n
    # NEST connects pair by pair: the pairs before the first unknown node or non-integer
    # value are checked (and refused) as usual before that pair is.
    spec: dict[str, Any] = {"synapse_model": model}
    if weights is not None:
        spec["weight"] = weights.astype(float)[:first]
    if delays is not None:
        spec["delay"] = delays.astype(float)[:first]
    for key, row in rows.items():
        if key in entry.cls.params or key == "receptor_type":
            spec[key] = row[:first].astype(np.int64) if key in int_keys else row[:first]
    s, t = _compact_ids(src[:first]), _compact_ids(tgt[:first])
    block = _connection_block(spec, entry, s, t, None, np.unique(s), np.unique(t))
    if first < n:
        if bad_src[first] or bad_tgt[first]:
            gid = src[first] if bad_src[first] else tgt[first]
            raise NESTErrors.UnknownNode(f"Node with id {int(gid)} does not exist.")
        key = next(k for k in int_keys if bad_int[k][first])
        raise NESTErrors.BadParameter(f"Expected integer value for {key}, but got double.")
    if n:
        KERNEL.add_connections(block)


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
                raise NESTErrors.IllegalConnection(
                    "Creation of connection is not possible because:\nSource node does not send output.\n"
                    "  Note that recorders must be connected as Connect(neuron, recorder)."
                )
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
    """All connections matching source, target, synapse model and label, in NEST's order."""
    if synapse_model is not None:
        KERNEL.synapse_model(synapse_model)
    label = _label_filter(synapse_label)
    blocks, index, srcs, models = [], [], [], []
    model_ids = _synapse_model_ranks()
    for b, blk in enumerate(KERNEL.connections):
        if synapse_model is not None and blk.syn_model != synapse_model:
            continue
        if label is not None and "synapse_label" not in blk.extra:
            continue  # only the ``_lbl`` models carry labels
        m = np.ones(len(blk.source), dtype=bool)
        if label is not None:
            m &= np.asarray(blk.extra["synapse_label"]) == label
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


# NEST numbers its synapse models in the order of its model header files, each model
# as plain, _hpc, _lbl; the header of one model is not named after it.
_HEADER_OF = {"stdp_facetshw_synapse_hom": "stdp_synapse_facetshw_hom"}


def _synapse_model_ranks() -> dict[str, int]:
    """Synapse models in the order of NEST's synapse model ids, by which GetConnections
    lists connections: the built-in ones by header file, copies after them as made."""

    def key(name: str) -> tuple[str, int]:
        for i, suffix in enumerate(("_hpc", "_lbl"), 1):
            if name.endswith(suffix) and name[: -len(suffix)] in SYNAPSE_MODELS:
                name = name[: -len(suffix)]
                return _HEADER_OF.get(name, name) + ".h", i
        return _HEADER_OF.get(name, name) + ".h", 0

    builtin = sorted((n for n in KERNEL.synapse_models if n in SYNAPSE_MODELS), key=key)
    copies = [n for n in KERNEL.synapse_models if n not in SYNAPSE_MODELS]
    return {name: i for i, name in enumerate(builtin + copies)}


def _label_filter(synapse_label: Any) -> int | None:
    """The label GetConnections selects by: None for all (NEST's unlabelled -1 selects all too)."""
    if synapse_label is None:
        return None
    if isinstance(synapse_label, bool) or not isinstance(synapse_label, int | np.integer):
        given = "double" if isinstance(synapse_label, float) else type(synapse_label).__name__
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast 'synapse_label' from {given} to type long"
        )
    return None if int(synapse_label) == -1 else int(synapse_label)


# ----------------------------------------------------------------- simulation
def _engine() -> Engine:
    if KERNEL.engine is None:
        KERNEL.engine = Engine(KERNEL)
    return KERNEL.engine


@_timed("time_communicate_prepare", accumulate=False)
def Prepare() -> None:
    """Build the device image of the network (compiled lazily on the first Run) and
    run every node's pre-run hook, as NEST's Prepare does."""
    _engine().prepare()
    KERNEL.prepared = True


@_timed("time_simulate", accumulate=False)
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


@_timed("time_simulate", accumulate=False)
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
def kernel_status() -> dict[str, Any]:
    return kernel_attributes.kernel_status(KERNEL)


def GetKernelStatus(keys: Any = None) -> Any:
    """The kernel's status dict, or selected entries of it."""
    if isinstance(keys, str) and keys in kernel_attributes.ATTRIBUTE_ONLY:
        raise KeyError(keys)
    if isinstance(keys, str) and keys in KERNEL.status:  # a stored value: no need for the whole dict
        return kernel_attributes.copied(KERNEL.status[keys])
    d = kernel_status()
    return _select(d, keys)


def SetKernelStatus(params: Mapping[str, Any]) -> None:
    """Set kernel properties (resolution, rng_seed, min_delay and max_delay, threads, ...),
    with NEST's checks; see ``kernel_attributes``."""
    kernel_attributes.set_kernel_status(KERNEL, params)
