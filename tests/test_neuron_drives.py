"""Every neuron model driven by step_current_generator and ac_generator, against NEST 3.10.

Complements the per-model files (dc and spike input): all recordables within
1e-9 at every step, identical spike times and event counts, at 0.1 and 0.01 ms.
"""

from __future__ import annotations

import pytest
from compare import assert_events_equal, run_both
from iaf_psc_scenarios import record

MODELS = [
    "iaf_psc_alpha",
    "iaf_psc_exp",
    "iaf_psc_delta",
    "iaf_psc_alpha_multisynapse",
    "iaf_psc_exp_multisynapse",
]


def driven(nest, model: str, resolution: float, drive: str):
    nest.resolution = resolution
    n = nest.Create(model, 2, params={"I_e": 100.0})
    if drive == "step":
        gen = nest.Create(
            "step_current_generator",
            params={
                "amplitude_times": [5.0, 20.0, 41.3, 60.0],
                "amplitude_values": [400.0, -200.0, 700.0, 0.0],
            },
        )
        nest.Connect(gen, n[0], syn_spec={"delay": 1.2, "weight": 1.0})
        nest.Connect(gen, n[1], syn_spec={"delay": 2.5, "weight": 0.7})
    else:
        gen = nest.Create(
            "ac_generator",
            params={"amplitude": 500.0, "offset": 250.0, "frequency": 35.0, "phase": 30.0, "start": 3.0},
        )
        nest.Connect(gen, n, syn_spec={"delay": 1.5})
    return record(nest, n, resolution, 80.0)


@pytest.mark.parametrize("drive", ["step", "ac"])
@pytest.mark.parametrize("resolution", [0.1, 0.01])
@pytest.mark.parametrize("model", MODELS)
def test_current_generators_drive_every_model_as_in_nest(model: str, resolution: float, drive: str) -> None:
    ref, ours = run_both(driven, model=model, resolution=resolution, drive=drive)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(ref["sr"], ours["sr"])
    assert ours["n_events"] == ref["n_events"]
    assert len(ref["sr"]["times"]) > 0
