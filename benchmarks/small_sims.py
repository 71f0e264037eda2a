"""Small PyNEST scripts (1-100 neurons, 50-400 ms) for the small-simulation benchmarks.

Each script is a function ``script(nest)`` written against PyNEST's API, so the
same function runs on NEST 3.10 (``import nest``) and on pynest_jax (``import
pynest_jax as nest``). Each starts with ``nest.ResetKernel()`` and returns a small
summary (spike counts, a final membrane potential, a weight) to check the run.
Scripts marked deterministic use no random numbers: their spike counts in the
two simulators should be the same.

``bench.py`` runs them (cases ``small_suite`` and ``small_latency``) and
``run_all.py`` puts them side by side with NEST:

    python benchmarks/bench.py small_suite --simulator jax
    python benchmarks/bench.py small_latency --simulator nest --scripts two_neurons,stdp_pair
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Summary = dict[str, float | int]


@dataclass(frozen=True)
class Script:
    """One small simulation: its function and whether it draws random numbers."""

    name: str
    run: Callable[[Any], Summary]
    deterministic: bool


SCRIPTS: dict[str, Script] = {}


def script(deterministic: bool = True) -> Callable[[Callable[[Any], Summary]], Callable[[Any], Summary]]:
    """Register a small simulation under its function's name."""

    def register(fn: Callable[[Any], Summary]) -> Callable[[Any], Summary]:
        SCRIPTS[fn.__name__] = Script(fn.__name__, fn, deterministic)
        return fn

    return register


def _vm(nodes: Any) -> float:
    """The membrane potential of the first node of ``nodes``."""
    return float(nodes[0].get("V_m"))


def _n(recorder: Any) -> int:
    return int(recorder.n_events)


# --- single neurons and current injection (NEST's one_neuron.py, model tests) ---


@script()
def dc_iaf_psc_alpha(nest: Any) -> Summary:
    """One iaf_psc_alpha driven by I_e, V_m on a multimeter (one_neuron.py with a spike recorder)."""
    nest.ResetKernel()
    neuron = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(300.0)
    return {"spikes": _n(sr), "samples": _n(mm), "V_m": _vm(neuron)}


@script()
def two_neurons(nest: Any) -> Summary:
    """NEST's two_neurons.py: a driven neuron excites a second one."""
    nest.ResetKernel()
    neuron1 = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
    neuron2 = nest.Create("iaf_psc_alpha")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(neuron1, neuron2, syn_spec={"weight": 20.0, "delay": 1.0})
    nest.Connect(mm, neuron2)
    nest.Connect(neuron1 + neuron2, sr)
    nest.Simulate(400.0)
    return {"spikes": _n(sr), "V_m": _vm(neuron2)}


