"""Time one network in NEST 3.10 or in pynest_jax; one JSON line on stdout.

    python benchmarks/bench.py brunel --simulator jax --order 2500 --simtime 1000
    python benchmarks/bench.py brunel --simulator nest --threads 2 --order 2500
    python benchmarks/bench.py microcircuit --simulator jax --scale 0.1
    python benchmarks/bench.py aeif_network --simulator jax --n 10000 --simtime 300
    python benchmarks/bench.py stdp_network --simulator jax --n 10000 --simtime 1000
    python benchmarks/bench.py one_neuron --simulator jax
    python benchmarks/bench.py unconnected --simulator nest --threads 1 --n 10000 --simtime 1000
    python benchmarks/bench.py small_suite --simulator jax --scripts all
    python benchmarks/bench.py small_latency --simulator jax --scripts quick
    python benchmarks/bench.py import_time --simulator jax

``run_all.py`` calls this in fresh processes (so that peak memory and
compilation are per run) and writes ``BENCHMARKS.md``. The small-simulation
cases run the scripts of ``small_sims.py``.

``--threads`` is NEST's ``local_num_threads``. The examples' ``build_network``
reset the kernel (which sets NEST back to one thread) and take the thread count
to set after it; after the simulation the count NEST really used is read back
(``threads_used`` in the result) and a run whose count differs from the one
asked for is refused (``ThreadCountMismatch``). pynest_jax has no threads: it
runs on its JAX device, and ``--threads`` other than 1 is refused for it.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1]) / 1024.0
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class ThreadCountMismatch(RuntimeError):
    """NEST ran on another number of threads than the run is labelled with."""


def check_threads(nest: Any, requested: int) -> int:
    """The number of threads NEST uses (read back from its kernel); raises
    ``ThreadCountMismatch`` if it is not ``requested``."""
    used = int(nest.GetKernelStatus("local_num_threads"))
    if used != requested:
        raise ThreadCountMismatch(
            f"NEST ran on {used} thread(s) but the run is labelled {requested} thread(s) "
            "(did a ResetKernel after setting local_num_threads set it back to 1?)"
        )
    return used


def load(simulator: str, threads: int):
    if simulator == "nest":
        import nest

        nest.verbosity = nest.VerbosityLevel.ERROR
        nest.ResetKernel()
        nest.local_num_threads = threads
    else:
        import pynest_jax as nest

        if threads != 1:
            raise ValueError("pynest_jax runs on its JAX device: --threads applies to NEST only")
        nest.ResetKernel()
    return nest


def brunel(args: argparse.Namespace) -> dict:
    """NEST's brunel_alpha_nest.py network; Simulate twice to separate compile and steady time."""
    from brunel_alpha import build_network

    nest = load(args.simulator, args.threads)
    rss_before = current_rss_mb()
    t0 = time.time()
    net = build_network(nest, order=args.order, indegree=args.indegree, threads=args.threads)
    # Build ends when the simulator is ready to run: pynest_jax builds its device
    # arrays in Prepare (compilation happens in the first Run).
    nest.Prepare()
    nest.Cleanup()
    t_build = time.time() - t0
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_first = time.time() - t0
    n_ex, n_in = net["rec_ex"].n_events, net["rec_in"].n_events
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_steady = time.time() - t0
    n_rec = net["n_rec"]
    rate_ex = (net["rec_ex"].n_events - n_ex) / args.simtime * 1000.0 / n_rec
    rate_in = (net["rec_in"].n_events - n_in) / args.simtime * 1000.0 / n_rec
    n_syn = nest.num_connections
    neurons = net["neurons"]
    return {
        "build_s": t_build,
        "first_simulate_s": t_first,
        "steady_simulate_s": t_steady,
        "real_time_factor": t_steady / (args.simtime / 1000.0),
        "rate_ex": rate_ex,
        "rate_in": rate_in,
        "neurons": neurons,
        "synapses": n_syn,
        # Peak memory growth over the process after import, per synapse (an upper bound:
        # it includes neurons, buffers and, for pynest_jax, compilation).
        "bytes_per_synapse": (peak_rss_mb() - rss_before) * 2**20 / max(1, n_syn),
        # Each neuron's spikes reach all its targets: events = spikes * mean out-degree.
        "events_per_s_simulated": (rate_ex * net["n_ex"] + rate_in * net["n_in"]) * n_syn / max(1, neurons),
    }


