"""``NodeCollection`` and ``SynapseCollection`` with PyNEST 3.10's behaviour.

A NodeCollection holds sorted, unique node ids. NEST keeps them as *parts*:
runs of consecutive ids of one model. A collection of one part is a
*primitive*; several parts make a *composite*; slicing with a step, or slicing
a composite, gives a *sliced* composite, which remembers the parts of the
collection it came from. These kinds decide what NEST prints, what ``==``
says, and which slices and joins NEST refuses, so we track them too.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .errors import NESTErrors

_SPACE = " " * len("NodeCollection(")
_MISSING = object()

# What ``nc.foo`` raises for an unknown key: NEST's KeyError, which is also an
# AttributeError so that ``hasattr``, ``getattr(..., default)`` and NumPy's probing work.
_AttributeKeyError = type("KeyError", (KeyError, AttributeError), {"__module__": "builtins"})


def _kernel():
    from .kernel import KERNEL

    return KERNEL


def _collapse(values: list[Any]) -> Any:
    """PyNEST's get(): a single node gives the value, several give a tuple."""
    return values[0] if len(values) == 1 else tuple(values)


def _iterable(obj: Any) -> bool:
    try:
        iter(obj)
    except TypeError:
        return False
    return True


class _Same:
    """One value for every element."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _per_element(v: Any, n: int) -> Any:
    """Entries 0..n-1 of a value given per element, taken as NEST does (``v[i]``;
    extra entries are ignored, too few raise Python's IndexError)."""
    if isinstance(v, list | tuple | np.ndarray) and np.ndim(v) > 0:
        if len(v) < n:
            v[len(v)]  # raises the IndexError NEST's ``v[i]`` raises
        return v[:n]
    return [v[i] for i in range(n)]


def _to_json(data: Any) -> str:
    from .info import to_json

    return to_json(data)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is installed with NEST
        raise ImportError("Pandas could not be imported") from None
    return pandas


# ------------------------------------------------------------- model of nodes
class _ModelCodes:
    """A small integer per node telling its model apart from its neighbours' (cached;
    extended as nodes are created, rebuilt after ResetKernel)."""

    models: Any = None
    codes = np.zeros(0, dtype=np.int32)
    names: dict[str, int] = {}

    @classmethod
    def get(cls, k: Any) -> np.ndarray:
        n = k.network_size
        if cls.models is not k.node_models or len(cls.codes) > n:
            cls.models, cls.codes, cls.names = k.node_models, np.zeros(0, dtype=np.int32), {}
        have = len(cls.codes)
        if have < n:
            gids = np.arange(have + 1, n + 1)
            groups = k.node_group[gids - 1]
            local = k.node_local[gids - 1]
            new = np.empty(n - have, dtype=np.int32)
            for gi in np.unique(groups):
                sel = np.nonzero(groups == gi)[0]
                names = k.groups[gi].model_names
                new[sel] = [cls.names.setdefault(names[j], len(cls.names)) for j in local[sel]]
            cls.codes = np.concatenate([cls.codes, new])
        return cls.codes


def _model(k: Any, gid: int) -> str:
    g = k.groups[k.node_group[gid - 1]]
    return g.model_names[k.node_local[gid - 1]]


def _runs(ids: np.ndarray) -> np.ndarray:
    """NEST's parts of sorted ids: [first, last] of each run of consecutive ids of one model."""
    if not len(ids):
        return np.zeros((0, 2), dtype=np.int64)
    codes = _ModelCodes.get(_kernel())[ids - 1]
    cut = np.nonzero((np.diff(ids) != 1) | (np.diff(codes) != 0))[0] + 1
    starts = np.concatenate([[0], cut])
    ends = np.concatenate([cut, [len(ids)]]) - 1
    return np.stack([ids[starts], ids[ends]], axis=1)


def _part_ids(parts: np.ndarray) -> np.ndarray:
    return np.concatenate([np.arange(f, last + 1, dtype=np.int64) for f, last in parts])


def _node_id(value: Any) -> int:
    """A node id as NEST's kernel reads it (floats are truncated)."""
    if isinstance(value, np.ndarray) and value.ndim:
        raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return int(value)
    raise TypeError("an integer is required")


def _checked_ids(ids: np.ndarray) -> np.ndarray:
    """NEST's checks on node ids given for a new NodeCollection, in its order."""
    if len(ids) and np.any(np.diff(ids) < 0):
        raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
    n = _kernel().network_size
    if len(ids):
        if ids[0] < 1 or ids[0] > n:
            raise NESTErrors.UnknownNode(f"Node with id {int(ids[0])} does not exist.")
        dup = np.nonzero(np.diff(ids) == 0)[0]
        unknown = np.nonzero(ids[1:] > n)[0]
        if len(dup) and (not len(unknown) or dup[0] <= unknown[0]):
            raise NESTErrors.BadProperty("All node IDs in a NodeCollection have to be unique")
        if len(unknown):
            raise NESTErrors.UnknownNode(f"Node with id {int(ids[unknown[0] + 1])} does not exist.")
    return ids


# ------------------------------------------------------------ NodeCollection
class NodeCollection:
    """An ordered set of node ids, as returned by ``Create`` or made from a sorted list
    of ids with ``nest.NodeCollection(ids)``."""

    def __init__(self, data: Sequence[int] | np.ndarray | None = None) -> None:
        if data is None:
            data = []
        if isinstance(data, np.ndarray) and data.ndim == 1 and data.dtype.kind in "iufb":
            if data.dtype.kind in "iu" and len(data) and data.min() < 0:
                raise OverflowError("can't convert negative value to size_t")
            ids = data.astype(np.int64)
        else:
            values = [_node_id(x) for x in data]
            if any(v < 0 for v in values):
                raise OverflowError("can't convert negative value to size_t")
            ids = np.asarray(values, dtype=np.int64)
        self._init(_checked_ids(ids))

    def _init(self, ids: np.ndarray, parts: np.ndarray | None = None, step: int = 0) -> None:
        """``step`` > 0 marks a sliced composite; ``parts`` are then those it was sliced from."""
        object.__setattr__(self, "_ids", ids)
        object.__setattr__(self, "_parts_cache", parts)
        object.__setattr__(self, "_step", step)

    @classmethod
    def _make(cls, ids: np.ndarray, parts: np.ndarray | None = None, step: int = 0) -> NodeCollection:
        nc = object.__new__(cls)
        nc._init(np.asarray(ids, dtype=np.int64), parts, step)
        return nc

    # ------------------------------------------------------------- structure
    @property
    def ids(self) -> np.ndarray:
        """The node ids (pynest_jax's own accessor)."""
        return self._ids

    def _parts(self) -> np.ndarray:
        if self._parts_cache is None:
            object.__setattr__(self, "_parts_cache", _runs(self._ids))
        return self._parts_cache

    def _sliced(self) -> bool:
        return self._step > 0

    def _primitive(self) -> bool:
        return not self._sliced() and len(self._parts()) <= 1

    def _copy(self) -> NodeCollection:
        return NodeCollection._make(self._ids, self._parts_cache, self._step)

    # -------------------------------------------------------------- sequence
    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return len(self._ids) > 0

    def __iter__(self) -> Iterator[NodeCollection]:
        for i in range(len(self._ids)):
            yield NodeCollection._make(self._ids[i : i + 1])

    def __getitem__(self, key: Any) -> NodeCollection:
        n = len(self)
        if isinstance(key, slice):
            start = 1 if key.start is None else (key.start + 1 if key.start >= 0 else key.start)
            if key.start is not None and abs(start) > n:
                raise IndexError("slice start value outside of the NodeCollection")
            stop = n if key.stop is None else (key.stop if key.stop > 0 else key.stop - 1)
            if key.stop is not None and abs(stop) > n:
                raise IndexError("slice stop value outside of the NodeCollection")
            step = 1 if key.step is None else key.step
            if step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            # The kernel counts a positive start from 1 and a negative stop from past the end.
            start = start - 1 if start >= 0 else start + n
            stop = stop if stop >= 0 else stop + n + 1
            return self._slice(int(start), int(stop), int(step))
        if isinstance(key, int | np.integer):
            if abs(key + (key >= 0)) > n:
                raise IndexError("index value outside of the NodeCollection")
            return self[key : key + 1 : 1]
        if isinstance(key, list | tuple):
            if not len(key):
                return NodeCollection()
            if all(isinstance(x, bool | np.bool_) for x in key):
                if len(key) != n:
                    raise IndexError("Bool index array must be the same length as NodeCollection")
                return self._take(np.array(key, dtype=bool))
            if all(isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_) for x in key):
                idx = np.array(key, dtype=np.uint64)
                if len(np.unique(idx)) != len(idx):
                    raise ValueError("All node IDs in a NodeCollection have to be unique")
                return self._take(idx.astype(np.int64))
            raise TypeError("Indices must be integers or bools")
        if isinstance(key, np.ndarray):
            if not len(key):
                return NodeCollection()
            if key.ndim != 1:
                raise TypeError("NumPy indices must one-dimensional")
            is_bool = key.dtype == bool
            if not (is_bool or np.issubdtype(key.dtype, np.integer)):
                raise TypeError("NumPy indices must be an array of integers or bools")
            if is_bool and len(key) != n:
                raise IndexError("Bool index array must be the same length as NodeCollection")
            if not is_bool and len(np.unique(key)) != len(key):
                raise ValueError("All node IDs in a NodeCollection have to be unique")
            return self._take(key if is_bool else key.astype(np.int64))
        raise IndexError("only integers, slices, lists, tuples, and numpy arrays are valid indices")

    def _slice(self, start: int, stop: int, step: int) -> NodeCollection:
        """NEST's slice of elements start, start+step, ... before stop (0-based)."""
        n = len(self)
        if not start < stop:
            raise NESTErrors.BadParameter("start < stop required.")
        if stop > n:
            raise NESTErrors.BadParameter("stop <= size() required.")
        ids = self._ids[start:stop:step]
        if self._sliced():
            if len(ids) > 1:
                raise NESTErrors.BadProperty("Cannot slice a sliced composite NodeCollection.")
            return NodeCollection._make(ids) if step == 1 else NodeCollection._make(ids, self._parts(), step)
        parts = self._parts()
        if step == 1 and (len(parts) <= 1 or _same_part(parts, ids[0], ids[-1])):
            return NodeCollection._make(ids)
        return NodeCollection._make(ids, parts, step)

    def _take(self, key: np.ndarray) -> NodeCollection:
        """The nodes at a bool mask or at sorted positions, as a new (unsliced) collection."""
        if key.dtype == bool:
            return NodeCollection._make(_checked_ids(self._ids[key]))
        n = len(self)
        outside = np.nonzero(key >= n)[0]
        if len(outside):
            raise IndexError(f"pos {int(key[outside[0]])} points outside of the NodeCollection")
        if np.any(key < 0):
            if not self._primitive():
                raise IndexError(f"pos {int(key[key < 0][0]) + 2**64} points outside of the NodeCollection")
            ids = self._ids[0] + key  # the kernel counts from the first id without a check
        else:
            ids = self._ids[key]
        if len(ids) and np.any(ids < 1):
            if np.any(np.diff(ids) < 0):
                raise NESTErrors.BadProperty("Indices must be sorted in ascending order")
            raise NESTErrors.UnknownNode(f"Node with id {max(int(ids[0]), 0)} does not exist.")
        return NodeCollection._make(_checked_ids(ids))

    def __contains__(self, node_id: Any) -> bool:
        gid = _node_id(node_id)
        pos = np.searchsorted(self._ids, gid)
        return bool(pos < len(self._ids) and self._ids[pos] == gid)

    def index(self, node_id: Any) -> int:
        """Position of a node id in the collection; ValueError if it is not there."""
        gid = _node_id(node_id)
        pos = int(np.searchsorted(self._ids, gid))
        if pos < len(self._ids) and self._ids[pos] == gid:
            return pos
        raise ValueError(f"{node_id} is not in NodeCollection")

    def tolist(self) -> list[int]:
        """The node ids as a list of ints."""
        return [int(x) for x in self._ids]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.array(self.tolist(), dtype=dtype, copy=copy)

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other: Any) -> NodeCollection:
        if not isinstance(other, NodeCollection):
            if isinstance(other, numbers.Number) and other == 0:
                other = NodeCollection()
            else:
                raise TypeError(f"Cannot add object of type '{type(other).__name__}' to 'NodeCollection'")
        return _join(self, other)

    def __radd__(self, other: Any) -> NodeCollection:
        return self + other

    def __eq__(self, other: object) -> bool:
        """NEST compares the structure: primitives by their ids, composites by their
        size and the parts they are made of (a slice keeps its source's parts)."""
        if not isinstance(other, NodeCollection):
            raise NotImplementedError(f"Cannot compare NodeCollection to {type(other).__name__}")
        if self._primitive() != other._primitive():
            return False
        if self._primitive():
            return np.array_equal(self._ids, other._ids)
        return len(self) == len(other) and np.array_equal(self._parts(), other._parts())

    # NEST defines no __ne__ (``!=`` negates ``==``) and no hash: a NodeCollection
    # cannot be a dict key or set member.
    __hash__ = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- print
    def __str__(self) -> str:
        if not len(self):
            return "NodeCollection(<empty>)"
        k = _kernel()
        parts = self._parts()
        if not self._sliced():
            lines = [_primitive_text(k, int(f), int(last)) for f, last in parts]
            if len(lines) == 1:
                return f"NodeCollection(metadata=None, {lines[0]})"
            return "NodeCollection(metadata=None," + ";".join(f"\n{_SPACE}{line}" for line in lines) + ")"
        # A sliced composite: the elements grouped by the part they come from.
        which = np.searchsorted(parts[:, 0], self._ids, side="right") - 1
        cut = np.nonzero(np.diff(which))[0] + 1
        starts = np.concatenate([[0], cut])
        ends = np.concatenate([cut, [len(which)]])
        out = "NodeCollection(metadata=None,"
        for j, (s, e) in enumerate(zip(starts, ends, strict=True)):
            first, last, size = int(self._ids[s]), int(self._ids[e - 1]), int(e - s)
            out += f"\n{_SPACE}model={_model(k, first)}, size={size}, first={first}, last={last}"
            more = j < len(starts) - 1
            if size == 1:
                out += ";" if more else ""
            elif self._step > 1:
                out += f", step={self._step}" + (";" if more else "")
            # NEST ends a step-1 part of several nodes without a ';'
        return out + ")"

    __repr__ = __str__

    # ---------------------------------------------------------------- status
    def _column(self, key: str) -> list[Any]:
        """One status entry per node (_MISSING where a node has none)."""
        k = _kernel()
        ids = self._ids
        if key == "global_id":
            return ids.tolist()
        out: list[Any] = [_MISSING] * len(ids)
        groups = k.node_group[ids - 1]
        for gi in np.unique(groups):
            pos = np.nonzero(groups == gi)[0]
            if key == "model":
                names = k.groups[gi].model_names
                vals: list[Any] | None = [names[j] for j in k.node_local[ids[pos] - 1]]
            elif len(ids) > 1 and not _shown_by_hooks(k, gi, key):
                vals = k.node_values(ids[pos], key)
            else:
                vals = None
            if vals is None:
                first = k.get_node(int(ids[pos[0]]))
                if key not in first:
                    continue
                vals = [first[key]] + [k.get_node(int(g))[key] for g in ids[pos[1:]]]
            for p, v in zip(pos, vals, strict=True):
                out[p] = v
        return out

    def _values(self, key: str) -> Any:
        col = self._column(key)
        if all(v is _MISSING for v in col):
            raise KeyError(key)
        return _collapse([None if v is _MISSING else v for v in col])

    def _parameters(self, param: Any) -> Any:
        if isinstance(param, str):
            return self._values(param)
        if _iterable(param):
            return {name: self._parameters(name) for name in param}
        raise TypeError("Params should be either a string or an iterable")

    def _status(self) -> dict[str, Any]:
        k = _kernel()
        dicts = [k.get_node(int(g)) for g in self._ids]
        if len(dicts) == 1:
            return dict(sorted(dicts[0].items()))
        keys = sorted(set().union(*dicts))
        return {key: tuple(d.get(key) for d in dicts) for key in keys}

    def get(self, *params: Any, **kwargs: Any) -> Any:
        """NEST's ``get``: all status entries (dict), one key (value, or tuple over nodes),
        a list of keys (dict), or a key path such as ``get("events", "times")``;
        ``output="pandas"`` or ``"json"`` converts the result."""
        if not len(self):
            raise ValueError("Cannot get parameter of empty NodeCollection")
        if not kwargs:
            output = ""
        elif "output" in kwargs:
            output = kwargs["output"]
            if output == "pandas":
                _pandas()
        else:
            raise TypeError("Got unexpected keyword argument")
        if not params:
            result = self._status()
        elif len(params) == 1:
            result = self._parameters(params[0])
        else:
            if not isinstance(params[0], str):
                raise TypeError(
                    "First argument must be a string, specifying path into hierarchical dictionary"
                )
            values = self.get(params[0])
            if not isinstance(values, tuple | list):
                values = (values,)
            merged = _restructure(list(values), None)
            last = params[-1]
            result = merged[last] if isinstance(last, str) else {key: merged[key] for key in last}
        if output == "pandas":
            index: Any = self.get("global_id")
            if len(params) == 1 and isinstance(params[0], str):
                result = {params[0]: result}
            elif len(params) > 1 and isinstance(params[1], str):
                result = {params[1]: result}
            if len(self) == 1:
                index = [index]
                result = {key: [val] for key, val in result.items()}
            return _pandas().DataFrame(result, index=index)
        if output == "json":
            return _to_json(result)
        return result

    def set(self, params: Any = None, **kwargs: Any) -> None:
        """NEST's ``set``: a dict (each value one for all nodes, or a list with one per
        node), a list of one dict per node, or keyword arguments. An error is NEST's (that
        of the first node NEST stops at); unlike NEST, nothing changes then."""
        if not len(self):
            return
        if kwargs and params is None:
            params = kwargs
        elif kwargs and params:
            raise TypeError("must either provide params or kwargs, but not both.")
        n = len(self)
        plan: _NodePlan
        if isinstance(params, dict):
            first = self[0].get()
            if any(_iterable(v) and key in first and not _iterable(first[key]) for key, v in params.items()):
                plan = _NodePlan.per_node(self, params, n)
            else:
                plan = _NodePlan("all", params)
        elif isinstance(params, list | tuple):
            if len(params) == 1 and isinstance(params[0], dict):
                plan = _NodePlan("all", params[0])
            elif len(params) != n:
                raise NESTErrors.BadParameter(
                    f"List of dictionaries must be the same size as the NodeCollection ({n}), "
                    f"{len(params)} given."
                )
            else:
                for d in params:
                    if not isinstance(d, dict):
                        raise AttributeError(f"'{type(d).__name__}' object has no attribute 'items'")
                plan = _NodePlan("list", list(params))
        elif params is None:
            raise TypeError("'NoneType' object is not iterable")
        else:
            raise AttributeError(f"'{type(params).__name__}' object has no attribute 'items'")
        plan.apply(self._ids)

    # ------------------------------------------------------------ attributes
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if not len(self):
            raise AttributeError("Cannot get attribute of empty NodeCollection")
        if name == "spatial":
            return None  # no spatial metadata: pynest_jax has no spatial nodes
        try:
            return self.get(name)
        except KeyError as err:
            raise _AttributeKeyError(*err.args) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


