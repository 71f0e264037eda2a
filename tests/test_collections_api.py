"""NodeCollection, SynapseCollection, GetStatus/SetStatus and GetNodes against NEST 3.10.

Every scenario makes the same calls in NEST and in pynest_jax; results, printed
forms and errors (class name and message) must agree. After a ``set`` that
succeeds, the values must agree too; after one that fails, pynest_jax must have
changed nothing. (NEST sets nodes and connections one after another and keeps those
before the failing one; pynest_jax deliberately leaves all unchanged, but raises
the error of the element NEST stops at.)
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from compare import run_both

# Status entries whose values are not this module's concern (model and synapse ids,
# thread-local ids); compared by the model and kernel tests.
UNCOMPARED = {"model_id", "synapse_id", "thread_local_id"}


def plain(value: Any) -> Any:
    """A value both simulators' results can be compared by: collections as their
    printed form, arrays as lists, pandas frames as dicts."""
    name = type(value).__name__
    if name == "NodeCollection":
        return ("NodeCollection", str(value))
    if name == "SynapseCollection":
        return ("SynapseCollection", len(value), str(value))
    if name == "DataFrame":
        return ("DataFrame", plain(value.to_dict()))
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.kind, value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in UNCOMPARED}
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    return value


def attempt(fn: Callable[[], Any]) -> Any:
    """The call's result, or its error as (class name, message)."""
    try:
        return ("ok", plain(fn()))
    except Exception as err:  # noqa: BLE001 - the error is the result
        return ("error", type(err).__name__, str(err))


UNCHANGED = ("unchanged",)


def effect(state: Callable[[], Any], fn: Callable[[], Any]) -> tuple[Any, Any]:
    """The call's result and what it left: UNCHANGED if ``state()`` is as before the call."""
    before = attempt(state)
    result = attempt(fn)
    after = attempt(state)
    return result, (UNCHANGED if after == before else after)


