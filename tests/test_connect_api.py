"""Connect and Disconnect forms of PyNEST 3.10 against the real NEST: Disconnect (node
collections and SynapseCollections), CollocatedSynapses, arrays of node ids,
``return_synapsecollection`` for every rule, element-wise ``receptor_type`` arrays,
and the errors of bad calls (which must leave the connection table as it was)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from compare import run_both

Row = tuple[int, int, str, float, float, int]
_KEYS = ("source", "target", "synapse_model", "weight", "delay", "receptor")


def table(nest: Any, conns: Any = None) -> list[Row]:
    """(source, target, model, weight, delay, receptor) of connections, in their order."""
    conns = nest.GetConnections() if conns is None else conns
    if len(conns) == 0:
        return []
    d = conns.get(list(_KEYS))
    cols = [d[k] if isinstance(d[k], list | tuple) else [d[k]] for k in _KEYS]
    return [
        (int(s), int(t), str(m), round(float(w), 9), round(float(dl), 9), int(r))
        for s, t, m, w, dl, r in zip(*cols, strict=True)
    ]


def attempt(nest: Any, call: Callable[[], Any]) -> dict[str, Any]:
    """Outcome of a call: its result (a SynapseCollection as its table) or its error's
    class and message, and the connection table before and after."""
    before = table(nest)
    try:
        out = call()
        result: tuple = ("ok", table(nest, out) if isinstance(out, nest.SynapseCollection) else out)
    except Exception as err:  # noqa: BLE001 - the error is what is compared
        result = ("error", type(err).__name__, str(err))
    return {"result": result, "before": before, "after": table(nest)}


def run_cases(cases: dict[str, tuple[Callable, Callable, bool | None]]) -> None:
    """Each case: setup(nest) -> nodes, call(nest, nodes), and whether NEST leaves part of
    the work done when it fails (pynest_jax never does); None for a random rule, whose
    table is not compared (only the call's result)."""

    def scenario(nest: Any) -> dict[str, Any]:
        out = {}
        for label, (setup, call, _) in cases.items():
            nest.ResetKernel()
            nodes = setup(nest)
            out[label] = attempt(nest, lambda nodes=nodes, call=call: call(nest, nodes))
        return out

    ref, ours = run_both(scenario)
    for label, (_, _, nest_partial) in cases.items():
        r, o = ref[label], ours[label]
        assert o["result"] == r["result"], (label, r["result"], o["result"])
        if o["result"][0] == "error":
            assert o["after"] == o["before"], (label, "pynest_jax changed the table on error")
            # NEST leaves what it made (or removed) before it met the bad pair.
            assert (r["after"] != r["before"]) == bool(nest_partial), (label, r["before"], r["after"])
        elif nest_partial is not None:
            assert o["after"] == r["after"], (label, r["after"], o["after"])


# --------------------------------------------------------------------- Disconnect
def _all_to_all(nest: Any) -> Any:
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, a, "all_to_all", {"weight": 2.0})
    nest.Connect(a, a, "one_to_one", {"synapse_model": "stdp_synapse", "weight": 3.0})
    return a


def _multapses(nest: Any) -> Any:
    a = nest.Create("iaf_psc_alpha", 4)
    for w, (s, t) in enumerate([(0, 1), (0, 1), (0, 2), (0, 1), (1, 0), (0, 3)], 1):
        nest.Connect(a[s], a[t], syn_spec={"weight": float(w)})
    return a


def _devices(nest: Any) -> Any:
    n = nest.Create("iaf_psc_alpha", 2)
    sg, sr = nest.Create("spike_generator"), nest.Create("spike_recorder")
    nest.Connect(sg, n)
    nest.Connect(n, sr)
    return n, sg, sr