def microcircuit(args: argparse.Namespace) -> dict:
    """The downscaled Potjans-Diesmann microcircuit: 100 ms of transient (with the
    compilation), then the timed steady part; per-population rates."""
    from microcircuit import POPULATIONS, build_network, population_rates

    nest = load(args.simulator, args.threads)
    t0 = time.time()
    net = build_network(nest, scale=args.scale, threads=args.threads)
    nest.Prepare()
    nest.Cleanup()
    t_build = time.time() - t0
    t0 = time.time()
    nest.Simulate(100.0)
    t_first = time.time() - t0
    before = [rec.n_events for rec in net["recorders"]]
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_steady = time.time() - t0
    rates = population_rates(net, before, args.simtime)
    return {
        "build_s": t_build,
        "first_simulate_s": t_first,
        "steady_simulate_s": t_steady,
        "real_time_factor": t_steady / (args.simtime / 1000.0),
        "rates": dict(zip(POPULATIONS, rates, strict=True)),
        "neurons": int(sum(net["sizes"])),
        "synapses": nest.num_connections,
        "scale": args.scale,
    }


def build_and_simulate_twice(
    nest: Any, build: Callable[[], dict], simtime: float, between: Callable[[dict], Any] | None = None
) -> tuple[dict, dict, int, Any]:
    """Build a network (Prepare included: pynest_jax builds its device arrays there), then
    Simulate ``simtime`` twice, for the time with compilation and the steady time.
    Returns the network, the times, the recorder's event count after the first run and
    what ``between(net)`` (untimed, after the first run) returned."""
    t0 = time.time()
    net = build()
    nest.Prepare()
    nest.Cleanup()
    t_build = time.time() - t0
    t0 = time.time()
    nest.Simulate(simtime)
    t_first = time.time() - t0
    events = net["recorder"].n_events
    extra = between(net) if between is not None else None
    t0 = time.time()
    nest.Simulate(simtime)
    t_steady = time.time() - t0
    times = {
        "build_s": t_build,
        "first_simulate_s": t_first,
        "steady_simulate_s": t_steady,
        "real_time_factor": t_steady / (simtime / 1000.0),
    }
    return net, times, events, extra


def aeif_network(args: argparse.Namespace) -> dict:
    """A random network of aeif_cond_alpha neurons (examples/aeif_network.py): every
    neuron integrated by the adaptive RKF45; Simulate twice for compile and steady time."""
    from aeif_network import build_network

    nest = load(args.simulator, args.threads)
    net, times, before, _ = build_and_simulate_twice(
        nest, lambda: build_network(nest, n=args.n, threads=args.threads), args.simtime
    )
    return {
        **times,
        "rate": (net["recorder"].n_events - before) / (args.simtime / 1000.0) / net["n"],
        "neurons": net["n"],
        "synapses": nest.num_connections,
        "simtime_ms": args.simtime,
    }


def stdp_network(args: argparse.Namespace) -> dict:
    """examples/stdp_network.py (stdp_synapse on E->E, hpc_benchmark style): the
    first Simulate of ``simtime`` (compilation included), the E->E weight
    distribution after it, then a second Simulate for the steady time."""
    import numpy as np
    from stdp_network import build_network, plastic_weights

    nest = load(args.simulator, args.threads)
    net, times, events, w = build_and_simulate_twice(
        nest,
        lambda: build_network(nest, n=args.n, threads=args.threads),
        args.simtime,
        lambda net: plastic_weights(nest, net),
    )
    # A fixed random subsample of the weights, for a two-sample test between simulators.
    sample = np.random.default_rng(0).choice(w, size=min(2000, len(w)), replace=False)
    return {
        **times,
        "rate": events / (args.simtime / 1000.0) / net["n"],
        "neurons": net["n"],
        "synapses": nest.num_connections,
        "plastic_synapses": len(w),
        "simtime_ms": args.simtime,
        "weight_mean": float(w.mean()),
        "weight_std": float(w.std()),
        "weight_quantiles": [float(q) for q in np.quantile(w, [0.01, 0.1, 0.5, 0.9, 0.99])],
        "weight_sample": [float(x) for x in sample],
    }


