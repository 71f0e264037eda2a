"""Compile once per structure: a rebuilt network that differs only in sizes (within a
bucket), parameter values, weights, delays (within a bucket) or targets reuses the
program already in memory, gives NEST's results, and memory stays bounded."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from compare import assert_events_equal, run_both

import pynest_jax
from pynest_jax import engine
from pynest_jax.kernel import KERNEL


def small_network(nest: Any, n_in: int, n_out: int, i_e: float, weight: float, delay: float) -> dict:
    """Driven iaf_psc_alpha neurons onto iaf_psc_exp neurons (one-to-one cycles of
    targets), a dc_generator on the targets, spikes of both and V_m of the targets."""
    drive = nest.Create("iaf_psc_alpha", n_in, params={"I_e": i_e})
    targets = nest.Create("iaf_psc_exp", n_out)
    dc = nest.Create("dc_generator", params={"amplitude": 150.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    sources = np.array([drive[i % n_in].global_id for i in range(2 * n_out)])
    hits = np.array([targets[i % n_out].global_id for i in range(2 * n_out)])
    ones = np.ones(len(sources))
    nest.Connect(sources, hits, "one_to_one", {"weight": weight * ones, "delay": delay * ones})
    nest.Connect(dc, targets)
    nest.Connect(drive + targets, sr)
    nest.Connect(mm, targets)
    nest.Simulate(120.0)
    return {"spikes": sr.get("events"), "V_m": mm.get("events")}


# Sizes, values and delays that share one structure (same size buckets, same interval).
SAME_STRUCTURE = [
    {"n_in": 5, "n_out": 6, "i_e": 400.0, "weight": 300.0, "delay": 1.5},
    {"n_in": 8, "n_out": 7, "i_e": 450.0, "weight": 250.0, "delay": 1.3},
    {"n_in": 6, "n_out": 5, "i_e": 380.0, "weight": 350.0, "delay": 1.4},
]


def _programs() -> int:
    return sum(fn._cache_size() for fn in engine._CACHE.values())


def test_rebuilt_networks_of_one_structure_reuse_the_program_and_match_nest() -> None:
    engine.release_compiled()
    for i, kw in enumerate(SAME_STRUCTURE):
        ref, ours = run_both(small_network, **kw)
        assert len(ref["spikes"]["times"]) > 10
        assert_events_equal(ref["spikes"], ours["spikes"])
        assert_events_equal(ref["V_m"], ours["V_m"], atol=1e-9)
        if i == 0:
            programs = _programs()
        assert _programs() == programs == 1, kw


def test_different_sizes_within_a_bucket_share_padded_device_arrays() -> None:
    shapes = []
    for n in (5, 7, 8):
        pynest_jax.ResetKernel()
        nest_nodes = pynest_jax.Create("iaf_psc_alpha", n)
        pynest_jax.Simulate(1.0)
        shapes.append(KERNEL.engine.plan.group_n)
        assert len(nest_nodes.get("V_m")) == n
    assert shapes == [(8,)] * 3


def test_the_program_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    engine.release_compiled()
    monkeypatch.setattr(engine, "_MAX_PROGRAMS", 2)
    for model in ("iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta"):
        pynest_jax.ResetKernel()
        pynest_jax.Create(model, 3, params={"I_e": 500.0})
        pynest_jax.Simulate(5.0)
    assert len(engine._CACHE) == 2
    assert [plan.group_cls[0].__name__ for plan in engine._CACHE] == ["iaf_psc_exp", "iaf_psc_delta"]


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_memory_stays_flat_over_200_rebuilds() -> None:
    """200 ResetKernel/build/Simulate cycles of varied small networks (three models,
    sizes, values, delays): resident memory after the last cycle is within a few MB of
    what it was after the 50th."""
    engine.release_compiled()
    rng = np.random.default_rng(1)
    models = ("iaf_psc_alpha", "iaf_psc_exp", "iaf_psc_delta")
    rss = {}
    for cycle in range(200):
        pynest_jax.ResetKernel()
        pop = pynest_jax.Create(models[cycle % 3], int(rng.integers(5, 9)), params={"I_e": 600.0})
        sr = pynest_jax.Create("spike_recorder")
        pynest_jax.Connect(
            pop, pop, {"rule": "fixed_indegree", "indegree": 2}, {"weight": 10.0, "delay": 1.5}
        )
        pynest_jax.Connect(pop, sr)
        pynest_jax.Simulate(float(rng.integers(20, 60)))
        assert sr.n_events > 0
        if cycle + 1 in (50, 200):
            rss[cycle + 1] = _rss_mb()
    assert rss[200] - rss[50] < 10.0, rss