DISCONNECT_OK = {
    "one_to_one default": (_all_to_all, lambda nest, a: nest.Disconnect(a[:2], a[1:]), False),
    "all_to_all": (_all_to_all, lambda nest, a: nest.Disconnect(a[:2], a[2], conn_spec="all_to_all"), False),
    "model name": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(a[1:], a[1:], syn_spec="stdp_synapse"),
        False,
    ),
    "dict, weight ignored": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(
            a[0], a[0], syn_spec={"synapse_model": "stdp_synapse", "weight": 9.0}
        ),
        False,
    ),
    "dict without model": (_all_to_all, lambda nest, a: nest.Disconnect(a[2], a[0], syn_spec={}), False),
    "conn_spec without rule": (_all_to_all, lambda nest, a: nest.Disconnect(a, a[1], conn_spec={}), False),
    "flags ignored": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(
            a, a, conn_spec={"rule": "one_to_one", "allow_autapses": False, "make_symmetric": True}
        ),
        False,
    ),
    "one collocated spec": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(a[0], a[2], syn_spec=nest.CollocatedSynapses({"weight": 1.0})),
        False,
    ),
    "empty collections": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(a[:0] if False else nest.NodeCollection([]), nest.NodeCollection([])),
        False,
    ),
    "first of multapses": (_multapses, lambda nest, a: nest.Disconnect(a[0], a[1]), False),
    "first of multapses twice": (
        _multapses,
        lambda nest, a: (nest.Disconnect(a[0], a[1]), nest.Disconnect(a[0], a[1])),
        False,
    ),
    "SynapseCollection": (
        _all_to_all,
        lambda nest, a: nest.Disconnect(nest.GetConnections(source=a[1], target=a[:2])),
        False,
    ),
    "SynapseCollection method": (
        _all_to_all,
        lambda nest, a: nest.GetConnections(synapse_model="stdp_synapse")[1:].disconnect(),
        False,
    ),
    # NEST removes the first connection of the pair, not the one the entry shows.
    "SynapseCollection second multapse": (
        _multapses,
        lambda nest, a: nest.GetConnections(source=a[0], target=a[1])[1].disconnect(),
        False,
    ),
    "empty SynapseCollection": (
        _all_to_all,
        lambda nest, a: nest.GetConnections(synapse_model="tsodyks_synapse").disconnect(),
        False,
    ),
}


def test_disconnect_matches_nest() -> None:
    run_cases(DISCONNECT_OK)


def _one_removed(nest: Any) -> Any:
    a = _all_to_all(nest)
    nest.Disconnect(a[0], a[1])
    return a


def _d(nest: Any, *args: Any, **kw: Any) -> Any:
    return nest.Disconnect(*args, **kw)


DISCONNECT_ERRORS = {
    "inexistent": (_one_removed, lambda nest, a: _d(nest, a[0], a[1]), False),
    "inexistent model": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], syn_spec="tsodyks_synapse"),
        False,
    ),
    # NEST removes the pairs before the first missing one; we remove none.
    "partly inexistent": (
        _all_to_all,
        lambda nest, a: _d(nest, a, a, syn_spec="stdp_synapse", conn_spec="all_to_all"),
        True,
    ),
    "from a device": (_devices, lambda nest, d: _d(nest, d[1], d[0][0]), False),
    "to a device": (_devices, lambda nest, d: _d(nest, d[0][0], d[2]), False),
    "device SynapseCollection": (
        _devices,
        lambda nest, d: nest.GetConnections(source=d[1]).disconnect(),
        False,
    ),
    "unknown model": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], syn_spec="nope"), False),
    "model not a string": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], syn_spec={"synapse_model": 3}),
        False,
    ),
    "unknown rule": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], conn_spec="nope", syn_spec="nope"),
        False,
    ),
    "rule not a string": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], conn_spec={"rule": 3}), False),
    "rule not implemented": (
        _all_to_all,
        lambda nest, a: _d(nest, a, a, conn_spec={"rule": "fixed_indegree", "indegree": 1}),
        False,
    ),
    "rule parameter missing": (
        _all_to_all,
        lambda nest, a: _d(nest, a, a, conn_spec={"rule": "fixed_indegree"}),
        False,
    ),
    "symmetric rule flags": (
        _all_to_all,
        lambda nest, a: _d(nest, a, a, conn_spec={"rule": "symmetric_pairwise_bernoulli", "p": 0.5}),
        False,
    ),
    "unread conn_spec": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], conn_spec={"rule": "one_to_one", "foo": 1}, syn_spec={"bar": 1}),
        False,
    ),
    "unread syn_spec": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], syn_spec={"foo": 1}), False),
    "common property": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], syn_spec={"synapse_model": "stdp_synapse_hom", "tau_plus": 3.0}),
        False,
    ),
    "string weight": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], syn_spec={"weight": "x"}), False),
    "sizes differ": (_all_to_all, lambda nest, a: _d(nest, a[:1], a), False),
    "sizes differ, model unknown": (_all_to_all, lambda nest, a: _d(nest, a[:1], a, syn_spec="nope"), False),
    "bad flag type": (
        _all_to_all,
        lambda nest, a: _d(nest, a, a, conn_spec={"rule": "all_to_all", "allow_autapses": "x"}),
        False,
    ),
    "conn_spec positional": (_all_to_all, lambda nest, a: _d(nest, a, a, "all_to_all"), False),
    "one NodeCollection": (_all_to_all, lambda nest, a: _d(nest, a), False),
    "lists": (_all_to_all, lambda nest, a: _d(nest, [1], [2]), False),
    "SynapseCollection and conn_spec": (
        _all_to_all,
        lambda nest, a: _d(nest, nest.GetConnections(), conn_spec="one_to_one"),
        False,
    ),
    "collocated": (
        _all_to_all,
        lambda nest, a: _d(nest, a[0], a[1], syn_spec=nest.CollocatedSynapses({}, {})),
        False,
    ),
    "conn_spec int": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], conn_spec=3), False),
    "conn_spec list": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], conn_spec=["one_to_one"]), False),
    "conn_spec tuple": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], conn_spec=("one_to_one",)), False),
    "syn_spec int": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], syn_spec=3), False),
    "syn_spec list": (_all_to_all, lambda nest, a: _d(nest, a[0], a[1], syn_spec=["static_synapse"]), False),
}


