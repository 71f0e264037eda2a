"""``NodeCollection`` and ``SynapseCollection`` with PyNEST's behaviour."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .errors import NESTErrors


def _kernel():
    from .kernel import KERNEL

    return KERNEL


def _collapse(values: list[Any]) -> Any:
    """PyNEST's get(): a single node gives the value, several give a tuple."""
    return values[0] if len(values) == 1 else tuple(values)


class NodeCollection:
    """An ordered set of node ids (1-based), as returned by ``Create``."""

    def __init__(self, node_ids: Sequence[int] | np.ndarray | None = None) -> None:
        ids = np.asarray([] if node_ids is None else node_ids, dtype=np.int64).ravel()
        if len(ids) and (ids.min() < 1 or ids.max() > _kernel().network_size):
            raise NESTErrors.UnknownNode("Node IDs must be in the range of existing nodes.")
        object.__setattr__(self, "_ids", ids)

    # -------------------------------------------------------------- sequence
    @property
    def ids(self) -> np.ndarray:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[NodeCollection]:
        for g in self._ids:
            yield NodeCollection([g])

    def __getitem__(self, key: Any) -> NodeCollection:
        if isinstance(key, int | np.integer):
            n = len(self._ids)
            if key >= n or key < -n:
                raise IndexError("index value outside of the NodeCollection")
            return NodeCollection([self._ids[key]])
        if isinstance(key, slice):
            if key.step is not None and key.step < 1:
                raise IndexError("slicing step for NodeCollection must be strictly positive")
            return NodeCollection(self._ids[key])
        arr = np.asarray(key)
        if arr.dtype == bool:
            if len(arr) != len(self._ids):
                raise IndexError("Bool index array must be the same length as NodeCollection")
            return NodeCollection(self._ids[arr])
        if arr.dtype.kind in "iu":
            if len(np.unique(arr)) != len(arr):
                raise ValueError("All node IDs in a NodeCollection have to be unique")
            return NodeCollection(self._ids[arr])
        raise TypeError("Indices must be integers, slices, lists, numpy arrays or bool arrays")

    def __add__(self, other: NodeCollection) -> NodeCollection:
        if not isinstance(other, NodeCollection):
            raise NotImplementedError("Can only concatenate NodeCollection to NodeCollection")
        if np.intersect1d(self._ids, other._ids).size:
            raise NESTErrors.BadProperty("Cannot combine NodeCollections with overlapping node IDs.")
        return NodeCollection(np.sort(np.concatenate([self._ids, other._ids])))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeCollection) and np.array_equal(self._ids, other._ids)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._ids.tobytes())

    def __contains__(self, item: Any) -> bool:
        if isinstance(item, NodeCollection):
            return bool(np.all(np.isin(item._ids, self._ids)))
        return bool(np.isin(item, self._ids))

    def __bool__(self) -> bool:
        return len(self._ids) > 0

    def index(self, node_id: int) -> int:
        pos = np.nonzero(self._ids == node_id)[0]
        if not len(pos):
            raise ValueError(f"{node_id} is not in NodeCollection")
        return int(pos[0])

    def tolist(self) -> list[int]:
        return [int(x) for x in self._ids]

    @property
    def global_id(self) -> int | tuple[int, ...]:
        return _collapse(self.tolist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._ids.astype(dtype) if dtype else self._ids.copy()

    def __repr__(self) -> str:
        if not len(self._ids):
            return "NodeCollection(<empty>)"
        k = _kernel()
        parts = []
        ids = self._ids
        start = 0
        for i in range(1, len(ids) + 1):
            new_run = i == len(ids) or ids[i] != ids[i - 1] + 1 or _model(k, ids[i]) != _model(k, ids[start])
            if new_run:
                first, last = int(ids[start]), int(ids[i - 1])
                parts.append(
                    f"NodeCollection(metadata=None, model={_model(k, first)}, size={last - first + 1}, "
                    f"first={first}" + (f", last={last})" if last != first else ")")
                )
                start = i
        return "\n".join(parts)

    __str__ = __repr__

    # ---------------------------------------------------------------- status
    def get(self, *params: Any, **kwargs: Any) -> Any:
        """NEST's ``get``: all status, one key, several keys, or a nested key path."""
        output = kwargs.pop("output", "")
        if kwargs:
            raise TypeError(f"Unknown keyword arguments: {list(kwargs)}")
        k = _kernel()
        keys = [params[0]] if len(params) == 1 and isinstance(params[0], str) else None
        if len(params) == 1 and isinstance(params[0], list | tuple):
            keys = list(params[0])
        if keys and len(self._ids) > 1:
            # Plain parameters and state of many nodes: read the group arrays directly.
            columns = {key: k.node_values(self._ids, key) for key in keys}
            if all(col is not None for col in columns.values()):
                if isinstance(params[0], str):
                    return self._format(tuple(columns[params[0]]), params, output)
                return self._format({key: tuple(col) for key, col in columns.items()}, params, output)
        dicts = [k.get_node(int(g)) for g in self._ids]
        if len(params) == 0:
            keys = sorted(set().union(*dicts)) if dicts else []
            result: Any = {key: _collapse([d.get(key) for d in dicts]) for key in keys}
            if len(dicts) == 1:
                result = dicts[0]
        elif len(params) == 1 and isinstance(params[0], str):
            key = params[0]
            for d in dicts:
                if key not in d:
                    raise KeyError(key)
            result = _collapse([d[key] for d in dicts])
        elif len(params) == 1 and isinstance(params[0], list | tuple):
            keys = list(params[0])
            for d in dicts:
                for key in keys:
                    if key not in d:
                        raise KeyError(key)
            result = {key: _collapse([d[key] for d in dicts]) for key in keys}
        else:
            # nested: get("events", "times")
            vals = []
            for d in dicts:
                v: Any = d
                for key in params:
                    if isinstance(key, list | tuple):
                        v = {kk: v[kk] for kk in key}
                    else:
                        if key not in v:
                            raise KeyError(key)
                        v = v[key]
                vals.append(v)
            result = _collapse(vals)
        return self._format(result, params, output)

    def _format(self, result: Any, params: tuple, output: str) -> Any:
        """The result of get() as it is, or as a pandas DataFrame or JSON text on request."""
        if output == "pandas":
            import pandas as pd

            if isinstance(result, dict):
                rows = {key: (val if len(self) > 1 else [val]) for key, val in result.items()}
                return pd.DataFrame(rows, index=self._ids)
            if len(params) == 1 and isinstance(params[0], str):
                vals = result if len(self) > 1 else [result]
                return pd.DataFrame({params[0]: list(vals)}, index=self._ids)
            return pd.DataFrame(result, index=self._ids)
        if output == "json":
            import json

            return json.dumps(result, default=_json_default)
        return result

    def set(self, params: Any = None, **kwargs: Any) -> None:
        """NEST's ``set``: a dict (values scalar or one per node), a list of dicts, or keywords."""
        if params is None:
            params = {}
        if kwargs:
            if isinstance(params, dict):
                params = {**params, **kwargs}
            else:
                raise TypeError("params must be a dict when keyword arguments are given")
        if isinstance(params, list | tuple):
            _kernel().set_nodes(self._ids, list(params))
            return
        per_node = {}
        for key, val in params.items():
            if (
                isinstance(val, list | tuple | np.ndarray)
                and len(self) > 1
                and not _is_vector_prop(self, key)
            ):
                if len(val) != len(self):
                    raise NESTErrors.BadProperty(
                        f"The number of values for '{key}' must be equal to the number of nodes"
                    )
            per_node[key] = val
        _kernel().set_nodes(self._ids, per_node)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "spatial":
            return None
        try:
            return self.get(name)
        except KeyError:
            raise AttributeError(f"'NodeCollection' object has no attribute '{name}'") from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})


