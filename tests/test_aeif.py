"""The AdEx family (aeif_*) against NEST 3.10: edge cases of the dynamics the standard
scenarios do not reach, parameter errors and their order, status and defaults,
receptor ports of the multisynapse models, and aeif_psc_delta's input handling."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import run_both
from iaf_psc_scenarios import by_time, connect_error_of, create, error_of, record, status_of

SINGLE = ["aeif_cond_alpha", "aeif_cond_exp", "aeif_psc_alpha", "aeif_psc_exp", "aeif_psc_delta"]
MULTI = ["aeif_cond_alpha_multisynapse", "aeif_cond_beta_multisynapse"]
MODELS = SINGLE + MULTI

# Three receptor ports of each multisynapse model (an inhibitory one in the middle).
PORTS = {
    "aeif_cond_alpha_multisynapse": {"E_rev": [0.0, -85.0, 20.0], "tau_syn": [0.5, 2.0, 5.0]},
    "aeif_cond_beta_multisynapse": {
        "E_rev": [0.0, -85.0, 20.0],
        "tau_rise": [0.2, 0.5, 1.0],
        "tau_decay": [2.0, 5.0, 10.0],
    },
}
# A weight that moves V_m by a few mV: nS (conductances), pA (currents) or mV (jumps);
# and one that makes the neuron fire at once.
UNIT = {"aeif_psc_alpha": 150.0, "aeif_psc_exp": 150.0, "aeif_psc_delta": 2.0, **dict.fromkeys(MULTI, 2.0)}
KICK = {"aeif_cond_exp": 800.0, "aeif_psc_alpha": 20000.0, "aeif_psc_exp": 40000.0, "aeif_psc_delta": 100.0}

EX_TIMES = [2.0, 5.0, 5.5, 12.3, 20.0, 30.0, 31.0, 32.0, 33.0, 34.0, 50.0, 55.0, 80.4]
IN_TIMES = [7.0, 20.0, 20.1, 45.0, 60.0, 85.0]
KICK_TIMES = [10.0, 40.0, 70.0]
REFRACTORY_TIMES = [10.4, 10.8, 11.3, 40.5, 41.0, 70.2, 71.5]


def driven(
    nest,
    model: str,
    params: list[dict],
    resolution: float = 0.1,
    ports: tuple[int, ...] = (0,),
    sims: tuple[float, ...] = (100.0,),
    dc: float = 300.0,
) -> dict[str, Any]:
    """Neurons driven by a step current, excitatory and (on port 0 only) inhibitory spikes
    with several delays, a volley that makes them fire and input while they are refractory;
    simulated in pieces (the integration step carries over). Every recordable, every step."""
    nest.resolution = resolution
    n = create(nest, model, params)
    unit = UNIT.get(model, 5.0)
    step = nest.Create("dc_generator", params={"amplitude": dc, "start": 15.0, "stop": 65.0})
    nest.Connect(step, n, syn_spec={"delay": 1.0})
    sg = {
        name: nest.Create("spike_generator", params={"spike_times": times})
        for name, times in (
            ("ex", EX_TIMES),
            ("in", IN_TIMES),
            ("kick", KICK_TIMES),
            ("refr", REFRACTORY_TIMES),
        )
    }
    for k, port in enumerate(ports):
        for j, delay in enumerate((0.5, 1.0, 2.3)):
            w = unit * (1.0 + 0.5 * j + 0.25 * k)
            nest.Connect(sg["ex"], n, syn_spec={"weight": w, "delay": delay, "receptor_type": port})
            if port == 0:
                nest.Connect(sg["in"], n, syn_spec={"weight": -1.5 * w, "delay": delay + 0.5})
        nest.Connect(sg["refr"], n, syn_spec={"weight": 2.0 * unit, "delay": 1.0, "receptor_type": port})
    kick = KICK.get(model, 50.0 * unit)
    nest.Connect(sg["kick"], n, syn_spec={"weight": kick, "delay": 1.0, "receptor_type": ports[0]})
    mm = nest.Create(
        "multimeter", params={"record_from": list(n[0].get("recordables")), "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for t in sims:
        nest.Simulate(t)
    return {"mm": mm.get("events"), "sr": sr.get("events"), "n_events": (mm.n_events, sr.n_events)}


def base(model: str) -> dict:
    return dict(PORTS.get(model, {}))


def assert_same_run(scenario, rtol: float = 1e-9, **kw: Any) -> dict[str, Any]:
    """Run in both simulators: identical spikes, event counts and recording times, every
    recorded value within ``rtol`` (1e-9 absolute near zero); NaN where NEST has NaN.
    Returns NEST's result.

    XLA contracts ``a * b + c`` into fused multiply-adds and its ``exp`` differs from the C
    library's in the last bit for some arguments, so our RKF45 steps differ from GSL's in
    the last bits. Mostly that leaves differences of 1e-12; but where one of the step-size
    decisions (retry or not, grow or not) flips on such a bit, the two runs take different
    steps from there on and differ by about ``gsl_error_tol`` relative, and by up to 1e-4
    relative on the upstroke of a spike (more where a neuron fires several times per step).
    Scenarios with many spikes under strong input (dozens of step-size decisions around
    each spike) are compared with a looser ``rtol``.
    """
    ref, ours = run_both(scenario, **kw)
    for rec in ("mm", "sr"):
        a, b = by_time(ref[rec]), by_time(ours[rec])
        assert set(a) == set(b), (sorted(a), sorted(b))
        for k in a:
            if k in ("senders", "times"):
                np.testing.assert_array_equal(b[k], a[k], err_msg=k)
            else:
                np.testing.assert_allclose(b[k], a[k], rtol=rtol, atol=1e-9, err_msg=k)
    assert ours["n_events"] == ref["n_events"]
    return ref


# --------------------------------------------------------------------------- dynamics
@pytest.mark.parametrize("model", MODELS)
def test_edge_cases(model: str) -> None:
    """Delta_T == 0 (threshold V_th, no spike current), t_ref == 0 under a constant drive,
    a refractory period that is not a multiple of the step, a coarse gsl_error_tol, and a
    simulation in three pieces (the integration step carries over)."""
    b = base(model)
    params = [
        {**b, "Delta_T": 0.0, "t_ref": 1.0},
        {**b, "t_ref": 0.0, "I_e": 1000.0},
        {**b, "t_ref": 2.35, "V_m": -55.0, "w": 30.0},
        {**b, "t_ref": 0.5, "gsl_error_tol": 1e-3, "V_peak": 10.0, "Delta_T": 4.0},
    ]
    ports = (1, 2, 3) if model in MULTI else (0,)
    ref = assert_same_run(driven, rtol=1e-4, model=model, params=params, ports=ports, sims=(23.4, 40.0, 36.6))
    assert set(ref["sr"]["senders"]) == {1, 2, 3, 4}


def constant_drive(nest, model: str, resolution: float) -> dict[str, Any]:
    """A neuron driven by I_e from t = 0, recorded every step (it fires once at h = 1)."""
    nest.resolution = resolution
    n = nest.Create(model, params={**base(model), "I_e": 1000.0})
    return record(nest, n, resolution, 12 * resolution + 2.0)


@pytest.mark.parametrize("resolution", [1.0, 0.1])
@pytest.mark.parametrize("model", MODELS)
def test_first_integration_step(model: str, resolution: float) -> None:
    """NEST 3.10 starts integrating with a step of h (a first step of min(0.01, h) would
    give differences of 3e-8 mV at h = 1)."""
    assert_same_run(constant_drive, rtol=1e-13, model=model, resolution=resolution)


def fast_firing(nest, model: str) -> dict[str, Any]:
    nest.resolution = 0.1
    n = nest.Create(model, params={**base(model), "t_ref": 0.0, "I_e": 4e5, "a": 0.0, "b": 1.0})
    return record(nest, n, 0.1, 20.0)


@pytest.mark.parametrize("model", ["aeif_cond_alpha", "aeif_psc_delta"])
def test_several_spikes_in_one_step(model: str) -> None:
    """t_ref == 0 under a drive that fires several times per step: each spike resets V_m
    and raises w within the integration loop. With dozens of step-size decisions per
    step, some flip on last-bit differences (see ``assert_same_run``); V_m then differs on
    the upstrokes of spikes by up to 6.0e-4 relative for aeif_psc_delta and 1.7e-4 for
    aeif_cond_alpha (measured maxima; w and the conductances stay within 2e-9), hence
    ``rtol=1e-3``."""
    ref = assert_same_run(fast_firing, rtol=1e-3, model=model)
    times = np.asarray(ref["sr"]["times"])
    assert len(times) > 2 * len(np.unique(times))


@pytest.mark.parametrize("model", ["aeif_cond_alpha", "aeif_psc_delta"])
def test_fine_resolution(model: str) -> None:
    """h = 0.01 (first integration step h, not 0.01, for aeif_psc_delta) with a step
    current switching on and off and spikes arriving while refractory."""
    params = [{"t_ref": 1.0}, {"t_ref": 0.0, "Delta_T": 0.0}]
    assert_same_run(driven, model=model, params=params, resolution=0.01, sims=(100.0,))


def refractory_input(nest, resolution: float) -> dict[str, Any]:
    """aeif_psc_delta with and without refractory_input: t_ref of several steps (NEST's
    discount then overflows and the neuron's state becomes NaN) and t_ref == 0."""
    params = [
        {"refractory_input": False, "t_ref": 2.0},
        {"refractory_input": True, "t_ref": 2.0},
        {"refractory_input": True, "t_ref": 0.0},
        {"refractory_input": True, "t_ref": 2.0, "I_e": 200.0},
    ]
    return driven(nest, "aeif_psc_delta", params, resolution, sims=(60.0,))


@pytest.mark.parametrize("resolution", [0.1])
def test_psc_delta_refractory_input(resolution: float) -> None:
    ref = assert_same_run(refractory_input, resolution=resolution)
    v = np.asarray(ref["mm"]["V_m"])
    senders = np.asarray(ref["mm"]["senders"])
    assert not np.isnan(v[senders == 1]).any() and not np.isnan(v[senders == 3]).any()
    assert np.isnan(v[senders == 2]).any()


def large_group(nest, model: str, n: int = 80) -> dict[str, Any]:
    """A group large enough that the integrator finishes its last neurons of a step in a
    smaller set (see gsl_rkf45.evolve), with varied parameters and spikes on every port."""
    nest.resolution = 0.1
    rng = np.random.default_rng(7)
    params = [
        {
            **base(model),
            "I_e": float(rng.uniform(0.0, 900.0)),
            "t_ref": float(rng.choice([0.0, 0.5, 2.0])),
            "a": float(rng.uniform(0.0, 8.0)),
            "V_m": float(rng.uniform(-70.0, -55.0)),
        }
        for _ in range(n)
    ]
    nrn = nest.Create(model, n, params=params)
    for port in (1, 2, 3) if model in MULTI else (0,):
        times = np.round(np.sort(rng.uniform(1.0, 95.0, 30)), 1)
        sg = nest.Create("spike_generator", params={"spike_times": [float(t) for t in times]})
        weight = 2.0 * UNIT.get(model, 5.0)
        nest.Connect(sg, nrn, syn_spec={"weight": weight, "receptor_type": port, "delay": 1.0})
    return record(nest, nrn, 0.1, 100.0)


@pytest.mark.parametrize("model", ["aeif_cond_beta_multisynapse", "aeif_psc_delta"])
def test_large_group(model: str) -> None:
    ref = assert_same_run(large_group, rtol=1e-6, model=model)
    assert len(set(ref["sr"]["senders"])) > 40


# --------------------------------------------------------------------- parameter errors
COMMON_ERRORS = [
    {"V_reset": 10.0},
    {"Delta_T": -1.0},
    {"V_peak": 1000.0, "Delta_T": 0.01},
    {"V_th": 10.0},
    {"C_m": 0.0},
    {"t_ref": -1.0},
    {"tau_w": 0.0},
    {"gsl_error_tol": 0.0},
    {"V_th": 10.0, "V_reset": 10.0},
    {"V_th": 10.0, "Delta_T": -1.0},
    {"V_reset": 10.0, "Delta_T": -1.0},
    {"V_peak": -60.0, "V_reset": -60.0, "V_th": -55.0},
    {"C_m": 0.0, "t_ref": -1.0},
    {"t_ref": -1.0, "tau_w": 0.0},
    {"tau_w": 0.0, "gsl_error_tol": 0.0},
    {"gsl_error_tol": 0.0, "tau_minus": -1.0},
    {"tau_minus": -1.0},
    {"ignore_and_spike_offset": 0.0},
    {"Delta_T": 0.0, "V_peak": 1e300},
    {"V_peak": -50.4},
    {"V_m": -1e4, "w": 1e7},
    {"foo": 1.0},
]
MODEL_ERRORS = {
    "aeif_cond_alpha": [
        {"tau_syn_ex": 0.0},
        {"tau_syn_in": -1.0, "t_ref": -1.0},
        {"g_ex": -1.0},
        {"g_in": -1.0, "V_reset": 10.0},
        {"g_in": -1.0, "tau_minus": -1.0},
        {"dg_ex": -1.0, "dg_in": -2.0},
    ],
    "aeif_cond_exp": [{"tau_syn_in": 0.0}, {"g_ex": -1.0}, {"g_in": -1.0, "C_m": 0.0}],
    "aeif_psc_alpha": [{"tau_syn_ex": 0.0}, {"I_syn_ex": -1.0}, {"I_syn_in": -1.0}, {"dI_syn_in": -1.0}],
    "aeif_psc_exp": [{"tau_syn_in": 0.0}, {"I_syn_in": -1.0}, {"I_syn_ex": -1.0, "t_ref": -1.0}],
    "aeif_psc_delta": [{"refractory_input": True, "tau_w": 0.0}, {"tau_syn_ex": 1.0}],
    "aeif_cond_alpha_multisynapse": [
        {"E_rev": [0.0, 1.0], "tau_syn": [1.0, 2.0]},
        {"E_rev": [0.0, 1.0], "tau_syn": [1.0]},
        {"E_rev": [0.0, 1.0], "tau_syn": [1.0, 0.0]},
        {"E_rev": [5.0]},
        {"E_rev": [5.0, 6.0]},
        {"tau_syn": [2.0, 3.0]},
        {"tau_syn": [0.0]},
        {"tau_syn": [-1.0], "V_th": 10.0},
        {"E_rev": [0.0, 1.0], "tau_syn": [1.0, 2.0, 3.0], "C_m": 0.0},
        {"E_rev": [], "tau_syn": []},
        {"tau_syn": 2.0},
        {"g": [1.0]},
        {"n_receptors": 2},
        {"has_connections": True},
    ],
    "aeif_cond_beta_multisynapse": [
        {"E_rev": [0.0, 1.0], "tau_rise": [1.0, 2.0], "tau_decay": [2.0, 3.0]},
        {"E_rev": [0.0, 1.0], "tau_rise": [1.0, 2.0]},
        {"E_rev": [0.0, 1.0], "tau_rise": [1.0, 2.0], "tau_decay": [2.0]},
        {"tau_rise": [20.0]},
        {"tau_rise": [21.0]},
        {"tau_decay": [0.0]},
        {"tau_decay": [-1.0], "tau_rise": [-2.0]},
        {"E_rev": [0.0, 1.0], "tau_rise": [3.0, -1.0], "tau_decay": [2.0, 3.0]},
        {"E_rev": [0.0, 1.0], "tau_rise": [1.0, 0.0], "tau_decay": [0.5, 3.0]},
        {"tau_rise": [21.0], "V_th": 10.0},
        {"tau_syn": [1.0]},
        {"dg": [1.0]},
    ],
}
ERROR_CASES = [(m, c) for m in MODELS for c in COMMON_ERRORS + MODEL_ERRORS[m]]


@pytest.mark.parametrize(("model", "params"), ERROR_CASES, ids=[f"{m}-{'-'.join(c)}" for m, c in ERROR_CASES])
def test_parameter_error_order(model: str, params: dict) -> None:
    """NEST's error class and message, on Create and on SetStatus: each model's own order
    of the potential checks, then C_m, t_ref, time constants, gsl_error_tol, the state
    (negative conductances or currents), the archiving node; ports of the multisynapse models first."""
    ref, ours = run_both(error_of, model=model, params=params)
    assert ours == ref


# ------------------------------------------------------------------ status and defaults
@pytest.mark.parametrize("model", MODELS)
def test_status(model: str) -> None:
    """Every status entry NEST shows for a new node, with NEST's values."""
    ref, ours = run_both(status_of, model=model, params=base(model))
    assert ours == ref


# Entries of every neuron's defaults that are not specific to this family (NEST's memory
# statistics and the archiving node's values; test_status_dicts checks their keys).
_GENERIC = {
    "available",
    "capacity",
    "elementsize",
    "instantiations",
    "t_spike",
    "Ca",
    "archiver_length",
    "beta_Ca",
    "node_uses_wfr",
    "post_trace",
    "synaptic_elements",
    "tau_Ca",
}


def defaults_of(nest, model: str) -> dict[str, Any]:
    d = nest.GetDefaults(model)
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in d.items() if k not in _GENERIC}