def one_neuron(args: argparse.Namespace) -> dict:
    """NEST's one_neuron.py without the plot; the whole-process time is measured by run_all."""
    nest = load(args.simulator, args.threads)
    neuron = nest.Create("iaf_psc_alpha")
    voltmeter = nest.Create("voltmeter")
    neuron.I_e = 376.0
    nest.Connect(voltmeter, neuron)
    nest.Simulate(1000.0)
    return {"samples": len(voltmeter.events["times"])}


def unconnected(args: argparse.Namespace) -> dict:
    """``--n`` unconnected iaf_psc_alpha with I_e = 376 pA (they fire): the cost of the
    neuron updates alone. Build (Create and Prepare), a first Simulate of ``--simtime``
    (compilation included) and a second one (steady); the mean V_m after each, to compare."""
    import numpy as np

    nest = load(args.simulator, args.threads)
    t0 = time.time()
    neurons = nest.Create("iaf_psc_alpha", args.n, params={"I_e": 376.0})
    nest.Prepare()
    nest.Cleanup()
    t_build = time.time() - t0
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_first = time.time() - t0
    vm_first = np.atleast_1d(np.asarray(neurons.get("V_m"), dtype=float))
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_steady = time.time() - t0
    vm_steady = np.atleast_1d(np.asarray(neurons.get("V_m"), dtype=float))
    return {
        "build_s": t_build,
        "first_simulate_s": t_first,
        "steady_simulate_s": t_steady,
        "real_time_factor": t_steady / (args.simtime / 1000.0),
        "neurons": args.n,
        "simtime_ms": args.simtime,
        "V_m_mean_first": float(vm_first.mean()),
        "V_m_mean_steady": float(vm_steady.mean()),
    }


def small_suite(args: argparse.Namespace) -> dict:
    """The small scripts (``--scripts``) once each in this process, as a user's test
    suite would run them; run_all times the whole process, import included."""
    import small_sims

    names = small_sims.selected(args.scripts)
    t0 = time.time()
    nest = load(args.simulator, args.threads)
    t_load = time.time() - t0
    return {"load_s": t_load, **small_sims.run_suite(nest, names)}


def small_latency(args: argparse.Namespace) -> dict:
    """Each small script (``--scripts``) twice in a row in this process: per script the time
    from its ResetKernel to the end of its first Simulate, first and repeat."""
    import small_sims

    names = small_sims.selected(args.scripts)
    nest = load(args.simulator, args.threads)
    return small_sims.run_latency(nest, names)


def import_time(args: argparse.Namespace) -> dict:
    """The time of ``import nest`` or ``import pynest_jax`` alone, in this fresh process."""
    t0 = time.perf_counter()
    if args.simulator == "nest":
        import nest  # noqa: F401
    else:
        import pynest_jax  # noqa: F401
    return {"import_s": time.perf_counter() - t0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=list(CASES))
    parser.add_argument("--simulator", choices=["nest", "jax"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--order", type=int, default=2500)
    parser.add_argument("--indegree", type=int, default=None, help="fixed E indegree (default 10%% of NE)")
    parser.add_argument("--simtime", type=float, default=1000.0)
    parser.add_argument("--scale", type=float, default=0.1, help="microcircuit scale")
    parser.add_argument(
        "--n", type=int, default=10_000, help="aeif_network / stdp_network / unconnected size"
    )
    parser.add_argument(
        "--scripts", default="all", help="small_sims scripts: 'all', 'quick' or comma-separated names"
    )
    args = parser.parse_args()
    result = CASES[args.case](args)
    result["peak_rss_mb"] = peak_rss_mb()
    # The thread count NEST really used, read back after the simulation; a run that
    # does not match its label stops here.
    threads_used = None
    if args.simulator == "nest":
        import nest

        threads_used = check_threads(nest, args.threads)
    result.update({"case": args.case, "simulator": args.simulator, "threads": args.threads})
    result["threads_used"] = threads_used
    print("RESULT " + json.dumps(result))


CASES: dict[str, Callable[[argparse.Namespace], dict]] = {
    "brunel": brunel,
    "microcircuit": microcircuit,
    "aeif_network": aeif_network,
    "stdp_network": stdp_network,
    "one_neuron": one_neuron,
    "unconnected": unconnected,
    "small_suite": small_suite,
    "small_latency": small_latency,
    "import_time": import_time,
}


if __name__ == "__main__":
    main()
