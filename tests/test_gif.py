"""The GIF models against NEST 3.10: status, parameter errors, receptors, ports, and
deterministic runs through the spike-triggered dynamics.

The escape noise makes these models random; the runs here use a hard threshold
(``lambda_0 = 1e9 /s``, ``Delta_V = 1e-9 mV``: the hazard is 1 a hair above
``E_sfa`` and exactly 0, with no random draw in NEST, below it), so that both
simulators fire deterministically and every recordable can be compared step by
step. The validation harness adds the standard scenarios with the noise off and
with a hard threshold, and the statistical comparison with the noise on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import by_time, connect_error_of, error_of, status_of

MODELS = ["gif_psc_exp", "gif_psc_exp_multisynapse", "gif_cond_exp", "gif_cond_exp_multisynapse"]
HARD = {"lambda_0": 1e9, "Delta_V": 1e-9}
ADAPTATION = {"tau_stc": [5.0, 50.0], "q_stc": [10.0, 5.0], "tau_sfa": [10.0, 100.0], "q_sfa": [3.0, 1.0]}
# Several receptor ports, and a node with fewer.
PORTS = {
    "gif_psc_exp_multisynapse": ({"tau_syn": [2.0, 0.5, 5.0]}, {"tau_syn": [1.0]}),
    "gif_cond_exp_multisynapse": (
        {"tau_syn": [0.5, 2.0, 5.0], "E_rev": [0.0, -85.0, 0.0]},
        {"tau_syn": [1.0], "E_rev": [-70.0]},
    ),
}


def _ports(model: str) -> tuple[dict, dict]:
    return PORTS.get(model, ({}, {}))


# ----------------------------------------------------------------------- status


@pytest.mark.parametrize("model", MODELS)
def test_status(model: str) -> None:
    """Every status entry of a created node, with NEST's values: V_m starts at -70 mV
    whatever E_L is; E_sfa and I_stc are 0 before the first step."""
    params = {**_ports(model)[0], **ADAPTATION, "E_L": -60.0, "lambda_0": 4.0}
    ref, ours = run_both(status_of, model=model, params=params)
    assert ours == ref
    assert ref["V_m"] == -70.0


@pytest.mark.parametrize("model", MODELS)
def test_defaults_keys(model: str) -> None:
    """GetDefaults shows NEST's keys, the read-only status values (E_sfa, I_stc, g,
    n_receptors, has_connections) included."""
    ref, ours = run_both(lambda nest, model: set(nest.GetDefaults(model)), model=model)
    assert ours == ref


# ----------------------------------------------------------------------- errors

COMMON_ERRORS = [
    {"tau_sfa": [1.0]},
    {"q_stc": [1.0, 2.0]},
    {"tau_sfa": [1.0], "g_L": 0.0},
    {"g_L": 0.0, "Delta_V": 0.0},
    {"Delta_V": 0.0, "C_m": 0.0},
    {"C_m": 0.0, "t_ref": -1.0},
    {"t_ref": -1.0, "lambda_0": -1.0},
    {"lambda_0": -1.0, "tau_sfa": [0.0], "q_sfa": [1.0]},
    {"tau_sfa": [1.0], "q_sfa": [1.0], "tau_stc": [-1.0], "q_stc": [1.0]},
    {"tau_stc": [0.0], "q_stc": [1.0], "tau_minus": -1.0},
    {"tau_minus": -1.0},
    {"ignore_and_spike_offset": 0.0},
    {"E_sfa": 1.0},
    {"I_stc": 1.0},
    {"V_m": -40.0, "lambda_0": 0.0},
]
MODEL_ERRORS = {
    "gif_psc_exp": [
        {"tau_stc": [-1.0], "q_stc": [1.0], "tau_syn_ex": 0.0},
        {"tau_syn_in": 0.0, "tau_minus": -1.0},
        {"tau_syn_ex": -1.0, "C_m": -1.0},
        {"gsl_error_tol": 1e-3},
    ],
    "gif_cond_exp": [
        {"tau_stc": [-1.0], "q_stc": [1.0], "tau_syn_ex": 0.0},
        {"tau_syn_in": 0.0, "tau_minus": -1.0},
        {"gsl_error_tol": -1.0, "g_L": -1.0},
        {"gsl_error_tol": 0.0},
        {"g_ex": 2.0, "g_in": 3.0},
    ],
    "gif_psc_exp_multisynapse": [
        {"tau_syn": [0.0]},
        {"tau_syn": [0.0], "g_L": 0.0},
        {"tau_syn": [1.0, -1.0], "tau_sfa": [1.0]},
        {"tau_syn": [1.0, 2.0]},
        {"tau_syn": []},
        {"n_receptors": 3},
        {"has_connections": True},
    ],
    "gif_cond_exp_multisynapse": [
        {"tau_syn": [0.0]},
        {"tau_syn": [0.0], "g_L": 0.0},
        {"tau_syn": [1.0, 2.0]},
        {"E_rev": [1.0, 2.0]},
        {"E_rev": [1.0, 2.0], "tau_syn": [1.0]},
        {"E_rev": [1.0, 2.0], "tau_syn": [1.0, -1.0], "g_L": 0.0},
        {"tau_syn": [1.0, -1.0], "tau_sfa": [1.0]},
        {"tau_syn": [], "E_rev": []},
        {"tau_syn": [2.0, 2.0], "E_rev": [0.0, 0.0], "tau_sfa": [1.0]},
        {"g": [1.0]},
    ],
}
ERROR_CASES = [(m, c) for m in MODELS for c in COMMON_ERRORS + MODEL_ERRORS[m]]


@pytest.mark.parametrize(
    ("model", "params"), ERROR_CASES, ids=lambda x: x if isinstance(x, str) else "-".join(x)
)
def test_parameter_error_order(model: str, params: dict) -> None:
    """NEST 3.10's checks in its order, on Create and on SetStatus."""
    ref, ours = run_both(error_of, model=model, params=params)
    assert ours == ref