def check(scenario: Callable[[Any], dict[str, Any]]) -> None:
    """Same results in NEST and pynest_jax; for ``"<case> after"`` entries of a failed
    case, pynest_jax must have changed nothing, whatever NEST kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # GetStatus/SetStatus are deprecated
        ref, ours = run_both(scenario)
    assert list(ours) == list(ref)
    for key in ref:
        case = key.removesuffix(" after")
        if case != key and ref[case][0] == "error":
            assert ours[key] == UNCHANGED, key
        else:
            assert ours[key] == ref[key], key


# ------------------------------------------------------------ NodeCollection
def arithmetic(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("parrot_neuron", 3)
    c = nest.Create("iaf_psc_alpha", 2)
    d = nest.Create("iaf_psc_alpha", 2)
    comp = a[1:3] + b + c[1]
    r = {}
    r["sum"] = attempt(lambda: sum([a, b, c]))
    r["sum_parts"] = attempt(lambda: sum([a[:2], b, c]))
    r["radd0"] = attempt(lambda: (0 + a, a + 0))
    r["add_int"] = attempt(lambda: a + 1)
    r["add_list"] = attempt(lambda: a + [1])
    r["overlap"] = attempt(lambda: a + a[1])
    r["merge"] = attempt(lambda: (c + d, d + c, a[:1] + a[2:3] + a[4:5]))
    r["composite"] = attempt(lambda: (comp, comp.tolist(), len(comp)))
    r["from_list"] = attempt(lambda: nest.NodeCollection(list(range(1, 9))))
    r["from_ids"] = attempt(lambda: (nest.NodeCollection([9, 10, 11, 12]), nest.NodeCollection(range(1, 4))))
    r["from_np"] = attempt(lambda: nest.NodeCollection(np.array([2, 3])))
    r["from_floats"] = attempt(lambda: nest.NodeCollection([1.0, 2.7]))
    r["unsorted"] = attempt(lambda: nest.NodeCollection([3, 1, 2]))
    r["duplicate"] = attempt(lambda: nest.NodeCollection([1, 1, 100]))
    r["unknown"] = attempt(lambda: nest.NodeCollection([1, 100, 100]))
    r["zero"] = attempt(lambda: nest.NodeCollection([0]))
    r["negative"] = attempt(lambda: nest.NodeCollection([-1]))
    r["of_nc"] = attempt(lambda: nest.NodeCollection(a))
    r["of_int"] = attempt(lambda: nest.NodeCollection(5))
    r["of_str"] = attempt(lambda: nest.NodeCollection("ab"))
    # slices with steps, of primitives and composites, and NEST's sliced composites
    full = a + b + c
    for name, fn in {
        "a[::2]": lambda: a[::2],
        "a[1:4:2]": lambda: a[1:4:2],
        "a[0:2:2]": lambda: a[0:2:2],
        "a[1:5:3]": lambda: a[1:5:3],
        "a[-2:]": lambda: a[-2:],
        "a[:-2]": lambda: a[:-2],
        "a[:0]": lambda: a[:0],
        "a[:-4]": lambda: a[:-4],
        "a[2:-1]": lambda: a[2:-1],
        "a[10:]": lambda: a[10:],
        "a[:10]": lambda: a[:10],
        "a[:-5]": lambda: a[:-5],
        "a[3:1]": lambda: a[3:1],
        "a[::-1]": lambda: a[::-1],
        "a[::0]": lambda: a[::0],
        "comp[::2]": lambda: comp[::2],
        "comp[1::3]": lambda: comp[1::3],
        "full[1:4]": lambda: full[1:4],
        "full[5:9]": lambda: full[5:9],
        "full[4:6]": lambda: full[4:6],
        "full[4:7]": lambda: full[4:7],
        "full[:]": lambda: full[:],
        "full[0:9]": lambda: full[0:9],
        "full[1:]": lambda: full[1:],
        "full[::3]": lambda: full[::3],
        "full[2::4]": lambda: full[2::4],
        "full[::20]": lambda: full[::20],
        "sliced[1:]": lambda: a[::2][1:],
        "sliced[::2]": lambda: full[4:7][::2],
        "sliced[1]": lambda: a[::2][1],
        "sliced[-1]": lambda: full[::2][-1],
        "sliced[[0,1]]": lambda: a[::2][[0, 1]],
        "sliced+b": lambda: a[::2] + b,
        "b+sliced": lambda: b + a[::2],
        "composite+sliced": lambda: (b + c) + a[::2],
        "sliced+empty": lambda: a[::2] + nest.NodeCollection(),
        "empty+sliced": lambda: nest.NodeCollection() + a[::2],
        "sliced list": lambda: (full[::3].tolist(), full[4:7].tolist()),
    }.items():
        r[name] = attempt(fn)
    return r


def test_arithmetic_slicing_and_printing() -> None:
    check(arithmetic)


def indexing(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("parrot_neuron", 3)
    comp = a + b
    r = {}
    cases = {
        "int": lambda: (a[0], a[-1], a[-5], comp[6], a[np.int64(2)], a[True]),
        "int_out": lambda: a[5],
        "int_neg_out": lambda: a[-6],
        "list": lambda: a[[0, 2, 4]],
        "tuple": lambda: a[(0, 2)],
        "np": lambda: a[np.array([1, 3])],
        "np_uint": lambda: a[np.array([0, 3], dtype=np.uint8)],
        "np_ints_in_list": lambda: a[[np.int64(0), np.int64(2)]],
        "mask": lambda: a[np.array([True, False, True, False, True])],
        "list_mask": lambda: comp[[True, False] * 4],
        "mask_none": lambda: a[[False] * 5],
        "mask_short": lambda: a[[True, False]],
        "np_mask_short": lambda: a[np.array([True, False])],
        "unsorted": lambda: a[[4, 0]],
        "np_unsorted": lambda: a[np.array([3, 0])],
        "duplicate": lambda: a[[1, 1]],
        "mixed": lambda: a[[1, True]],
        "list_negative": lambda: a[[-1]],
        "list_outside": lambda: a[[7]],
        "np_outside": lambda: a[np.array([0, 7])],
        "np_negative": lambda: a[np.array([-1])],
        "np_2d": lambda: a[np.array([[1]])],
        "np_float": lambda: a[np.array([1.0])],
        "float": lambda: a[1.0],
        "str": lambda: a["x"],
        "empty_list": lambda: (a[[]], a[()], a[np.array([], dtype=int)]),
        "contains": lambda: (3 in a, 7 in a, np.int64(2) in a, 2.0 in a, 2.5 in a, -1 in a, 6 in comp[1::2]),
        "contains_nc": lambda: a[1] in a,
        "contains_str": lambda: "x" in a,
        "index": lambda: (a.index(3), comp.index(7), comp[1::2].index(6), a.index(2.0)),
        "index_missing": lambda: a.index(99),
        "index_nc": lambda: a.index(a[2]),
        "iter": lambda: [str(x) for x in comp[::3]],
        "iter_ids": lambda: [x.global_id for x in comp],
        "tolist": lambda: (a.tolist(), comp[::2].tolist()),
        "array": lambda: (np.array(comp), np.array(comp, dtype=float), np.asarray(a[::2])),
        "array_no_copy": lambda: np.array(a, copy=False),
        "global_id": lambda: (a.global_id, a[0].global_id, comp[::3].global_id),
        "spatial": lambda: a.spatial,
        "len_bool": lambda: (len(comp), bool(comp), len(comp[::3])),
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_indexing_membership_and_conversion() -> None:
    check(indexing)


def empty_collections(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    r = {}
    cases = {
        "make": lambda: (nest.NodeCollection(), nest.NodeCollection([]), nest.NodeCollection(None)),
        "len": lambda: len(nest.NodeCollection()),
        "list": lambda: list(nest.NodeCollection()),
        "bool": lambda: bool(nest.NodeCollection()),
        "tolist": lambda: nest.NodeCollection().tolist(),
        "array": lambda: np.array(nest.NodeCollection()),
        "get": lambda: nest.NodeCollection().get(),
        "get_key": lambda: nest.NodeCollection().get("V_m"),
        "attr": lambda: nest.NodeCollection().V_m,
        "global_id": lambda: nest.NodeCollection().global_id,
        "spatial": lambda: nest.NodeCollection().spatial,
        "set": lambda: nest.NodeCollection().set(foo=1.0),
        "eq": lambda: (nest.NodeCollection() == nest.NodeCollection(), nest.NodeCollection() == a),
        "add": lambda: (nest.NodeCollection() + a, a + nest.NodeCollection()),
        "index0": lambda: nest.NodeCollection()[0],
        "slice": lambda: nest.NodeCollection()[:],
        "contains": lambda: 1 in nest.NodeCollection(),
        "index": lambda: nest.NodeCollection().index(1),
        "getstatus": lambda: (
            nest.GetStatus(nest.NodeCollection()),
            nest.GetStatus(nest.NodeCollection(), output="json"),
        ),
        "getnodes": lambda: nest.GetNodes({"model": "parrot_neuron"}),
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_empty_collections() -> None:
    check(empty_collections)


def comparisons(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("parrot_neuron", 3)
    c = nest.Create("iaf_psc_alpha", 2)
    full = a + b + c
    r = {}
    cases = {
        "eq": lambda: (a == a, a == a[:], a[1:3] == a[1:3], a[1:3] == a[2:4], a == a[::1]),
        "ne": lambda: (a != a, a != b, full != a),
        "rebuilt": lambda: (
            full == nest.NodeCollection(full.tolist()),
            a[1:3] == nest.NodeCollection([2, 3]),
        ),
        # NEST compares the kinds and the parts a slice was cut from, not only the ids
        "structural": lambda: (
            a[0:3:2] == a[1:4:2],
            a[::2] == a[::2],
            a[0:5:2] == nest.NodeCollection([1, 3, 5]),
            full[::2] == full[1::2],
            full[4:7] == full[3:6],
            full[4:7] == full[5:8],
            full[::2] == nest.NodeCollection(full[::2].tolist()),
        ),
        "eq_int": lambda: a == 1,
        "ne_int": lambda: a != 1,
        "eq_none": lambda: a == None,  # noqa: E711 - NEST raises here
        "in_list": lambda: a in [1, a],
        "lt": lambda: a < a,
        "hash": lambda: hash(a),
        "dict_key": lambda: {a: 1},
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_comparison_and_hashing() -> None:
    check(comparisons)


# ---------------------------------------------------------------- get / set
def node_get(nest):
    # neurons at rest (their values stay exact while simulating), told apart by C_m
    a = nest.Create("iaf_psc_alpha", 3, params={"C_m": [250.0, 200.0, 150.0]})
    b = nest.Create("parrot_neuron", 2)
    comp = a + b
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0]})
    pn = nest.Create("parrot_neuron", 2)
    sr = nest.Create("spike_recorder", 2)
    nest.Connect(sg, pn)
    nest.Connect(pn, sr, "one_to_one")
    nest.Simulate(5.0)
    r = {}
    cases = {
        "all_one": lambda: a[0].get(),
        "all_many": lambda: a.get(),
        "all_composite": lambda: comp.get(),
        "one": lambda: (a.get("C_m"), a[0].get("C_m"), a.C_m, a[1].C_m, a.get("V_m")),
        "composite_key": lambda: (comp.get("C_m"), comp.get("model"), comp.global_id),
        "missing_everywhere": lambda: b.get("V_m"),
        "list": lambda: (a.get(["V_m", "C_m"]), a[0].get(["V_m"]), a.get(("V_m", "C_m")), comp.get(["V_m"])),
        "empty_list": lambda: (a.get([]), a[0].get([])),
        "recordables": lambda: (a.get("recordables"), a[0].get("recordables")),
        "vector": lambda: (sg.get("spike_times"), sg.get()["spike_times"]),
        "unknown": lambda: a.get("foo"),
        "unknown_in_list": lambda: a.get(["V_m", "foo"]),
        "not_str": lambda: a.get(5),
        "kwarg": lambda: a.get("V_m", foo=1),
        "other_output": lambda: a.get("V_m", output="xml"),
        "attr_unknown": lambda: a.foo,
        "two_keys": lambda: a.get("V_m", "C_m"),
        "path_not_str": lambda: sr.get(["events"], "times"),
        "events": lambda: (sr.get("events", "times"), sr[0].get("events", "senders")),
        "events_list": lambda: (sr.get("events", ["senders", "times"]), sr[1].get("events", ["times"])),
        "events_missing": lambda: sr.get("events", "foo"),
        "n_events": lambda: sr.n_events,
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    jsons = {
        "json_one": lambda: a.get("V_m", output="json"),
        "json_list": lambda: a.get(["V_m", "C_m"], output="json"),
        "json_single": lambda: a[0].get(["V_m", "C_m"], output="json"),
        "json_all": lambda: a[0].get(output="json"),
        "json_events": lambda: sr.get("events", "times", output="json"),
    }
    for name, fn in jsons.items():
        r[name] = attempt(lambda fn=fn: json.loads(fn()))
    frames = {
        "pandas_one": lambda: a.get("V_m", output="pandas"),
        "pandas_single": lambda: a[0].get("V_m", output="pandas"),
        "pandas_list": lambda: a[:2].get(["V_m", "I_e"], output="pandas"),
        "pandas_events": lambda: sr[0].get("events", "times", output="pandas"),
    }
    for name, fn in frames.items():
        r[name] = attempt(fn)
    r["pandas_all"] = attempt(lambda: a.get(output="pandas").shape == (3, len(a[0].get())))
    return r


def test_node_get_forms() -> None:
    check(node_get)


def node_set(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("parrot_neuron", 2)
    sg = nest.Create("spike_generator", 2)
    sr = nest.Create("spike_recorder", 2)
    r = {}

    def reset():
        a.set(V_m=-70.0, C_m=250.0, I_e=0.0)

    cases = {
        "scalar": lambda: a.set({"V_m": -60.0}),
        "kwargs": lambda: a.set(V_m=-61.0, I_e=5.0),
        "per_node": lambda: a.set({"V_m": [-1.0, -2.0, -3.0]}),
        "per_node_np": lambda: a.set(V_m=np.array([-4.0, -5.0, -6.0])),
        "per_node_tuple": lambda: a.set(V_m=(-7.0, -8.0, -9.0), C_m=100.0),
        "longer_list": lambda: a.set(V_m=[1.0, 2.0, 3.0, 4.0]),
        "int_value": lambda: a.set(V_m=1),
        "dicts": lambda: a.set([{"V_m": -1.0}, {"V_m": -2.0, "I_e": 3.0}, {"C_m": 99.0}]),
        "one_dict_list": lambda: a.set([{"V_m": 11.0}]),
        "single_node_list": lambda: a[0].set(V_m=[12.0, 13.0]),
        "setattr": lambda: setattr(a, "V_m", [7.0, 8.0, 9.0]),
        "setattr_slice": lambda: setattr(a[1:], "I_e", 2.0),
        "empty_dict": lambda: a.set({}),
        "empty_dict_and_kwargs": lambda: a.set({}, V_m=5.0),
        "vector_prop": lambda: sg.set(spike_times=[1.0, 2.0]),
        "vector_np": lambda: sg.set({"spike_times": np.array([4.0, 5.0])}),
        "per_node_scalar_next_to_vector": lambda: sg.set(origin=[1.0, 2.0]),
        "vector_dicts": lambda: sg.set([{"spike_times": [1.0]}, {"spike_times": [2.0, 3.0]}]),
        "vector_with_per_node": lambda: sg.set(spike_times=[1.0, 2.0], origin=[1.0, 2.0]),
        "label_list": lambda: sr.set(label=["x"]),
        "label_number": lambda: sr.set(label=5),
        "string_prop": lambda: sr.set(record_to="memory"),
        "n_events": lambda: sr.set(n_events=0),
        # errors (and that nothing changed)
        "short_list": lambda: a.set(V_m=[1.0, 2.0]),
        "both_forms": lambda: a.set({"V_m": 1.0}, C_m=2.0),
        "none": lambda: a.set(None),
        "str": lambda: a.set("V_m"),
        "dicts_wrong_length": lambda: a.set([{"V_m": 1.0}, {"V_m": 2.0}]),
        "string_value": lambda: a.set(V_m="abc"),
        "string_per_char": lambda: a.set(C_m="x"),
        "string_and_unknown": lambda: a.set(V_m="x", foo=1),
        "bad_second": lambda: a.set(V_m=[1.0, 2.0, 3.0], C_m=[100.0, -1.0, 100.0]),
        "dicts_bad_second": lambda: a.set([{"V_m": 1.0}, {"C_m": -1.0}, {"V_m": 3.0}]),
        "dicts_unknown_third": lambda: a.set([{"V_m": 1.0}, {"V_m": 2.0}, {"foo": 3.0}]),
        "unknown": lambda: a.set(foo=1.0),
        "unknown_and_good": lambda: a.set(V_m=5.0, foo=1.0),
        "unknown_sorted": lambda: a.set(zeta=1.0, alpha=2.0),
        "unknown_per_node": lambda: a.set(V_m=[1.0, 2.0, 3.0], foo=1.0),
        "read_only": lambda: a.set(global_id=5),
        "composite_scalar": lambda: (a + b).set(V_m=1.0),
        "composite_list": lambda: (a + b).set(V_m=[1.0, 2.0, 3.0, 4.0, 5.0]),
        "setattr_unknown": lambda: setattr(a, "foo", 1),
        "nested_list": lambda: sg.set(spike_times=[[1.0], [2.0, 3.0]]),
        "events": lambda: sr.set(events={"senders": [1], "times": [1.0]}),
        "n_events_1": lambda: sr.set(n_events=1),
    }

    def state():
        return (
            a.get(["V_m", "C_m", "I_e"]),
            sg.get(["spike_times", "origin"]),
            sr.get(["record_to", "n_events"]),
        )

    for name, fn in cases.items():
        r[name], r[name + " after"] = effect(state, fn)
        reset()
    return r


def test_node_set_forms_errors_and_what_they_leave() -> None:
    check(node_set)


def status_functions(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, a, "all_to_all", {"weight": 2.0})
    c = nest.GetConnections()
    r = {}
    cases = {
        "key": lambda: (nest.GetStatus(a[:2], "V_m"), nest.GetStatus(a[0], "V_m")),
        "keys": lambda: (nest.GetStatus(a[:2], ["V_m", "C_m"]), nest.GetStatus(a[0], ["V_m", "C_m"])),
        "keys_tuple": lambda: nest.GetStatus(a[:2], ("V_m", "C_m")),
        "all": lambda: (nest.GetStatus(a[:2]), nest.GetStatus(a[0])),
        "no_keys": lambda: (nest.GetStatus(a[:2], [])[0]["V_m"], nest.GetStatus(a[0], "")[0]["model"]),
        "json": lambda: (
            json.loads(nest.GetStatus(a[:2], "V_m", output="json")),
            json.loads(nest.GetStatus(a[:2], ["V_m", "C_m"], output="json")),
            json.loads(nest.GetStatus(a[0], output="json"))[0]["V_m"],
        ),
        "bad_key": lambda: nest.GetStatus(a, "foo"),
        "list_arg": lambda: nest.GetStatus([1, 2], "V_m"),
        "int_arg": lambda: nest.GetStatus(1, "V_m"),
        "conns_key": lambda: (nest.GetStatus(c[:2], "weight"), nest.GetStatus(c[0], "weight")),
        "conns_keys": lambda: (nest.GetStatus(c[:2], ["weight", "delay"]), nest.GetStatus(c[0], ["weight"])),
        "conns_all": lambda: (nest.GetStatus(c[:2]), nest.GetStatus(c[0])),
        "conns_json": lambda: json.loads(nest.GetStatus(c[:2], "weight", output="json")),
        "conns_empty": lambda: nest.GetStatus(nest.GetConnections(synapse_model="stdp_synapse"), "weight"),
        "set_dict": lambda: (nest.SetStatus(a, {"V_m": -60.0}), a.V_m),
        "set_key_value": lambda: (nest.SetStatus(a, "V_m", -61.0), a.V_m),
        "set_key_values": lambda: (nest.SetStatus(a, "V_m", [-4.0, -5.0, -6.0]), a.V_m),
        "set_dicts": lambda: (nest.SetStatus(a, [{"V_m": -1.0}, {"V_m": -2.0}, {"V_m": -3.0}]), a.V_m),
        "set_params_kw": lambda: (nest.SetStatus(a, params={"I_e": 1.0}), a.I_e),
        "set_key_only": lambda: nest.SetStatus(a, "V_m"),
        "set_list_arg": lambda: nest.SetStatus([1], {"V_m": 1.0}),
        "set_conns": lambda: (nest.SetStatus(c, {"weight": 3.0}), c.weight),
        "set_conns_kv": lambda: (nest.SetStatus(c, "weight", 4.0), c.weight),
        "set_conns_dicts": lambda: (nest.SetStatus(c[:2], [{"weight": 5.0}, {"weight": 6.0}]), c.weight),
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_getstatus_setstatus() -> None:
    check(status_functions)


# --------------------------------------------------------- SynapseCollection
def synapse_get(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, a, "all_to_all", {"weight": 2.0})
    nest.Connect(a[0], a[1], syn_spec={"synapse_model": "stdp_synapse", "weight": 3.0})
    nest.Connect(a[1], a[2], syn_spec={"synapse_model": "stdp_synapse_hom", "weight": 3.0})
    c = nest.GetConnections()
    s = nest.GetConnections(synapse_model="stdp_synapse")
    hom = nest.GetConnections(synapse_model="stdp_synapse_hom")
    r = {"len": len(c)}
    cases = {
        "attrs": lambda: {
            key: (getattr(c, key), getattr(c[0], key))
            for key in (
                "weight",
                "delay",
                "source",
                "target",
                "receptor",
                "port",
                "synapse_model",
                "target_thread",
                "sizeof",
            )
        },
        "model_params": lambda: (s.tau_plus, s.Wmax, s.get("lambda"), c.tau_plus),
        "common_param": lambda: hom.tau_plus,
        "missing_attr": lambda: c.foo,
        "missing_single": lambda: c[0].get("foo"),
        "all": lambda: (c[0].get(), s.get(), c[8:].get(), hom.get()),
        "keys": lambda: (
            c[:2].get(["weight", "delay"]),
            c[0].get(["weight", "delay"]),
            c[:2].get(("source",)),
        ),
        "missing_in_list": lambda: c.get(["weight", "foo"]),
        "empty_keys": lambda: (c.get([]), c[0].get([])),
        "not_str": lambda: c.get(5),
        "none": lambda: type(c.get(None)).__name__,
        "second_positional_is_output": lambda: c[:2].get("weight", "delay"),
        "json": lambda: (
            json.loads(c[:2].get("weight", output="json")),
            json.loads(c[:2].get(["weight", "source"], output="json")),
            {k: v for k, v in json.loads(c[0].get(output="json")).items() if k != "synapse_id"},
        ),
        "pandas": lambda: (
            c[:2].get(["weight", "source"], output="pandas"),
            c[:2].get("weight", output="pandas"),
            c[0].get("weight", output="pandas"),
            sorted(c[:2].get(output="pandas").columns),
        ),
        "index": lambda: (c[1:3].get("target"), c[-1].get("synapse_model"), c[::2].get("target")),
        "index_out": lambda: c[11],
        "index_list": lambda: c[[0, 2]],
        "index_np": lambda: c[np.array([0, 2])],
        "index_str": lambda: c["x"],
        "iter": lambda: [x.get("target") for x in c][:4],
        "eq": lambda: (c == c, c[0] == c[0], c[0] == c[1], c == nest.GetConnections(), c == c[:]),
        "eq_other": lambda: c == 1,
        "ne": lambda: c != c,
        "ne_other": lambda: c != 1,
        "hash": lambda: hash(c),
        "add": lambda: c + c,
        "in": lambda: c[0] in c,
        "sources": lambda: (list(c.sources()), list(c[0].targets()), type(c.sources()).__name__),
        "bool": lambda: bool(c),
        "distance": lambda: (len(c.distance), np.isnan(c[0].distance).tolist()),
        "str": lambda: (str(c), str(c[0]), str(s)),
        "print_full": lambda: c.print_full,
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_synapse_collection_get_forms() -> None:
    check(synapse_get)


def synapse_set(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, a, "all_to_all", {"weight": 2.0})
    nest.Connect(a[:2], a[2], syn_spec={"synapse_model": "stdp_synapse", "weight": 3.0})
    nest.Connect(a[1], a[2], syn_spec={"synapse_model": "stdp_synapse_hom", "weight": 3.0})
    c = nest.GetConnections()
    st = nest.GetConnections(synapse_model="static_synapse")
    s = nest.GetConnections(synapse_model="stdp_synapse")
    hom = nest.GetConnections(synapse_model="stdp_synapse_hom")
    r = {}

    def reset():
        st.set(weight=2.0, delay=1.0)

    cases = {
        "dict": lambda: st.set({"weight": 4.0}),
        "kwargs": lambda: st.set(weight=5.0, delay=2.0),
        "per_connection": lambda: st[:3].set(weight=[1.0, 2.0, 3.0]),
        "per_connection_np": lambda: st[:2].set(weight=np.array([3.0, 4.0])),
        "longer_list": lambda: st[:2].set(weight=[5.0, 6.0, 7.0]),
        "dicts": lambda: st[:2].set([{"weight": 7.0}, {"delay": 3.0}]),
        "setattr": lambda: setattr(st, "weight", 4.0),
        "setattr_list": lambda: setattr(st[:2], "delay", [2.0, 3.0]),
        "single_list": lambda: st[0].set(weight=[9.0]),
        "int": lambda: st.set(weight=1),
        "offgrid_delay": lambda: st[:1].set(delay=1.05),
        "model_param": lambda: s.set(tau_plus=10.0, Wmax=50.0),
        "mixed_models_scalar": lambda: c.set(Wmax=60.0),
        "mixed_models_weights": lambda: c[8:11].set(weight=[7.0, 8.0, 9.0]),
        "print_full": lambda: setattr(st, "print_full", True),
        # errors (and that nothing changed)
        "short_list": lambda: st.set(weight=[1.0, 2.0]),
        "dicts_wrong_length": lambda: st[:2].set([{"weight": 7.0}]),
        "both_forms": lambda: st.set({"weight": 1.0}, delay=2.0),
        "no_params": lambda: st.set(),
        "none": lambda: st.set(None),
        "str": lambda: st.set("weight"),
        "unknown": lambda: st.set(foo=1.0),
        "unknown_and_good": lambda: st.set(weight=5.0, foo=1.0),
        "unknown_sorted": lambda: st.set(zeta=1.0, alpha=2.0),
        "dicts_unknown_second": lambda: st[:3].set([{"weight": 7.0}, {"foo": 1.0}, {"weight": 9.0}]),
        "negative_delay_second": lambda: st.set(delay=[1.5, -1.0] + [1.0] * 7),
        "dicts_bad_second": lambda: st[:3].set([{"weight": 7.0}, {"delay": -1.0}, {"weight": 9.0}]),
        "bad_delay_and_unknown": lambda: st.set(delay=-1.0, foo=1.0),
        "bad_delay_before_weight": lambda: st[:1].set(delay=-1.0, weight=5.0),
        "read_only": lambda: [
            attempt(lambda k=k: st.set({k: 1})) for k in ("source", "target", "port", "sizeof")
        ],
        "model_name": lambda: st.set(synapse_model="stdp_synapse"),
        "string_weight": lambda: st.set(weight="x"),
        "list_for_unexpanded_key": lambda: c[8:11].set(Wmax=[7.0, 8.0, 9.0]),
        "common_param": lambda: hom.set(tau_plus=5.0),
        "sign": lambda: s.set(Wmax=-5.0, weight=3.0),
        "sign_second": lambda: s.set(Wmax=[50.0, -5.0]),
        "two_bad_delays": lambda: st.set(delay=[1.0, 1.0, -1.0, -2.0] + [1.0] * 5),
    }

    def state():
        return (c.weight, c.delay, c.get("Wmax"), s.tau_plus, st.print_full)

    for name, fn in cases.items():
        r[name], r[name + " after"] = effect(state, fn)
        reset()
    return r


def test_synapse_collection_set_forms_errors_and_what_they_leave() -> None:
    check(synapse_set)


def synapse_print(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    nest.CopyModel("static_synapse", "a_very_long_synapse_model_name")
    nest.Connect(a[0], a[1], syn_spec={"weight": 1234.5678, "delay": 12.5})
    nest.Connect(a[1], a[0], syn_spec={"weight": 0.000123, "delay": 0.1})
    nest.Connect(a[0], a[0], syn_spec={"weight": -1e6})
    nest.Connect(a[1], a[1], syn_spec={"synapse_model": "a_very_long_synapse_model_name"})
    big = nest.Create("parrot_neuron", 40)
    nest.Connect(big, big[0])
    r = {}
    g = nest.GetConnections(source=big)
    r["small"] = str(nest.GetConnections(source=a))
    r["long"] = str(g)
    r["long_34"] = str(g[:34])
    r["long_35"] = str(g[:35])
    g.print_full = True
    r["full"] = str(g)
    r["empty"] = str(nest.GetConnections(synapse_model="stdp_synapse"))
    empty = nest.GetConnections(synapse_model="stdp_synapse")
    r["empty_forms"] = attempt(
        lambda: (
            len(empty),
            empty.get(),
            empty.get("weight"),
            empty.get(["weight"]),
            empty.get(output="json"),
            empty.weight,
            list(empty),
            empty.set(weight=1.0),
            empty == empty,
            bool(empty),
        )
    )
    r["empty_pandas"] = attempt(lambda: empty.get(output="pandas"))
    nest.ResetKernel()
    r["after_reset"] = attempt(lambda: (g.get(), g.get("weight"), len(g), g.set(weight=1.0), str(g)))
    return r


def test_synapse_collection_printing_and_empty() -> None:
    check(synapse_print)


# ------------------------------------------------------------------ GetNodes
def get_nodes(nest):
    r = {"no_network": attempt(lambda: (nest.GetNodes(), nest.GetNodes({"model": "iaf_psc_alpha"})))}
    nest.Create("iaf_psc_alpha", 3, params={"V_m": [-70.0, -60.0, -70.0]})
    nest.Create("parrot_neuron", 2)
    nest.Create("iaf_psc_alpha", 2, params={"V_m": -60.0})
    nest.Create("spike_recorder")
    cases = {
        "all": lambda: (nest.GetNodes(), nest.GetNodes({})),
        "model": lambda: (
            nest.GetNodes({"model": "iaf_psc_alpha"}),
            nest.GetNodes({"model": "parrot_neuron"}),
        ),
        "value": lambda: nest.GetNodes({"V_m": -60.0}),
        "value_and_model": lambda: nest.GetNodes({"V_m": -60.0, "model": "iaf_psc_alpha"}),
        "type_matters": lambda: (
            nest.GetNodes({"V_m": -60}),
            nest.GetNodes({"I_e": 0}),
            nest.GetNodes({"V_m": True}),
        ),
        "no_match": lambda: (
            nest.GetNodes({"V_m": 5.0}),
            nest.GetNodes({"foo": 5.0}),
            nest.GetNodes({"model": "x"}),
        ),
        "local_only": lambda: nest.GetNodes({"model": "parrot_neuron"}, local_only=True),
        "keywords": lambda: nest.GetNodes(properties={"model": "parrot_neuron"}),
        "global_id": lambda: nest.GetNodes({"global_id": 2}),
        "device_keys": lambda: (
            nest.GetNodes({"element_type": "recorder"}),
            nest.GetNodes({"record_to": "memory"}),
        ),
        "list_value": lambda: nest.GetNodes({"V_m": [-60.0]}),
        "none": lambda: nest.GetNodes(None),
        "type": lambda: type(nest.GetNodes()).__name__,
    }
    for name, fn in cases.items():
        r[name] = attempt(fn)
    return r


def test_get_nodes() -> None:
    check(get_nodes)


def _node_list_for_several_recorders(nest: Any) -> Any:
    nest.Create("iaf_psc_alpha", 3)
    recorders = nest.Create("weight_recorder", 2)
    recorders.set(senders=[1, 2])  # every recorder gets the whole list
    return [nc.tolist() for nc in recorders.get("senders")]


def test_a_node_list_value_goes_to_every_node() -> None:
    ref, ours = run_both(_node_list_for_several_recorders)
    assert ours == ref == [[1, 2], [1, 2]]
