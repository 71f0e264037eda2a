"""Stimulation devices against NEST 3.10.

Deterministic devices (dc, ac, step current, spike generators) must give the
same membrane traces (within 1e-9) and the same spikes as NEST. Random devices
(noise, poisson) are compared statistically with two-sample tests on fixed
seeds, so every run of the suite gives the same verdict:

* noise_generator: 400 targets; V_m across targets at fixed times and the
  current statistics implied by it, Kolmogorov-Smirnov (scipy ``ks_2samp``)
  between NEST's and our samples, p > 0.01.
* poisson_generator: 1000 parrot neurons, 200 ms at 40 Hz; per-target spike
  counts and pooled inter-spike intervals, KS tests with p > 0.01; mean
  count within 4 standard errors of the expectation; no correlation between
  targets.
"""

from __future__ import annotations

import numpy as np
import pytest
from compare import assert_events_equal, run_both
from scipy import stats

import pynest_jax

# ------------------------------------------------------------ current devices
CURRENT_DEVICES = {
    "dc_generator": {"amplitude": 420.0, "start": 5.0, "stop": 60.0, "origin": 2.0},
    "ac_generator": {
        "amplitude": 300.0,
        "offset": 250.0,
        "frequency": 35.0,
        "phase": 45.0,
        "start": 3.0,
        "stop": 70.0,
        "origin": 1.0,
    },
    "step_current_generator": {
        "amplitude_times": [5.0, 12.3, 30.0, 55.0, 70.0],
        "amplitude_values": [450.0, 900.0, -200.0, 600.0, 0.0],
        "start": 2.0,
        "stop": 80.0,
        "origin": 0.0,
    },
}


def current_drive(nest, resolution: float, splits: tuple[float, ...] = (100.0,)) -> dict:
    """One iaf_psc_alpha per current device (delays above one step), all devices
    on a fourth neuron, plus spike input for nonzero synaptic currents."""
    nest.resolution = resolution
    neurons = nest.Create("iaf_psc_alpha", 4)
    sg = nest.Create("spike_generator", params={"spike_times": [4.0, 15.0, 15.0, 33.3, 61.0]})
    nest.Connect(sg, neurons, syn_spec={"weight": 350.0, "delay": 1.0})
    nest.Connect(sg, neurons, syn_spec={"weight": -250.0, "delay": 2.5})
    for k, (model, params) in enumerate(CURRENT_DEVICES.items()):
        gen = nest.Create(model, params=params)
        nest.Connect(gen, neurons[k], syn_spec={"delay": 1.5 + 0.7 * k})
        nest.Connect(gen, neurons[3], syn_spec={"delay": 2.3, "weight": 0.5})
    mm = nest.Create(
        "multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, neurons)
    nest.Connect(neurons, sr)
    for t in splits:
        nest.Simulate(t)
    return {"mm": mm.get("events"), "sr": sr.get("events")}


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_current_generators_match_nest(resolution: float) -> None:
    ref, ours = run_both(current_drive, resolution=resolution)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(ref["sr"], ours["sr"])
    assert len(ref["sr"]["times"]) > 5


def test_current_generators_split_simulate() -> None:
    """Many short Simulate calls (not multiples of the min delay) as NEST, and as one call."""
    splits = (7.3, 0.1, 12.6, 1.0, 29.0, 50.0)
    ref, ours = run_both(current_drive, resolution=0.1, splits=splits)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(ref["sr"], ours["sr"])
    pynest_jax.ResetKernel()
    whole = current_drive(pynest_jax, 0.1, (100.0,))
    assert_events_equal(whole["sr"], ours["sr"])
    # ac_generator restarts its oscillator at every Simulate, as NEST: agreement to rounding.
    assert_events_equal(whole["mm"], ours["mm"], atol=1e-9)


def two_target_groups(nest) -> dict:
    """Stateful generators feeding two neuron models at once (one update per step, as NEST)."""
    a = nest.Create("iaf_psc_alpha", 2)
    e = nest.Create("iaf_psc_exp", 2)
    for model, params in CURRENT_DEVICES.items():
        gen = nest.Create(model, params=params)
        nest.Connect(gen, a + e, syn_spec={"delay": 1.3, "weight": 0.6})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, a[0] + e[1])
    nest.Simulate(37.5)
    nest.Simulate(50.0)
    return mm.get("events")


