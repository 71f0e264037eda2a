"""Run every benchmark side by side in NEST 3.10 and pynest_jax and write BENCHMARKS.md.

    python benchmarks/run_all.py            # default set (about 20 minutes on 2 cores)
    python benchmarks/run_all.py --quick    # small sizes and 3 small scripts, to check the scripts
    python benchmarks/run_all.py --largest  # adds the 125,000-neuron point of the scaling series

Each measurement runs in a fresh process. Results go to benchmarks/results.json
and the table to BENCHMARKS.md, with the machine named.

Every pynest_jax run gets a fresh, empty persistent compilation cache of its own
(``PYNEST_JAX_COMPILATION_CACHE``), unless the caller of ``run`` names one (the
one-neuron case and the small-simulation suite run cold, then warm, on one
directory), so that its first simulate includes the whole compilation. A NEST
result is accepted only if the thread count NEST reported after the simulation
(``threads_used``) is the one asked for.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench import ThreadCountMismatch  # noqa: E402

CACHE_VAR = "PYNEST_JAX_COMPILATION_CACHE"


def option(args: list[str], name: str, default: str | None = None) -> str | None:
    """The value following ``name`` in a bench.py argument list."""
    return args[args.index(name) + 1] if name in args else default


def check_result(result: dict, args: list[str]) -> None:
    """Refuse a result that is not the run ``args`` asked for: another case or simulator,
    or (NEST) a thread count read back after the simulation that differs from ``--threads``."""
    case, simulator = args[0], option(args, "--simulator")
    if result.get("case") != case or result.get("simulator") != simulator:
        raise RuntimeError(
            f"asked for {case} on {simulator}, got {result.get('case')} on {result.get('simulator')}"
        )
    if simulator == "nest":
        requested = int(option(args, "--threads", "1"))
        if result.get("threads") != requested or result.get("threads_used") != requested:
            raise ThreadCountMismatch(
                f"{case}: asked NEST for {requested} thread(s), the result says "
                f"{result.get('threads')} (label) and {result.get('threads_used')} (read back)"
            )


def python_env() -> dict[str, str]:
    """This process's environment, with Python writing and reading its bytecode cache as a
    default installation does (some machines set PYTHONDONTWRITEBYTECODE, which makes every
    import of an editable install compile its sources again)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run bench.py with ``args`` in a fresh process; its checked result. A pynest_jax run
    gets a fresh empty compilation cache unless ``env`` names one."""
    env = dict(env or {})
    cmd = [sys.executable, str(HERE / "bench.py"), *args]
    with contextlib.ExitStack() as stack:
        if option(args, "--simulator") == "jax" and CACHE_VAR not in env:
            env[CACHE_VAR] = stack.enter_context(tempfile.TemporaryDirectory(prefix="pynest_jax_xla_"))
        t0 = time.time()
        out = subprocess.run(cmd, capture_output=True, text=True, env={**python_env(), **env}, check=False)
        wall = time.time() - t0
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    result = json.loads(lines[-1][len("RESULT ") :])
    check_result(result, args)
    result["process_wall_s"] = wall
    print(json.dumps(result), flush=True)
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import jax

    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; JAX device: {jax.devices()[0].device_kind}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--largest", action="store_true")
    opts = parser.parse_args()
    order, simtime = (250, 200.0) if opts.quick else (2500, 1000.0)
    results: dict[str, list[dict]] = {
        "brunel": [],
        "scaling": [],
        "microcircuit": [],
        "aeif_network": [],
        "stdp_network": [],
        "one_neuron": [],
        "unconnected": [],
        "small_suite": [],
        "small_latency": [],
        "import_time": [],
    }

    base = ["brunel", "--order", str(order), "--simtime", str(simtime)]
    results["brunel"].append(run([*base, "--simulator", "nest", "--threads", "1"]))
    results["brunel"].append(run([*base, "--simulator", "nest", "--threads", "2"]))
    results["brunel"].append(run([*base, "--simulator", "jax"]))

    # Scaling with a fixed in-degree (1000 E + 250 I per neuron): cost should follow events.
    orders = [250, 2500] if opts.quick else [250, 2500, 12500] + ([25000] if opts.largest else [])
    for o in orders:
        common = ["brunel", "--order", str(o), "--indegree", "1000", "--simtime", "200"]
        results["scaling"].append(run([*common, "--simulator", "nest", "--threads", "2"]))
        results["scaling"].append(run([*common, "--simulator", "jax"]))

    micro = ["microcircuit", "--scale", "0.1", "--simtime", "200" if opts.quick else "2000"]
    results["microcircuit"].append(run([*micro, "--simulator", "nest", "--threads", "1"]))
    results["microcircuit"].append(run([*micro, "--simulator", "nest", "--threads", "2"]))
    results["microcircuit"].append(run([*micro, "--simulator", "jax"]))

    # NEST's RKF45 neurons are slow: a shorter run (twice, for compile and steady time).
    aeif = [
        "aeif_network",
        "--n",
        "1000" if opts.quick else "10000",
        "--simtime",
        "50" if opts.quick else "300",
    ]
    results["aeif_network"].append(run([*aeif, "--simulator", "nest", "--threads", "1"]))
    results["aeif_network"].append(run([*aeif, "--simulator", "nest", "--threads", "2"]))
    results["aeif_network"].append(run([*aeif, "--simulator", "jax"]))

    # STDP on E->E (hpc_benchmark style): times and the weight distribution after 1 s.
    stdp = [
        "stdp_network",
        "--n",
        "2000" if opts.quick else "10000",
        "--simtime",
        "200" if opts.quick else "1000",
    ]
    results["stdp_network"].append(run([*stdp, "--simulator", "nest", "--threads", "1"]))
    results["stdp_network"].append(run([*stdp, "--simulator", "nest", "--threads", "2"]))
    results["stdp_network"].append(run([*stdp, "--simulator", "jax"]))

    with tempfile.TemporaryDirectory() as cache:
        env = {CACHE_VAR: cache}
        cold = run(["one_neuron", "--simulator", "jax"], env)
        warm = run(["one_neuron", "--simulator", "jax"], env)
    cold["cache"], warm["cache"] = "empty", "warm"
    ref = run(["one_neuron", "--simulator", "nest"])
    results["one_neuron"] = [ref, cold, warm]

    # Neuron updates alone: unconnected iaf_psc_alpha firing on I_e, NEST on one thread.
    unconnected = ["unconnected", "--n", "1000" if opts.quick else "10000"]
    unconnected += ["--simtime", "200" if opts.quick else "1000"]
    results["unconnected"].append(run([*unconnected, "--simulator", "nest", "--threads", "1"]))
    results["unconnected"].append(run([*unconnected, "--simulator", "jax"]))

    small_sims(results, "quick" if opts.quick else "all", repeats=3 if opts.quick else 5)

    if not opts.quick:
        # pynest_jax's 'Simulation time' there includes compilation: an empty cache too.
        with tempfile.TemporaryDirectory(prefix="pynest_jax_xla_") as cache:
            env = {**python_env(), CACHE_VAR: cache}
            subprocess.run([sys.executable, str(HERE / "brunel_example.py")], env=env, check=True)
        results["example"] = json.loads((HERE / "brunel_example.json").read_text())

    results["machine"] = machine()
    (HERE / "results.json").write_text(json.dumps(results, indent=1))
    write_table(results)


def small_sims(results: dict, scripts: str, repeats: int) -> None:
    """The small-simulation measurements of small_sims.py, into ``results``: the scripts in one
    whole process (pynest_jax cold, then warm on one cache; NEST), each script twice in one
    process (per-script latency), and ``repeats`` fresh processes timing the import alone."""
    suite = ["small_suite", "--scripts", scripts]
    with tempfile.TemporaryDirectory(prefix="pynest_jax_xla_") as cache:
        env = {CACHE_VAR: cache}
        cold = run([*suite, "--simulator", "jax"], env)
        warm = run([*suite, "--simulator", "jax"], env)
    cold["cache"], warm["cache"] = "empty", "warm"
    ref = run([*suite, "--simulator", "nest", "--threads", "1"])
    results["small_suite"] = [ref, cold, warm]
    latency = ["small_latency", "--scripts", scripts]
    results["small_latency"] = [
        run([*latency, "--simulator", "nest", "--threads", "1"]),
        run([*latency, "--simulator", "jax"]),
    ]

    # Alternating, so that a change in the machine's load falls on both; one unmeasured
    # import each first, which leaves the bytecode caches written.
    def import_time(sim: str) -> dict:
        return run(["import_time", "--simulator", sim, *(["--threads", "1"] if sim == "nest" else [])])

    for sim in ("nest", "jax"):
        import_time(sim)
    results["import_time"] = [import_time(sim) for _ in range(repeats) for sim in ("nest", "jax")]


def write_table(results: dict, path: Path = ROOT / "BENCHMARKS.md") -> None:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python benchmarks/run_all.py` from `benchmarks/results.json`; do not edit by hand.",
        "",
        f"Machine: {results['machine']}.",
        "",
        "NEST's thread counts (the threads columns and the '(2 threads)' labels) are the",
        "`local_num_threads` NEST reported after each simulation; the runner refuses a run",
        "whose count differs from the one asked for. pynest_jax runs on its JAX device (threads '-').",
        "Each pynest_jax run starts with an empty persistent compilation cache of its own, so its",
        "first simulate includes the whole compilation (the one-neuron and small-simulation tables",
        "add warm-cache runs). Python writes and reads its bytecode cache in every run, as a",
        "default installation does (the runner unsets PYTHONDONTWRITEBYTECODE).",
        "",
        "## Brunel alpha network (NEST's brunel_alpha_nest.py)",
        "",
        "| simulator | threads | neurons | synapses | build s | first simulate s | steady simulate s | "
        "real-time factor | rate E / I (spikes/s) | peak RSS MB | bytes per synapse |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["brunel"]:
        threads = r["threads_used"] if r["simulator"] == "nest" else "-"
        cells = [
            r["simulator"],
            threads,
            r["neurons"],
            r["synapses"],
            f"{r['build_s']:.2f}",
            f"{r['first_simulate_s']:.2f}",
            f"{r['steady_simulate_s']:.2f}",
            f"{r['real_time_factor']:.2f}",
            f"{r['rate_ex']:.2f} / {r['rate_in']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['bytes_per_synapse']:.1f}",
        ]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    nest2 = next(r for r in results["brunel"] if r["simulator"] == "nest" and r["threads_used"] == 2)
    ours = next(r for r in results["brunel"] if r["simulator"] == "jax")
    lines += [
        "",
        f"pynest_jax / NEST (2 threads): build {ours['build_s'] / nest2['build_s']:.2f}, "
        f"steady simulate {ours['steady_simulate_s'] / nest2['steady_simulate_s']:.2f}, "
        f"peak memory {ours['peak_rss_mb'] / nest2['peak_rss_mb']:.2f}; "
        f"rates E {ours['rate_ex'] / nest2['rate_ex']:.3f}, I {ours['rate_in'] / nest2['rate_in']:.3f}.",
        "Bytes per synapse: growth of the peak resident memory over the process after import,",
        "divided by the synapses (an upper bound: neurons, buffers and compilation included).",
        "",
        "## Scaling series (fixed in-degree 1000 E + 250 I, 200 ms)",
        "",
        "| simulator | neurons | synapses | build s | steady simulate s | synaptic events | ns per event |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["scaling"]:
        events = r["events_per_s_simulated"] * 0.2
        per_event = r["steady_simulate_s"] / events * 1e9 if events else float("nan")
        name = r["simulator"] + (f" ({r['threads_used']} threads)" if r["simulator"] == "nest" else "")
        cells = [name, r["neurons"], r["synapses"], f"{r['build_s']:.2f}", f"{r['steady_simulate_s']:.2f}"]
        cells += [f"{events:.3g}", f"{per_event:.1f}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    lines += microcircuit_table(results["microcircuit"])
    lines += aeif_table(results.get("aeif_network", []))
    lines += stdp_table(results.get("stdp_network", []))
    lines += [
        "",
        "## One neuron (NEST's one_neuron.py without the plot), whole process",
        "",
        "| simulator | compilation cache | process wall s |",
        "|---|---|---|",
    ]
    for r in results["one_neuron"]:
        lines.append(f"| {r['simulator']} | {r.get('cache', '-')} | {r['process_wall_s']:.2f} |")
    lines += small_sims_table(results)
    lines += unconnected_table(results.get("unconnected", []))
    if "example" in results:
        ex = results["example"]
        lines += [
            "",
            "## NEST's brunel_alpha_nest.py, unmodified (NEST vs `python -m pynest_jax`)",
            "",
            "The script's own printout; its 'Simulation time' includes pynest_jax's device build and",
            "compilation, its 'Building time' only Create/Connect.",
            "",
            "| | synapses | rate E | rate I | build s | simulate s |",
            "|---|---|---|---|---|---|",
        ]
        for name, key in (("NEST 3.10 (1 thread)", "nest"), ("pynest_jax", "pynest_jax")):
            r = ex[key]
            lines.append(
                f"| {name} | {r['synapses']:.0f} | {r['rate_ex']:.2f} | {r['rate_in']:.2f} | "
                f"{r['build_s']:.2f} | {r['simulate_s']:.2f} |"
            )
        lines.append("")
        lines.append(f"Synapse count identical and rates within 5 %: {'yes' if ex['ok'] else 'NO'}.")
    lines.append("")
    path.write_text("\n".join(lines))


def by_simulator(runs: list[dict], simulator: str, cache: str | None = None) -> dict | None:
    """The first of ``runs`` on ``simulator`` (and, if given, with that compilation cache)."""
    for r in runs:
        if r["simulator"] == simulator and (cache is None or r.get("cache") == cache):
            return r
    return None


def small_sims_table(results: dict) -> list[str]:
    """Whole-process times, import times and per-script latencies of the small scripts, with the
    pynest_jax / NEST ratios and whether the deterministic scripts' spike counts agree."""
    suite, latency = results.get("small_suite", []), results.get("small_latency", [])
    if not suite and not latency:
        return []
    lines = [
        "",
        "## Small simulations (benchmarks/small_sims.py)",
        "",
        "Small PyNEST scripts (1-100 neurons, 50-400 ms, each starting with ResetKernel), NEST on one",
        "thread. Whole process: `python` started, the simulator imported, the scripts run one after",
        "another (as a user's test suite runs them); pynest_jax first with an empty compilation cache,",
        "then a second process on the same cache.",
        "",
        "| measurement | NEST s | pynest_jax s | pynest_jax / NEST |",
        "|---|---|---|---|",
    ]

    def row(label: str, nest_s: float, ours_s: float) -> str:
        return f"| {label} | {nest_s:.3f} | {ours_s:.3f} | {ours_s / nest_s:.1f} |"

    imports = results.get("import_time", [])
    nest_imports = [r["import_s"] for r in imports if r["simulator"] == "nest"]
    jax_imports = [r["import_s"] for r in imports if r["simulator"] == "jax"]
    if nest_imports and jax_imports:
        label = f"import alone (median of {len(jax_imports)} fresh processes)"
        lines.append(row(label, statistics.median(nest_imports), statistics.median(jax_imports)))
    ref = by_simulator(suite, "nest")
    for cache in ("empty", "warm"):
        ours = by_simulator(suite, "jax", cache)
        if ref is not None and ours is not None:
            label = f"{len(ours['scripts'])} scripts, whole process, {cache} cache"
            lines.append(row(label, ref["process_wall_s"], ours["process_wall_s"]))
    one = results.get("one_neuron", [])
    ref1 = by_simulator(one, "nest")
    for cache in ("empty", "warm"):
        ours = by_simulator(one, "jax", cache)
        if ref1 is not None and ours is not None:
            label = f"one-neuron script, whole process, {cache} cache"
            lines.append(row(label, ref1["process_wall_s"], ours["process_wall_s"]))
    nest_lat, ours_lat = by_simulator(latency, "nest"), by_simulator(latency, "jax")
    if nest_lat is None or ours_lat is None:
        return lines
    nest_ps, ours_ps = nest_lat["per_script"], ours_lat["per_script"]
    names = [n for n in ours_lat["scripts"] if n in nest_ps]
    nest_sum = sum(nest_ps[n]["repeat_s"] for n in names)
    for key, label in (("first_s", "first run"), ("repeat_s", "repeat")):
        ours_sum = sum(ours_ps[n][key] for n in names)
        lines.append(row(f"sum of per-script latencies, pynest_jax {label}", nest_sum, ours_sum))
    lines += [
        "",
        "Per-script latency, in one process: the time from a script's ResetKernel to the end of its",
        "first Simulate. Each script runs twice in a row; 'first' includes pynest_jax's compilation",
        "(empty cache), 'repeat' is the second build of the same network; NEST's is its repeat.",
        "Spike counts are those of the first run; scripts without random numbers should agree.",
        "",
        "| script | random | NEST ms | pynest_jax first ms | pynest_jax repeat ms | repeat - NEST ms | "
        "repeat / NEST | spikes NEST / pynest_jax |",
        "|---|---|---|---|---|---|---|---|",
    ]
    differing = []
    for n in names:
        a, b = nest_ps[n], ours_ps[n]
        if a["deterministic"] and a["summary"].get("spikes") != b["summary"].get("spikes"):
            differing.append(n)
        cells = [n, "no" if a["deterministic"] else "yes", f"{a['repeat_s'] * 1e3:.1f}"]
        cells += [f"{b['first_s'] * 1e3:.0f}", f"{b['repeat_s'] * 1e3:.1f}"]
        cells += [f"{(b['repeat_s'] - a['repeat_s']) * 1e3:.1f}", f"{b['repeat_s'] / a['repeat_s']:.1f}"]
        cells += [f"{a['summary'].get('spikes', '-')} / {b['summary'].get('spikes', '-')}"]
        lines.append("| " + " | ".join(cells) + " |")
    fixed = [n for n in names if nest_ps[n]["deterministic"]]
    excess = [(ours_ps[n]["repeat_s"] - nest_ps[n]["repeat_s"]) * 1e3 for n in names]
    lines += [
        "",
        f"Repeat latency minus NEST's: median {statistics.median(excess):.1f} ms, "
        f"largest {max(excess):.1f} ms.",
        f"Scripts without random numbers whose spike counts agree: {len(fixed) - len(differing)} of "
        f"{len(fixed)}" + (f" (differing: {', '.join(differing)})." if differing else "."),
    ]
    return lines


