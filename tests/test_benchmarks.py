"""The side-by-side benchmarks say what they measured (issue 25).

NEST's rows run on the thread count they are labelled with (the examples'
``ResetKernel`` used to set NEST back to one thread), the runner refuses a
result whose thread count read back from NEST differs from the one asked for,
and every pynest_jax run starts with an empty compilation cache of its own.
The small-simulation scripts run in both simulators with the same summaries, and
the table writer handles the small-simulation and unconnected-neurons results.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import nest
import pytest

import pynest_jax

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
for folder in (BENCHMARKS, REPO / "examples"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import bench  # noqa: E402
import run_all  # noqa: E402
import small_sims  # noqa: E402

nest.verbosity = nest.VerbosityLevel.ERROR


@pytest.fixture(autouse=True)
def _one_thread_after():
    """Leave NEST as the other tests expect it: reset, on one thread."""
    yield
    nest.ResetKernel()


def test_nest_reset_kernel_sets_threads_back_to_one():
    """The cause of the mislabelled rows, and check_threads refusing it."""
    nest.ResetKernel()
    nest.local_num_threads = 2
    nest.ResetKernel()
    assert nest.local_num_threads == 1
    with pytest.raises(bench.ThreadCountMismatch, match="1 thread"):
        bench.check_threads(nest, 2)


def test_check_threads_accepts_the_requested_count():
    nest.ResetKernel()
    nest.local_num_threads = 2
    assert bench.check_threads(nest, 2) == 2
    with pytest.raises(bench.ThreadCountMismatch):
        bench.check_threads(nest, 1)


@pytest.mark.parametrize(
    ("module", "size"),
    [("aeif_network", {"n": 200}), ("stdp_network", {"n": 200}), ("microcircuit", {"scale": 0.01})],
)
def test_example_build_network_keeps_nest_threads(module, size):
    """build_network resets the kernel itself and then sets the thread count asked for."""
    build_network = __import__(module).build_network
    nest.ResetKernel()
    nest.local_num_threads = 2  # what bench.load did; the build's ResetKernel undid it
    build_network(nest, threads=2, **size)
    assert nest.local_num_threads == 2
    assert nest.num_connections > 0
    assert bench.check_threads(nest, 2) == 2


def test_stdp_plastic_weights_of_a_small_network_in_nest():
    """Fewer excitatory neurons than one read batch (NEST refuses a slice past the end)."""
    from stdp_network import build_network, plastic_weights

    net = build_network(nest, n=100)
    w = plastic_weights(nest, net)
    assert len(w) == 80 * 8


def test_brunel_build_network_keeps_nest_threads():
    from brunel_alpha import build_network

    nest.ResetKernel()
    build_network(nest, order=20, n_rec=5, threads=2)
    assert bench.check_threads(nest, 2) == 2


@pytest.mark.parametrize(("module", "size"), [("aeif_network", {"n": 50}), ("stdp_network", {"n": 50})])
def test_example_build_network_still_runs_on_pynest_jax(module, size):
    """The default (one thread) leaves pynest_jax as it was."""
    net = __import__(module).build_network(pynest_jax, **size)
    assert net["n"] == size["n"]
    assert pynest_jax.local_num_threads == 1


def test_pynest_jax_refuses_a_thread_count():
    """pynest_jax runs on its JAX device: a thread label would mean nothing."""
    with pytest.raises(ValueError, match="NEST only"):
        bench.load("jax", 2)


def test_bench_one_neuron_reports_threads_used():
    """End to end: bench.py reads the thread count back from NEST."""
    out = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench.py"), "one_neuron", "--simulator", "nest", "--threads", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    assert result["threads"] == result["threads_used"] == 2


def _fake_bench(monkeypatch, result: dict, seen: list[dict] | None = None):
    """Replace run_all's subprocess.run by one printing ``result`` as bench.py's RESULT line."""

    def fake_run(cmd, capture_output, text, env, check):
        if seen is not None:
            cache = env.get(run_all.CACHE_VAR)
            seen.append({"cache": cache, "empty": cache is not None and os.listdir(cache) == []})
            if cache is not None and os.path.isdir(cache):
                Path(cache, "entry").write_text("compiled")  # the run fills its cache
        return subprocess.CompletedProcess(cmd, 0, stdout="RESULT " + json.dumps(result) + "\n", stderr="")

    monkeypatch.setattr(run_all.subprocess, "run", fake_run)


def test_run_all_refuses_a_nest_result_with_other_threads(monkeypatch):
    args = ["brunel", "--order", "25", "--simulator", "nest", "--threads", "2"]
    wrong = {"case": "brunel", "simulator": "nest", "threads": 2, "threads_used": 1}
    _fake_bench(monkeypatch, wrong)
    with pytest.raises(bench.ThreadCountMismatch, match="1 \\(read back\\)"):
        run_all.run(args)
    stale = {"case": "brunel", "simulator": "nest", "threads": 2}  # no read-back at all
    _fake_bench(monkeypatch, stale)
    with pytest.raises(bench.ThreadCountMismatch):
        run_all.run(args)
    foreign = {"case": "microcircuit", "simulator": "nest", "threads": 2, "threads_used": 2}
    _fake_bench(monkeypatch, foreign)
    with pytest.raises(RuntimeError, match="asked for brunel"):
        run_all.run(args)
    _fake_bench(monkeypatch, {**wrong, "threads_used": 2})
    assert run_all.run(args)["threads_used"] == 2


def test_run_all_gives_every_jax_run_an_empty_cache(monkeypatch):
    seen: list[dict] = []
    _fake_bench(monkeypatch, {"case": "brunel", "simulator": "jax", "threads": 1, "threads_used": None}, seen)
    monkeypatch.setenv(run_all.CACHE_VAR, str(Path.home() / ".cache" / "pynest_jax" / "xla"))
    args = ["brunel", "--order", "25", "--simulator", "jax"]
    run_all.run(args)
    run_all.run(args)
    first, second = seen
    assert first["empty"] and second["empty"]
    assert first["cache"] != second["cache"]
    assert not os.path.exists(first["cache"]) and not os.path.exists(second["cache"])  # removed after


def test_run_all_keeps_an_explicit_cache(monkeypatch, tmp_path):
    """The one-neuron case runs cold, then warm, on one cache directory."""
    seen: list[dict] = []
    _fake_bench(monkeypatch, {"case": "one_neuron", "simulator": "jax", "threads": 1}, seen)
    env = {run_all.CACHE_VAR: str(tmp_path)}
    run_all.run(["one_neuron", "--simulator", "jax"], env)
    run_all.run(["one_neuron", "--simulator", "jax"], env)
    assert [s["cache"] for s in seen] == [str(tmp_path)] * 2
    assert [s["empty"] for s in seen] == [True, False]


# --- small simulations (benchmarks/small_sims.py) and the unconnected-neurons case ---


def test_small_sims_are_many_small_scripts_starting_with_reset_kernel():
    assert len(small_sims.SCRIPTS) >= 20
    assert set(small_sims.QUICK) <= set(small_sims.SCRIPTS)
    assert any(s.deterministic for s in small_sims.SCRIPTS.values())
    assert any(not s.deterministic for s in small_sims.SCRIPTS.values())
    for name, entry in small_sims.SCRIPTS.items():
        body = ast.parse(textwrap.dedent(inspect.getsource(entry.run))).body[0].body
        first = body[1] if isinstance(body[0].value, ast.Constant) else body[0]  # after the docstring
        assert ast.unparse(first) == "nest.ResetKernel()", name


def test_small_sims_selects_scripts_by_name():
    assert small_sims.selected("all") == list(small_sims.SCRIPTS)
    assert small_sims.selected(None) == list(small_sims.SCRIPTS)
    assert small_sims.selected("quick") == small_sims.QUICK
    assert small_sims.selected("stdp_pair, parrot_relay") == ["stdp_pair", "parrot_relay"]
    with pytest.raises(ValueError, match="unknown small scripts"):
        small_sims.selected("stdp_pair,no_such_script")


def test_every_small_script_runs_on_nest_with_a_summary():
    summaries = small_sims.run_suite(nest, list(small_sims.SCRIPTS))["summaries"]
    for name, summary in summaries.items():
        assert summary and all(isinstance(v, int | float) for v in summary.values()), name
    assert bench.check_threads(nest, 1) == 1  # each ResetKernel leaves NEST on one thread


@pytest.mark.parametrize("name", ["dc_iaf_psc_alpha", "parrot_relay", "simulate_in_steps"])
def test_small_script_summaries_agree_on_pynest_jax(name):
    """The same summary keys in both simulators; no random numbers, so the same spike counts."""
    ref = small_sims.SCRIPTS[name].run(nest)
    ours = small_sims.SCRIPTS[name].run(pynest_jax)
    assert small_sims.SCRIPTS[name].deterministic
    assert ours.keys() == ref.keys()
    assert ours["spikes"] == ref["spikes"]
    for key in ref:
        assert ours[key] == pytest.approx(ref[key], rel=1e-9, abs=1e-9), key


def test_first_simulate_clock_forwards_and_times_the_first_simulate():
    calls: list[float] = []
    fake = types.SimpleNamespace(Simulate=calls.append, resolution=0.1, Create=lambda m: m)
    clock = small_sims.FirstSimulateClock(fake)
    clock.resolution = 0.05
    assert fake.resolution == 0.05 and clock.Create("x") == "x"
    assert clock.first_simulate_end is None
    clock.Simulate(10.0)
    end = clock.first_simulate_end
    clock.Simulate(20.0)
    assert calls == [10.0, 20.0] and clock.first_simulate_end == end


def test_small_latency_runs_each_script_twice_on_nest():
    names = ["two_neurons", "stdp_pair"]
    out = small_sims.run_latency(nest, names)
    assert out["scripts"] == names
    for name in names:
        entry = out["per_script"][name]
        assert 0 < entry["first_s"] <= entry["first_total_s"]
        assert 0 < entry["repeat_s"] <= entry["repeat_total_s"]
        assert entry["summary"] == entry["repeat_summary"]


def test_bench_unconnected_agrees_between_nest_and_pynest_jax():
    args = argparse.Namespace(threads=1, n=20, simtime=60.0)
    ref = bench.unconnected(argparse.Namespace(simulator="nest", **vars(args)))
    ours = bench.unconnected(argparse.Namespace(simulator="jax", **vars(args)))
    assert nest.num_connections == 0 and ref["neurons"] == ours["neurons"] == 20
    assert ref["V_m_mean_first"] != ref["V_m_mean_steady"]  # they fire and move on
    for key in ("V_m_mean_first", "V_m_mean_steady"):
        assert ours[key] == pytest.approx(ref[key], abs=1e-9)
    assert bench.import_time(argparse.Namespace(simulator="jax"))["import_s"] >= 0.0


def test_bench_small_suite_on_nest_end_to_end():
    out = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "bench.py"),
            "small_suite",
            "--simulator",
            "nest",
            "--scripts",
            "quick",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    assert result["scripts"] == small_sims.QUICK and set(result["summaries"]) == set(small_sims.QUICK)
    assert result["threads_used"] == 1


def test_run_all_small_sims_run_cold_then_warm(monkeypatch):
    """The suite's two pynest_jax processes share one cache (empty, then filled); every other
    pynest_jax run gets an empty one; NEST runs on one thread; the imports alternate."""
    seen: list[tuple[str, str, str | None, bool]] = []

    def fake_run(cmd, capture_output, text, env, check):
        case, sim = cmd[2], cmd[cmd.index("--simulator") + 1]
        cache = env.get(run_all.CACHE_VAR) if sim == "jax" else None
        seen.append((case, sim, cache, cache is not None and os.listdir(cache) == []))
        if cache is not None:
            Path(cache, "entry").write_text("compiled")
        result = {"case": case, "simulator": sim, "threads": 1, "threads_used": 1 if sim == "nest" else None}
        return subprocess.CompletedProcess(cmd, 0, stdout="RESULT " + json.dumps(result) + "\n", stderr="")

    monkeypatch.setattr(run_all.subprocess, "run", fake_run)
    results: dict = {}
    run_all.small_sims(results, "quick", repeats=2)
    cold, warm = [s for s in seen if s[:2] == ("small_suite", "jax")]
    assert cold[2] == warm[2] and cold[3] and not warm[3]
    assert [r.get("cache") for r in results["small_suite"]] == [None, "empty", "warm"]
    (latency,) = [s for s in seen if s[:2] == ("small_latency", "jax")]
    assert latency[3] and latency[2] != cold[2]
    assert [r["simulator"] for r in results["import_time"]] == ["nest", "jax"] * 2
    assert [r["simulator"] for r in results["small_latency"]] == ["nest", "jax"]


def _small_results() -> dict:
    """Made-up results of the new cases: NEST and pynest_jax disagree on one fixed script."""

    def latency(sim: str, spikes: int, repeat: float) -> dict:
        per = {
            name: {
                "first_s": 2.0 if sim == "jax" else repeat,
                "repeat_s": repeat,
                "first_total_s": 2.0,
                "repeat_total_s": repeat,
                "summary": {"spikes": spikes if name == "stdp_pair" else 7, "V_m": -60.0},
                "repeat_summary": {"spikes": 7, "V_m": -60.0},
                "deterministic": small_sims.SCRIPTS[name].deterministic,
            }
            for name in small_sims.QUICK
        }
        return {"case": "small_latency", "simulator": sim, "scripts": small_sims.QUICK, "per_script": per}

    def suite(sim: str, wall: float, cache: str | None) -> dict:
        r = {"case": "small_suite", "simulator": sim, "scripts": small_sims.QUICK, "process_wall_s": wall}
        return {**r, "cache": cache} if cache else r

    def unconnected(sim: str, steady: float) -> dict:
        return {
            "case": "unconnected",
            "simulator": sim,
            "threads_used": 1 if sim == "nest" else None,
            "neurons": 10000,
            "simtime_ms": 1000.0,
            "build_s": 0.1,
            "first_simulate_s": 2 * steady,
            "steady_simulate_s": steady,
            "real_time_factor": steady,
            "V_m_mean_first": -60.0,
            "V_m_mean_steady": -58.0,
        }

    return {
        "small_suite": [suite("nest", 1.0, None), suite("jax", 8.0, "empty"), suite("jax", 4.0, "warm")],
        "small_latency": [latency("nest", 12, 0.002), latency("jax", 13, 0.01)],
        "import_time": [{"simulator": s, "import_s": t} for s, t in [("nest", 0.4), ("jax", 1.0)] * 3],
        "unconnected": [unconnected("nest", 0.5), unconnected("jax", 0.25)],
    }


def test_small_sims_and_unconnected_tables():
    results = {**_small_results(), "one_neuron": []}
    text = "\n".join(run_all.small_sims_table(results))
    assert "## Small simulations" in text
    assert "| import alone (median of 3 fresh processes) | 0.400 | 1.000 | 2.5 |" in text
    assert "| 3 scripts, whole process, empty cache | 1.000 | 8.000 | 8.0 |" in text
    assert "| 3 scripts, whole process, warm cache | 1.000 | 4.000 | 4.0 |" in text
    assert "| stdp_pair | no | 2.0 | 2000 | 10.0 | 8.0 | 5.0 | 12 / 13 |" in text
    assert "agree: 1 of 2 (differing: stdp_pair)." in text
    unconnected = "\n".join(run_all.unconnected_table(results["unconnected"]))
    assert "## Unconnected neurons (10000 iaf_psc_alpha" in unconnected
    assert "build 1.00, first simulate 0.50, steady simulate 0.50" in unconnected
    assert run_all.small_sims_table({}) == [] and run_all.unconnected_table([]) == []


def test_write_table_with_the_new_entries(tmp_path):
    """The full writer on the committed results plus the new cases, into another file."""
    results = {**json.loads((BENCHMARKS / "results.json").read_text()), **_small_results()}
    run_all.write_table(results, tmp_path / "BENCHMARKS.md")
    text = (tmp_path / "BENCHMARKS.md").read_text()
    assert "## Small simulations" in text and "## Unconnected neurons" in text
    assert text.index("## One neuron") < text.index("## Small simulations")
    assert "one-neuron script, whole process, warm cache" in text


def test_benchmark_processes_use_the_bytecode_cache(monkeypatch):
    """Benchmarked processes import as a default Python does, reading and writing .pyc files."""
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("SOME_OTHER_SETTING", "kept")
    env = run_all.python_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["SOME_OTHER_SETTING"] == "kept"