def test_generators_with_two_target_models() -> None:
    ref, ours = run_both(two_target_groups)
    assert_events_equal(ref, ours, atol=1e-9)


def ac_status(nest) -> dict:
    ac = nest.Create(
        "ac_generator", params={"amplitude": 100.0, "frequency": 12.0, "phase": 30.0, "offset": 1.0}
    )
    n = nest.Create("iaf_psc_alpha")
    nest.Connect(ac, n)
    nest.Simulate(13.7)
    first = ac.get(["y_0", "y_1"])
    nest.Simulate(6.4)
    return {"first": first, "second": ac.get(["y_0", "y_1"]), "defaults": nest.GetDefaults("ac_generator")}


def test_ac_generator_state_is_nest_exact() -> None:
    ref, ours = run_both(ac_status)
    assert ours["first"] == ref["first"]
    assert ours["second"] == ref["second"]
    for key in ("amplitude", "offset", "frequency", "phase", "y_0", "y_1", "recordables", "start", "stop"):
        assert ours["defaults"][key] == ref["defaults"][key], key


def step_times(nest) -> dict:
    out = {}
    g = nest.Create(
        "step_current_generator",
        params={
            "allow_offgrid_times": True,
            "amplitude_times": [1.05, 2.0, 2.31],
            "amplitude_values": [1.0, 2.0, 3.0],
        },
    )
    out["offgrid"] = list(g.amplitude_times)
    g2 = nest.Create(
        "step_current_generator", params={"amplitude_times": [1.0000001], "amplitude_values": [5.0]}
    )
    out["rounded"] = list(g2.amplitude_times)
    return out


def test_step_current_generator_times_as_nest() -> None:
    ref, ours = run_both(step_times)
    assert ours == ref