def _model(k: Any, gid: int) -> str:
    g = k.groups[k.node_group[gid - 1]]
    return g.model_names[k.node_local[gid - 1]]


def _is_vector_prop(nc: NodeCollection, key: str) -> bool:
    k = _kernel()
    g = k.groups[k.node_group[nc.ids[0] - 1]]
    prop = g.cls.params.get(key) or g.cls.state.get(key)
    return prop is not None and prop.dtype in ("vector", "strings")


def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, NodeCollection):
        return o.tolist()
    return str(o)


class SynapseCollection:
    """A list of connections, addressed by (connection block, index in block)."""

    def __init__(self, block: np.ndarray, index: np.ndarray) -> None:
        self._block = np.asarray(block, dtype=np.int64)
        self._index = np.asarray(index, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[SynapseCollection]:
        for b, i in zip(self._block, self._index, strict=True):
            yield SynapseCollection(np.array([b]), np.array([i]))

    def __getitem__(self, key: Any) -> SynapseCollection:
        if isinstance(key, int | np.integer):
            return SynapseCollection(self._block[[key]], self._index[[key]])
        return SynapseCollection(self._block[key], self._index[key])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SynapseCollection)
            and np.array_equal(self._block, other._block)
            and np.array_equal(self._index, other._index)
        )

    def __repr__(self) -> str:
        d = self._columns(["source", "target", "synapse_model", "weight", "delay"])
        lines = [" source   target   synapse model   weight   delay ", "-" * 52]
        for row in zip(*d.values(), strict=True):
            lines.append(f"{row[0]:>7} {row[1]:>8} {row[2]:>15} {row[3]:>8.3f} {row[4]:>7.3f}")
        return "\n".join(lines)

    def _columns(self, keys: list[str]) -> dict[str, list[Any]]:
        k = _kernel()
        if k.engine is not None:  # plastic synapses change their values while simulating
            k.engine.sync_to_host()
        out: dict[str, list[Any]] = {key: [] for key in keys}
        h = k.h
        for key in keys:
            col = []
            for b, i in zip(self._block, self._index, strict=True):
                blk = k.connections[b]
                col.append(_conn_value(k, blk, int(b), int(i), key, h))
            out[key] = col
        return out

    def get(self, keys: Any = None, *more: Any, output: str = "") -> Any:
        all_keys = [
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
        ]
        k = _kernel()
        if keys is None:
            blocks = [k.connections[b] for b in set(self._block.tolist())]
            extra = sorted({x for blk in blocks for x in blk.extra if not _hidden(k, blk, x)})
            common = {x for blk in blocks for x in k.synapse_models[blk.syn_model].cls.common}
            sel = sorted(set(all_keys + extra) - common)
            if all(k.synapse_models[blk.syn_model].cls.sizeof is None for blk in blocks):
                sel.remove("sizeof")  # NEST shows none for stdp_facetshw_synapse_hom
        elif isinstance(keys, str):
            sel = [keys, *more] if more else [keys]
        else:
            sel = list(keys)
        for key in sel:
            if key not in all_keys and not any(
                key in k.connections[b].extra and not _hidden(k, k.connections[b], key)
                for b in set(self._block.tolist())
            ):
                if not self._is_model_param(key):
                    raise KeyError(key)
        cols = self._columns(sel)
        if output == "pandas":
            import pandas as pd

            return pd.DataFrame(cols)
        if isinstance(keys, str) and not more:
            v = cols[keys]
            return v[0] if len(v) == 1 else v
        if len(self) == 1:
            return {key: v[0] for key, v in cols.items()}
        return cols

    def _is_model_param(self, key: str) -> bool:
        k = _kernel()
        for b in set(self._block.tolist()):
            entry = k.synapse_models[k.connections[b].syn_model]
            if key in entry.cls.params or key in entry.cls.common:
                return True
        return False

    def set(self, params: dict[str, Any] | None = None, **kwargs: Any) -> None:
        params = {**(params or {}), **kwargs}
        k = _kernel()
        if k.engine is not None:
            k.engine.sync_to_host()
        from .api import _delay_steps_checked

        # Changes go to copies of the touched blocks' columns; they are checked by the
        # synapse model and committed only if every value is valid.
        trial: dict[int, dict[str, np.ndarray]] = {}

        def column(b: int, key: str) -> np.ndarray:
            cols = trial.setdefault(b, {})
            if key not in cols:
                blk = k.connections[b]
                cols[key] = np.array(
                    blk.weight if key == "weight" else blk.delay if key == "delay" else blk.extra[key]
                )
            return cols[key]

        for key, val in params.items():
            vals = (
                np.broadcast_to(np.asarray(val, dtype=float), (len(self),))
                if np.ndim(val) == 0
                else np.asarray(val, dtype=float)
            )
            if len(vals) != len(self):
                raise NESTErrors.BadProperty(f"The number of values for '{key}' must match the connections")
            if key in (
                "source",
                "target",
                "synapse_model",
                "port",
                "synapse_id",
                "target_thread",
                "receptor",
            ) and not all(key in k.connections[b].extra for b in set(self._block.tolist())):
                raise NESTErrors.BadProperty(f"{key} cannot be changed.")
            for j, (b, i) in enumerate(zip(self._block, self._index, strict=True)):
                blk = k.connections[b]
                if key in k.synapse_models[blk.syn_model].cls.common:
                    raise NESTErrors.UnaccessedDictionaryEntry(
                        f"Unaccessed elements in params, in function connection.set():  {key}"
                    )
                # A model with ``delay_from_status`` sets (and checks) its own, possibly off-grid, delay.
                hook = getattr(k.synapse_models[blk.syn_model].cls, "delay_from_status", None)
                if key == "delay" and hook is not None:
                    from .api import _frozen_delay_limits

                    column(b, key)[i] = hook(np.array([vals[j]]), k.h, _frozen_delay_limits())[0]
                elif key == "delay":
                    column(b, key)[i] = _delay_steps_checked(np.array([vals[j]]), k.h)[0] * k.h
                elif key == "weight" or (key in blk.extra and not _hidden(k, blk, key)):
                    column(b, key)[i] = vals[j]
                else:
                    raise NESTErrors.UnaccessedDictionaryEntry(
                        f"Unaccessed elements in synapse status dictionary:  {key}"
                    )
        for b, cols in trial.items():
            blk = k.connections[b]
            values = {"weight": blk.weight, **blk.extra, **cols}
            bad = k.synapse_models[blk.syn_model].cls.check(values)
            if bad is not None:
                raise NESTErrors.BadProperty(bad)
        for b, cols in trial.items():
            blk = k.connections[b]
            for key, arr in cols.items():
                if key in ("weight", "delay"):
                    setattr(blk, key, arr)
                else:
                    blk.extra[key] = arr
        k.invalidate()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            self.set({name: value})

    def sources(self) -> Iterator[int]:
        return iter(self._columns(["source"])["source"])

    def targets(self) -> Iterator[int]:
        return iter(self._columns(["target"])["target"])