@pytest.mark.parametrize("model", [*SINGLE, *MULTI])
def test_defaults(model: str) -> None:
    """GetDefaults: NEST's keys and values (model_id aside)."""
    ref, ours = run_both(defaults_of, model=model)
    ref.pop("model_id"), ours.pop("model_id")
    assert ours == ref


# ------------------------------------------------------------------------ multisynapse
def port_runs(nest, model: str) -> dict[str, Any]:
    """Multisynapse neurons with different numbers of ports in one simulation (spikes on
    every port); ports added and removed between runs on a node without spike input; a
    node created after a run; no ports at all. Returns the recordings and port status."""
    nest.resolution = 0.1
    p3 = PORTS[model]
    p1 = {k: v[:1] for k, v in p3.items()}
    p2 = {k: v[1:] for k, v in p3.items()}
    nrn = nest.Create(model, 4, params=[p3, p1, p2, {k: [] for k in p3}])
    nrn[3].set(I_e=700.0)
    times = [2.0, 5.0, 5.5, 12.3, 20.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 62.0, 70.0, 75.0]
    sg = nest.Create("spike_generator", params={"spike_times": times})
    for port, w in ((1, 4.0), (2, 3.0), (3, 5.0)):
        nest.Connect(sg, nrn[0], syn_spec={"weight": w, "receptor_type": port, "delay": 1.0})
    nest.Connect(sg, nrn[1], syn_spec={"weight": 7.0, "receptor_type": 1, "delay": 2.0})
    nest.Connect(sg, nrn[0], syn_spec={"weight": 0.0, "receptor_type": 2, "delay": 1.5})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "w", "g_1"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn[:3])
    nest.Connect(nrn, sr)
    status = []
    nest.Simulate(30.0)
    status.append(nrn.get(["g", "dg", "n_receptors"]))
    nrn[2].set({k: v + [3.0] for k, v in p3.items()})
    late = nest.Create(model, params=p2 | {"I_e": 300.0})
    nest.Connect(sg, late, syn_spec={"weight": 9.0, "receptor_type": 2, "delay": 1.5})
    mm_late = nest.Create("multimeter", params={"record_from": ["V_m", "g_2"], "interval": 0.1})
    nest.Connect(mm_late, late)
    nest.Connect(late, sr)
    status.append(nrn.get(["g", "dg", "n_receptors", "recordables"]))
    nest.Simulate(30.0)
    nrn[2].set(p1)
    nest.Simulate(20.0)
    status.append((nrn + late).get(["g", "dg", "n_receptors", "recordables", "has_connections", "E_rev"]))
    return {
        "mm": mm.get("events"),
        "mm_late": mm_late.get("events"),
        "sr": sr.get("events"),
        "n_events": (mm.n_events, mm_late.n_events, sr.n_events),
        "status": _plain(status),
    }


