"""A small PyNN network on ``pyNN.nest``; prints what it recorded as one JSON line.

Run it as ``python small_network.py`` (real NEST) or ``python -m pynest_jax
small_network.py`` (pynest_jax); tests/test_pynn.py compares the two outputs.

20 excitatory and 5 inhibitory ``IF_curr_alpha`` cells with ``StaticSynapse``
projections (``AllToAllConnector``, ``OneToOneConnector`` and
``FixedProbabilityConnector``), driven by heterogeneous bias currents
(``i_offset``), a ``DCSource`` step and a ``SpikeSourceArray``. Nothing in it is
random on the simulator's side: the probabilistic connections are drawn by PyNN
itself from a seeded ``NumpyRNG``, so both engines get the same network.

``spike_precision="on_grid"``: with PyNN's default ("off_grid") a
``SpikeSourceArray`` feeds ``parrot_neuron_ps``, a precise-timing model that
pynest_jax does not have.

Output (after ``MARKER``): per population the spike count and each cell's spike
times; the total count; the membrane potential of two excitatory cells; per
projection its size and its (pre index, post index, weight, delay) list.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pyNN.nest as sim
from pyNN.random import NumpyRNG

N_EXC, N_INH = 20, 5
T_STOP = 200.0
MARKER = "PYNN_RESULT "  # NEST prints a banner on stdout: the result is the line with this prefix


def build() -> tuple[dict[str, Any], dict[str, Any]]:
    """Set PyNN up and build the network; returns its populations and projections."""
    sim.setup(timestep=0.1, min_delay=0.5, max_delay=5.0, spike_precision="on_grid")

    cell = dict(tau_m=20.0, cm=0.25, v_rest=-65.0, v_reset=-70.0, v_thresh=-52.0, tau_refrac=2.0)
    exc = sim.Population(
        N_EXC,
        sim.IF_curr_alpha(i_offset=np.linspace(0.0, 0.4, N_EXC), tau_syn_E=2.0, tau_syn_I=5.0, **cell),
        label="exc",
    )
    inh = sim.Population(N_INH, sim.IF_curr_alpha(i_offset=0.1, **cell), label="inh")
    exc.initialize(v=np.linspace(-70.0, -55.0, N_EXC))
    inh.initialize(v=-65.0)
    spike_times = [[10.0, 30.0, 50.0], [20.0, 60.0], [5.0, 80.0, 120.0]]
    stim = sim.Population(3, sim.SpikeSourceArray(spike_times=spike_times), label="stim")

    step = sim.DCSource(amplitude=0.3, start=50.0, stop=150.0)
    step.inject_into(exc[:10])

    rng = NumpyRNG(seed=1234)
    excitatory, inhibitory = "excitatory", "inhibitory"
    projections = {
        "stim_exc": sim.Projection(
            stim,
            exc,
            sim.AllToAllConnector(),
            sim.StaticSynapse(weight=0.3, delay=1.0),
            receptor_type=excitatory,
        ),
        "exc_exc": sim.Projection(
            exc,
            exc,
            sim.FixedProbabilityConnector(0.2, allow_self_connections=False, rng=rng),
            sim.StaticSynapse(weight=0.05, delay=1.5),
            receptor_type=excitatory,
        ),
        "exc_inh": sim.Projection(
            exc,
            inh,
            sim.AllToAllConnector(),
            sim.StaticSynapse(weight=0.04, delay=1.0),
            receptor_type=excitatory,
        ),
        "inh_exc": sim.Projection(
            inh,
            exc,
            sim.FixedProbabilityConnector(0.5, rng=rng),
            sim.StaticSynapse(weight=-0.1, delay=2.0),
            receptor_type=inhibitory,
        ),
        "stim_inh": sim.Projection(
            stim, inh[:3], sim.OneToOneConnector(), sim.StaticSynapse(weight=0.5, delay=0.5)
        ),
    }
    return {"exc": exc, "inh": inh, "stim": stim}, projections


def main() -> None:
    """Build, run and report the network."""
    populations, projections = build()
    for pop in populations.values():
        pop.record("spikes")
    populations["exc"][:2].record("v")
    sim.run(T_STOP)

    result: dict[str, Any] = {"populations": {}}
    for label, pop in populations.items():
        trains = [[float(t) for t in st.magnitude] for st in pop.get_data("spikes").segments[0].spiketrains]
        result["populations"][label] = {"count": sum(len(t) for t in trains), "trains": trains}
    result["total"] = sum(p["count"] for p in result["populations"].values())
    v = populations["exc"].get_data("v").segments[0].analogsignals[0]
    result["v"] = np.asarray(v.magnitude).T.tolist()
    result["projections"] = {
        name: {
            "size": prj.size(),
            "connections": [
                [int(i), int(j), float(w), float(d)]
                for i, j, w, d in prj.get(["weight", "delay"], format="list")
            ],
        }
        for name, prj in projections.items()
    }
    result["t"] = float(sim.get_current_time())
    sim.end()
    sys.stdout.write(MARKER + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