def test_disconnect_errors_match_nest() -> None:
    run_cases(DISCONNECT_ERRORS)


def plastic_disconnect(nest: Any) -> dict[str, Any]:
    """STDP weights of the remaining synapses survive a Disconnect and keep learning."""
    nest.set(resolution=0.1)
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 6.0, 11.0, 17.0]})
    p = nest.Create("parrot_neuron")
    n = nest.Create("iaf_psc_alpha", 3, params={"I_e": 300.0})
    nest.Connect(sg, p)
    nest.Connect(p, n, syn_spec={"synapse_model": "stdp_synapse", "weight": 40.0})
    nest.Connect(n, n, "all_to_all", {"synapse_model": "stdp_synapse", "weight": 5.0, "delay": 1.0})
    r = {}
    nest.Simulate(20.0)
    r["first"] = table(nest)
    nest.Disconnect(p, n[1], syn_spec="stdp_synapse")
    nest.Disconnect(n[:2], n[1:], syn_spec="stdp_synapse")
    r["after_disconnect"] = table(nest)
    nest.Simulate(20.0)
    r["second"] = table(nest)
    r["n"] = nest.num_connections
    return r


def test_disconnect_keeps_plastic_state() -> None:
    ref, ours = run_both(plastic_disconnect)
    assert ours["n"] == ref["n"]
    for key in ("first", "after_disconnect", "second"):
        assert [r[:3] + r[4:] for r in ours[key]] == [r[:3] + r[4:] for r in ref[key]], key
        np.testing.assert_allclose(
            [r[3] for r in ours[key]], [r[3] for r in ref[key]], rtol=1e-9, err_msg=key
        )


# ------------------------------------------------------------------- collocated
def _nodes(nest: Any) -> Any:
    return nest.Create("iaf_psc_alpha", 4)


def _colloc(nest: Any, *specs: Any) -> Any:
    return nest.CollocatedSynapses(*specs)


COLLOCATED = {
    "one_to_one": (
        _nodes,
        lambda nest, a: nest.Connect(
            a[:2],
            a[1:3],
            "one_to_one",
            _colloc(
                nest,
                {"weight": 4.0, "delay": 1.5},
                {"synapse_model": "stdp_synapse", "weight": 2.0},
                {"synapse_model": "static_synapse", "weight": -1.0, "delay": 3.0},
            ),
            return_synapsecollection=True,
        ),
        False,
    ),
    "all_to_all": (
        _nodes,
        lambda nest, a: (
            nest.Connect(a[:2], a[2:], "all_to_all", _colloc(nest, {"weight": 5.0}, {"weight": 6.0})),
            nest.Connect(a[0], a[2], return_synapsecollection=True),
        )[1],
        False,
    ),
    "returned with older ones": (
        _nodes,
        lambda nest, a: (
            nest.Connect(a[1], a[2], syn_spec={"weight": 7.0}),
            nest.Connect(a[:2], a[2], "all_to_all", _colloc(nest, {"weight": 5.0}, {"weight": 6.0}), True),
        )[1],
        False,
    ),
    "arrays per spec": (
        _nodes,
        lambda nest, a: nest.Connect(
            a[:2],
            a[2:],
            "all_to_all",
            _colloc(nest, {"weight": [1.0, 2.0, 3.0, 4.0, 5.0]}, {"delay": np.array([2.0, 3.0, 4.0, 5.0])}),
        ),
        False,
    ),
    "empty": (_nodes, lambda nest, a: nest.Connect(a, a, "all_to_all", _colloc(nest)), False),
    "fixed_indegree": (
        _nodes,
        lambda nest, a: (
            nest.Connect(
                a,
                a[0],
                {"rule": "fixed_indegree", "indegree": 4, "allow_multapses": False},
                _colloc(nest, {"weight": 11.0}, {"weight": 12.0}),
            ),
            sorted(table(nest)),
        )[1],
        False,
    ),
    # errors
    "unknown model in 2nd": (
        _nodes,
        lambda nest, a: nest.Connect(
            a, a, "all_to_all", _colloc(nest, {"foo": 1}, {"synapse_model": "nope"})
        ),
        False,
    ),
    "string weight in 1st": (
        _nodes,
        lambda nest, a: nest.Connect(
            a, a, "all_to_all", _colloc(nest, {"weight": "x"}, {"synapse_model": "nope"})
        ),
        False,
    ),
    "unread key in 2nd": (
        _nodes,
        lambda nest, a: nest.Connect(a, a, "all_to_all", _colloc(nest, {"delay": -1.0}, {"foo": 1})),
        False,
    ),
    "bad delay in 2nd": (
        _nodes,
        lambda nest, a: nest.Connect(a, a, "all_to_all", _colloc(nest, {"weight": 5.0}, {"delay": -1.0})),
        True,
    ),
    "values exhausted": (
        _nodes,
        lambda nest, a: nest.Connect(a[:2], a[1:3], "one_to_one", _colloc(nest, {"weight": [7.0]})),
        True,
    ),
    "2-D list": (
        _nodes,
        lambda nest, a: nest.Connect(
            a[:2], a[1:3], "all_to_all", _colloc(nest, {"weight": [[1.0, 2.0], [3.0, 4.0]]})
        ),
        False,
    ),
    "string spec": (
        _nodes,
        lambda nest, a: nest.Connect(a, a, "all_to_all", _colloc(nest, "static_synapse")),
        False,
    ),
    "list of dicts": (
        _nodes,
        lambda nest, a: nest.Connect(a[:2], a[1:3], "one_to_one", [{"weight": 1.0}, {"weight": 2.0}]),
        False,
    ),
    "unknown rule": (_nodes, lambda nest, a: nest.Connect(a, a, "nope", _colloc(nest)), False),
}


