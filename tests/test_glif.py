"""glif_psc, glif_psc_double_alpha and glif_cond against NEST 3.10.

The validation harness drives these models with NEST's defaults, i.e. GLIF 1
(no mechanism switched on). Here every valid combination of the three
mechanisms (GLIF 1-5) runs with several receptor ports, after-spike currents
and threshold components set at creation, parameters changed between two
runs, and a neuron whose reset lies above its threshold; plus NEST's
parameter checks and their order, receptor ports and the status entries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import by_time, connect_error_of, error_of

MECHANISMS = ("spike_dependent_threshold", "after_spike_currents", "adapting_threshold")
# GLIF 1 to 5: the only combinations NEST accepts.
GLIF_VARIANTS = [
    (False, False, False),
    (True, False, False),
    (False, True, False),
    (True, True, False),
    (True, True, True),
]
MODELS = ("glif_psc", "glif_psc_double_alpha", "glif_cond")
# Several receptor ports per model, and a smaller set for a second kind of node.
PORTS = {
    "glif_psc": ({"tau_syn": [0.5, 2.0, 5.0]}, {"tau_syn": [3.0]}),
    "glif_psc_double_alpha": (
        {"tau_syn_fast": [0.5, 2.0], "tau_syn_slow": [4.0, 8.0], "amp_slow": [0.4, 0.2]},
        {"tau_syn_fast": [1.0]},
    ),
    "glif_cond": (
        {"tau_syn": [0.2, 2.0, 1.0], "E_rev": [0.0, -85.0, -20.0]},
        {"tau_syn": [3.0], "E_rev": [-10.0]},
    ),
}
PORT_KEY = {"glif_psc": "tau_syn", "glif_psc_double_alpha": "tau_syn_fast", "glif_cond": "tau_syn"}
CONDUCTANCE = {"glif_psc": "g", "glif_psc_double_alpha": "g", "glif_cond": "g_m"}
# Weight of one unit of spike input (pA for currents, nS for conductances).
UNIT = {"glif_psc": 60.0, "glif_psc_double_alpha": 50.0, "glif_cond": 1.5}
# Entries that belong to the kernel, not to the model (Ca follows the spikes in NEST only).
NOT_COMPARED = {"Ca", "model_id", "thread_local_id"}
TIMES = [2.0, 5.0, 5.5, 12.3, 20.0, 30.0, 31.0, 32.0, 33.0, 34.0, 50.0, 55.0, 61.0, 61.2, 80.4, 90.0]


def variant_params(model: str, mechanisms: tuple[bool, bool, bool], kind: int) -> dict[str, Any]:
    """Kind 0: NEST's defaults; 1: short refractory time, three after-spike currents and
    threshold components set at creation; 2: a reset above threshold (fires whenever free)."""
    ts, asc, tv = mechanisms
    p: dict[str, Any] = dict(zip(MECHANISMS, mechanisms, strict=True)) | PORTS[model][0]
    if kind == 1:
        p |= {
            "t_ref": 0.25,
            "th_spike_add": 3.0,
            "th_spike_decay": 0.2,
            "voltage_reset_fraction": 0.6,
            "voltage_reset_add": 5.0,
            "th_voltage_index": 0.05,
            "th_voltage_decay": 0.3,
            "asc_init": [1.0, 2.0, 3.0],
            "asc_decay": [0.05, 0.3, 0.01],
            "asc_amps": [-20.0, 50.0, -5.0],
            "asc_r": [0.5, 1.0, 0.0],
            "V_m": -60.0,
        }
        if asc:
            p["ASCurrents"] = [5.0, -3.0, 1.0]
        if model != "glif_cond":  # pynest_jax does not let glif_cond set them (see glif_cond.py)
            p |= {"threshold_spike": 1.0} if ts else {}
            p |= {"threshold_voltage": -0.5} if tv else {}
    elif kind == 2:
        p |= {"voltage_reset_add": 30.0, "V_reset": -75.0, "t_ref": 1.0}
    return p


def glif_network(nest, resolution: float) -> dict[str, Any]:
    """Every GLIF variant of every model, in three parameter sets, under a step current
    and spikes of either sign on every port, next to nodes with fewer ports or none;
    E_L, V_m and the after-spike currents of some nodes change between two runs."""
    nest.resolution = resolution
    sg = nest.Create("spike_generator", params={"spike_times": TIMES})
    dc = nest.Create("dc_generator", params={"amplitude": 320.0, "start": 5.0, "stop": 70.0})
    sr = nest.Create("spike_recorder")
    recorders, mains, sets = [], [], []
    for model in MODELS:
        params = [variant_params(model, m, kind) for kind in range(3) for m in GLIF_VARIANTS]
        main = nest.Create(model, len(params), params=params)
        few = [PORTS[model][1], PORTS[model][1] | {"after_spike_currents": True}]
        few = nest.Create(model, 2, params=few)
        none = nest.Create(model, params=dict.fromkeys(PORTS[model][0], []))
        main[5:10].set(E_L=-70.0)  # NEST 3.10 keeps V_th, V_reset and V_m as they are
        mains.append(main)
        for nodes in (main, few, none):
            for k in range(len(nodes[0].get(PORT_KEY[model]))):
                for j, delay in enumerate((0.5, 1.0, 2.3)):
                    w = UNIT[model] * (1.0 + 0.5 * j) * (-0.7 if (k + j) % 2 else 1.0)
                    nest.Connect(sg, nodes, syn_spec={"weight": w, "delay": delay, "receptor_type": k + 1})
            nest.Connect(dc, nodes)
            record = {"record_from": list(nodes[0].get("recordables")), "interval": resolution}
            mm = nest.Create("multimeter", params=record)
            nest.Connect(mm, nodes)
            nest.Connect(nodes, sr)
            recorders.append(mm)
            sets.append(nodes)
    nest.Simulate(60.0)
    for main in mains:
        main[0].set(V_m=-65.0)
        for i in (2, 3, 4):  # the variants with after-spike currents
            main[i].set(ASCurrents=[-10.0, 10.0])
    nest.Simulate(40.0)
    status = [n.get() for nodes in sets for n in nodes]
    return {
        "mm": [mm.get("events") for mm in recorders],
        "sr": sr.get("events"),
        "status": [{k: plain(v) for k, v in d.items() if k not in NOT_COMPARED} for d in status],
        "n_events": [mm.n_events for mm in recorders] + [sr.n_events],
    }


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_every_variant_of_every_model(resolution: float) -> None:
    ref, ours = run_both(glif_network, resolution=resolution)
    for a, b in zip(ref["mm"], ours["mm"], strict=True):
        assert_events_equal(a, b, atol=1e-9)
    assert_events_equal(by_time(ref["sr"]), by_time(ours["sr"]))
    assert ours["n_events"] == ref["n_events"]
    assert len(ours["status"]) == len(ref["status"])
    for a, b in zip(ref["status"], ours["status"], strict=True):
        assert set(a) == set(b), (a["model"], set(a) ^ set(b))
        for key in a:
            if isinstance(a[key], float | list) and key not in ("recordables",):
                np.testing.assert_allclose(b[key], a[key], rtol=1e-9, atol=1e-9, err_msg=key)
            else:
                assert b[key] == a[key], key
    # Every neuron fired, so every variant's spike and refractory rules were compared.
    senders = set(ref["sr"]["senders"].tolist())
    assert len(senders) == len(ref["status"])


# ----------------------------------------------------------------- status
def status_runs(nest, model: str) -> dict[str, Any]:
    """Status before and after a run, and after the number of ports changed (NEST's
    glif_cond resizes its conductance state only when a run starts)."""
    n = nest.Create(model, params=PORTS[model][0])
    out = {"created": n.get()}
    nest.Simulate(1.0)
    out["run"] = n.get()
    n.set(PORTS[model][1])
    out["set"] = n.get()
    nest.Simulate(1.0)
    out["rerun"] = n.get()
    keys = ["V_m", "ASCurrents", "threshold_spike", "threshold_voltage", "g", "dg", "recordables"]
    out["columns"] = nest.Create(model, 2).get([k for k in keys if k in out["created"]])
    return {when: {k: plain(v) for k, v in d.items() if k not in NOT_COMPARED} for when, d in out.items()}


def plain(v: Any) -> Any:
    """Arrays (also inside tuples) as lists, for comparing status values."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, tuple | list):
        return [plain(x) for x in v]
    return v