def _shown_by_hooks(k: Any, gi: int, key: str) -> bool:
    """Whether the status of the group's nodes shows ``key`` from a model hook (e.g. a
    recorder's ``n_events``) rather than straight from its parameter or state array."""
    g = k.groups[gi]
    cls = g.cls
    if key in cls.extra_status or key in cls.status_extra(g.params, 0):
        return True
    return hasattr(cls, "host_status") and key in cls.host_status(g, 0, k)


def _same_part(parts: np.ndarray, first: int, last: int) -> bool:
    i = np.searchsorted(parts[:, 0], first, side="right") - 1
    return bool(parts[i, 1] >= last)


def _primitive_text(k: Any, first: int, last: int) -> str:
    size = last - first + 1
    where = f"first={first}" if size == 1 else f"first={first}, last={last}"
    return f"model={_model(k, first)}, size={size}, {where}"


def _join(lhs: NodeCollection, rhs: NodeCollection) -> NodeCollection:
    """NEST's ``lhs + rhs``."""
    if not len(rhs):
        return lhs._copy()
    if not len(lhs):
        return rhs._copy()
    overlap = NESTErrors.BadProperty("Cannot join overlapping NodeCollections.")
    sliced = NESTErrors.BadProperty("Cannot add NodeCollection to a sliced composite.")
    if lhs._sliced() or (rhs._sliced() and not lhs._primitive()):
        raise sliced
    if lhs._primitive() and rhs._sliced():
        # NEST joins a primitive to all the parts a sliced composite was cut from.
        other = _part_ids(rhs._parts())
    else:
        other = rhs._ids
    if np.intersect1d(lhs._ids, other).size:
        raise overlap
    return NodeCollection._make(np.union1d(lhs._ids, other))


