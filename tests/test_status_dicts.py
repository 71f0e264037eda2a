"""Status dictionaries of every registered model: NEST 3.10's keys and value types.

For each node model (devices included): ``GetDefaults(model)`` and the status of a
created node; for each synapse model: ``GetDefaults(model)`` and the status of one
connection made with it. Both kernels run in this process; a model pynest_jax
registers that NEST lacks fails. Values are compared only for entries that are
constants of a model (its names, sizes, flags); the rest are checked by type.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import real_nest

import pynest_jax

NODE_MODELS = sorted(pynest_jax.node_models)
SYNAPSE_MODELS = sorted(pynest_jax.synapse_models)

# Entries that may differ from NEST, per model and status ("defaults", "node" or
# "connection"): {key: reason}. Keep it as small as possible.
ALLOWED: dict[tuple[str, str], dict[str, str]] = {}

# Entries whose values are constants of a model: they must equal NEST's.
CONSTANT_KEYS = (
    "element_type",
    "model",
    "type_id",
    "synapse_model",
    "frozen",
    "local",
    "global_id",
    "node_uses_wfr",
    "has_delay",
    "requires_symmetric",
    "receptor_type",
    "receptor_types",
    "recordables",
    "sizeof",
    "synapse_label",
    "n_synapses",
    "n_receptors",
    "has_connections",
    "source",
    "target",
    "port",
    "target_thread",
    "num_connections",
)


def kind(value: Any) -> Any:
    """A value's type as PyNEST users see it: Python scalars and NumPy scalars alike,
    NumPy arrays with their dtype, lists and tuples apart (with their elements' kinds),
    dictionaries entry by entry, NodeCollections of either package as one kind."""
    if isinstance(value, bool | np.bool_):
        return "bool"
    if isinstance(value, int | np.integer):
        return "int"
    if isinstance(value, float | np.floating):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, np.ndarray):
        return f"ndarray[{value.dtype}]"
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(sorted({str(kind(x)) for x in value})))
    if isinstance(value, dict):
        return {k: kind(v) for k, v in value.items()}
    if type(value).__name__ == "NodeCollection":
        return "NodeCollection"
    return type(value).__name__


def constant(value: Any) -> Any:
    """A constant entry in comparable form."""
    if type(value).__name__ == "NodeCollection":
        return ("NodeCollection", tuple(int(x) for x in value.tolist()))
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def assert_same_status(model: str, where: str, ref: dict[str, Any], ours: dict[str, Any]) -> None:
    """Same keys, same kinds of values and same constants, but for ``ALLOWED`` entries."""
    allowed = ALLOWED.get((model, where), {})
    ref = {k: v for k, v in ref.items() if k not in allowed}
    ours = {k: v for k, v in ours.items() if k not in allowed}
    problems = []
    if set(ref) - set(ours):
        problems.append(f"missing: {sorted(set(ref) - set(ours))}")
    if set(ours) - set(ref):
        problems.append(f"not in NEST: {sorted(set(ours) - set(ref))}")
    for key in sorted(set(ref) & set(ours)):
        if kind(ref[key]) != kind(ours[key]):
            problems.append(f"{key}: NEST {kind(ref[key])}, ours {kind(ours[key])}")
        elif key in CONSTANT_KEYS and constant(ref[key]) != constant(ours[key]):
            problems.append(f"{key}: NEST {ref[key]!r}, ours {ours[key]!r}")
    assert not problems, f"{model} {where} status: " + "; ".join(problems)


@pytest.mark.parametrize("model", NODE_MODELS)
def test_node_model_status(model: str) -> None:
    """GetDefaults and a created node's status."""
    real_nest.ResetKernel()
    pynest_jax.ResetKernel()
    assert_same_status(model, "defaults", real_nest.GetDefaults(model), pynest_jax.GetDefaults(model))
    assert_same_status(model, "node", real_nest.Create(model).get(), pynest_jax.Create(model).get())


def connection_status(nest: Any, model: str) -> dict[str, Any]:
    """The status of one connection of ``model`` between two iaf_psc_alpha."""
    pre, post = nest.Create("iaf_psc_alpha"), nest.Create("iaf_psc_alpha")
    if model.startswith("stdp_dopamine_synapse"):  # NEST connects it only with a volume transmitter
        nest.SetDefaults(model, {"volume_transmitter": nest.Create("volume_transmitter")})
    nest.Connect(pre, post, syn_spec={"synapse_model": model})
    return nest.GetConnections(synapse_model=model).get()


@pytest.mark.parametrize("model", SYNAPSE_MODELS)
def test_synapse_model_status(model: str) -> None:
    """GetDefaults and the status of one connection."""
    real_nest.ResetKernel()
    pynest_jax.ResetKernel()
    assert_same_status(model, "defaults", real_nest.GetDefaults(model), pynest_jax.GetDefaults(model))
    ref, ours = connection_status(real_nest, model), connection_status(pynest_jax, model)
    assert_same_status(model, "connection", ref, ours)
    # With a connection made, the defaults count it.
    assert_same_status(model, "defaults", real_nest.GetDefaults(model), pynest_jax.GetDefaults(model))


def has_connections_after(nest: Any, model: str, source: str) -> bool:
    n = nest.Create(model)
    receptor = 1 if source == "parrot_neuron" else 0
    nest.Connect(nest.Create(source), n, syn_spec={"receptor_type": receptor})
    return n.get("has_connections")


@pytest.mark.parametrize("model", [m for m in NODE_MODELS if "has_connections" in pynest_jax.GetDefaults(m)])
def test_has_connections(model: str) -> None:
    """``has_connections`` turns True with incoming spike connections only, as in NEST."""
    for source in ("dc_generator", "parrot_neuron"):
        real_nest.ResetKernel()
        pynest_jax.ResetKernel()
        ref = has_connections_after(real_nest, model, source)
        assert has_connections_after(pynest_jax, model, source) == ref, source