@pytest.mark.parametrize("model", MODELS)
def test_status(model: str) -> None:
    ref, ours = run_both(status_runs, model=model)
    assert ours == ref


# Entries of every neuron's defaults that are not specific to this family (NEST's memory
# statistics and the archiving node's values; test_status_dicts checks their keys).
NODE_ONLY = {
    "Ca",
    "archiver_length",
    "available",
    "beta_Ca",
    "capacity",
    "elementsize",
    "instantiations",
    "node_uses_wfr",
    "post_trace",
    "synaptic_elements",
    "t_spike",
    "tau_Ca",
}


def defaults_of(nest, model: str) -> dict[str, Any]:
    d = nest.GetDefaults(model)
    return {k: plain(v) for k, v in d.items() if k not in NODE_ONLY}


@pytest.mark.parametrize("model", MODELS)
def test_defaults(model: str) -> None:
    ref, ours = run_both(defaults_of, model=model)
    assert set(ours) == set(ref)
    assert {k: v for k, v in ours.items() if k != "model_id"} == {
        k: v for k, v in ref.items() if k != "model_id"
    }


# ------------------------------------------------------------------ errors
def error_cases(model: str) -> list[dict[str, Any]]:
    """Parameter sets NEST refuses (several violations at once test the order of its
    checks, which differs for glif_cond) or accepts only with a mechanism off."""
    g, key = CONDUCTANCE[model], PORT_KEY[model]
    cases = [
        {"adapting_threshold": True},
        {"adapting_threshold": True, "after_spike_currents": True, "C_m": 0.0},
        {"adapting_threshold": True, "spike_dependent_threshold": True},
        {"after_spike_currents": True, "asc_decay": [1.0], "C_m": 0.0},
        {"after_spike_currents": True, "asc_r": [1.0, 1.0, 1.0]},
        {"after_spike_currents": True, "asc_decay": [0.0, 1.0], "asc_r": [2.0, 1.0]},
        {"after_spike_currents": True, "asc_decay": [1.0, 0.0], "asc_r": [2.0, 1.0]},
        {"after_spike_currents": True, "asc_decay": [0.0, 1.0], "V_reset": -40.0},
        {"after_spike_currents": True, "asc_r": [1.0, 1.0001]},
        {"after_spike_currents": True, "asc_r": [0.0, 1.0]},
        {"asc_decay": [0.0], "asc_r": [5.0]},
        {"V_reset": -40.0, "C_m": 0.0},
        {"V_th": -80.0},
        {"C_m": 0.0, g: 0.0},
        {g: 0.0, "t_ref": 0.0},
        {"t_ref": 0.0, "spike_dependent_threshold": True, "th_spike_decay": 0.0},
        {"t_ref": 1e-9},
        dict.fromkeys(MECHANISMS, True) | {"th_spike_decay": 0.0, "th_voltage_decay": 0.0},
        {"spike_dependent_threshold": True, "after_spike_currents": True}
        | {"th_spike_decay": 0.0, "asc_decay": [0.0, 1.0]},
        dict.fromkeys(MECHANISMS, True) | {"th_voltage_decay": -1.0, "asc_r": [0.0, -1.0]},
        {"spike_dependent_threshold": True, "voltage_reset_fraction": 1.5},
        {"spike_dependent_threshold": True, "voltage_reset_fraction": -0.5, key: [0.0]},
        {"voltage_reset_fraction": 1.5, "th_spike_decay": -1.0, "th_voltage_decay": 0.0},
        {key: [0.0, 1.0]} | ({"E_rev": [0.0, 0.0]} if model == "glif_cond" else {}),
        {key: [1.0, 0.0], "t_ref": 0.0},
        {"ASCurrents": [1.0, 2.0], "C_m": 0.0},
        {"ASCurrents": [1.0, 2.0]},
        {"after_spike_currents": True, "ASCurrents": [1.0, 2.0, 3.0]},
        {"after_spike_currents": True, "ASCurrents": [1.0, 2.0]},
        {"tau_minus": -1.0, "C_m": 0.0},
        {"tau_minus": -1.0},
        {"ignore_and_spike_offset": 0.0},
        {"has_connections": True},
        {"I_e": 100.0},
    ]
    if model != "glif_cond":  # glif_cond accepts these, but does not show them (see glif_cond.py)
        cases += [
            {"threshold_spike": 1.0},
            {"threshold_voltage": 1.0, "tau_minus": -1.0},
            {"spike_dependent_threshold": True, "threshold_spike": 1.0},
            {"ASCurrents": [1.0, 2.0], "threshold_spike": 1.0},
        ]
    if model == "glif_psc_double_alpha":
        cases += [
            {"tau_syn_slow": [0.0], "amp_slow": [0.0]},
            {"amp_slow": [0.0]},
            {"amp_slow": [-1.0], "tau_syn_fast": [0.0]},
            {"tau_syn_slow": [1.0, 2.0], "amp_slow": [1.0, 2.0, 3.0]},
        ]
    if model == "glif_cond":
        cases += [
            {"tau_syn": [1.0]},
            {"E_rev": [0.0, 1.0, 2.0]},
            {"tau_syn": [0.0], "E_rev": [0.0, 1.0]},
            {"tau_syn": [], "E_rev": []},
            {"g": [1.0]},
            {"dg": [1.0]},
        ]
    else:
        cases += [{"g_m": 1.0}, {"E_rev": [0.0]}]
    return cases