def _restructure(result: list[Any], keys: Any) -> Any:
    """Status of several nodes or connections (dicts, or rows of values for a list of
    ``keys``) arranged as PyNEST returns them: the values for one, lists for several."""
    if keys is None:
        if len(result) == 1:
            return {key: result[0][key] for key in result[0]}
        names = sorted({key for d in result for key in d})
        return {key: [d[key] if key in d else None for d in result] for key in names}
    if len(result) == 1:
        return {key: result[0][i] for i, key in enumerate(keys)}
    return {key: [row[i] for row in result] for i, key in enumerate(keys)}


class _NodePlan:
    """Values to set on the nodes of a collection: ``all`` (one dict for every node),
    ``cols`` (a dict whose values are one-for-all or one-per-node lists) or ``list``
    (one dict per node)."""

    def __init__(self, kind: str, values: Any, per_node: frozenset[str] = frozenset()) -> None:
        self.kind = kind
        self.values = values
        self.per_node = per_node

    @classmethod
    def per_node(cls, nc: NodeCollection, params: dict[str, Any], n: int) -> _NodePlan:
        """NEST gives each node the i-th entry of every list value."""
        cols = {key: (_per_element(v, n) if _iterable(v) else v) for key, v in params.items()}
        listed = frozenset(key for key, v in params.items() if _iterable(v))
        from .kernel import _is_list_prop

        k = _kernel()
        groups = {k.groups[gi].cls for gi in np.unique(k.node_group[nc.ids - 1])}
        if any(_is_list_prop(c, key) for c in groups for key in listed):
            return cls(
                "list", [{key: (v[i] if key in listed else v) for key, v in cols.items()} for i in range(n)]
            )
        return cls("cols", cols, listed)

    def part(self, lo: int, hi: int, keys: Callable[[str], bool] | None = None) -> Any:
        """The values for nodes lo..hi-1 (only keys passing ``keys``), as set_nodes takes them."""
        if self.kind == "list":
            dicts = [{k: v for k, v in d.items() if keys is None or keys(k)} for d in self.values[lo:hi]]
            return dicts[0] if hi - lo == 1 else dicts
        out = {}
        for key, v in self.values.items():
            if keys is not None and not keys(key):
                continue
            if key in self.per_node:
                v = v[lo] if hi - lo == 1 else v[lo:hi]
            out[key] = v
        return out

    def apply(self, ids: np.ndarray) -> None:
        """Set the nodes, or raise the error NEST raises: that of the first node (in
        collection order) with an invalid value, or with keys it does not know (NEST
        checks a node's known keys first). Unlike NEST, which keeps the nodes it set
        before the failing one, nothing changes on an error."""
        k = _kernel()
        groups = k.node_group[ids - 1]
        n = len(ids)
        unknown_at = n
        unknown: list[str] = []
        if self.kind == "list":
            for i in range(n):
                bad = _unknown_keys(k.groups[groups[i]].cls, self.values[i].keys())
                if bad:
                    unknown_at, unknown = i, bad
                    break
        else:
            for gi in np.unique(groups):
                bad = _unknown_keys(k.groups[gi].cls, self.values.keys())
                if bad:
                    i = int(np.nonzero(groups == gi)[0][0])
                    if i < unknown_at:
                        unknown_at, unknown = i, bad

        def run(lo: int, hi: int, commit: bool) -> None:
            if lo < hi:
                k.set_nodes(ids[lo:hi], self.part(lo, hi), commit=commit)

        _all_or_nothing(unknown_at, run, commit=unknown_at == n)
        if unknown_at < n:
            cls = k.groups[groups[unknown_at]].cls
            known = self.part(unknown_at, unknown_at + 1, lambda key: not _unknown_keys(cls, [key]))
            if known:
                k.set_nodes(ids[unknown_at : unknown_at + 1], known, commit=False)
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function NodeManager::set_status:  {' '.join(unknown)}"
            )


