"""iaf_psc_alpha against NEST 3.10: every recordable, spike times and event counts."""

from __future__ import annotations

import pytest
from compare import assert_events_equal, run_both


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
