"""iaf_psc_alpha_multisynapse against NEST 3.10: recordables, spikes, ports and errors."""

from __future__ import annotations

import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import (
    assert_refractory_input,
    assert_same_run,
    by_time,
    changing_ports,
    connect_error_of,
    dc_neuron,
    error_of,
    port_change_errors,
    spike_neuron,
    status_of,
)

MODEL = "iaf_psc_alpha_multisynapse"
TAU_SYN = [0.5, 2.0, 5.0]


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_step_current(resolution: float) -> None:
    ref = assert_same_run(dc_neuron, model=MODEL, resolution=resolution, params={"tau_syn": TAU_SYN})
    assert len(ref["sr"]["times"]) > 0


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_spikes_on_every_port(resolution: float) -> None:
    """Excitatory and inhibitory spikes on ports 1..3, and on a node bounded by V_min."""
    params = [{"tau_syn": TAU_SYN}, {"tau_syn": TAU_SYN, "V_min": -72.0, "t_ref": 3.0}]
    ref = assert_same_run(
        spike_neuron, model=MODEL, resolution=resolution, params=params, ports=(1, 2, 3), scale=0.5
    )
    assert_refractory_input(ref, 2.0)
    assert min(ref["mm"]["V_m"][ref["mm"]["senders"] == 2]) == -72.0


def test_synaptic_time_constants_near_tau_m() -> None:
    params = {"tau_m": 10.0, "tau_syn": [10.0, 9.995, 10.05, 10.0 - 1e-9]}
    assert_same_run(spike_neuron, model=MODEL, resolution=0.1, params=params, ports=(1, 2, 3, 4), scale=0.2)


def test_ports_of_different_nodes_and_runs() -> None:
    ref, ours = run_both(changing_ports, model=MODEL, resolution=0.1)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(by_time(ref["sr"]), by_time(ours["sr"]))
    assert ours["n_events"] == ref["n_events"]
    assert ours["status"] == ref["status"]


def test_changing_ports_with_connections() -> None:
    ref, ours = run_both(port_change_errors, model=MODEL)
    assert ours == ref


ERROR_CASES = [
    {"V_reset": -50.0},
    {"C_m": 0.0},
    {"tau_m": 0.0},
    {"t_ref": -1.0},
    {"tau_syn": [1.0, 0.0]},
    {"tau_syn": [1.0, -1.0], "t_ref": -1.0},
    {"tau_syn": [0.0], "C_m": -1.0},
    {"V_reset": -50.0, "C_m": 0.0},
    {"t_ref": -1.0, "V_reset": -50.0},
    {"V_reset": -50.0, "tau_minus": -1.0},
    {"ignore_and_spike_offset": 0.0},
    {"tau_syn": [10.0]},
    {"tau_syn": []},
    {"tau_syn": 3.0},
    {"n_synapses": 3},
    {"has_connections": True},
    {"tau_syn_ex": 2.0},
]


@pytest.mark.parametrize("params", ERROR_CASES, ids=lambda d: "-".join(d))
def test_parameter_errors(params: dict) -> None:
    ref, ours = run_both(error_of, model=MODEL, params=params)
    assert ours == ref


@pytest.mark.parametrize(
    "source", ["spike_generator", "dc_generator", "poisson_generator", "multimeter", MODEL]
)
def test_receptor_types(source: str) -> None:
    """Spikes on ports 1..n (else IncompatibleReceptorType), currents and multimeters on 0."""
    for receptor in (0, 1, 2, 3):
        ref, ours = run_both(
            connect_error_of, model=MODEL, params={"tau_syn": [1.0, 2.0]}, source=source, receptor=receptor
        )
        assert ours == ref, receptor


def test_status() -> None:
    """Every status entry NEST shows, with NEST's values."""
    ref, ours = run_both(status_of, model=MODEL, params={"tau_syn": [1.0, 2.0, 3.0]})
    assert ours == ref
