"""What PyNEST 3.10 does with the arguments of ``Connect`` before its kernel sees them.

NEST's Python layer turns node id arrays into NodeCollections (or keeps them as
arrays for its array connect), the conn_spec into a dict and checks the shapes
of element-wise ``syn_spec`` arrays, with its own error classes and messages.
This module does the same, plus the checks NEST's kernel makes on the types of
synapse parameter values, and holds ``CollocatedSynapses``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from . import units
from .connection_rules import _check_convertible, _type_mismatch, _vector_name, cpp_type_name
from .errors import NESTErrors
from .nodecollection import NodeCollection
from .parameters import Parameter

__all__ = [
    "CollocatedSynapses",
    "check_param_types",
    "check_spec_keys",
    "node_collection_of",
    "process_conn_spec",
    "process_input_nodes",
    "process_syn_spec",
    "spec_entry",
    "syn_spec_dicts",
]

# syn_spec keys every synapse model reads (besides its own per-connection parameters).
_SPEC_BASE = ("synapse_model", "weight", "delay", "receptor_type")


class CollocatedSynapses:
    """Several synapse specifications for ``Connect``: every connected pair gets one
    synapse per specification, each with its own model and parameters."""

    def __init__(self, *args: Any) -> None:
        self.syn_specs = args

    def __len__(self) -> int:
        return len(self.syn_specs)


def _kernel() -> Any:
    from .kernel import KERNEL

    return KERNEL


def node_collection_of(ids: Any) -> NodeCollection:
    """A NodeCollection from node ids, made (and refused) as ``NodeCollection(ids)`` does."""
    return NodeCollection(ids if isinstance(ids, np.ndarray) else list(ids))


def process_input_nodes(pre: Any, post: Any, conn_spec: Any) -> tuple[bool, Any, Any]:
    """NEST's rules for ``pre``/``post``: NodeCollections, or arrays of node ids.

    With ``one_to_one`` any non-NodeCollection goes to the array connect; otherwise
    arrays of unique ids become NodeCollections, and non-unique ones are refused.
    Returns ``(use_arrays, pre, post)``."""
    rule = conn_spec if not isinstance(conn_spec, dict) else conn_spec.get("rule", "all_to_all")
    one_to_one = rule == "one_to_one"
    pre_is_nc = post_is_nc = True
    if not isinstance(pre, NodeCollection):
        if not one_to_one and len(set(pre)) == len(pre):
            pre = node_collection_of(pre)
        else:
            pre_is_nc = False
    if not isinstance(post, NodeCollection):
        if not one_to_one and len(set(post)) == len(post):
            post = node_collection_of(post)
        else:
            post_is_nc = False
    if pre_is_nc and post_is_nc:
        return False, pre, post
    if len(pre) != len(post):
        raise ValueError("If 'pre' or 'post' contain non-unique IDs, then they must have the same length.")
    pre, post = np.asarray(pre), np.asarray(post)
    if not issubclass(pre.dtype.type, int | np.integer):
        raise TypeError("'pre' node IDs must be integers.")
    if not issubclass(post.dtype.type, int | np.integer):
        raise TypeError("'post' node IDs must be integers.")
    if pre.ndim != 1 or post.ndim != 1:
        raise ValueError("Sources and targets must be 1-dimensional arrays")
    if not one_to_one:
        raise ValueError("When connecting two arrays with non-unique IDs, `conn_spec` must be 'one_to_one'.")
    return True, pre, post


def process_conn_spec(conn_spec: Any) -> dict:
    """None is all_to_all, a string names the rule, a dict is taken as it is."""
    if conn_spec is None:
        return {"rule": "all_to_all"}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if isinstance(conn_spec, dict):
        return conn_spec
    raise TypeError("conn_spec must be a string or dict")


def _one_d_error(key: str) -> TypeError:
    return TypeError(
        f"'{key}' has the wrong type. One-dimensional parameter arrays can only be used in "
        "conjunction with rule 'one_to_one' or 'fixed_total_number'."
    )


def _two_d_error(key: str) -> TypeError:
    return TypeError(
        f"'{key}' has the wrong type. Two-dimensional parameter arrays can only be used in "
        "conjunction with rules 'all_to_all', 'fixed_indegree' or fixed_outdegree'."
    )


def _shaped(key: str, value: np.ndarray, conn: dict, n_pre: int, n_post: int, arrays: bool) -> np.ndarray:
    """An element-wise array checked against the rule, flattened as NEST passes it on."""
    rule = conn["rule"]
    if value.ndim == 1:
        if rule == "one_to_one":
            if value.shape[0] != n_pre:
                tail = "." if arrays else ", a scalar or a dictionary."
                raise ValueError(f"'{key}' has to be an array of dimension {n_pre}{tail}")
        elif rule == "fixed_total_number":
            if "N" in conn and value.shape[0] != conn["N"]:
                raise ValueError(
                    f"'{key}' has to be an array of dimension {conn['N']}, a scalar or a dictionary"
                )
        else:
            raise _one_d_error(key)
        return value
    if value.ndim == 2:
        if rule == "all_to_all":
            rows, cols, what = n_post, n_pre, "n_target x n_sources"
        elif rule == "fixed_indegree":
            rows, cols, what = n_post, conn["indegree"], "n_target x indegree"
        elif rule == "fixed_outdegree":
            rows, cols, what = n_pre, conn["outdegree"], "n_sources x outdegree"
        else:
            raise _two_d_error(key)
        if value.shape[0] != rows or value.shape[1] != cols:
            raise ValueError(
                f"'{key}' has to be an array of dimension {rows}x{cols} ({what}), a scalar or a dictionary."
            )
        return value.ravel()  # NEST copies (flatten); a view is the same values without the memory
    raise AssertionError("only 1-D and 2-D arrays are checked")


def process_syn_spec(
    syn_spec: Any, conn: dict, n_pre: int, n_post: int, arrays: bool
) -> dict | CollocatedSynapses | None:
    """NEST's checks of ``syn_spec``: its type, the model name's type, and the shapes of
    element-wise arrays for the rule (lists become arrays, 2-D arrays are flattened)."""
    syn_spec = copy.copy(syn_spec)
    if syn_spec is None:
        return {"synapse_model": "static_synapse"} if arrays else None
    if isinstance(syn_spec, CollocatedSynapses):
        return syn_spec
    if isinstance(syn_spec, str):
        return {"synapse_model": syn_spec}
    if not isinstance(syn_spec, dict):
        raise TypeError("syn_spec must be a string, dict or CollocatedSynapses object")
    conn["rule"]  # noqa: B018  (NEST looks the rule up here: a KeyError without one)
    if "synapse_model" in syn_spec and not isinstance(syn_spec["synapse_model"], str):
        raise TypeError("'synapse_model' must be specified by a 'str'.")
    for key, value in list(syn_spec.items()):
        if isinstance(value, list | tuple):
            value = np.asarray(value)
        # Other shapes stay as given and reach the kernel, which refuses them.
        if isinstance(value, np.ndarray | np.generic) and value.ndim in (1, 2):
            syn_spec[key] = _shaped(key, value, conn, n_pre, n_post, arrays)
    if arrays and "synapse_model" not in syn_spec:
        syn_spec["synapse_model"] = "static_synapse"
    return syn_spec


def syn_spec_dicts(specs: Iterable[Any]) -> list[Mapping[str, Any]]:
    """The dicts of a list of synapse specifications, converted as PyNEST's kernel
    interface converts them (so a value it cannot take fails the same way)."""
    out = []
    for spec in specs:
        if not hasattr(spec, "items"):
            raise AttributeError(f"'{type(spec).__name__}' object has no attribute 'items'")
        for key, value in spec.items():
            if not units.is_quantity(value):  # pynest_jax also takes quantities with units
                _check_convertible(key, value)
        out.append(spec)
    return out


def _param_type_name(value: Any) -> str | None:
    """The C++ type NEST names when a synapse parameter value has a type it cannot use."""
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, str):
        return "std::string"
    if isinstance(value, dict):
        return "Dictionary"
    if isinstance(value, list | tuple) and value:
        first = value[0]
        if isinstance(first, list | tuple | np.ndarray):
            inner = cpp_type_name(list(first))
            return f"std::vector<{inner}, std::allocator<{inner} > >"
        if isinstance(first, str):
            return _vector_name("std::string")
    return None


def _is_integer_value(value: Any) -> bool:
    if isinstance(value, Parameter):
        return False
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return True
    if isinstance(value, list | tuple):
        return all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iu"
    return False


def check_param_types(spec: Mapping[str, Any], params: Iterable[str]) -> None:
    """NEST's kernel takes numbers, number arrays and Parameters as synapse parameter
    values; ``receptor_type`` must be integral."""
    for key, value in spec.items():
        if key not in params and key not in ("weight", "delay", "receptor_type"):
            continue
        name = _param_type_name(value)
        if name is not None:
            raise NESTErrors.BadProperty(f"Cannot handle parameter type. Received {name}")
        if key == "receptor_type" and not _is_integer_value(value):
            raise RuntimeError(
                "The dictionary value with key receptor_type does not hold a numeric integer type."
            )


def spec_entry(spec: Mapping[str, Any]) -> Any:
    """The synapse model entry of one syn_spec dict, read as NEST's ConnBuilder reads it:
    the model must exist, common properties cannot be given per connection, and the
    values must be of types NEST takes."""
    model = spec.get("synapse_model", "static_synapse")
    if not isinstance(model, str):
        raise _type_mismatch("synapse_model", model, "std::string")
    entry = _kernel().synapse_model(model)
    cls = entry.cls
    common_given = [k for k in spec if k in cls.common]
    if common_given:
        raise NESTErrors.NotImplemented(
            f'Synapse parameter "{sorted(common_given)[0]}" can only be set via SetDefaults() or CopyModel().'
        )
    check_param_types(spec, cls.params)
    return entry


def check_spec_keys(spec: Mapping[str, Any], entry: Any, function: str) -> None:
    """Keys of a syn_spec that its synapse model does not read are an error."""
    cls = entry.cls
    allowed = set(_SPEC_BASE) | {k for k, prop in cls.params.items() if not prop.hidden}
    unknown = [k for k in spec if k not in allowed and k not in cls.common]
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in syn_spec, in function {function}:  {' '.join(unknown)}"
        )