def test_collocated_synapses_match_nest() -> None:
    run_cases(COLLOCATED)


def test_collocated_synapses_object() -> None:
    import pynest_jax

    specs = ({"weight": 1.0}, {"synapse_model": "stdp_synapse"})
    cs = pynest_jax.CollocatedSynapses(*specs)
    assert len(cs) == 2 and cs.syn_specs == specs


# ---------------------------------------------------------------- node id arrays
def _mixed(nest: Any) -> Any:
    a = nest.Create("iaf_psc_alpha", 4)
    m = nest.Create("iaf_psc_exp_multisynapse", 2, params={"tau_syn": [1.0, 2.0, 3.0]})
    return a, m


ARRAYS = {
    "one_to_one": (
        _mixed,
        lambda nest, n: nest.Connect(np.array([1, 1, 2]), np.array([3, 4, 3]), "one_to_one"),
        False,
    ),
    "weights and delays": (
        _mixed,
        lambda nest, n: nest.Connect(
            [1, 1, 2],
            [3, 4, 3],
            "one_to_one",
            {"weight": [1.0, 2.0, 3.0], "delay": np.array([1.0, 2.0, 3.0])},
        ),
        False,
    ),
    "model name": (_mixed, lambda nest, n: nest.Connect([2, 2], [1, 1], "one_to_one", "stdp_synapse"), False),
    "receptors": (
        _mixed,
        lambda nest, n: nest.Connect(
            [1, 2, 1], [5, 6, 5], "one_to_one", {"receptor_type": [1, 3, 2], "weight": np.array([1, 2, 3])}
        ),
        False,
    ),
    "model parameters": (
        _mixed,
        lambda nest, n: nest.Connect(
            [1, 2],
            [3, 4],
            "one_to_one",
            {"synapse_model": "stdp_synapse", "alpha": [2.0, 3.0], "weight": [4.0, 5.0], "Wmax": 60.0},
        ),
        False,
    ),
    "common property ignored": (
        _mixed,
        lambda nest, n: (
            nest.Connect(
                [1, 2], [3, 3], "one_to_one", {"synapse_model": "stdp_synapse_hom", "alpha": [5.0, 5.0]}
            ),
            nest.GetDefaults("stdp_synapse_hom", "alpha"),
        )[1],
        False,
    ),
    "range and tuple": (_mixed, lambda nest, n: nest.Connect(range(1, 3), (3, 4), "one_to_one"), False),
    "NodeCollection and array": (_mixed, lambda nest, n: nest.Connect(n[0][:2], [3, 3], "one_to_one"), False),
    "unique ids, all_to_all": (
        _mixed,
        lambda nest, n: nest.Connect(
            [2, 3], np.array([1, 4], dtype=np.int32), "all_to_all", return_synapsecollection=True
        ),
        False,
    ),
    "unique float ids, all_to_all": (
        _mixed,
        lambda nest, n: nest.Connect([1.0, 2.0], [3.0], "all_to_all"),
        False,
    ),
    # errors
    "scalar weight": (
        _mixed,
        lambda nest, n: nest.Connect([2, 2], [1, 1], "one_to_one", {"weight": 5.0}),
        False,
    ),
    "scalar delay": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [1, 2], "one_to_one", {"weight": [1.0, 2.0], "delay": 2.0}),
        False,
    ),
    "SynapseCollection asked": (
        _mixed,
        lambda nest, n: nest.Connect([2, 3], [1, 1], "one_to_one", return_synapsecollection=True),
        False,
    ),
    "non-unique, all_to_all": (_mixed, lambda nest, n: nest.Connect([2, 2], [1, 1]), False),
    "lengths differ": (_mixed, lambda nest, n: nest.Connect([1, 2], [1, 2, 3], "one_to_one"), False),
    "float ids": (_mixed, lambda nest, n: nest.Connect([1.0, 2.0], [1, 2], "one_to_one"), False),
    "empty lists": (_mixed, lambda nest, n: nest.Connect([], [], "one_to_one"), False),
    "2-D ids": (
        _mixed,
        lambda nest, n: nest.Connect(np.array([[1, 2]]), np.array([[1, 2]]), "one_to_one"),
        False,
    ),
    "unknown id": (_mixed, lambda nest, n: nest.Connect([1, 99], [1, 2], "one_to_one"), True),
    "unknown id first": (
        _mixed,
        lambda nest, n: nest.Connect(
            [99, 1], [5, 6], "one_to_one", {"delay": np.array([1.0, -1.0]), "weight": np.array([1.0, 1.0])}
        ),
        False,
    ),
    "bad delay before unknown id": (
        _mixed,
        lambda nest, n: nest.Connect(
            [1, 99], [5, 6], "one_to_one", {"delay": np.array([-1.0, 1.0]), "weight": np.array([1.0, 1.0])}
        ),
        False,
    ),
    "id 0": (_mixed, lambda nest, n: nest.Connect([0, 1], [1, 2], "one_to_one"), False),
    "unknown id, all_to_all": (_mixed, lambda nest, n: nest.Connect([1, 99], [1, 2], "all_to_all"), False),
    "negative id, all_to_all": (_mixed, lambda nest, n: nest.Connect([-1, 2], [3], "all_to_all"), False),
    "negative id, one_to_one": (_mixed, lambda nest, n: nest.Connect([-1, 2], [3, 3], "one_to_one"), False),
    "int ids": (_mixed, lambda nest, n: nest.Connect(1, 2), False),
    "int ids, one_to_one": (_mixed, lambda nest, n: nest.Connect(1, 2, "one_to_one"), False),
    "unsorted unique ids": (
        _mixed,
        lambda nest, n: nest.Connect([3, 2], [4, 1], "all_to_all", {"weight": [[1.0, 2.0], [3.0, 4.0]]}),
        False,
    ),
    "weight length": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [1, 2], "one_to_one", {"weight": [1.0, 2.0, 3.0]}),
        False,
    ),
    "weights typo": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [1, 2], "one_to_one", {"weights": [1.0, 2.0]}),
        False,
    ),
    "2-D weights": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [3, 4], "one_to_one", {"weight": [[1.0, 2.0]]}),
        False,
    ),
    "unknown parameter": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [1, 2], "one_to_one", {"foo": [1.0, 2.0]}),
        False,
    ),
    "unknown model": (_mixed, lambda nest, n: nest.Connect([99], [5], "one_to_one", "nope"), False),
    "receptor not integral": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [5, 6], "one_to_one", {"receptor_type": [1.5, 2.0]}),
        False,
    ),
    "receptor 0 at multisynapse": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [5, 6], "one_to_one", {"receptor_type": [0, 1]}),
        False,
    ),
    "receptor too large later": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [5, 6], "one_to_one", {"receptor_type": [1, 4]}),
        True,
    ),
    "Wmax sign": (
        _mixed,
        lambda nest, n: nest.Connect(
            [1, 2],
            [3, 4],
            "one_to_one",
            {"synapse_model": "stdp_synapse", "weight": [4.0, 5.0], "Wmax": [-50.0, 60.0]},
        ),
        False,
    ),
    "recorder as source": (
        lambda nest: (_mixed(nest), nest.Create("spike_recorder")),
        lambda nest, n: nest.Connect([7, 7], [1, 2], "one_to_one", {"weight": [1.0, 1.0]}),
        False,
    ),
    "collocated": (
        _mixed,
        lambda nest, n: nest.Connect([1, 2], [1, 2], "one_to_one", _colloc(nest, {"weight": 1.0})),
        False,
    ),
}


