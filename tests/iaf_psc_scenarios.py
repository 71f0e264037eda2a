"""Single-neuron scenarios shared by the tests of the current-based IAF models.

Each scenario is written against the PyNEST API and run in NEST 3.10 and in
pynest_jax by ``compare.run_both``. They drive one neuron through every input
it accepts: step currents from ``dc_generator`` (with start and stop) and
spikes from ``spike_generator`` on every receptor port, excitatory and
inhibitory, with several delays (the smallest one sets the min delay), some
arriving while the neuron is refractory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from compare import assert_events_equal, run_both

# A volley that makes the neuron fire at once, then input during its refractory period.
KICK_TIMES = [10.0, 40.0, 70.0]
REFRACTORY_TIMES = [10.4, 10.8, 11.3, 40.5, 41.0, 70.2, 71.5]
EX_TIMES = [2.0, 5.0, 5.5, 12.3, 20.0, 30.0, 31.0, 32.0, 33.0, 34.0, 50.0, 55.0]
IN_TIMES = [7.0, 20.0, 20.1, 45.0, 60.0]
DELAYS = (0.5, 1.0, 3.7)


def record(nest, n, resolution: float, sim: float) -> dict[str, Any]:
    """Attach a multimeter (every recordable, every step) and a spike recorder, then simulate."""
    mm = nest.Create(
        "multimeter", params={"record_from": list(n[0].get("recordables")), "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(sim)
    return {"mm": mm.get("events"), "sr": sr.get("events"), "n_events": (mm.n_events, sr.n_events)}


def create(nest, model: str, params: dict | list[dict]):
    """One neuron per parameter dictionary."""
    if isinstance(params, dict):
        return nest.Create(model, params=params)
    return nest.Create(model, len(params), params=params)


def dc_neuron(
    nest,
    model: str,
    resolution: float,
    params: dict | list[dict],
    receptors: tuple[int, ...] = (0,),
    sim: float = 100.0,
):
    """Neurons driven by step currents on the given receptors (one dc_generator each)."""
    nest.resolution = resolution
    n = create(nest, model, params)
    for k, receptor in enumerate(receptors):
        dc = nest.Create(
            "dc_generator",
            params={"amplitude": 600.0 - 150.0 * k, "start": 5.0 + 15.0 * k, "stop": 60.0 + 10.0 * k},
        )
        nest.Connect(dc, n, syn_spec={"receptor_type": receptor, "delay": 1.0 + k})
    return record(nest, n, resolution, sim)


def spike_neuron(
    nest,
    model: str,
    resolution: float,
    params: dict | list[dict],
    ports: tuple[int, ...] = (0,),
    kick: float = 5000.0,
    scale: float = 1.0,
    sim: float = 100.0,
    then: dict | None = None,
):
    """Neurons driven by excitatory and inhibitory spikes on every port, with several
    delays, plus a strong volley on the first port followed by input during refractoriness."""
    nest.resolution = resolution
    n = create(nest, model, params)
    if then:
        n.set(then)
    sg_ex = nest.Create("spike_generator", params={"spike_times": EX_TIMES})
    sg_in = nest.Create("spike_generator", params={"spike_times": IN_TIMES})
    sg_kick = nest.Create("spike_generator", params={"spike_times": KICK_TIMES})
    sg_refr = nest.Create("spike_generator", params={"spike_times": REFRACTORY_TIMES})
    for k, port in enumerate(ports):
        for j, delay in enumerate(DELAYS):
            w = scale * (300.0 + 100.0 * j + 50.0 * k)
            nest.Connect(sg_ex, n, syn_spec={"weight": w, "delay": delay, "receptor_type": port})
            nest.Connect(sg_in, n, syn_spec={"weight": -1.5 * w, "delay": delay + 0.5, "receptor_type": port})
        nest.Connect(sg_refr, n, syn_spec={"weight": scale * 400.0, "delay": 1.0, "receptor_type": port})
        nest.Connect(sg_refr, n, syn_spec={"weight": -scale * 250.0, "delay": 1.5, "receptor_type": port})
    nest.Connect(sg_kick, n, syn_spec={"weight": kick, "delay": 1.0, "receptor_type": ports[0]})
    return record(nest, n, resolution, sim)


def by_time(events: dict[str, Any]) -> dict[str, Any]:
    """Spike events ordered by time, then sender.

    NEST delivers the spikes of one min-delay slice node by node (each node is
    updated through the whole slice in turn), so a recorder lists them by sender
    within a slice; that ordering belongs to the recorder, not to the neuron
    model, and the multi-neuron comparisons here sort it out.
    """
    order = np.lexsort((np.asarray(events["senders"]), np.asarray(events["times"])))
    return {k: np.asarray(v)[order] for k, v in events.items()}


def assert_same_run(scenario, **kw: Any) -> dict[str, Any]:
    """Run in both simulators: every recordable within 1e-9 at every step, identical
    spikes and event counts. Returns NEST's result."""
    ref, ours = run_both(scenario, **kw)
    assert_events_equal(ref["mm"], ours["mm"], atol=1e-9)
    assert_events_equal(by_time(ref["sr"]), by_time(ours["sr"]))
    assert ref["n_events"] == ours["n_events"]
    return ref