def _all_or_nothing(n: int, run: Callable[[int, int, bool], None], commit: bool) -> None:
    """Check elements 0..n-1 (and set them if ``commit``); ``run(lo, hi, commit)`` is all
    or nothing. On an error, raise that of the first element NEST would stop at: the
    failing range is split, checking without committing."""
    try:
        run(0, n, commit)
    except Exception:
        _first_failure(0, n, lambda lo, hi: run(lo, hi, False))
        raise


def _first_failure(lo: int, hi: int, check: Callable[[int, int], None]) -> None:
    """Raise the error of the first element in lo..hi-1 that ``check`` refuses."""
    if lo >= hi:
        return
    try:
        check(lo, hi)
    except Exception:
        if hi - lo == 1:
            raise
        mid = (lo + hi) // 2
        _first_failure(lo, mid, check)
        _first_failure(mid, hi, check)
        raise


def _unknown_keys(cls: Any, keys: Any) -> list[str]:
    """Keys a node of this model does not read in SetStatus, sorted as NEST lists them."""
    return sorted(
        key
        for key in keys
        if (key not in cls.params and key not in cls.state) or (key in cls.state and cls.state[key].hidden)
    )


def get_nodes(properties: Any) -> NodeCollection:
    """All nodes whose status has every given value (same value and type: ``-60``
    does not match ``-60.0``), in id order, as NEST's ``GetNodes``."""
    items = list(properties.items())
    ids = np.arange(1, _kernel().network_size + 1, dtype=np.int64)
    for key, want in items:
        if not len(ids):
            break
        col = NodeCollection._make(ids)._column(key)
        keep = np.array([v is not _MISSING and _same_value(v, want) for v in col], dtype=bool)
        ids = ids[keep]
    return NodeCollection._make(ids)