def assert_close(ours: Any, ref: Any, rtol: float = 1e-9) -> None:
    """Equal structure and non-float values; floats within ``rtol`` (1e-12 absolute)."""
    if isinstance(ref, dict):
        assert isinstance(ours, dict) and set(ours) == set(ref), (ours, ref)
        for k in ref:
            assert_close(ours[k], ref[k], rtol)
    elif isinstance(ref, list):
        assert isinstance(ours, list) and len(ours) == len(ref), (ours, ref)
        for a, b in zip(ours, ref, strict=True):
            assert_close(a, b, rtol)
    elif isinstance(ref, float):
        assert isinstance(ours, float) and abs(ours - ref) <= 1e-12 + rtol * abs(ref), (ours, ref)
    else:
        assert ours == ref and type(ours) is type(ref), (ours, ref)


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    return x


@pytest.mark.parametrize("model", MULTI)
def test_ports_of_different_nodes_and_runs(model: str) -> None:
    ref, ours = run_both(port_runs, model=model)
    for key in ("mm", "mm_late"):
        assert set(ref[key]) == set(ours[key])
        for k in ref[key]:
            np.testing.assert_allclose(ours[key][k], ref[key][k], rtol=1e-9, atol=1e-9, err_msg=k)
    ref_sr, ours_sr = by_time(ref["sr"]), by_time(ours["sr"])
    for k in ref_sr:
        np.testing.assert_array_equal(ours_sr[k], ref_sr[k])
    assert ours["n_events"] == ref["n_events"]
    assert_close(ours["status"], ref["status"])


