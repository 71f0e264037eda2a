"""The conductance-based IAF models (iaf_cond_alpha, iaf_cond_exp, iaf_cond_beta,
iaf_cond_exp_sfa_rr, iaf_chxk_2008) against NEST 3.10: what the validation harness
does not cover (status, parameter errors, beta normalisation limits, refractoriness
of zero, state set between runs, iaf_chxk_2008's precise spike times)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import run_both
from iaf_psc_scenarios import by_time, error_of, spike_neuron, status_of

COND = ("iaf_cond_alpha", "iaf_cond_exp", "iaf_cond_beta", "iaf_cond_exp_sfa_rr")
MODELS = (*COND, "iaf_chxk_2008")


def assert_close(ref: dict[str, Any], ours: dict[str, Any], rtol: float = 1e-9) -> None:
    """Recorder events: same keys, senders and sample times; values and precise spike
    times within ``rtol`` of the largest magnitude of each quantity."""
    assert sorted(ref) == sorted(ours)
    for key in ref:
        a, b = np.asarray(ref[key], dtype=float), np.asarray(ours[key], dtype=float)
        assert a.shape == b.shape, (key, a.shape, b.shape)
        if key == "senders":
            np.testing.assert_array_equal(b, a)
        else:
            scale = max(1.0, float(np.max(np.abs(a), initial=0.0)))
            np.testing.assert_allclose(b, a, rtol=0, atol=rtol * scale, err_msg=key)


def assert_same(ref: dict[str, Any], ours: dict[str, Any], rtol: float = 1e-9) -> None:
    assert_close(ref["mm"], ours["mm"], rtol)
    assert_close(by_time(ref["sr"]), by_time(ours["sr"]), rtol)
    assert ref["n_events"] == ours["n_events"]


# ----------------------------------------------------------------------- status
def model_status(nest, model: str) -> dict[str, Any]:
    return {
        "node": status_of(nest, model, {}),
        "defaults": sorted(nest.GetDefaults(model)),
        "recordables": list(nest.GetDefaults(model)["recordables"]),
    }


@pytest.mark.parametrize("model", MODELS)
def test_status(model: str) -> None:
    """A node's status (keys, values, recordables) equals NEST's; GetDefaults shows no
    key NEST does not."""
    ref, ours = run_both(model_status, model=model)
    assert ours["node"] == ref["node"]
    assert ours["recordables"] == ref["recordables"]
    assert set(ours["defaults"]) <= set(ref["defaults"])


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("iaf_cond_alpha", {"V_reset": -50.0, "C_m": 0.0}),
        ("iaf_cond_alpha", {"C_m": 0.0, "t_ref": -1.0}),
        ("iaf_cond_exp", {"t_ref": -1.0, "tau_syn_in": 0.0}),
        ("iaf_cond_exp", {"tau_syn_ex": 0.0, "tau_minus": -1.0}),
        ("iaf_cond_beta", {"tau_decay_in": 0.0, "tau_minus": -1.0}),
        ("iaf_cond_beta", {"tau_rise_ex": -1.0}),
        ("iaf_cond_exp_sfa_rr", {"tau_rr": 0.0, "t_ref": -1.0}),
        ("iaf_cond_exp_sfa_rr", {"tau_sfa": 0.0, "ignore_and_spike_offset": 0.0}),
        ("iaf_cond_exp_sfa_rr", {"V_reset": -50.0, "V_th": -51.0}),
        ("iaf_chxk_2008", {"tau_ahp": 0.0, "C_m": 0.0}),
        ("iaf_chxk_2008", {"tau_ahp": 0.0, "tau_minus_triplet": -1.0}),
        ("iaf_chxk_2008", {"ignore_and_spike_interval": 0.0}),
        ("iaf_chxk_2008", {"g_ex": 1.0}),  # internal state: NEST leaves it unaccessed
        ("iaf_chxk_2008", {"t_ref": 1.0}),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(v),
)
def test_parameter_error_order(model: str, params: dict) -> None:
    """NEST 3.10 checks V_reset < V_th, C_m, t_ref, the time constants, then the
    archiving node's values (iaf_chxk_2008: C_m, time constants, archiving node)."""
    ref, ours = run_both(error_of, model=model, params=params)
    assert ours == ref