def _kind(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "bool"
    if isinstance(v, int | np.integer):
        return "int"
    if isinstance(v, float | np.floating):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list | tuple | np.ndarray):
        return "seq"
    return type(v).__name__


def _same_value(have: Any, want: Any) -> bool:
    if _kind(have) != _kind(want):
        return False
    if _kind(have) == "seq":
        return bool(np.shape(have) == np.shape(want) and np.array_equal(np.asarray(have), np.asarray(want)))
    try:
        return bool(have == want)
    except Exception:
        return False


# --------------------------------------------------------- SynapseCollection
_CONN_KEYS = (
    "delay",
    "port",
    "receptor",
    "sizeof",
    "source",
    "synapse_id",
    "synapse_model",
    "target",
    "target_thread",
    "weight",
)
_ROW_LIMIT = 35  # NEST prints the first and last 15 rows of 35 or more connections


class SynapseCollection:
    """A list of connections, addressed by (connection block, index in block)."""

    def __init__(self, block: Any = None, index: Any = None) -> None:
        self._block = np.asarray([] if block is None else block, dtype=np.int64)
        self._index = np.asarray([] if index is None else index, dtype=np.int64)
        self.print_full = False

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[SynapseCollection]:
        for b, i in zip(self._block, self._index, strict=True):
            yield SynapseCollection(np.array([b]), np.array([i]))

    def __getitem__(self, key: Any) -> SynapseCollection:
        if isinstance(key, slice):
            return SynapseCollection(self._block[key], self._index[key])
        try:
            pos = key.__index__()
        except AttributeError:
            raise TypeError(f"list indices must be integers or slices, not {type(key).__name__}") from None
        if pos >= len(self) or pos < -len(self):
            raise IndexError("list index out of range")
        return SynapseCollection(self._block[[pos]], self._index[[pos]])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SynapseCollection):
            raise NotImplementedError()
        return (
            len(self) == len(other)
            and np.array_equal(self._block, other._block)
            and np.array_equal(self._index, other._index)
        )

    __hash__ = None  # type: ignore[assignment]

    def _void(self) -> bool:
        """No connections, or none left after ResetKernel."""
        return len(self) == 0 or _kernel().network_size == 0

    # ---------------------------------------------------------------- values
    def _blocks(self) -> list[tuple[int, np.ndarray]]:
        """(block, positions in this collection) of each block the connections lie in."""
        if not len(self):
            return []
        if self._block.min() == self._block.max():
            return [(int(self._block[0]), np.arange(len(self)))]
        return [(int(b), np.nonzero(self._block == b)[0]) for b in np.unique(self._block)]

    def _column(self, key: str) -> list[Any]:
        """One value per connection (_MISSING where a connection has no such entry)."""
        k = _kernel()
        if k.engine is not None:  # plastic synapses change their values while simulating
            k.engine.sync_to_host()
        blocks = self._blocks()
        if len(blocks) == 1:
            vals = _block_column(k, blocks[0][0], self._index, key)
            return [_MISSING] * len(self) if vals is None else vals
        out: list[Any] = [_MISSING] * len(self)
        for b, pos in blocks:
            vals = _block_column(k, b, self._index[pos], key)
            if vals is not None:
                for p, v in zip(pos.tolist(), vals, strict=True):
                    out[p] = v
        return out

    def _status(self) -> list[dict[str, Any]]:
        k = _kernel()
        keys: dict[int, list[str]] = {b: _conn_keys(k, k.connections[b]) for b, _ in self._blocks()}
        names = sorted({key for ks in keys.values() for key in ks})
        cols = {key: self._column(key) for key in names}
        return [{key: cols[key][j] for key in keys[int(b)]} for j, b in enumerate(self._block.tolist())]

    def get(self, keys: Any = None, output: str = "") -> Any:
        """NEST's ``get``: all entries (dict of lists; values for one connection), one key
        (list, or the value for one connection), or a list of keys (dict); ``output``
        may be ``"pandas"`` or ``"json"``."""
        if output == "pandas":
            _pandas()
        if self._void():
            if output == "pandas":
                return _pandas().DataFrame()
            if output == "json":
                return _to_json({})
            return {} if keys is None else ()
        n = len(self)
        if keys is None:
            result = _restructure(self._status(), None)
        elif isinstance(keys, str):
            col = self._column(keys)
            if n == 1:
                if col[0] is _MISSING:
                    raise KeyError(keys)
                result = col[0]
            elif all(v is _MISSING for v in col):
                result = []
            else:
                result = [None if v is _MISSING else v for v in col]
        elif _iterable(keys):
            keys = list(keys)
            cols = [self._column(key) for key in keys]
            for j in range(n):
                for key, col in zip(keys, cols, strict=True):
                    if col[j] is _MISSING:
                        raise KeyError(key)
            result = _restructure([[col[j] for col in cols] for j in range(n)], keys)
        else:
            raise TypeError("keys should be either a string or an iterable")
        if output == "pandas":
            index = self.get("source") if n > 1 else (self.get("source"),)
            if isinstance(keys, str):
                result = {keys: result}
            return _pandas().DataFrame(result, index=index)
        if output == "json":
            return _to_json(result)
        return result

    def set(self, params: Any = None, **kwargs: Any) -> None:
        """NEST's ``set``: a dict (a value for all connections, or a list with one per
        connection), a list of one dict per connection, or keyword arguments. An error is
        NEST's (that of the first connection NEST stops at); unlike NEST, nothing changes then."""
        if self._void():
            return
        n = len(self)
        if isinstance(params, list | tuple) and n != len(params):
            raise TypeError(f"Status dict must be a dict, or a list of dicts of length {n}")
        if kwargs and params is None:
            params = kwargs
        elif kwargs and params:
            raise TypeError("must either provide params or kwargs, but not both.")
        if isinstance(params, dict):
            first = self[0].get()
            if any(_iterable(v) and key in first and not _iterable(first[key]) for key, v in params.items()):
                cols = {key: (_per_element(v, n) if _iterable(v) else _Same(v)) for key, v in params.items()}
                self._set_each(cols, {key: np.ones(n, dtype=bool) for key in cols})
            else:
                self._set_all(params)
        elif isinstance(params, list | tuple) and all(isinstance(d, dict) for d in params):
            names = sorted({key for d in params for key in d})
            present = {key: np.array([key in d for d in params], dtype=bool) for key in names}
            self._set_each({key: [d.get(key) for d in params] for key in names}, present)
        else:
            raise TypeError("params must be a dict or a list of dicts")

    def _known(self, key: str) -> np.ndarray:
        """Whether each connection reads ``key`` in SetStatus."""
        k = _kernel()
        out = np.zeros(len(self), dtype=bool)
        for b, pos in self._blocks():
            out[pos] = key in _settable(k, k.connections[b])
        return out

    def _set_all(self, params: dict[str, Any]) -> None:
        """One dict for all: each connection takes the keys it knows; NEST reports keys
        no connection knows after setting them all (here: nothing changes then)."""
        known = {key: self._known(key) for key in params}
        values = {key: _Same(v) for key, v in params.items()}
        unread = sorted(key for key, mask in known.items() if not mask.any())
        _all_or_nothing(
            len(self), lambda lo, hi, commit: self._set_range(lo, hi, values, known, commit), not unread
        )
        if unread:
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function connection.set():  {' '.join(unread)}"
            )

    def _set_each(self, values: dict[str, Any], present: dict[str, np.ndarray]) -> None:
        """Values per connection (``present``: which connections were given each key);
        NEST reports the keys of the first connection given keys it does not know once
        that connection is set (here: nothing changes then)."""
        n = len(self)
        known = {key: present[key] & self._known(key) for key in values}
        stray = np.zeros(n, dtype=bool)
        for key in values:
            stray |= present[key] & ~known[key]
        first = int(np.argmax(stray)) if stray.any() else n
        _all_or_nothing(
            first, lambda lo, hi, commit: self._set_range(lo, hi, values, known, commit), first == n
        )
        if first < n:
            self._set_range(first, first + 1, values, known, commit=False)
            unread = sorted(key for key in values if present[key][first] and not known[key][first])
            raise NESTErrors.UnaccessedDictionaryEntry(
                f"Unaccessed elements in params, in function connection.set():  {' '.join(unread)}"
            )

    def _set_range(
        self, lo: int, hi: int, values: dict[str, Any], known: dict[str, np.ndarray], commit: bool = True
    ) -> None:
        """Set connections lo..hi-1 (each only the keys it knows): all or nothing; only
        check them without ``commit``."""
        if lo >= hi:
            return
        k = _kernel()
        if k.engine is not None:
            k.engine.sync_to_host()
        from .api import _check_explicit_delays, _delay_steps_checked, _frozen_delay_limits

        sub = SynapseCollection(self._block[lo:hi], self._index[lo:hi])
        # Changes go to copies of the touched blocks' columns; they are checked by the
        # synapse model and committed only if every value is valid.
        trial: dict[int, dict[str, np.ndarray]] = {}
        for b, pos in sub._blocks():
            blk = k.connections[b]
            cls = k.synapse_models[blk.syn_model].cls
            for key in values:
                use = pos[known[key][lo:hi][pos]]
                if not len(use):
                    continue
                prop = cls.params.get(key)
                unit = "ms" if key == "delay" else prop.unit if prop is not None else ""
                vals = _numbers(key, values[key], lo + use, unit)
                idx = sub._index[use]
                cols = trial.setdefault(b, {})
                if key not in cols:
                    cols[key] = np.array(
                        blk.weight if key == "weight" else blk.delay if key == "delay" else blk.extra[key]
                    )
                if key == "delay":
                    # A model with ``delay_from_status`` sets (and checks) its own, possibly off-grid, delay.
                    hook = getattr(cls, "delay_from_status", None)
                    if hook is not None:
                        cols[key][idx] = hook(vals, k.h, _frozen_delay_limits())
                    else:
                        steps = _delay_steps_checked(vals, k.h)
                        _check_explicit_delays(steps)
                        cols[key][idx] = steps * k.h
                else:
                    cols[key][idx] = vals
        for b, cols in trial.items():
            blk = k.connections[b]
            bad = k.synapse_models[blk.syn_model].cls.check({"weight": blk.weight, **blk.extra, **cols})
            if bad is not None:
                j = int(np.nonzero(sub._block == b)[0][0])
                i = int(sub._index[j])
                port = _block_column(k, b, np.array([i]), "port")
                raise NESTErrors.BadProperty(
                    f"Setting status of '{blk.syn_model}' connecting from node ID {int(blk.source[i])} to "
                    f"node ID {int(blk.target[i])} via port {port[0] if port else i}: {bad}"
                )
        if not commit:
            return
        for b, cols in trial.items():
            blk = k.connections[b]
            for key, arr in cols.items():
                if key in ("weight", "delay"):
                    setattr(blk, key, arr)
                else:
                    blk.extra[key] = arr
        if trial:
            k.invalidate()

    # ------------------------------------------------------------ attributes
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "distance":
            return [math.nan] * len(self)  # no spatial nodes: NEST gives nan
        try:
            return self.get(name)
        except KeyError as err:
            raise _AttributeKeyError(*err.args) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name == "print_full":
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})

    def sources(self) -> Iterator[int]:
        """Iterator over the source node ids."""
        values = self.get("source")
        return iter(values if isinstance(values, list | tuple) else (values,))

    def targets(self) -> Iterator[int]:
        """Iterator over the target node ids."""
        values = self.get("target")
        return iter(values if isinstance(values, list | tuple) else (values,))

    def disconnect(self) -> None:
        """Remove these connections, as NEST does (see ``pynest_jax.disconnect``)."""
        from .disconnect import disconnect_synapses

        disconnect_synapses(self)

    def __str__(self) -> str:
        """NEST's table of source, target, synapse model, weight and delay (the first
        and last 15 rows of 35 or more connections unless ``print_full`` is set)."""
        if self._void():
            return "The synapse collection does not contain any connections."
        cols = [self._column(key) for key in ("source", "target", "synapse_model", "weight", "delay")]
        widths = [
            max(8, math.floor(math.log(max(cols[0]), 10))),
            max(8, math.floor(math.log(max(cols[1]), 10))),
            max(len("synapse model") + 2, max(len(m) for m in cols[2])),
            len("weight") + 2,
            len("delay") + 2,
        ]
        if len(self) >= _ROW_LIMIT and not self.print_full:
            cols = [col[:15] + ["\u22ee "] + col[-15:] for col in cols]
        heads = ("source", "target", "synapse model", "weight", "delay")
        lines = [
            " ".join(f"{h:^{w}}" for h, w in zip(heads, widths, strict=True)),
            " ".join("-" * w for w in widths),
        ]
        for s, t, m, w, d in zip(*cols, strict=True):
            if isinstance(s, str):  # the row of ellipses
                row = [f"{s:>{widths[0] - 1}}", f"{t:>{widths[1]}}", f"{m:>{widths[2]}}"]
                row += [f"{w:>{widths[3]}}", f"{d:>{widths[4]}}"]
            else:
                row = [f"{s:>{widths[0] - 1}d}", f"{t:>{widths[1]}d}", f"{m:>{widths[2]}s}"]
                row += [f"{w:>#{widths[3]}.4g}", f"{d:>#{widths[4]}.4g}"]
            lines.append(" ".join(row))
        return lines[0] + "\n" + lines[1] + "\n" + "\n".join(lines[2:])