def port_change_errors(nest, model: str) -> list[Any]:
    """Reducing the number of ports of a node with spike input is refused; raising it, or
    reducing it on a node with only current input, is not."""
    p3 = PORTS[model]
    p2 = {k: v[:2] for k, v in p3.items()}
    p1 = {k: v[:1] for k, v in p3.items()}
    nrn = nest.Create(model, 2, params=p2)
    nest.Connect(nest.Create("spike_generator"), nrn[0], syn_spec={"receptor_type": 2})
    nest.Connect(nest.Create("dc_generator"), nrn[1])
    out = []
    for node, params in ((0, p3), (0, p1), (0, p2), (1, p1), (0, {k: v[::-1] for k, v in p2.items()})):
        try:
            nrn[node].set(params)
            out.append(("OK", int(nrn[node].get("n_receptors"))))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    out.append(list(nrn.get("has_connections")))
    return out


@pytest.mark.parametrize("model", MULTI)
def test_changing_ports_with_connections(model: str) -> None:
    ref, ours = run_both(port_change_errors, model=model)
    assert ours == ref


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("source", ["spike_generator", "dc_generator", "multimeter"])
def test_receptor_types(model: str, source: str) -> None:
    """Everything on receptor 0 (else UnknownReceptorType), except the spikes of the
    multisynapse models: ports 1..n (else IncompatibleReceptorType)."""
    params = {k: v[:2] for k, v in PORTS.get(model, {}).items()}
    for receptor in (0, 1, 2, 3):
        ref, ours = run_both(connect_error_of, model=model, params=params, source=source, receptor=receptor)
        assert ours == ref, receptor