@pytest.mark.parametrize("model", MODELS)
def test_parameter_errors(model: str) -> None:
    """Each case on creation and on SetStatus: same error class and message, or none."""
    for params in error_cases(model):
        ref, ours = run_both(error_of, model=model, params=params)
        assert ours == ref, params


@pytest.mark.parametrize("model", MODELS)
def test_receptor_types(model: str) -> None:
    """Spikes on ports 1..n (else IncompatibleReceptorType), currents and multimeters on 0."""
    for source in ("spike_generator", "dc_generator", "multimeter", model):
        for receptor in (0, 1, 2, 3, 4):
            ref, ours = run_both(
                connect_error_of, model=model, params=PORTS[model][0], source=source, receptor=receptor
            )
            assert ours == ref, (source, receptor)


def port_change_errors(nest, model: str) -> list[Any]:
    """Changing the number of ports of a node with spike input is refused, keeping it is
    not, nor is changing it on a node with only current input."""
    key = PORT_KEY[model]
    more, fewer = PORTS[model]
    nrn = nest.Create(model, 2, params=more)
    nest.Connect(nest.Create("spike_generator"), nrn[0], syn_spec={"receptor_type": 2})
    nest.Connect(nest.Create("dc_generator"), nrn[1])
    out: list[Any] = []
    same = {k: list(reversed(v)) for k, v in more.items()}
    for node, values in ((0, fewer), (0, same), (1, fewer), (0, {key: [0.0] * len(more[key])})):
        try:
            nrn[node].set(values)
            out.append(("OK", nrn[node].get(key).tolist()))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    out.append(list(nrn.get("has_connections")))
    return out


@pytest.mark.parametrize("model", MODELS)
def test_changing_ports_with_connections(model: str) -> None:
    ref, ours = run_both(port_change_errors, model=model)
    assert ours == ref