@script()
def fi_curve_iaf_psc_exp(nest: Any) -> Summary:
    """An f-I scan in one network: 20 iaf_psc_exp with I_e from 300 to 680 pA."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_psc_exp", 20)
    neurons.set(I_e=[300.0 + 20.0 * i for i in range(20)])
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    nest.Simulate(400.0)
    senders = list(sr.events["senders"])
    counts = [senders.count(g) for g in neurons.tolist()]
    return {"spikes": _n(sr), "min_count": min(counts), "max_count": max(counts), "V_m": _vm(neurons)}


@script()
def spike_train_iaf_psc_delta(nest: Any) -> Summary:
    """A spike_generator's train into iaf_psc_delta: the V_m jumps of a delta synapse."""
    nest.ResetKernel()
    sg = nest.Create("spike_generator", params={"spike_times": [5.0 + 2.0 * i for i in range(40)]})
    neuron = nest.Create("iaf_psc_delta")
    vm = nest.Create("voltmeter")
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, neuron, syn_spec={"weight": 4.0, "delay": 1.0})
    nest.Connect(vm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(120.0)
    return {"spikes": _n(sr), "samples": _n(vm), "V_m": _vm(neuron)}


@script()
def step_current_aeif_cond_alpha(nest: Any) -> Summary:
    """Adaptive exponential neuron under a step current (NEST's aeif examples): V_m and w."""
    nest.ResetKernel()
    neuron = nest.Create("aeif_cond_alpha", params={"a": 4.0, "b": 80.5})
    scg = nest.Create(
        "step_current_generator",
        params={"amplitude_times": [20.0, 120.0, 220.0], "amplitude_values": [500.0, 800.0, 0.0]},
    )
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "w"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(scg, neuron)
    nest.Connect(mm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(300.0)
    return {"spikes": _n(sr), "V_m": _vm(neuron), "w": float(neuron.get("w"))}


@script()
def dc_aeif_psc_alpha(nest: Any) -> Summary:
    """Five aeif_psc_alpha on one dc_generator, each with another adaptation b."""
    nest.ResetKernel()
    neurons = nest.Create("aeif_psc_alpha", 5)
    neurons.set(b=[0.0, 20.0, 40.0, 60.0, 80.0])
    dc = nest.Create("dc_generator", params={"amplitude": 600.0, "start": 10.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "w"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(dc, neurons)
    nest.Connect(mm, neurons)
    nest.Connect(neurons, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


@script()
def conductance_inputs_iaf_cond_alpha(nest: Any) -> Summary:
    """Excitatory and inhibitory spike trains on iaf_cond_alpha, V_m, g_ex and g_in recorded."""
    nest.ResetKernel()
    neuron = nest.Create("iaf_cond_alpha", params={"I_e": 200.0})
    ex = nest.Create("spike_generator", params={"spike_times": [10.0 + 4.0 * i for i in range(30)]})
    inh = nest.Create("spike_generator", params={"spike_times": [60.0 + 7.0 * i for i in range(8)]})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "g_ex", "g_in"], "interval": 0.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(ex, neuron, syn_spec={"weight": 20.0, "delay": 1.0})
    nest.Connect(inh, neuron, syn_spec={"weight": -30.0, "delay": 1.5})
    nest.Connect(mm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(150.0)
    return {"spikes": _n(sr), "samples": _n(mm), "V_m": _vm(neuron)}


@script()
def izhikevich_firing_types(nest: Any) -> Summary:
    """Izhikevich's regular spiking, intrinsically bursting, chattering and fast spiking cells."""
    nest.ResetKernel()
    types = [
        (0.02, 0.2, -65.0, 8.0),
        (0.02, 0.2, -55.0, 4.0),
        (0.02, 0.2, -50.0, 2.0),
        (0.1, 0.2, -65.0, 2.0),
    ]
    neurons = nest.Create("izhikevich", len(types), params={"I_e": 10.0})
    for node, (a, b, c, d) in zip(neurons, types, strict=True):
        node.set(a=a, b=b, c=c, d=d)
    vm = nest.Create("voltmeter")
    sr = nest.Create("spike_recorder")
    nest.Connect(vm, neurons)
    nest.Connect(neurons, sr)
    nest.Simulate(300.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


@script()
def parrot_relay(nest: Any) -> Summary:
    """A spike_generator repeated by ten parrot_neurons to a spike_recorder."""
    nest.ResetKernel()
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 3.5, 10.0, 20.2, 33.3, 47.0]})
    parrots = nest.Create("parrot_neuron", 10)
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, parrots, syn_spec={"delay": 2.0})
    nest.Connect(parrots, sr)
    nest.Simulate(60.0)
    return {"spikes": _n(sr), "last_spike": float(max(sr.events["times"]))}


@script()
def model_mixture_dc(nest: Any) -> Summary:
    """Three leaky models (alpha, exp and delta currents) on one dc_generator."""
    nest.ResetKernel()
    alpha = nest.Create("iaf_psc_alpha", 10)
    exp = nest.Create("iaf_psc_exp", 10)
    delta = nest.Create("iaf_psc_delta", 10)
    dc = nest.Create("dc_generator", params={"amplitude": 420.0})
    sr = nest.Create("spike_recorder")
    for pop in (alpha, exp, delta):
        nest.Connect(dc, pop)
        nest.Connect(pop, sr)
    nest.Simulate(250.0)
    return {"spikes": _n(sr), "V_m_alpha": _vm(alpha), "V_m_exp": _vm(exp), "V_m_delta": _vm(delta)}


@script()
def tau_m_scan(nest: Any) -> Summary:
    """A parameter scan in one network: ten iaf_psc_alpha with tau_m from 5 to 50 ms."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_psc_alpha", 10, params={"I_e": 450.0})
    neurons.set(tau_m=[5.0 * (i + 1) for i in range(10)])
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    nest.Simulate(300.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


@script()
def fine_resolution_iaf_psc_exp(nest: Any) -> Summary:
    """iaf_psc_exp at resolution 0.05 ms under a step current."""
    nest.ResetKernel()
    nest.resolution = 0.05
    neuron = nest.Create("iaf_psc_exp")
    scg = nest.Create(
        "step_current_generator",
        params={"amplitude_times": [10.0, 50.0], "amplitude_values": [700.0, 350.0]},
    )
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.05})
    sr = nest.Create("spike_recorder")
    nest.Connect(scg, neuron)
    nest.Connect(mm, neuron)
    nest.Connect(neuron, sr)
    nest.Simulate(100.0)
    return {"spikes": _n(sr), "samples": _n(mm), "V_m": _vm(neuron)}


@script()
def simulate_in_steps(nest: Any) -> Summary:
    """A test-suite pattern: Simulate, change I_e, Simulate again."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_psc_alpha", 3, params={"I_e": 200.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    nest.Simulate(50.0)
    before = _n(sr)
    neurons.I_e = 500.0
    nest.Simulate(100.0)
    return {"spikes_before": before, "spikes": _n(sr), "V_m": _vm(neurons)}


@script()
def synfire_chain(nest: Any) -> Summary:
    """Five iaf_psc_alpha in a chain: each spike of one makes the next fire."""
    nest.ResetKernel()
    chain = nest.Create("iaf_psc_alpha", 5)
    chain[0].set(I_e=500.0)
    for i in range(4):
        nest.Connect(chain[i], chain[i + 1], syn_spec={"weight": 1500.0, "delay": 2.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(chain, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "V_m": _vm(chain[4:])}


@script()
def all_to_all_inhibition(nest: Any) -> Summary:
    """50 iaf_psc_exp with graded I_e and weak all-to-all inhibition (no random numbers)."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_psc_exp", 50)
    neurons.set(I_e=[380.0 + 4.0 * i for i in range(50)])
    nest.Connect(neurons, neurons, "all_to_all", syn_spec={"weight": -5.0, "delay": 1.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(neurons, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


@script()
def delays_multimeter(nest: Any) -> Summary:
    """One spike through four delays onto iaf_psc_alpha, the PSPs on a multimeter."""
    nest.ResetKernel()
    sg = nest.Create("spike_generator", params={"spike_times": [5.0]})
    neuron = nest.Create("iaf_psc_alpha")
    for delay in (1.0, 5.0, 10.0, 20.0):
        nest.Connect(sg, neuron, syn_spec={"weight": 100.0, "delay": delay})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, neuron)
    nest.Simulate(50.0)
    v = mm.events["V_m"]
    return {"samples": _n(mm), "V_max": float(max(v)), "V_m": _vm(neuron)}


@script()
def stdp_pair(nest: Any) -> Summary:
    """One stdp_synapse from a parrot_neuron (spike_generator) to a driven iaf_psc_alpha."""
    nest.ResetKernel()
    sg = nest.Create("spike_generator", params={"spike_times": [10.0 + 15.0 * i for i in range(25)]})
    pre = nest.Create("parrot_neuron")
    post = nest.Create("iaf_psc_alpha", params={"I_e": 380.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": "stdp_synapse", "weight": 50.0, "delay": 1.0})
    nest.Connect(post, sr)
    nest.Simulate(400.0)
    weight = float(nest.GetConnections(pre, post).get("weight"))
    return {"spikes": _n(sr), "weight": weight, "V_m": _vm(post)}


@script()
def voltmeter_interval_iaf_cond_exp(nest: Any) -> Summary:
    """Two iaf_cond_exp under dc_generators with start and stop, voltmeter at 0.5 ms."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_cond_exp", 2)
    dc1 = nest.Create("dc_generator", params={"amplitude": 400.0, "start": 20.0, "stop": 120.0})
    dc2 = nest.Create("dc_generator", params={"amplitude": 800.0, "start": 50.0})
    vm = nest.Create("voltmeter", params={"interval": 0.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(dc1, neurons[0])
    nest.Connect(dc2, neurons[1])
    nest.Connect(vm, neurons)
    nest.Connect(neurons, sr)
    nest.Simulate(150.0)
    return {"spikes": _n(sr), "samples": _n(vm), "V_m": _vm(neurons)}


# --- with random numbers (Poisson input, noise, random parameters) ---


@script(deterministic=False)
def poisson_iaf_cond_exp(nest: Any) -> Summary:
    """Ten iaf_cond_exp each with its own Poisson input (one poisson_generator)."""
    nest.ResetKernel()
    pg = nest.Create("poisson_generator", params={"rate": 10000.0})
    neurons = nest.Create("iaf_cond_exp", 10)
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, neurons, syn_spec={"weight": 5.0, "delay": 1.0})
    nest.Connect(neurons, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


@script(deterministic=False)
def noise_generator_iaf_psc_alpha(nest: Any) -> Summary:
    """NEST's noise_generator example: ten iaf_psc_alpha near threshold with current noise."""
    nest.ResetKernel()
    neurons = nest.Create("iaf_psc_alpha", 10, params={"I_e": 350.0})
    noise = nest.Create("noise_generator", params={"mean": 0.0, "std": 200.0, "dt": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
    sr = nest.Create("spike_recorder")
    nest.Connect(noise, neurons)
    nest.Connect(mm, neurons)
    nest.Connect(neurons, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "samples": _n(mm), "V_m": _vm(neurons)}


@script(deterministic=False)
def poisson_parrots_to_neuron(nest: Any) -> Summary:
    """Poisson spikes repeated by parrots (the same train to all targets) into two neurons."""
    nest.ResetKernel()
    pg = nest.Create("poisson_generator", params={"rate": 50.0})
    parrots = nest.Create("parrot_neuron", 20)
    targets = nest.Create("iaf_psc_alpha", 2)
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, parrots)
    nest.Connect(parrots, targets, syn_spec={"weight": 80.0, "delay": 1.0})
    nest.Connect(parrots + targets, sr)
    nest.Simulate(300.0)
    return {"spikes": _n(sr), "V_m": _vm(targets)}


@script(deterministic=False)
def mini_brunel(nest: Any) -> Summary:
    """A 100-neuron Brunel-style network: 80 E and 20 I iaf_psc_alpha, fixed in-degree, Poisson drive."""
    nest.ResetKernel()
    ex = nest.Create("iaf_psc_alpha", 80)
    inh = nest.Create("iaf_psc_alpha", 20)
    pg = nest.Create("poisson_generator", params={"rate": 5000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, ex + inh, syn_spec={"weight": 15.0, "delay": 1.5})
    nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": 8}, {"weight": 15.0, "delay": 1.5})
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": 2}, {"weight": -90.0, "delay": 1.5})
    nest.Connect(ex + inh, sr)
    nest.Simulate(200.0)
    return {"spikes": _n(sr), "V_m": _vm(ex)}


@script(deterministic=False)
def conductance_mixture_poisson(nest: Any) -> Summary:
    """aeif_cond_alpha, iaf_cond_alpha and izhikevich neurons on one Poisson source."""
    nest.ResetKernel()
    aeif = nest.Create("aeif_cond_alpha", 3)
    cond = nest.Create("iaf_cond_alpha", 3)
    izh = nest.Create("izhikevich", 3)
    pg = nest.Create("poisson_generator", params={"rate": 6000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, aeif + cond, syn_spec={"weight": 3.0, "delay": 1.0})
    nest.Connect(pg, izh, syn_spec={"weight": 1.5, "delay": 1.0})
    nest.Connect(aeif + cond + izh, sr)
    nest.Simulate(150.0)
    return {"spikes": _n(sr), "V_m_aeif": _vm(aeif), "V_m_cond": _vm(cond), "V_m_izh": _vm(izh)}


@script(deterministic=False)
def random_initial_vm_iaf_psc_delta(nest: Any) -> Summary:
    """100 iaf_psc_delta with uniformly random initial V_m under dc and Poisson input."""
    nest.ResetKernel()
    nest.rng_seed = 12345
    neurons = nest.Create("iaf_psc_delta", 100, params={"I_e": 300.0})
    neurons.V_m = nest.random.uniform(min=-70.0, max=-55.0)
    pg = nest.Create("poisson_generator", params={"rate": 2000.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(pg, neurons, syn_spec={"weight": 0.5, "delay": 1.0})
    nest.Connect(neurons, sr)
    nest.Simulate(100.0)
    return {"spikes": _n(sr), "V_m": _vm(neurons)}


QUICK = ["dc_iaf_psc_alpha", "stdp_pair", "poisson_iaf_cond_exp"]
"""The reduced set of ``run_all.py --quick``."""


def selected(names: str | None) -> list[str]:
    """Script names from a comma-separated list ('quick' for QUICK; None or 'all' for all)."""
    if names in (None, "", "all"):
        return list(SCRIPTS)
    if names == "quick":
        return list(QUICK)
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in SCRIPTS]
    if unknown:
        raise ValueError(f"unknown small scripts {unknown}; known: {list(SCRIPTS)}")
    return chosen


class FirstSimulateClock:
    """A stand-in for the simulator module that notes when the first Simulate returned."""

    def __init__(self, sim: Any) -> None:
        object.__setattr__(self, "_sim", sim)
        object.__setattr__(self, "first_simulate_end", None)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._sim, name)
        if name != "Simulate":
            return value

        def simulate(*args: Any, **kwargs: Any) -> Any:
            out = value(*args, **kwargs)
            if self.first_simulate_end is None:
                object.__setattr__(self, "first_simulate_end", time.perf_counter())
            return out

        return simulate

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._sim, name, value)


def timed(sim: Any, name: str) -> tuple[Summary, float, float]:
    """Run one script; its summary, the time from its start (ResetKernel) to the end of its
    first Simulate, and the time of the whole script (reading the results included)."""
    clock = FirstSimulateClock(sim)
    t0 = time.perf_counter()
    summary = SCRIPTS[name].run(clock)
    t_end = time.perf_counter()
    first = clock.first_simulate_end if clock.first_simulate_end is not None else t_end
    return summary, first - t0, t_end - t0


def run_suite(sim: Any, names: list[str]) -> dict:
    """All ``names`` once, one after another (a user's test suite): summaries and times."""
    t0 = time.perf_counter()
    summaries = {name: SCRIPTS[name].run(sim) for name in names}
    return {"scripts": names, "summaries": summaries, "scripts_s": time.perf_counter() - t0}


def run_latency(sim: Any, names: list[str]) -> dict:
    """Each of ``names`` twice in a row: per script the first and the repeat latency (start
    to the end of the first Simulate) and whole-script times, with the summaries."""
    per_script = {}
    for name in names:
        summary, first, first_total = timed(sim, name)
        repeat_summary, repeat, repeat_total = timed(sim, name)
        per_script[name] = {
            "first_s": first,
            "repeat_s": repeat,
            "first_total_s": first_total,
            "repeat_total_s": repeat_total,
            "summary": summary,
            "repeat_summary": repeat_summary,
            "deterministic": SCRIPTS[name].deterministic,
        }
    return {"scripts": names, "per_script": per_script}