def _hidden(k: Any, blk: Any, key: str) -> bool:
    """Internal per-connection state NEST does not show (e.g. the last spike time)."""
    prop = k.synapse_models[blk.syn_model].cls.params.get(key)
    return prop is not None and prop.hidden


def _conn_keys(k: Any, blk: Any) -> list[str]:
    """The status keys of a connection in this block, sorted as NEST lists them."""
    cls = k.synapse_models[blk.syn_model].cls
    keys = set(_CONN_KEYS) | {x for x in blk.extra if not _hidden(k, blk, x)}
    keys -= set(cls.common)
    if cls.sizeof is None:  # NEST shows none for e.g. stdp_facetshw_synapse_hom
        keys.discard("sizeof")
    return sorted(keys)


def _settable(k: Any, blk: Any) -> set[str]:
    """Keys a connection of this block reads in SetStatus."""
    cls = k.synapse_models[blk.syn_model].cls
    keys = {"weight", "delay"} | {x for x in blk.extra if not _hidden(k, blk, x)}
    return keys - set(cls.common)


def _conn_number(key: str, value: Any, unit: str) -> float:
    """A connection value as NEST reads a number from the parameter dict (quantities
    are expressed in the NEST unit ``unit``)."""
    from . import units

    if units.is_quantity(value):
        if key == "weight":
            from .api import _weight_value

            value = _weight_value(value)
        else:
            value = units.to_nest(value, unit, key)
    if isinstance(value, str):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from std::string to type double."
        )
    if isinstance(value, list | tuple | np.ndarray) and np.ndim(value) > 0:
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{key}' from std::vector<double, std::allocator<double> > "
            "to type double."
        )
    return float(value)