def assert_refractory_input(ref: dict[str, Any], t_ref: float = 2.0) -> None:
    """Check that the scenario made the neuron fire and sent it input while refractory."""
    spikes = ref["sr"]["times"]
    arrivals = [t + d for t in REFRACTORY_TIMES for d in (1.0, 1.5)]
    assert any(s < a <= s + t_ref for s in spikes for a in arrivals), spikes


def error_of(nest, model: str, params: dict) -> tuple[str, str]:
    """NEST error class name and message of creating (and separately setting) a node."""
    out = []
    for how in ("create", "set"):
        nest.ResetKernel()
        try:
            if how == "create":
                nest.Create(model, params=params)
            else:
                nest.Create(model).set(params)
            out.append(("OK", ""))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    return tuple(out)


def connect_error_of(nest, model: str, params: dict, source: str, receptor: int) -> tuple[str, str]:
    """Error class name and message NEST gives for connecting ``source`` to ``receptor``."""
    nest.ResetKernel()
    n = nest.Create(model, params=params)
    src = nest.Create(source)
    try:
        nest.Connect(src, n, syn_spec={"receptor_type": receptor})
    except Exception as e:
        return type(e).__name__, str(e)
    return "OK", ""


def changing_ports(nest, model: str, resolution: float):
    """Multisynapse neurons with different numbers of ports in one simulation; ports
    added and removed between runs on a node without spike input; a node created
    after a run. Returns the recordings and each node's port status."""
    nest.resolution = resolution
    nrn = nest.Create(
        model, 3, params=[{"tau_syn": [0.5, 2.0, 5.0]}, {"tau_syn": [3.0]}, {"tau_syn": [1.0, 2.0]}]
    )
    # No input is in flight at t = 30 ms, where a node is added (pynest_jax rebuilds its
    # network there and does not yet carry pending ring-buffer input over).
    times = [2.0, 5.0, 5.5, 12.3, 20.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 62.0, 70.0, 75.0]
    sg = nest.Create("spike_generator", params={"spike_times": times})
    for port, w in ((1, 400.0), (2, -300.0), (3, 500.0)):
        nest.Connect(sg, nrn[0], syn_spec={"weight": w, "receptor_type": port, "delay": 1.0})
    nest.Connect(sg, nrn[1], syn_spec={"weight": 700.0, "receptor_type": 1, "delay": 2.0})
    mm = nest.Create(
        "multimeter", params={"record_from": ["V_m", "I_syn", "I_syn_1"], "interval": resolution}
    )
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(30.0)
    nrn[2].set(tau_syn=[1.0, 2.0, 4.0, 8.0])
    late = nest.Create(model, params={"tau_syn": [1.0, 4.0], "I_e": 300.0})
    nest.Connect(sg, late, syn_spec={"weight": 900.0, "receptor_type": 2, "delay": 1.5})
    mm_late = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_2"], "interval": resolution})
    nest.Connect(mm_late, late)
    nest.Connect(late, sr)
    nest.Simulate(30.0)
    nrn[2].set(tau_syn=[1.5])
    nest.Simulate(20.0)
    status = [
        {k: n.get(k) for k in ("n_synapses", "has_connections", "recordables")}
        | {"tau_syn": list(n.get("tau_syn"))}
        for n in (*nrn, late)
    ]
    return {
        "mm": mm.get("events"),
        "mm_late": mm_late.get("events"),
        "sr": sr.get("events"),
        "n_events": (mm.n_events, mm_late.n_events, sr.n_events),
        "status": status,
    }


def port_change_errors(nest, model: str) -> list[tuple[str, str]]:
    """Changing the number of ports of a node that has spike input is refused; keeping
    it, or changing it on a node with only current input, is not."""
    nest.ResetKernel()
    nrn = nest.Create(model, 2, params={"tau_syn": [1.0, 2.0]})
    nest.Connect(nest.Create("spike_generator"), nrn[0], syn_spec={"receptor_type": 2})
    nest.Connect(nest.Create("dc_generator"), nrn[1])
    out = []
    for node, tau_syn in (
        (0, [1.0, 2.0, 3.0]),
        (0, [1.0]),
        (0, [3.0, 4.0]),
        (1, [1.0, 2.0, 3.0]),
        (0, [0.0, 1.0]),
    ):
        try:
            nrn[node].set(tau_syn=tau_syn)
            out.append(("OK", str(list(nrn[node].get("tau_syn")))))
        except Exception as e:
            out.append((type(e).__name__, str(e)))
    out.append(str(nrn.get("has_connections")))
    return out


def status_of(nest, model: str, params: dict) -> dict[str, Any]:
    """A node's full status after creation (arrays as lists), for comparing with NEST."""
    d = nest.Create(model, params=params).get()
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in d.items() if k != "model_id"}
