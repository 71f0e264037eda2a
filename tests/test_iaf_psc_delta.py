"""iaf_psc_delta against NEST 3.10: every recordable, spike times, event counts and errors."""

from __future__ import annotations

import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import (
    assert_refractory_input,
    assert_same_run,
    by_time,
    connect_error_of,
    dc_neuron,
    error_of,
    spike_neuron,
    status_of,
)

MODEL = "iaf_psc_delta"


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_step_current(resolution: float) -> None:
    ref = assert_same_run(dc_neuron, model=MODEL, resolution=resolution, params={})
    assert len(ref["sr"]["times"]) > 0


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_spikes_with_and_without_refractory_input(resolution: float) -> None:
    """Voltage jumps (weights in mV); input while refractory is dropped or, with
    ``refractory_input``, added after the refractory period, discounted by the decay."""
    params = [{"refractory_input": False}, {"refractory_input": True, "V_min": -71.0}]
    ref = assert_same_run(
        spike_neuron, model=MODEL, resolution=resolution, params=params, kick=20.0, scale=0.01
    )
    assert_refractory_input(ref, 2.0)
    bounded = ref["mm"]["V_m"][ref["mm"]["senders"] == 2]
    assert min(bounded) == -71.0  # the lower bound is reached


def forced_spikes(nest, resolution: float):
    """ignore_and_spike: spikes at offset, then every interval, whatever the dynamics;
    setting the offset restarts the schedule, setting only the interval does not."""
    nest.resolution = resolution
    n = nest.Create(
        MODEL,
        2,
        params=[
            {
                "ignore_and_spike": True,
                "ignore_and_spike_offset": 2.04,
                "ignore_and_spike_interval": 3.01,
                "I_e": 600.0,
            },
            {"ignore_and_spike_offset": 1.0, "ignore_and_spike_interval": 7.0, "I_e": 500.0, "t_ref": 0.5},
        ],
    )
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": resolution})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(10.0)
    n[0].set(ignore_and_spike_interval=2.0)
    n[1].set(ignore_and_spike=True)
    nest.Simulate(10.0)
    n[0].set(ignore_and_spike_offset=0.5)
    n[1].set(ignore_and_spike=False)
    nest.Simulate(10.0)
    n[1].set(ignore_and_spike=True)
    nest.Simulate(10.0)
    return {"mm": mm.get("events"), "sr": sr.get("events")}


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_ignore_and_spike(resolution: float) -> None:
    ref, ours = run_both(forced_spikes, resolution=resolution)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(by_time(ref["sr"]), by_time(ours["sr"]))
    assert len(ref["sr"]["times"]) > 10


ERROR_CASES = [
    {"V_reset": -50.0},
    {"C_m": 0.0},
    {"tau_m": 0.0},
    {"t_ref": -1.0},
    {"C_m": 0.0, "t_ref": -1.0},
    {"t_ref": -1.0, "tau_m": -1.0},
    {"V_reset": -50.0, "C_m": -1.0},
    {"tau_m": -1.0, "tau_minus": -1.0},
    {"tau_minus": 0.0},
    {"ignore_and_spike_offset": -1.0},
    {"ignore_and_spike_interval": 0.0},
    {"ignore_and_spike_interval": 0.0, "ignore_and_spike_offset": 0.0},
    {"V_min": -40.0},
    {"refractory_input": "a"},
    {"refractory_input": 1},
    {"ignore_and_spike": 2.5},
    {"tau_syn_ex": 2.0},
]


@pytest.mark.parametrize("params", ERROR_CASES, ids=lambda d: "-".join(d))
def test_parameter_errors(params: dict) -> None:
    ref, ours = run_both(error_of, model=MODEL, params=params)
    assert ours == ref


@pytest.mark.parametrize("source", ["spike_generator", "dc_generator", "multimeter", MODEL])
def test_receptor_types(source: str) -> None:
    for receptor in (0, 1):
        ref, ours = run_both(connect_error_of, model=MODEL, params={}, source=source, receptor=receptor)
        assert ours == ref, receptor


def test_status() -> None:
    """Every status entry NEST shows, with NEST's values."""
    ref, ours = run_both(status_of, model=MODEL, params={"I_e": 10.0})
    assert ours == ref