def test_array_connect_matches_nest() -> None:
    run_cases(ARRAYS)


# ------------------------------------------------------- return_synapsecollection
def _pops(nest: Any) -> Any:
    return nest.Create("iaf_psc_alpha", 3), nest.Create("iaf_psc_alpha", 4)


DETERMINISTIC_RULES = {
    "all_to_all": "all_to_all",
    "one_to_one": "one_to_one",
    "pairwise_bernoulli p=1": {"rule": "pairwise_bernoulli", "p": 1.0},
    "fixed_indegree, all sources": {"rule": "fixed_indegree", "indegree": 3, "allow_multapses": False},
}


def returned_collections(nest: Any) -> dict[str, Any]:
    """The returned SynapseCollection is GetConnections(pre, post), older connections included."""
    out = {}
    for label, spec in DETERMINISTIC_RULES.items():
        nest.ResetKernel()
        a, b = _pops(nest)
        pre = a if label != "one_to_one" else a + b[0]
        nest.Connect(a[0], b[1], syn_spec={"weight": 9.0})  # an older connection, also returned
        sc = nest.Connect(pre, b, spec, {"weight": 2.0}, return_synapsecollection=True)
        out[label] = table(nest, sc)
    return out


def test_return_synapsecollection_deterministic_rules() -> None:
    ref, ours = run_both(returned_collections)
    assert ours == ref