@pytest.mark.parametrize("model", MODELS)
def test_receptor_types(model: str) -> None:
    """Spikes on receptor 0 (ports 1..n for multisynapse models), currents and
    multimeters on 0; NEST's error class and message otherwise."""
    params = {**_ports(model)[0]}
    for source in ("spike_generator", "dc_generator", "multimeter"):
        for receptor in (0, 1, 3, 4):
            ref, ours = run_both(
                connect_error_of, model=model, params=params, source=source, receptor=receptor
            )
            assert ours == ref, (source, receptor)


def port_changes(nest, model: str) -> list[Any]:
    """A node with spike input may gain ports but not lose them; a node with only a
    step current may; the port status follows."""
    many, few = PORTS[model]
    nrn = nest.Create(model, 2, params=few)
    nest.Connect(nest.Create("spike_generator"), nrn[0], syn_spec={"receptor_type": 1})
    nest.Connect(nest.Create("dc_generator"), nrn[1])
    out = []
    for node, new in ((0, many), (0, few), (1, many), (1, few), (0, {**many, "tau_syn": [2.0, 0.0, 1.0]})):
        try:
            nrn[node].set(new)
            out.append(("OK", nrn[node].get("n_receptors")))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    out.append(nrn.get("has_connections"))
    return out


@pytest.mark.parametrize("model", list(PORTS))
def test_port_changes_with_connections(model: str) -> None:
    ref, ours = run_both(port_changes, model=model)
    assert ours == ref
    assert ref[1][0] == "BadProperty"


# -------------------------------------------------------------------------- runs


def hard_threshold_run(nest, model: str, resolution: float) -> dict[str, Any]:
    """Four nodes firing deterministically through spike input on every port and a step
    current: different numbers of spike-triggered elements, ``t_ref = 0`` (no reset at
    all), and ``lambda_0 = 0`` with a far supra-threshold drive (a 0 * inf hazard, which
    never fires). Between two runs the nodes lose and gain elements (NEST keeps the
    first ones); the status afterwards is compared too."""
    nest.resolution = resolution
    many, few = _ports(model)
    cond = "cond" in model
    params = [
        {**HARD, **many, **ADAPTATION, "I_e": 150.0},
        {
            **HARD,
            **few,
            "tau_sfa": [20.0],
            "q_sfa": [4.0],
            "tau_stc": [3.0, 30.0, 300.0],
            "q_stc": [15.0, -5.0, 2.0],
        },
        {**HARD, **many, **ADAPTATION, "t_ref": 0.0, "I_e": 130.0},
        {**HARD, **few, "lambda_0": 0.0, "I_e": 1000.0},
    ]
    nrn = nest.Create(model, len(params), params=params)
    sg = nest.Create(
        "spike_generator", params={"spike_times": [2.0, 5.0, 5.5, 12.3, 20.0, 30.0, 31.0, 50.0, 70.2]}
    )
    w = 3.0 if cond else 150.0
    for i, node in enumerate(nrn):
        ports = range(1, len(params[i]["tau_syn"]) + 1) if "tau_syn" in params[i] else [0]
        for k in ports:
            nest.Connect(
                sg, node, syn_spec={"weight": w * (1 + 0.5 * k), "delay": 1.0 + 0.3 * k, "receptor_type": k}
            )
            if not (cond and k):  # multisynapse conductances take no negative weights
                nest.Connect(sg, node, syn_spec={"weight": -w, "delay": 2.0, "receptor_type": k})
    dc = nest.Create("dc_generator", params={"amplitude": 200.0, "start": 10.0, "stop": 80.0})
    nest.Connect(dc, nrn)
    mm = nest.Create(
        "multimeter", params={"record_from": list(nrn[0].get("recordables")), "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(60.0)
    nrn[0].set({"tau_sfa": [10.0], "q_sfa": [3.0]})
    nrn[1].set({"tau_stc": [3.0, 30.0, 300.0, 8.0], "q_stc": [15.0, -5.0, 2.0, 6.0]})
    nest.Simulate(40.0)
    keys = ("V_m", "E_sfa", "I_stc", "t_spike", "g", "g_ex", "g_in")
    status = [{k: np.asarray(d[k]).tolist() for k in keys if k in d} for d in (n.get() for n in nrn)]
    return {"mm": mm.get("events"), "sr": sr.get("events"), "status": status}


@pytest.mark.parametrize("model", MODELS)
def test_hard_threshold_run(model: str) -> None:
    ref, ours = run_both(hard_threshold_run, model=model, resolution=0.1)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(by_time(ref["sr"]), by_time(ours["sr"]))
    assert [sorted(d) for d in ours["status"]] == [sorted(d) for d in ref["status"]]
    for a, b in zip(ref["status"], ours["status"], strict=True):
        for k in a:
            np.testing.assert_allclose(b[k], a[k], rtol=0, atol=1e-9, err_msg=k)
    senders = set(ref["sr"]["senders"].tolist())
    first = min(ref["mm"]["senders"])
    assert {first, first + 1, first + 2} <= senders and first + 3 not in senders