# ----------------------------------------------------------------------- dynamics
def test_beta_normalisation_limits() -> None:
    """Equal time constants (the alpha limit), nearly equal ones (difference above
    machine epsilon, peak value below it) and a rise slower than the decay."""
    params = [
        {"tau_rise_ex": 0.5, "tau_decay_ex": 0.5, "tau_rise_in": 3.0, "tau_decay_in": 1.0},
        {"tau_rise_ex": 1.0, "tau_decay_ex": 1.0 + 4e-16, "tau_rise_in": 2.0, "tau_decay_in": 2.0 - 1e-12},
        {"tau_rise_ex": 0.1, "tau_decay_ex": 5.0, "tau_rise_in": 4.0, "tau_decay_in": 4.0},
    ]
    ref, ours = run_both(
        spike_neuron, model="iaf_cond_beta", resolution=0.1, params=params, kick=80.0, scale=0.02
    )
    assert_same(ref, ours)
    assert len(set(ref["sr"]["senders"])) == len(params)


def split_run(nest, model: str, resolution: float) -> dict[str, Any]:
    """Two neurons, one without refractoriness firing in consecutive steps, one with a
    t_ref off the grid; the run is split in two Simulate calls (the integration step
    carries over) with V_m and g_ex set in between."""
    nest.resolution = resolution
    free = {"t_ref": 0.0, "I_e": 60000.0}
    if model == "iaf_cond_exp_sfa_rr":  # without its relative refractory mechanism
        free |= {"q_rr": 0.0, "q_sfa": 0.0}
    n = nest.Create(model, 2, params=[free, {"t_ref": 2.33}])
    dc = nest.Create("dc_generator", params={"amplitude": 900.0, "start": 5.0, "stop": 60.0})
    sg = nest.Create("spike_generator", params={"spike_times": [3.0, 12.0, 24.0, 31.0, 40.0]})
    nest.Connect(dc, n[1])
    nest.Connect(sg, n, syn_spec={"weight": 4.0, "delay": 1.0})
    nest.Connect(sg, n, syn_spec={"weight": -6.0, "delay": 2.5})
    mm = nest.Create(
        "multimeter", params={"record_from": list(n[0].get("recordables")), "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(30.0)
    n[1].set({"V_m": -54.0, "g_ex": 3.0})
    nest.Simulate(40.0)
    return {"mm": mm.get("events"), "sr": sr.get("events"), "n_events": (mm.n_events, sr.n_events)}


@pytest.mark.parametrize("model", COND)
def test_no_refractoriness_and_state_set_between_runs(model: str) -> None:
    ref, ours = run_both(split_run, model=model, resolution=0.1)
    assert_same(ref, ours)
    t0 = np.asarray(ref["sr"]["times"])[np.asarray(ref["sr"]["senders"]) == 1]
    assert np.any(np.isclose(np.diff(t0), 0.1))  # t_ref = 0: spikes in consecutive steps


def chxk_network(nest, resolution: float) -> dict[str, Any]:
    """iaf_chxk_2008 neurons (with and without ahp_bug, one starting above threshold, which
    does not fire until it has come from below) driving an iaf_cond_alpha; recorders in
    ms and in steps with offsets, shared with a precise spike_generator and a grid-based
    neuron."""
    nest.resolution = resolution
    chxk = nest.Create(
        "iaf_chxk_2008",
        3,
        params=[{"I_e": 2000.0}, {"I_e": 2500.0, "ahp_bug": True}, {"I_e": 1000.0, "V_m": -40.0}],
    )
    sg = nest.Create("spike_generator", params={"spike_times": [4.0, 9.0, 9.5, 30.0, 30.2]})
    nest.Connect(sg, chxk, syn_spec={"weight": 60.0, "delay": 1.0})
    nest.Connect(sg, chxk, syn_spec={"weight": -10.0, "delay": 1.5})
    precise = nest.Create("spike_generator", params={"spike_times": [2.345, 17.0001], "precise_times": True})
    grid = nest.Create("iaf_cond_alpha", params={"I_e": 800.0})
    nest.Connect(chxk, grid, syn_spec={"weight": 30.0, "delay": 1.0})
    mm = nest.Create(
        "multimeter", params={"record_from": list(chxk[0].get("recordables")), "interval": resolution}
    )
    mm_grid = nest.Create("multimeter", params={"record_from": ["V_m", "g_ex"], "interval": resolution})
    sr = nest.Create("spike_recorder")
    sr_steps = nest.Create("spike_recorder", params={"time_in_steps": True})
    nest.Connect(mm, chxk)
    nest.Connect(mm_grid, grid)
    for rec in (sr, sr_steps):
        nest.Connect(chxk + precise + grid, rec)
    nest.Simulate(60.0)
    return {
        "mm": mm.get("events"),
        "mm_grid": mm_grid.get("events"),
        "sr": sr.get("events"),
        "sr_steps": sr_steps.get("events"),
        "t_spike": list(chxk.get("t_spike")),
    }


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_chxk_precise_spike_times(resolution: float) -> None:
    """NEST interpolates the threshold crossing within the step: recorders show the
    precise time (or the step and its offset), the neuron's t_spike and the delivery
    to other neurons stay on the grid."""
    ref, ours = run_both(chxk_network, resolution=resolution)
    for key in ("mm", "mm_grid"):
        assert_close(ref[key], ours[key])
    for key in ("sr", "sr_steps"):
        assert_close(by_time(ref[key]), by_time(ours[key]))
    assert ours["t_spike"] == ref["t_spike"]
    offsets = np.asarray(ref["sr_steps"]["offsets"])
    chxk_spike = np.asarray(ref["sr_steps"]["senders"]) <= 3
    assert np.all(offsets[chxk_spike] > 0.0) and np.any(np.asarray(ref["sr"]["senders"]) == 5)
    assert len(set(np.asarray(ref["sr"]["senders"])[chxk_spike])) == 3


def test_sfa_rr_input_during_long_refractoriness() -> None:
    """NEST 3.10 holds V_m in the right-hand side while refractory (older versions let it
    run and reset it after each step), which changes the integration steps."""
    ref, ours = run_both(
        spike_neuron,
        model="iaf_cond_exp_sfa_rr",
        resolution=0.1,
        params={"t_ref": 5.0},
        kick=100.0,
        scale=0.02,
    )
    # The older equations (V_m free while refractory) differ by about 1e-10 mV here.
    assert_same(ref, ours, rtol=1e-12)
    assert len(ref["sr"]["times"]) >= 3


def test_recordables_after_spike_input() -> None:
    """Every model in one network: a recorded run of all recordables with spikes on both
    synapse types (one compiled network for the five models)."""

    def scenario(nest):
        nest.resolution = 0.1
        out = {}
        sg = nest.Create("spike_generator", params={"spike_times": [1.0, 5.0, 5.1, 20.0]})
        for model in MODELS:
            n = nest.Create(model, params={"I_e": 200.0})
            nest.Connect(sg, n, syn_spec={"weight": 15.0, "delay": 0.5})
            nest.Connect(sg, n, syn_spec={"weight": -9.0, "delay": 1.2})
            out[model] = n
        mms = {}
        for model, n in out.items():
            mms[model] = nest.Create(
                "multimeter", params={"record_from": list(n.get("recordables")), "interval": 0.1}
            )
            nest.Connect(mms[model], n)
        nest.Simulate(30.0)
        return {model: mm.get("events") for model, mm in mms.items()}

    ref, ours = run_both(scenario)
    for model in MODELS:
        assert_close(ref[model], ours[model])