RANDOM_RULES = {
    "fixed_indegree": ({"rule": "fixed_indegree", "indegree": 2}, 8),
    "fixed_outdegree": ({"rule": "fixed_outdegree", "outdegree": 2}, 6),
    "fixed_total_number": ({"rule": "fixed_total_number", "N": 5}, 5),
    "pairwise_bernoulli": ({"rule": "pairwise_bernoulli", "p": 0.5}, None),
    "pairwise_poisson": ({"rule": "pairwise_poisson", "pairwise_avg_num_conns": 0.7}, None),
    "symmetric_pairwise_bernoulli": (
        {"rule": "symmetric_pairwise_bernoulli", "p": 0.5, "allow_autapses": False, "make_symmetric": True},
        None,
    ),
}


def random_collections(nest: Any) -> dict[str, Any]:
    out = {}
    for label, (spec, _) in RANDOM_RULES.items():
        nest.ResetKernel()
        a, b = _pops(nest)
        pre, post = (a, b) if label != "symmetric_pairwise_bernoulli" else (a + b, a + b)
        nest.Connect(a[0], b[1], syn_spec={"weight": 9.0})
        n_before = nest.num_connections
        sc = nest.Connect(pre, post, spec, {"weight": 2.0}, return_synapsecollection=True)
        out[label] = {
            "returned": table(nest, sc),
            "get": table(nest, nest.GetConnections(pre, post)),
            "new": nest.num_connections - n_before,
            "weights": Counter(r[3] for r in table(nest, sc)),
        }
    return out


def test_return_synapsecollection_random_rules() -> None:
    ref, ours = run_both(random_collections)
    for label, (_, expected) in RANDOM_RULES.items():
        r, o = ref[label], ours[label]
        assert r["returned"] == r["get"] and o["returned"] == o["get"], label
        assert len(o["returned"]) == o["new"] + 1 and len(r["returned"]) == r["new"] + 1, label
        if expected is not None:
            assert o["new"] == r["new"] == expected, label
        else:
            assert o["new"] > 0, label
        assert o["weights"][9.0] == r["weights"][9.0] == 1, label
        # GetConnections order: by source, each source's synapses in creation order.
        assert [x[0] for x in o["returned"]] == sorted(x[0] for x in o["returned"]), label


# --------------------------------------------------------------- receptor arrays
def _multi(nest: Any) -> Any:
    m = nest.Create("iaf_psc_exp_multisynapse", 2, params={"tau_syn": [1.0, 2.0, 3.0]})
    p = nest.Create("parrot_neuron", 3)
    a = nest.Create("iaf_psc_alpha_multisynapse", 1, params={"tau_syn": [1.0, 2.0]})
    return m, p, a