def _numbers(key: str, given: Any, positions: np.ndarray, unit: str) -> np.ndarray:
    """The values given for connections at ``positions``, as numbers."""
    if isinstance(given, _Same):
        return np.full(len(positions), _conn_number(key, given.value, unit))
    if isinstance(given, np.ndarray) and given.dtype.kind in "iufb" and given.ndim == 1:
        return given[positions].astype(float)
    return np.array([_conn_number(key, given[j], unit) for j in positions.tolist()], dtype=float)


_PORT_CACHE: dict[str, Any] = {}


def _ports(k: Any, b: int) -> np.ndarray:
    """NEST's port of each connection of block ``b``: its position among the connections
    of its synapse model, ordered by source and then by creation."""
    model = k.connections[b].syn_model
    blocks = [j for j, blk in enumerate(k.connections) if blk.syn_model == model]
    sources = [k.connections[j].source for j in blocks]
    key = (model, tuple(blocks), tuple(id(x) for x in sources), tuple(len(x) for x in sources))
    if _PORT_CACHE.get("key") != key:
        flat = np.concatenate([np.asarray(x) for x in sources])
        rank = np.empty(len(flat), dtype=np.int64)
        rank[np.argsort(flat, kind="stable")] = np.arange(len(flat))
        offsets = np.cumsum([0] + [len(x) for x in sources])
        per_block = {j: rank[offsets[n] : offsets[n + 1]] for n, j in enumerate(blocks)}
        # The source arrays are kept alive with the key, so their ids stay unique.
        _PORT_CACHE.update(key=key, ports=per_block, sources=sources)
    return _PORT_CACHE["ports"][b]


