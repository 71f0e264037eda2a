"""iaf_psc_exp against NEST 3.10: every recordable, spike times, event counts and errors."""

from __future__ import annotations

import numpy as np
import pytest
from compare import run_both
from iaf_psc_scenarios import (
    assert_refractory_input,
    assert_same_run,
    connect_error_of,
    dc_neuron,
    error_of,
    spike_neuron,
    status_of,
)

MODEL = "iaf_psc_exp"


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_step_currents_on_both_receptors(resolution: float) -> None:
    """Receptor 0 enters V_m directly; receptor 1 is filtered by the excitatory synapse."""
    ref = assert_same_run(dc_neuron, model=MODEL, resolution=resolution, params={}, receptors=(0, 1))
    assert len(ref["sr"]["times"]) > 0


@pytest.mark.parametrize("resolution", [0.1, 0.01])
def test_spikes(resolution: float) -> None:
    ref = assert_same_run(spike_neuron, model=MODEL, resolution=resolution, params={"t_ref": 2.0})
    assert_refractory_input(ref, 2.0)


def test_synaptic_time_constants_near_tau_m() -> None:
    """The propagator's singular limit and its neighbourhood, one neuron per case."""
    params = [
        {"tau_m": 10.0, "tau_syn_ex": 10.0 - d, "tau_syn_in": 10.0 + d} for d in (0.0, 0.005, 0.05, 1e-9)
    ]
    ref = assert_same_run(spike_neuron, model=MODEL, resolution=0.1, params=params, kick=3000.0, scale=0.5)
    assert len(set(ref["sr"]["senders"])) == len(params)


def escape_noise(nest, n: int = 2000):
    nest.rng_seed = 12
    nrn = nest.Create(MODEL, n, params={"V_th": -69.0, "delta": 1.0, "rho": 200.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(nrn, sr)
    nest.Simulate(100.0)
    return {"n": sr.n_events, "V_m": np.asarray(nrn.get("V_m"))}


def test_escape_noise_rate() -> None:
    """With delta > 0 the neuron fires at rate rho * exp((V_m - V_th) / delta), refractory
    or not (NEST draws in every step): same count within 5% (random numbers differ)."""
    ref, ours = run_both(escape_noise)
    expected = 2000 * 0.1 * 200.0 * np.exp(-1.0)
    assert abs(ours["n"] - ref["n"]) < 0.05 * ref["n"]
    assert abs(ours["n"] - expected) < 0.05 * expected
    np.testing.assert_allclose(ours["V_m"], ref["V_m"], atol=1e-9)  # no drive: V_m stays at E_L


ERROR_CASES = [
    {"V_reset": -50.0},
    {"C_m": 0.0},
    {"tau_m": 0.0},
    {"tau_syn_ex": 0.0},
    {"tau_syn_in": -1.0},
    {"t_ref": -1.0},
    {"rho": -1.0},
    {"delta": -1.0},
    {"C_m": 0.0, "V_reset": -50.0},
    {"tau_m": -1.0, "t_ref": -1.0},
    {"t_ref": -1.0, "rho": -1.0},
    {"rho": -1.0, "delta": -1.0},
    {"delta": -1.0, "tau_minus": -1.0},
    {"tau_minus_triplet": 0.0},
    {"ignore_and_spike_offset": 0.0},
    {"ignore_and_spike_interval": -1.0},
    {"V_min": -80.0},
    {"I_syn_ex": 1.0},
    {"tau_syn_ex": 10.0, "delta": 0.5, "rho": 0.0},
]


@pytest.mark.parametrize("params", ERROR_CASES, ids=lambda d: "-".join(d))
def test_parameter_errors(params: dict) -> None:
    ref, ours = run_both(error_of, model=MODEL, params=params)
    assert ours == ref


@pytest.mark.parametrize(
    "source", ["spike_generator", "dc_generator", "poisson_generator", "multimeter", MODEL]
)
def test_receptor_types(source: str) -> None:
    """Spikes and multimeters on receptor 0 only, currents on receptors 0 and 1."""
    for receptor in (0, 1, 2):
        ref, ours = run_both(connect_error_of, model=MODEL, params={}, source=source, receptor=receptor)
        assert ours == ref, receptor


def test_status() -> None:
    """Every status entry NEST shows, with NEST's values."""
    ref, ours = run_both(status_of, model=MODEL, params={"I_e": 10.0})
    assert ours == ref