STEP_ERRORS = [
    {"amplitude_times": [1.0]},
    {"amplitude_values": [1.0]},
    {"amplitude_times": [1.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [0.0], "amplitude_values": [1.0]},
    {"amplitude_times": [-1.0], "amplitude_values": [1.0]},
    {"amplitude_times": [1.0, 1.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [2.0, 1.0], "amplitude_values": [1.0, 2.0]},
    {"amplitude_times": [1.005], "amplitude_values": [1.0]},
    {"amplitude_times": [1.005, 1.008], "amplitude_values": [1.0, 2.0], "allow_offgrid_times": True},
    {"start": 0.05},
    {"start": 5.0, "stop": 2.0},
]

NOISE_ERRORS = [
    {"dt": 0.015},
    {"dt": 0.0},
    {"std": -1.0},
    {"std_mod": -1.0},
    {"std": 1.0, "std_mod": 2.0},
    {"origin": -1.0},
]


def error_of(nest, model: str, params: dict, resolution: float = 0.1) -> tuple[str, str]:
    nest.resolution = resolution
    try:
        nest.Create(model, params=params)
    except nest.NESTError as err:
        name = type(err).__name__
        msg = str(err)
        # NEST numbers nodes from 1 and keeps a node whose parameters failed; compare the rest.
        return name, msg.split(": ", 1)[-1] if "node ID" in msg else msg
    return "", ""


OTHER_ERRORS = [
    ("poisson_generator", {"rate": -1.0}),
    ("poisson_generator", {"stop": 0.05}),
    ("dc_generator", {"start": -1.0}),
    ("ac_generator", {"start": 5.0, "stop": 2.0}),
]


@pytest.mark.parametrize(
    "model,params,resolution",
    [("step_current_generator", p, 0.1) for p in STEP_ERRORS]
    + [("noise_generator", p, 0.01) for p in NOISE_ERRORS]
    + [(m, p, 0.1) for m, p in OTHER_ERRORS],
)
def test_parameter_errors_as_nest(model: str, params: dict, resolution: float) -> None:
    ref, ours = run_both(error_of, model=model, params=params, resolution=resolution)
    assert ref[0], "NEST accepted the parameters"
    assert ours == ref


def step_changes(nest) -> dict:
    """Later SetStatus calls: allow_offgrid_times and the amplitude pointer."""
    g = nest.Create("step_current_generator", params={"amplitude_times": [1.0], "amplitude_values": [1.0]})
    errors = []
    for change in ({"allow_offgrid_times": True}, {"amplitude_values": [3.0]}):
        try:
            g.set(change)
        except nest.NESTError as err:
            errors.append(type(err).__name__ + str(err))
    n = nest.Create("iaf_psc_alpha", params={"V_th": 1000.0})
    nest.Connect(g, n)
    g.set(amplitude_times=[3.0, 8.0], amplitude_values=[200.0, 400.0])
    nest.Simulate(10.0)
    # Times in the past are skipped; the amplitude stays at its last value.
    g.set(amplitude_times=[5.0, 15.0], amplitude_values=[-300.0, 100.0])
    nest.Simulate(10.0)
    return {"errors": errors, "V_m": n.V_m}


def test_step_current_generator_updates_as_nest() -> None:
    ref, ours = run_both(step_changes)
    assert ours["errors"] == ref["errors"]
    assert abs(ours["V_m"] - ref["V_m"]) < 1e-9


# -------------------------------------------------------------- noise_generator
def noise_drive(nest, mean: float, std: float, std_mod: float = 0.0, dt: float = 0.5) -> dict:
    """Noise into near-perfect integrators: each step's change of V_m is the current
    the target received (times a constant), sampled for 200 targets."""
    nest.resolution = 0.1
    nest.rng_seed = 12345
    neurons = nest.Create("iaf_psc_alpha", 200, params={"V_th": 1e9, "tau_m": 1e7, "C_m": 100.0})
    noise = nest.Create(
        "noise_generator",
        params={
            "mean": mean,
            "std": std,
            "std_mod": std_mod,
            "dt": dt,
            "frequency": 40.0,
            "phase": 30.0,
            "start": 2.0,
            "stop": 80.0,
        },
    )
    nest.Connect(noise, neurons, syn_spec={"delay": 1.5})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, neurons)
    nest.Simulate(60.0)
    nest.Simulate(40.0)
    ev = mm.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    vm = ev["V_m"][order].reshape(-1, 200)
    return {
        "dv": np.diff(vm, axis=0),
        "status": noise.get(["mean", "std", "std_mod", "dt", "frequency", "phase"]),
    }


def _noise_blocks(dv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows where a new amplitude starts, and one sample row per active block."""
    change = np.any(np.abs(np.diff(dv, axis=0)) > 1e-6 * (1 + np.abs(dv[1:])), axis=1)
    starts = np.nonzero(change)[0] + 1
    active = starts[np.any(np.abs(dv[starts]) > 1e-3, axis=1)]
    return starts, dv[active]


@pytest.mark.parametrize("std_mod", [0.0, 150.0])
def test_noise_generator_statistics(std_mod: float) -> None:
    ref, ours = run_both(noise_drive, mean=100.0, std=200.0, std_mod=std_mod)
    assert ours["status"] == ref["status"]
    starts_ref, s_ref = _noise_blocks(ref["dv"])
    starts_our, s_our = _noise_blocks(ours["dv"])
    # The same steps draw new amplitudes (dt, start, stop, delay), 2 ms .. 80 ms every 0.5 ms.
    np.testing.assert_array_equal(starts_our, starts_ref)
    assert len(s_ref) == 156
    # Amplitudes: pooled two-sample KS test, 156 blocks x 200 targets.
    p = stats.ks_2samp(s_ref.ravel(), s_our.ravel()).pvalue
    assert p > 0.01, (p, s_ref.mean(), s_our.mean(), s_ref.std(), s_our.std())
    # The modulation: the spread across targets block by block agrees within sampling error.
    sd_ref, sd_our = s_ref.std(axis=1), s_our.std(axis=1)
    z2 = (sd_ref - sd_our) ** 2 / ((sd_ref**2 + sd_our**2) / (2 * 200))
    assert z2.mean() < 1.5, z2.mean()
    # Independent per target: amplitudes of different targets are uncorrelated.
    corr = np.corrcoef(s_our.T)
    assert abs(corr[~np.eye(200, dtype=bool)].mean()) < 0.02


def test_noise_generator_defaults() -> None:
    ref = __import__("nest").GetDefaults("noise_generator")
    ours = pynest_jax.GetDefaults("noise_generator")
    for key in ("mean", "std", "std_mod", "dt", "frequency", "phase", "recordables", "y_0", "y_1"):
        assert ours[key] == ref[key], key


# ------------------------------------------------------------- spike_generator
SPIKE_TIMES = [1.0, 2.0, 2.0, 2.5, 10.0, 10.1, 20.0, 35.5, 49.9]


def spike_drive(nest, resolution: float) -> dict:
    nest.resolution = resolution
    plain = nest.Create("spike_generator", params={"spike_times": SPIKE_TIMES})
    mult = nest.Create(
        "spike_generator",
        params={
            "spike_times": SPIKE_TIMES,
            "spike_multiplicities": [1, 2, 1, 3, 1, 1, 2, 1, 1],
            "origin": 3.0,
            "start": 1.0,
            "stop": 40.0,
        },
    )
    weighted = nest.Create(
        "spike_generator",
        params={
            "spike_times": SPIKE_TIMES,
            "spike_weights": [1.0, -2.0, 0.5, 3.0, -1.0, 1.5, 0.25, -0.5, 2.0],
        },
    )
    gens = plain + mult + weighted
    parrots = nest.Create("parrot_neuron", 3)
    neurons = nest.Create("iaf_psc_alpha", 3, params={"tau_syn_in": 5.0})
    nest.Connect(gens, parrots, "one_to_one", syn_spec={"delay": 1.2})
    nest.Connect(gens, neurons, "one_to_one", syn_spec={"weight": 300.0, "delay": 2.0})
    mm = nest.Create(
        "multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": resolution}
    )
    nest.Connect(mm, neurons)
    sr_gen, sr_parrot, sr_neuron = nest.Create("spike_recorder", 3)
    nest.Connect(gens, sr_gen)
    nest.Connect(parrots, sr_parrot)
    nest.Connect(neurons, sr_neuron)
    nest.Simulate(60.0)
    return {
        "gen": sr_gen.get("events"),
        "parrot": sr_parrot.get("events"),
        "neuron": sr_neuron.get("events"),
        "mm": mm.get("events"),
        "status": [g.get(["spike_times", "spike_weights", "spike_multiplicities"]) for g in gens],
    }


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_spike_generator_matches_nest(resolution: float) -> None:
    ref, ours = run_both(spike_drive, resolution=resolution)
    for key in ("gen", "parrot", "neuron"):
        assert_events_equal(ref[key], ours[key])
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    for a, b in zip(ref["status"], ours["status"], strict=True):
        for key in a:
            np.testing.assert_array_equal(b[key], a[key])
            assert np.asarray(b[key]).dtype == np.asarray(a[key]).dtype, key


def spike_rounding(nest) -> dict:
    """precise_times, allow_offgrid_times and shift_now_spikes, as stored and as recorded."""
    times = [0.25, 1.0000001, 2.04, 2.05, 3.0, 4.31, 4.39]
    precise = nest.Create("spike_generator", params={"precise_times": True, "spike_times": times})
    offgrid = nest.Create("spike_generator", params={"allow_offgrid_times": True, "spike_times": times})
    shift = nest.Create("spike_generator", params={"shift_now_spikes": True})
    parrots = nest.Create("parrot_neuron", 3)
    gens = precise + offgrid + shift
    nest.Connect(gens, parrots, "one_to_one")
    sr = nest.Create("spike_recorder")
    sr_steps = nest.Create("spike_recorder", params={"time_in_steps": True})
    sr_parrot = nest.Create("spike_recorder")
    nest.Connect(gens, sr)
    nest.Connect(gens, sr_steps)
    nest.Connect(parrots, sr_parrot)
    nest.Simulate(5.0)
    shift.set(spike_times=[5.0, 5.0, 6.0, 8.0])
    shifted = list(shift.spike_times)
    shift.set(origin=2.0, spike_times=[3.0, 4.0])
    nest.Simulate(5.0)
    return {
        "precise": list(precise.spike_times),
        "offgrid": list(offgrid.spike_times),
        "shifted": shifted,
        "shifted_origin": list(shift.spike_times),
        "sr": sr.get("events"),
        "sr_steps": sr_steps.get("events"),
        "parrot": sr_parrot.get("events"),
    }


def test_spike_generator_rounding_as_nest() -> None:
    ref, ours = run_both(spike_rounding)
    for key in ("precise", "offgrid", "shifted", "shifted_origin"):
        assert ours[key] == ref[key], key
    for key in ("sr", "sr_steps", "parrot"):
        assert list(ours[key]) == list(ref[key]), key
        for k in ref[key]:
            np.testing.assert_array_equal(ours[key][k], ref[key][k], err_msg=f"{key}.{k}")


SPIKE_ERRORS = [
    {"spike_times": [2.0, 1.0]},
    {"spike_times": [0.0]},
    {"spike_times": [1.05]},
    {"spike_times": [1.05, 1.01], "allow_offgrid_times": True},
    {"spike_times": [1.05, 1.01], "precise_times": True},
    {"spike_times": [1.0], "spike_multiplicities": [1, 2]},
    {"spike_times": [1.0], "spike_weights": [1.0, 2.0]},
    {"spike_times": [1.0, 2.0], "spike_multiplicities": [1.5, 2.0]},
    {"precise_times": True, "allow_offgrid_times": True},
    {"precise_times": True, "shift_now_spikes": True},
    {"origin": 0.05},
]


@pytest.mark.parametrize("params", SPIKE_ERRORS)
def test_spike_generator_errors_as_nest(params: dict) -> None:
    ref, ours = run_both(error_of, model="spike_generator", params=params)
    assert ref[0], "NEST accepted the parameters"
    assert ours == ref


def spike_option_change(nest) -> list:
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    out = []
    for change in (
        {"precise_times": True},
        {"spike_weights": [2.0]},
        {"spike_times": [1.0, 2.0], "allow_offgrid_times": True},
    ):
        try:
            sg.set(change)
            out.append("ok")
        except nest.NESTError as err:
            out.append(type(err).__name__ + str(err))
    return out


def test_spike_generator_option_changes_as_nest() -> None:
    ref, ours = run_both(spike_option_change)
    assert ours == ref


# ----------------------------------------------------------- poisson_generator
def poisson_drive(nest, n: int = 1000, rate: float = 40.0, seed: int = 7) -> dict:
    nest.rng_seed = seed
    pg = nest.Create("poisson_generator", params={"rate": rate})
    window = nest.Create(
        "poisson_generator", params={"rate": 1e5, "start": 50.0, "stop": 60.0, "origin": 5.0}
    )
    parrots = nest.Create("parrot_neuron", n)
    watch = nest.Create("parrot_neuron", 3)
    nest.Connect(pg, parrots, syn_spec={"delay": 1.0})
    nest.Connect(window, watch, syn_spec={"delay": 2.0})
    sr = nest.Create("spike_recorder")
    sr_watch = nest.Create("spike_recorder")
    nest.Connect(parrots, sr)
    nest.Connect(watch, sr_watch)
    nest.Simulate(200.0)
    return {"sr": sr.get("events"), "watch": sr_watch.get("events"), "first": int(parrots[0].global_id)}


def _counts_and_isis(events: dict, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    senders, times = events["senders"], events["times"]
    counts = np.bincount(senders - first, minlength=n)
    isis = []
    for s in range(n):
        t = np.sort(times[senders == first + s])
        isis.append(np.diff(t))
    return counts, np.concatenate(isis)


def test_poisson_generator_statistics() -> None:
    n, rate, T = 1000, 40.0, 199.0  # parrots repeat with delay 1 ms: 199 ms of spikes
    ref, ours = run_both(poisson_drive, n=n, rate=rate)
    c_ref, isi_ref = _counts_and_isis(ref["sr"], ref["first"], n)
    c_our, isi_our = _counts_and_isis(ours["sr"], ours["first"], n)
    expected = rate * T / 1000.0
    assert abs(c_our.mean() - expected) < 4 * np.sqrt(expected / n)
    assert stats.ks_2samp(c_ref, c_our).pvalue > 0.01
    assert stats.ks_2samp(isi_ref, isi_our).pvalue > 0.01
    # Independent trains: binned counts of different targets are uncorrelated.
    bins = np.arange(0.0, 201.0, 10.0)
    bins[-1] += 1.0  # the last bin includes t = 200
    senders, times = ours["sr"]["senders"] - ours["first"], ours["sr"]["times"]
    binned = np.zeros((n, len(bins) - 1))
    np.add.at(binned, (senders, np.digitize(times, bins) - 1), 1)
    corr = np.corrcoef(binned[:200])
    off_diag = corr[~np.eye(200, dtype=bool)]
    assert abs(off_diag.mean()) < 0.01
    # Spikes lie on the grid and parrots repeat them one delay later: times are multiples of h.
    np.testing.assert_allclose(np.round(times * 10), times * 10, atol=1e-9)


def random_split(nest, splits: tuple[float, ...]) -> dict:
    nest.rng_seed = 3
    pg = nest.Create("poisson_generator", params={"rate": 300.0, "start": 3.0})
    ng = nest.Create("noise_generator", params={"mean": 200.0, "std": 300.0, "dt": 0.3, "stop": 40.0})
    parrots = nest.Create("parrot_neuron", 20)
    neurons = nest.Create("iaf_psc_alpha", 5)
    nest.Connect(pg, parrots)
    nest.Connect(ng, neurons, syn_spec={"delay": 1.7})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(parrots, sr)
    nest.Connect(mm, neurons)
    for t in splits:
        nest.Simulate(t)
    return {"sr": sr.get("events"), "mm": mm.get("events")}


def _by_time_and_sender(events: dict) -> dict:
    order = np.lexsort((events["senders"], events["times"]))
    return {name: np.asarray(v)[order] for name, v in events.items()}


def test_random_devices_split_simulate_is_one_call() -> None:
    """Random devices draw per step, not per call: a split run gives the same events.
    (In the order of time and sender: a recorder gets a slice's spikes by sender, and a
    Simulate ending inside a slice hands over its first part on its own, as in NEST.)"""
    pynest_jax.ResetKernel()
    whole = random_split(pynest_jax, (60.0,))
    pynest_jax.ResetKernel()
    split = random_split(pynest_jax, (0.1, 2.9, 13.3, 0.7, 43.0))
    for key in ("sr", "mm"):
        assert_events_equal(*(_by_time_and_sender(run[key]) for run in (whole, split)), atol=0.0)
    assert len(whole["sr"]["times"]) > 100


def test_poisson_generator_window() -> None:
    """start/stop/origin: spikes in (origin+start+h, origin+stop+h], as NEST (rate so high
    that every step has spikes)."""
    ref, ours = run_both(poisson_drive, n=1, rate=1.0)
    for res in (ref, ours):
        t = res["watch"]["times"]
        assert t.min() == pytest.approx(57.2) and t.max() == pytest.approx(67.1)
    np.testing.assert_array_equal(np.unique(ours["watch"]["times"]), np.unique(ref["watch"]["times"]))


def poisson_to_recorder(nest):
    pg = nest.Create("poisson_generator", params={"rate": 1000.0, "start": 10.0, "stop": 900.0})
    sr = nest.Create("spike_recorder")
    for _ in range(20):  # every connection gets its own train, as in NEST
        nest.Connect(pg, sr)
    nest.Simulate(1000.0)
    ev = sr.events
    return {
        "n": int(sr.n_events),
        "t": (float(ev["times"].min()), float(ev["times"].max())),
        "senders": set(ev["senders"]),
    }


def test_poisson_generator_recorded_directly_matches_nest() -> None:
    ref, ours = run_both(poisson_to_recorder)
    # Two Poisson counts of about 17,800: equal means within 3.3 standard deviations.
    assert abs(ours["n"] - ref["n"]) < 3.3 * np.sqrt(ref["n"] + ours["n"])
    assert ours["senders"] == ref["senders"] == {1}
    assert 10.0 < ours["t"][0] and ours["t"][1] <= 900.1


GENERATORS_WITH_I = {
    "dc_generator": {"amplitude": 100.0, "start": 0.5, "stop": 1.0},
    "step_current_generator": {"amplitude_times": [0.3, 0.8], "amplitude_values": [5.0, 7.0]},
    "ac_generator": {"amplitude": 10.0, "offset": 2.0, "frequency": 1000.0, "phase": 20.0},
}


def generator_current(nest, model: str, resolution: float):
    nest.resolution = resolution
    g = nest.Create(model, params=GENERATORS_WITH_I[model])
    mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": resolution})
    nest.Connect(mm, g)
    n = nest.Create("iaf_psc_alpha")
    nest.Connect(g, n, syn_spec={"delay": 1.0})
    nest.Simulate(2.5)
    nest.Simulate(1.0)
    return {"mm": mm.events}


@pytest.mark.parametrize("resolution", [0.1, 0.01])
@pytest.mark.parametrize("model", sorted(GENERATORS_WITH_I))
def test_multimeter_records_generator_current_as_nest(model: str, resolution: float) -> None:
    ref, ours = run_both(generator_current, model=model, resolution=resolution)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert len(ref["mm"]["I"]) > 0