def _block_column(k: Any, b: int, idx: np.ndarray, key: str) -> list[Any] | None:
    """Values of one status key for connections ``idx`` of block ``b`` (None if the
    connections have no such entry)."""
    blk = k.connections[b]
    if key not in _conn_keys(k, blk):
        return None
    n = len(idx)
    if key in ("source", "target", "receptor"):
        return np.asarray(getattr(blk, key))[idx].astype(np.int64).tolist()
    if key in ("weight", "delay"):
        return np.asarray(getattr(blk, key))[idx].astype(float).tolist()
    if key == "port":
        return _ports(k, b)[idx].tolist()
    if key == "synapse_model":
        return [blk.syn_model] * n
    if key == "synapse_id" and key not in blk.extra:  # a model's own synapse_id comes first
        return [list(k.synapse_models).index(blk.syn_model)] * n
    if key == "target_thread":
        return [0] * n
    if key == "sizeof":
        return [k.synapse_models[blk.syn_model].cls.sizeof] * n
    if key in blk.extra:
        prop = k.synapse_models[blk.syn_model].cls.params.get(key)
        values = np.asarray(blk.extra[key])[idx]
        if prop is not None and prop.dtype in (int, bool):
            return [prop.dtype(v) for v in values.tolist()]
        return values.astype(float).tolist()
    entry = k.synapse_models[blk.syn_model]
    return [entry.default(key)] * n


def _conn_value(k: Any, blk: Any, b: int, i: int, key: str, h: float) -> Any:
    """One status value of connection ``i`` of block ``b``."""
    vals = _block_column(k, b, np.array([i]), key)
    if vals is None:
        raise KeyError(key)
    return vals[0]