def unconnected_table(runs: list[dict]) -> list[str]:
    """Times of the unconnected-neurons runs, with the pynest_jax / NEST (1 thread) ratios."""
    nest1 = next((r for r in runs if r["simulator"] == "nest" and r["threads_used"] == 1), None)
    ours = by_simulator(runs, "jax")
    if nest1 is None or ours is None:
        return []
    lines = [
        "",
        f"## Unconnected neurons ({ours['neurons']} iaf_psc_alpha, I_e = 376 pA, "
        f"{ours['simtime_ms']:.0f} ms per Simulate)",
        "",
        "The neuron updates alone: no synapses and no recorders. Build is Create and Prepare; the steady",
        "time is a second Simulate of the same length.",
        "",
        "| simulator | threads | build s | first simulate s | steady simulate s | real-time factor | "
        "mean V_m after first / second (mV) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in (nest1, ours):
        threads = r["threads_used"] if r["simulator"] == "nest" else "-"
        cells = [r["simulator"], threads, f"{r['build_s']:.3f}", f"{r['first_simulate_s']:.3f}"]
        cells += [f"{r['steady_simulate_s']:.3f}", f"{r['real_time_factor']:.3f}"]
        cells += [f"{r['V_m_mean_first']:.4f} / {r['V_m_mean_steady']:.4f}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    dv = max(
        abs(ours["V_m_mean_first"] - nest1["V_m_mean_first"]),
        abs(ours["V_m_mean_steady"] - nest1["V_m_mean_steady"]),
    )
    lines += [
        "",
        f"pynest_jax / NEST (1 thread): build {ours['build_s'] / nest1['build_s']:.2f}, first simulate "
        f"{ours['first_simulate_s'] / nest1['first_simulate_s']:.2f}, steady simulate "
        f"{ours['steady_simulate_s'] / nest1['steady_simulate_s']:.2f}; mean V_m differs by "
        f"{dv:.2g} mV.",
    ]
    return lines


def aeif_table(runs: list[dict]) -> list[str]:
    """Times and rates of the aeif_cond_alpha network runs, with pynest_jax / NEST ratios."""
    if not runs:
        return []
    first = runs[0]
    lines = [
        "",
        f"## aeif_cond_alpha network (examples/aeif_network.py), {first['simtime_ms']:.0f} ms",
        "",
        f"{first['neurons']} neurons integrated by the adaptive RKF45, {first['synapses']} synapses.",
        "",
        "| simulator | threads | build s | first simulate s | steady simulate s | real-time factor | "
        "rate (spikes/s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        threads = r["threads_used"] if r["simulator"] == "nest" else "-"
        cells = [r["simulator"], threads, f"{r['build_s']:.2f}", f"{r['first_simulate_s']:.2f}"]
        cells += [f"{r['steady_simulate_s']:.2f}", f"{r['real_time_factor']:.2f}", f"{r['rate']:.2f}"]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    nest2 = next(r for r in runs if r["simulator"] == "nest" and r["threads_used"] == 2)
    ours = next(r for r in runs if r["simulator"] == "jax")
    lines += [
        "",
        f"pynest_jax / NEST: steady simulate {ours['steady_simulate_s'] / first['steady_simulate_s']:.2f} "
        f"(1 thread), {ours['steady_simulate_s'] / nest2['steady_simulate_s']:.2f} (2 threads); "
        f"rate {ours['rate'] / nest2['rate']:.3f} (one network realisation each; the mean rate of this "
        "network varies by about 15 % from seed to seed in either simulator).",
    ]
    return lines


def stdp_table(runs: list[dict]) -> list[str]:
    """Times, rates and E->E weight distributions of the STDP network runs, with a
    two-sample Kolmogorov-Smirnov test on random subsamples of the weights."""
    if len(runs) < 2:
        return []
    from scipy.stats import ks_2samp

    first = runs[0]
    lines = [
        "",
        f"## STDP network (examples/stdp_network.py), {first['simtime_ms']:.0f} ms",
        "",
        f"{first['neurons']} iaf_psc_alpha neurons, {first['synapses']} synapses of which "
        f"{first['plastic_synapses']} E->E `stdp_synapse`. Weights after the first Simulate; the steady "
        "time is a second Simulate of the same length.",
        "",
        "| simulator | threads | build s | first simulate s | steady simulate s | rate (spikes/s) | "
        "weight mean | weight std | weight quantiles 1/10/50/90/99 % |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        threads = r["threads_used"] if r["simulator"] == "nest" else "-"
        cells = [r["simulator"], threads, f"{r['build_s']:.2f}", f"{r['first_simulate_s']:.2f}"]
        cells += [f"{r['steady_simulate_s']:.2f}", f"{r['rate']:.2f}", f"{r['weight_mean']:.4f}"]
        cells += [f"{r['weight_std']:.4f}", " / ".join(f"{q:.3f}" for q in r["weight_quantiles"])]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    nest = next(r for r in runs if r["simulator"] == "nest" and r["threads_used"] == 2)
    ours = next(r for r in runs if r["simulator"] == "jax")
    ks = ks_2samp(nest["weight_sample"], ours["weight_sample"])
    lines += [
        "",
        f"pynest_jax / NEST ({nest['threads_used']} threads): first simulate "
        f"{ours['first_simulate_s'] / nest['first_simulate_s']:.2f}, steady simulate "
        f"{ours['steady_simulate_s'] / nest['steady_simulate_s']:.2f}; "
        f"rate {ours['rate'] / nest['rate']:.3f}; "
        f"weight mean {ours['weight_mean'] / nest['weight_mean']:.4f}, std "
        f"{ours['weight_std'] / nest['weight_std']:.3f}.",
        f"Two-sample KS test on {len(ours['weight_sample'])} weights drawn at random from each simulator: "
        f"D = {ks.statistic:.3f}, p = {ks.pvalue:.3f} (the same distribution is not rejected at p > 0.01: "
        f"{'yes' if ks.pvalue > 0.01 else 'NO'}). The two simulators draw different network realisations.",
    ]
    return lines


def microcircuit_table(runs: list[dict]) -> list[str]:
    """Times and per-population rates of the microcircuit runs, with pynest_jax / NEST ratios."""
    if not runs:
        return []
    first = runs[0]
    pops = list(first["rates"])
    lines = [
        "",
        f"## Potjans-Diesmann microcircuit, scale {first['scale']} (examples/microcircuit.py)",
        "",
        f"{first['neurons']} neurons, {first['synapses']} synapses; 100 ms transient (with compilation), "
        "then the timed run.",
        "",
        "| simulator | threads | build s | first 100 ms s | steady simulate s | real-time factor | "
        + " | ".join(pops)
        + " |",
        "|---|---|---|---|---|---|" + "---|" * len(pops),
    ]
    for r in runs:
        threads = r["threads_used"] if r["simulator"] == "nest" else "-"
        cells = [r["simulator"], threads, f"{r['build_s']:.2f}", f"{r['first_simulate_s']:.2f}"]
        cells += [f"{r['steady_simulate_s']:.2f}", f"{r['real_time_factor']:.2f}"]
        cells += [f"{r['rates'][p]:.2f}" for p in pops]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    nest1 = next(r for r in runs if r["simulator"] == "nest" and r["threads_used"] == 1)
    nest2 = next(r for r in runs if r["simulator"] == "nest" and r["threads_used"] == 2)
    ours = next(r for r in runs if r["simulator"] == "jax")

    def ratios(a: dict, b: dict) -> dict[str, float]:
        return {p: a["rates"][p] / b["rates"][p] for p in pops}

    def listed(r: dict[str, float]) -> str:
        return ", ".join(f"{p} {x:.3f}" for p, x in r.items())

    # NEST draws another network and input on 2 threads than on 1 (one random stream per
    # thread): its two runs are two realisations, and pynest_jax's is a third.
    to1, to2, nest_spread = ratios(ours, nest1), ratios(ours, nest2), ratios(nest2, nest1)
    nearer = {p: min(abs(to1[p] - 1.0), abs(to2[p] - 1.0)) for p in pops}
    worst = max(nearer.values())
    spread = max(abs(x - 1.0) for x in nest_spread.values())
    steady = ours["steady_simulate_s"]
    lines += [
        "",
        f"Rates pynest_jax / NEST 1 thread: {listed(to1)}.",
        f"Rates pynest_jax / NEST 2 threads: {listed(to2)}.",
        f"NEST 2 threads / NEST 1 thread (two realisations in NEST itself): {listed(nest_spread)} "
        f"(largest difference {spread * 100:.1f} %).",
        f"Each population within 10 % of the nearer NEST run: {'yes' if worst <= 0.10 else 'NO'} "
        f"(largest deviation {worst * 100:.1f} %).",
        f"Steady simulate time pynest_jax / NEST: {steady / first['steady_simulate_s']:.2f} "
        f"(1 thread), {steady / nest2['steady_simulate_s']:.2f} (2 threads).",
    ]
    return lines


if __name__ == "__main__":
    main()