RECEPTORS = {
    "all_to_all 2-D": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1],
            n[0],
            "all_to_all",
            {"receptor_type": [[1, 2, 3], [3, 2, 1]], "weight": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]},
            return_synapsecollection=True,
        ),
        False,
    ),
    "one_to_one 1-D": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1][:2],
            n[0],
            "one_to_one",
            {"receptor_type": [3, 1], "delay": [2.0, 3.0]},
            return_synapsecollection=True,
        ),
        False,
    ),
    "alpha multisynapse": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1][:2], n[2] + n[0][0], "one_to_one", {"receptor_type": np.array([3, 2])}
        ),
        False,
    ),
    "alpha multisynapse, receptor too large": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1][:2], n[2] + n[0][0], "one_to_one", {"receptor_type": np.array([2, 3])}
        ),
        True,
    ),
    "fixed_indegree 2-D": (
        _multi,
        lambda nest, n: (
            nest.Connect(
                n[1],
                n[0],
                {"rule": "fixed_indegree", "indegree": 3, "allow_multapses": False},
                {"receptor_type": [[1, 2, 3], [3, 3, 2]], "weight": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]},
            ),
            sorted((t, w, r) for _, t, _, w, _, r in table(nest)),
        )[1],
        None,
    ),
    "fixed_total_number 1-D": (
        _multi,
        lambda nest, n: (
            nest.Connect(
                n[1],
                n[0],
                {"rule": "fixed_total_number", "N": 3},
                {"receptor_type": [1, 2, 3], "weight": [1.0, 2.0, 3.0]},
            ),
            sorted((w, r) for _, _, _, w, _, r in table(nest)),
        )[1],
        None,
    ),
    "scalar": (
        _multi,
        lambda nest, n: nest.Connect(n[1][0], n[0], syn_spec={"receptor_type": np.int64(2)}),
        False,
    ),
    # errors
    "all_to_all 1-D": (
        _multi,
        lambda nest, n: nest.Connect(n[1], n[0], "all_to_all", {"receptor_type": [1, 2, 3]}),
        False,
    ),
    "all_to_all wrong shape": (
        _multi,
        lambda nest, n: nest.Connect(n[1], n[0], "all_to_all", {"receptor_type": [[1, 2], [3, 2], [1, 1]]}),
        False,
    ),
    "pairwise_bernoulli 2-D": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1], n[0], {"rule": "pairwise_bernoulli", "p": 1.0}, {"receptor_type": [[1, 2]]}
        ),
        False,
    ),
    "one_to_one length": (
        _multi,
        lambda nest, n: nest.Connect(n[1][:2], n[0], "one_to_one", {"receptor_type": [1, 2, 3]}),
        False,
    ),
    "fixed_indegree shape": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1], n[0], {"rule": "fixed_indegree", "indegree": 2}, {"receptor_type": [[1, 2]]}
        ),
        False,
    ),
    "float receptor": (
        _multi,
        lambda nest, n: nest.Connect(n[1][:2], n[0], "one_to_one", {"receptor_type": [3.0, 1.0]}),
        False,
    ),
    "float scalar receptor": (
        _multi,
        lambda nest, n: nest.Connect(n[1][0], n[0][0], syn_spec={"receptor_type": 1.0}),
        False,
    ),
    "bool receptor": (
        _multi,
        lambda nest, n: nest.Connect(n[1][0], n[0][0], syn_spec={"receptor_type": True}),
        False,
    ),
    "receptor too large": (
        _multi,
        lambda nest, n: nest.Connect(n[1][:2], n[0], "one_to_one", {"receptor_type": [3, 4]}),
        True,
    ),
    "receptor 0": (
        _multi,
        lambda nest, n: nest.Connect(n[1], n[0], "all_to_all", {"receptor_type": 0}),
        False,
    ),
    "model not a string": (
        _multi,
        lambda nest, n: nest.Connect(n[1], n[0], "all_to_all", {"synapse_model": 1}),
        False,
    ),
    "0-d array": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1][0], n[0][0], syn_spec={"weight": np.array(3.0), "receptor_type": 2}
        ),
        False,
    ),
    "3-D array": (
        _multi,
        lambda nest, n: nest.Connect(
            n[1], n[0], "all_to_all", {"weight": np.ones((2, 3, 1)), "receptor_type": 1}
        ),
        False,
    ),
}


def test_receptor_arrays_match_nest() -> None:
    run_cases(RECEPTORS)


# ------------------------------------------------- the order of Connect's checks
def _c(nest: Any, *args: Any, **kw: Any) -> Any:
    return nest.Connect(*args, **kw)


