"""iaf_psc_alpha against NEST 3.10: every recordable, spike times and event counts."""

from __future__ import annotations

import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import assert_refractory_input, assert_same_run, error_of, spike_neuron


def single_neuron(nest, model: str, resolution: float, drive: str, sim: float = 100.0):
    nest.resolution = resolution
    n = nest.Create(model, params={"I_e": 0.0})
    mm = nest.Create("multimeter", params={"record_from": list(n.get("recordables")), "interval": resolution})
    sr = nest.Create("spike_recorder")
    if drive == "dc":
        dc = nest.Create("dc_generator", params={"amplitude": 600.0, "start": 5.0, "stop": 60.0})
        nest.Connect(dc, n)
    elif drive == "spikes":
        times = [2.0, 5.0, 5.5, 10.0, 12.3, 30.0, 31.0, 32.0, 33.0, 34.0, 50.0]
        sg_ex = nest.Create("spike_generator", params={"spike_times": times})
        sg_in = nest.Create("spike_generator", params={"spike_times": [7.0, 20.0, 20.1, 45.0]})
        nest.Connect(sg_ex, n, syn_spec={"weight": 900.0, "delay": 1.0})
        nest.Connect(sg_ex, n, syn_spec={"weight": 300.0, "delay": 3.7})
        nest.Connect(sg_in, n, syn_spec={"weight": -500.0, "delay": 2.0})
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(sim)
    return {"mm": mm.get("events"), "sr": sr.get("events"), "n_events": (mm.n_events, sr.n_events)}


@pytest.mark.parametrize("resolution", [0.1, 0.01])
@pytest.mark.parametrize("drive", ["dc", "spikes"])
def test_single_neuron_matches_nest(resolution: float, drive: str) -> None:
    ref, ours = run_both(single_neuron, model="iaf_psc_alpha", resolution=resolution, drive=drive)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(ref["sr"], ours["sr"])
    assert ref["n_events"] == ours["n_events"]
    assert len(ref["sr"]["times"]) > 0


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_input_during_refractoriness(resolution: float) -> None:
    """A volley makes the neuron fire; spikes arriving while it is refractory still
    shape its synaptic currents but not its (clamped) membrane potential."""
    ref = assert_same_run(spike_neuron, model="iaf_psc_alpha", resolution=resolution, params={"t_ref": 2.0})
    assert_refractory_input(ref, 2.0)


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_synaptic_time_constants_near_tau_m(resolution: float) -> None:
    """tau_syn == tau_m (singular propagators), |tau_m - tau_syn| = 0.005 and 0.05, and
    1e-4 and 1e-9, where NEST 3.10 switches P31 to its singular limit once
    h <= 1e-7 * tau_m**2 / |tau_m - tau_syn| (so 1e-4 does at h = 0.01, not at 0.1)."""
    params = [
        {"tau_m": 10.0, "tau_syn_ex": 10.0 - d, "tau_syn_in": 10.0 + d}
        for d in (0.0, 0.005, 0.05, 1e-4, 1e-9)
    ]
    ref = assert_same_run(
        spike_neuron, model="iaf_psc_alpha", resolution=resolution, params=params, scale=0.3
    )
    assert len(set(ref["sr"]["senders"])) == len(params)


@pytest.mark.parametrize(
    "params",
    [
        {"V_reset": -50.0, "C_m": 0.0},
        {"t_ref": -1.0, "V_reset": -50.0},
        {"tau_syn_ex": 0.0, "t_ref": -1.0},
        {"tau_m": 0.0, "tau_syn_in": 0.0},
        {"V_reset": -50.0, "tau_minus": -1.0},
        {"tau_minus_triplet": -1.0},
    ],
    ids=lambda d: "-".join(d),
)
def test_parameter_error_order(params: dict) -> None:
    """NEST 3.10 checks C_m, tau_m, tau_syn_*, t_ref, V_reset, then the archiving node's values."""
    ref, ours = run_both(error_of, model="iaf_psc_alpha", params=params)
    assert ours == ref