def beta_shapes(nest) -> dict[str, Any]:
    """Unit spikes on beta conductances whose rise and decay times are equal or nearly
    equal (NEST then uses the alpha function's normalisation) or far apart."""
    nest.resolution = 0.1
    n = nest.Create(
        "aeif_cond_beta_multisynapse",
        params={
            "E_rev": [0.0, 0.0, 0.0, 0.0],
            "tau_rise": [3.0, 3.0 - 1e-15, 3.0 - 1e-9, 0.1],
            "tau_decay": [3.0, 3.0, 3.0, 30.0],
        },
    )
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    for port in (1, 2, 3, 4):
        nest.Connect(sg, n, syn_spec={"weight": 1.0, "receptor_type": port})
    return record(nest, n, 0.1, 40.0)


def test_beta_normalisation() -> None:
    ref = assert_same_run(beta_shapes)
    for k in (1, 2, 3, 4):  # each conductance peaks at the weight
        assert abs(max(ref["mm"][f"g_{k}"]) - 1.0) < 2e-3


def negative_weight(nest, model: str) -> tuple[str, str]:
    n = nest.Create(model, params=PORTS[model])
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, n, syn_spec={"weight": -1.0, "receptor_type": 1})
    try:
        nest.Simulate(5.0)
    except Exception as e:
        return type(e).__name__, str(e)
    return "OK", ""


@pytest.mark.parametrize("model", MULTI)
@pytest.mark.xfail(strict=True, reason="NEST refuses a negative weight when the spike is delivered")
def test_negative_weight(model: str) -> None:
    """NEST raises BadProperty during Simulate when a spike of negative weight reaches a
    conductance port; pynest_jax cannot raise from a compiled step and adds the weight."""
    ref, ours = run_both(negative_weight, model=model)
    assert ours == ref
