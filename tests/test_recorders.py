"""Recording devices against NEST 3.10: spike_recorder, multimeter and voltmeter.

Events must be identical to NEST's, including the order of events (NEST hands
spikes to recorders once per min-delay slice, sender by sender, and multimeter
data target by target in connection order), the layout of the ``events``
dictionary (keys, dtypes, key order) and the ascii backend's files.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from compare import run_both

import pynest_jax


def assert_same_events(ref: dict, ours: dict, atol: float = 1e-9) -> None:
    """Same keys in the same order, same dtypes, same values (times and senders exactly)."""
    assert list(ours) == list(ref)
    for key in ref:
        a, b = np.asarray(ref[key]), np.asarray(ours[key])
        assert b.dtype == a.dtype, (key, b.dtype, a.dtype)
        assert b.shape == a.shape, (key, b.shape, a.shape)
        if key in ("senders", "times", "offsets"):
            np.testing.assert_array_equal(b, a, err_msg=key)
        else:
            np.testing.assert_allclose(b, a, rtol=0, atol=atol, err_msg=key)


def network(nest, splits=(120.0,)) -> dict:
    """Neurons, parrots and spike generators with interleaved ids, several recorders."""
    sg = nest.Create(
        "spike_generator", params={"spike_times": [1.0, 1.5, 2.0, 2.3, 4.0, 30.0, 30.0, 55.5, 99.9]}
    )
    n1 = nest.Create("iaf_psc_alpha", 2, params={"I_e": 420.0})
    p = nest.Create("parrot_neuron")
    n2 = nest.Create("iaf_psc_alpha", 2, params={"I_e": [380.0, 500.0]})
    sg2 = nest.Create(
        "spike_generator",
        params={"spike_times": [1.0, 1.2, 2.0, 2.3, 4.0], "spike_multiplicities": [1, 2, 1, 1, 3]},
    )
    nest.Connect(sg, p, syn_spec={"delay": 1.0})
    nest.Connect(sg2, n1, syn_spec={"delay": 0.5, "weight": 200.0})
    nest.Connect(sg, n2, syn_spec={"delay": 2.0, "weight": -300.0})
    senders = sg + n1 + p + n2 + sg2
    sr_all = nest.Create("spike_recorder")
    sr_win = nest.Create("spike_recorder", params={"start": 10.0, "stop": 60.0, "origin": 5.0})
    sr_steps = nest.Create("spike_recorder", params={"time_in_steps": True})
    sr_cleared = nest.Create("spike_recorder")
    nest.Connect(senders, sr_all)
    nest.Connect(n1 + sg2, sr_win)
    nest.Connect(senders, sr_steps)
    nest.Connect(n2, sr_cleared)
    neurons = n1 + n2
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.3})
    mm_off = nest.Create(
        "multimeter", params={"record_from": ["I_syn_in", "V_m"], "interval": 0.7, "offset": 0.1}
    )
    mm_win = nest.Create(
        "multimeter",
        params={
            "record_from": ["V_m"],
            "interval": 0.2,
            "offset": 3.3,
            "start": 20.0,
            "stop": 50.0,
            "origin": 1.0,
        },
    )
    vm_steps = nest.Create("voltmeter", params={"time_in_steps": True, "interval": 0.5})
    nest.Connect(mm, n2[1])
    nest.Connect(mm, n1)
    nest.Connect(mm, n2[0])
    nest.Connect(mm_off, neurons)
    nest.Connect(mm_win, n2)
    nest.Connect(vm_steps, n1[0])
    before = {"sr": sr_all.get("events"), "mm": mm.get("events"), "vm": vm_steps.get("events")}
    out = {"before": before, "mid": None}
    for k, t in enumerate(splits):
        nest.Simulate(t)
        if k == len(splits) // 2:
            out["mid"] = {"n": sr_cleared.n_events, "mm_n": mm_off.n_events}
            sr_cleared.n_events = 0
            mm_off.n_events = 0
            out["cleared"] = {"sr": sr_cleared.get("events"), "mm": mm_off.get("events")}
    for name, dev in (
        ("sr_all", sr_all),
        ("sr_win", sr_win),
        ("sr_steps", sr_steps),
        ("sr_cleared", sr_cleared),
        ("mm", mm),
        ("mm_off", mm_off),
        ("mm_win", mm_win),
        ("vm_steps", vm_steps),
    ):
        out[name] = dev.get("events")
        out[name + "_n"] = dev.n_events
    return out


RECORDERS = ("sr_all", "sr_win", "sr_steps", "sr_cleared", "mm", "mm_off", "mm_win", "vm_steps")


def check_network(ref: dict, ours: dict) -> None:
    for name in RECORDERS:
        assert_same_events(ref[name], ours[name])
        assert ours[name + "_n"] == ref[name + "_n"], name
    for key in ("sr", "mm", "vm"):
        assert_same_events(ref["before"][key], ours["before"][key])
    assert ours["mid"] == ref["mid"]
    for key in ("sr", "mm"):
        assert_same_events(ref["cleared"][key], ours["cleared"][key])


def test_recorders_match_nest() -> None:
    ref, ours = run_both(network)
    check_network(ref, ours)
    assert len(ref["sr_all"]["times"]) > 20 and len(ref["sr_win"]["times"]) > 3


# Lengths that are not multiples of the min delay (0.5 ms), single steps included.
SPLITS = (0.3, 0.1, 2.2, 7.4, 0.1, 19.9, 30.0, 0.6, 59.4)


def test_split_simulate_as_nest_and_as_one_call() -> None:
    assert abs(sum(SPLITS) - 120.0) < 1e-9
    ref, ours = run_both(network, splits=SPLITS)
    check_network(ref, ours)
    pynest_jax.ResetKernel()
    whole = network(pynest_jax, splits=(0.3 + 0.1 + 2.2 + 7.4, 0.1 + 19.9 + 30.0 + 0.6 + 59.4))
    for name in ("sr_all", "sr_win", "sr_steps", "mm", "mm_win", "vm_steps"):
        assert_same_events(whole[name], ours[name], atol=0.0)


def multimeter_late(nest) -> dict:
    """Multimeters created and connected after a first Simulate (offset quirk included)."""
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 400.0})
    nest.Connect(n[0], n[1], syn_spec={"delay": 1.0})  # NEST fixes the delay range at the first Simulate
    nest.Simulate(3.0)
    a = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1, "offset": 0.1})
    b = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.2})
    c = nest.Create("multimeter", params={"record_from": []})
    d = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 2.0, "offset": 5.3})
    nest.Connect(a, n)
    nest.Connect(b, n[1])
    nest.Connect(c, n)
    nest.Connect(d, n[0])
    nest.Simulate(13.0)
    return {k: m.get("events") for k, m in zip("abcd", (a, b, c, d), strict=True)} | {"c_n": c.n_events}


def test_multimeter_started_late_as_nest() -> None:
    ref, ours = run_both(multimeter_late)
    for key in ("a", "b", "c", "d"):
        assert_same_events(ref[key], ours[key])
    assert ref["d"]["times"][0] == 5.3
    assert ours["c_n"] == ref["c_n"] == 0


# ----------------------------------------------------------------- ascii files
def ascii_scenario(nest, root: str) -> dict:
    os.makedirs(os.path.join(root, "data"), exist_ok=True)  # NEST refuses a data_path that does not exist
    nest.data_path = os.path.join(root, "data")
    nest.data_prefix = "run1_"
    early = nest.Create("spike_recorder", params={"record_to": "ascii"})  # gid 1 of a larger network
    neurons = nest.Create("iaf_psc_alpha", 12, params={"I_e": 450.0})
    sr = nest.Create(
        "spike_recorder", params={"record_to": "ascii", "label": "spikes", "time_in_steps": True}
    )
    mm = nest.Create(
        "multimeter",
        params={"record_to": "ascii", "record_from": ["V_m", "I_syn_ex"], "interval": 5.0, "precision": 6},
    )
    screen = nest.Create("spike_recorder", params={"record_to": "screen"})
    nest.Connect(neurons, early)
    nest.Connect(neurons[:3], sr)
    nest.Connect(mm, neurons[:2])
    nest.Connect(neurons[0], screen)
    names = {"early": early.filenames, "sr": sr.filenames, "mm": mm.filenames}
    status = {
        k: dev.get(["n_events", "precision", "file_extension", "record_to"])
        for k, dev in (("early", early), ("mm", mm))
    }
    status["has_events"] = "events" in early.get()
    nest.Simulate(40.0)
    files = {k: open(v[0]).read() for k, v in names.items()}
    status["n"] = (early.n_events, sr.n_events, mm.n_events)
    # A second Simulate re-opens the files: refused unless overwrite_files is set.
    try:
        nest.Simulate(10.0)
        second = "ok"
    except nest.NESTError as err:
        second = type(err).__name__
        nest.Cleanup()  # the failed Prepare leaves NEST prepared
    nest.overwrite_files = True
    nest.Simulate(10.0)
    after = {k: open(v[0]).read() for k, v in names.items()}
    rel = {k: [os.path.relpath(f, root) for f in v] for k, v in names.items()}
    return {"names": rel, "files": files, "second": second, "after": after, "status": status}


def test_ascii_backend_as_nest(tmp_path, capfd) -> None:
    import nest as real_nest

    real_nest.ResetKernel()
    ref = ascii_scenario(real_nest, str(tmp_path / "nest"))
    real_nest.ResetKernel()  # back to the default data_path for other tests
    pynest_jax.ResetKernel()
    ours = ascii_scenario(pynest_jax, str(tmp_path / "ours"))
    pynest_jax.ResetKernel()
    assert ours["names"] == ref["names"]
    assert ours["status"] == ref["status"]
    for key in ref["files"]:
        assert ours["files"][key] == ref["files"][key], key
        assert ours["after"][key] == ref["after"][key], key
    assert ours["second"] == ref["second"] == "IOError"
    assert ref["files"]["sr"].count("\n") > 5


def screen_scenario(nest) -> None:
    n = nest.Create("iaf_psc_alpha", params={"I_e": 450.0})
    screen = nest.Create("spike_recorder", params={"record_to": "screen", "precision": 2})
    nest.Connect(n, screen)
    nest.Simulate(40.0)


def test_screen_backend_as_nest(capfd) -> None:
    import nest as real_nest

    real_nest.ResetKernel()
    capfd.readouterr()
    screen_scenario(real_nest)
    ref = capfd.readouterr().out
    pynest_jax.ResetKernel()
    screen_scenario(pynest_jax)
    ours = capfd.readouterr().out
    assert ours == ref and ref


# ------------------------------------------------------------------- errors
RECORDER_ERRORS = [
    ("multimeter", {"interval": 0.05}),
    ("multimeter", {"interval": 0.15}),
    ("multimeter", {"interval": 0.0}),
    ("multimeter", {"offset": 0.05}),
    ("multimeter", {"offset": -1.0}),
    ("spike_recorder", {"n_events": 3}),
    ("spike_recorder", {"record_to": "foo"}),
    ("spike_recorder", {"start": 0.05}),
    ("spike_recorder", {"start": -1.0}),
    ("voltmeter", {"start": 5.0, "stop": 2.0}),
    ("spike_recorder", {"precision": 4}),
    ("multimeter", {"record_to": "screen", "file_extension": "txt"}),
]


def recorder_error(nest, model: str, params: dict) -> tuple[str, str]:
    try:
        nest.Create(model, params=params)
    except nest.NESTError as err:
        return type(err).__name__, str(err).split(": ", 1)[-1]
    return "", ""


@pytest.mark.parametrize("model,params", RECORDER_ERRORS)
def test_recorder_errors_as_nest(model: str, params: dict) -> None:
    ref, ours = run_both(recorder_error, model=model, params=params)
    assert ref[0]
    assert ours == ref


def late_changes(nest) -> list:
    n = nest.Create("iaf_psc_alpha")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "offset": 0.15})
    sr = nest.Create("spike_recorder")
    out = [mm.offset]
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for dev, change in ((mm, {"interval": 2.0}), (mm, {"record_from": ["V_m"]}), (mm, {"start": 1.0})):
        try:
            dev.set(change)
            out.append("ok")
        except nest.NESTError as err:
            out.append(type(err).__name__ + str(err))
    nest.Simulate(1.0)
    try:
        sr.set(time_in_steps=True)
        out.append("ok")
    except nest.NESTError as err:
        out.append(type(err).__name__ + str(err))
    return out


def test_recorder_changes_after_connect_and_simulate() -> None:
    ref, ours = run_both(late_changes)
    assert ours == ref