CONNECT_ORDER = {
    "rule parameter before unread syn_spec": (
        _nodes,
        lambda nest, a: _c(nest, a, a, {"rule": "fixed_indegree"}, {"foo": 1}),
        False,
    ),
    "unread conn_spec before unread syn_spec": (
        _nodes,
        lambda nest, a: _c(nest, a, a, {"rule": "all_to_all", "foo": 2}, {"foo": 1}),
        False,
    ),
    "unknown rule before unknown model": (
        _nodes,
        lambda nest, a: _c(nest, a, a, {"rule": "nope"}, {"synapse_model": "nope"}),
        False,
    ),
    "unknown model before sizes": (
        _nodes,
        lambda nest, a: _c(nest, a[:1], a, "one_to_one", {"synapse_model": "nope"}),
        False,
    ),
    "sizes before unread syn_spec": (
        _nodes,
        lambda nest, a: _c(nest, a[:1], a, "one_to_one", {"foo": 1}),
        False,
    ),
    "string weight before sizes": (
        _nodes,
        lambda nest, a: _c(nest, a[:1], a, "one_to_one", {"weight": "x"}),
        False,
    ),
    "common property before string weight": (
        _nodes,
        lambda nest, a: _c(
            nest, a, a, "all_to_all", {"synapse_model": "stdp_synapse_hom", "tau_plus": 1.0, "weight": "x"}
        ),
        False,
    ),
    "empty before unknown model": (
        _nodes,
        lambda nest, a: _c(nest, nest.NodeCollection([]), a, "all_to_all", {"synapse_model": "nope"}),
        False,
    ),
    "flag type before unknown model": (
        _nodes,
        lambda nest, a: _c(
            nest, a, a, {"rule": "all_to_all", "allow_autapses": "x"}, {"synapse_model": "nope"}
        ),
        False,
    ),
    "delay before receptor": (
        _nodes,
        lambda nest, a: _c(nest, a, a, "all_to_all", {"delay": -1.0, "receptor_type": 3}),
        False,
    ),
    "label of an unlabelled model": (
        _nodes,
        lambda nest, a: _c(
            nest, a[0], a[1], syn_spec={"synapse_model": "static_synapse", "synapse_label": 3}
        ),
        False,
    ),
    "label": (
        _nodes,
        lambda nest, a: (
            _c(nest, a[0], a[1], syn_spec={"synapse_model": "static_synapse_lbl", "synapse_label": 3}),
            nest.Disconnect(a[0], a[1], syn_spec={"synapse_model": "static_synapse_lbl", "synapse_label": 5}),
        ),
        False,
    ),
    "conn_spec without rule": (
        _nodes,
        lambda nest, a: _c(nest, a, a, {"indegree": 1}, {"weight": 1.0}),
        False,
    ),
    "conn_spec list": (_nodes, lambda nest, a: _c(nest, a, a, ["all_to_all"]), False),
    "syn_spec list": (_nodes, lambda nest, a: _c(nest, a, a, "all_to_all", [{"weight": 1.0}]), False),
    "1-D array, all_to_all": (
        _nodes,
        lambda nest, a: _c(nest, a, a, "all_to_all", {"delay": [1.0] * 16}),
        False,
    ),
    "2-D array, wrong shape": (
        _nodes,
        lambda nest, a: _c(nest, a[:2], a[:3], "all_to_all", {"weight": np.ones((2, 3))}),
        False,
    ),
    "1-D array, fixed_total_number": (
        _nodes,
        lambda nest, a: _c(nest, a, a, {"rule": "fixed_total_number", "N": 2}, {"weight": [1.0, 2.0, 3.0]}),
        False,
    ),
}


def test_connect_check_order_matches_nest() -> None:
    run_cases(CONNECT_ORDER)


def _disconnect_keeps_has_connections(nest: Any) -> list[Any]:
    a = nest.Create("iaf_psc_alpha")
    b = nest.Create("iaf_psc_exp_multisynapse", params={"tau_syn": [1.0, 2.0]})
    nest.Connect(a, b, syn_spec={"receptor_type": 1})
    nest.Disconnect(a, b, conn_spec="one_to_one", syn_spec={"synapse_model": "static_synapse"})
    out = [b.get("has_connections"), nest.num_connections]
    try:  # fewer ports are still refused, as while connected
        b.set(tau_syn=[1.0])
        out.append("set")
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        out.append(type(e).__name__)
    return out


def test_has_connections_stays_set_after_disconnect() -> None:
    ref, ours = run_both(_disconnect_keeps_has_connections)
    assert ours == ref == [True, 0, "BadProperty"]


def _shared_weight_changed_after_connect(nest: Any) -> list[float]:
    gen = nest.Create("spike_generator", params={"spike_times": [5.0]})
    parrot = nest.Create("parrot_neuron")
    neuron = nest.Create("iaf_psc_alpha")
    nest.Connect(gen, parrot)
    nest.Connect(parrot, neuron, syn_spec={"synapse_model": "static_synapse_hom_w"})
    nest.SetDefaults("static_synapse_hom_w", {"weight": 5000.0})
    vm = nest.Create("voltmeter")
    nest.Connect(vm, neuron)
    nest.Simulate(20.0)
    return vm.get("events", "V_m").tolist()


def test_shared_weight_set_after_connect_reaches_existing_connections() -> None:
    ref, ours = run_both(_shared_weight_changed_after_connect)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    assert max(ref) > -60.0  # the new weight arrived
