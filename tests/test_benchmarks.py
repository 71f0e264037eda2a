"""The side-by-side benchmarks say what they measured (issue 25).

NEST's rows run on the thread count they are labelled with (the examples'
``ResetKernel`` used to set NEST back to one thread), the runner refuses a
result whose thread count read back from NEST differs from the one asked for,
and every pynest_jax run starts with an empty compilation cache of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