def _hidden(k: Any, blk: Any, key: str) -> bool:
    """Internal per-connection state NEST does not show (e.g. the last spike time)."""
    prop = k.synapse_models[blk.syn_model].cls.params.get(key)
    return prop is not None and prop.hidden


def _conn_value(k: Any, blk: Any, b: int, i: int, key: str, h: float) -> Any:
    if key == "source":
        return int(blk.source[i])
    if key == "target":
        return int(blk.target[i])
    if key == "weight":
        return float(blk.weight[i])
    if key == "delay":
        return float(blk.delay[i])
    if key == "receptor":
        return int(blk.receptor[i])
    if key == "port":
        return i
    if key == "synapse_model":
        return blk.syn_model
    if key == "synapse_id" and key not in blk.extra:  # a model's own synapse_id comes first
        return list(k.synapse_models).index(blk.syn_model)
    if key == "target_thread":
        return 0
    if key == "sizeof":
        return k.synapse_models[blk.syn_model].cls.sizeof
    if key in blk.extra:
        prop = k.synapse_models[blk.syn_model].cls.params.get(key)
        if prop is not None and prop.dtype in (int, bool):
            return prop.dtype(blk.extra[key][i])
        return float(blk.extra[key][i])
    entry = k.synapse_models[blk.syn_model]
    return entry.default(key)
