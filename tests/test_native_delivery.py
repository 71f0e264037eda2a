"""The native (C++ FFI) spike delivery agrees bit for bit with the XLA path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import pynest_jax  # noqa: F401  (enables x64)
from pynest_jax import native
from pynest_jax.delivery import Part, build_projection, compact, deliver

pytestmark = pytest.mark.skipif(
    jax.default_backend() != "cpu" or not native.available(),
    reason="native delivery needs the CPU backend and a C++ compiler",
)

MODES = ("scalar", "source", "synapse")


@pytest.fixture
def switch():
    """Set ``native.ENABLED`` (read when ``deliver`` is traced); restored afterwards."""
    saved = native.ENABLED
    yield lambda on: setattr(native, "ENABLED", on)
    native.ENABLED = saved


def _projection(rng, w_mode, d_mode, n_src=300, width=160, max_delay=12):
    """Random synapses (some sources without any) in three Connect-like parts of
    disjoint sources, so that uniform values per part give per-source values."""
    bounds = [0, 100, 180, n_src]
    parts = []
    for p, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        nnz = int(rng.integers(400, 2000))
        src = rng.integers(lo, hi - 10, nnz)  # the last 10 sources of each part have no synapses
        tgt = rng.integers(0, width, nnz)
        if w_mode == "synapse":
            weight = rng.normal(0.0, 50.0, nnz)
        else:
            weight = np.broadcast_to(12.5 if w_mode == "scalar" else [12.5, -62.3, 0.1][p], nnz)
        if d_mode == "synapse":
            delay = rng.integers(1, max_delay, nnz)
        else:
            delay = np.broadcast_to(3 if d_mode == "scalar" else [3, 1, 11][p], nnz)
        parts.append(Part(src, tgt, weight, delay))
    layout, data = build_projection(parts, n_src, 0, 1.0)
    assert (layout.weight_mode, layout.delay_mode) == (w_mode, d_mode)
    return layout, jax.tree.map(jnp.asarray, data)


def _spikes(rng, n_src, capacity, n, steps=10):
    """Compacted spikes (step-major, as the engine's) with multiplicities up to 4."""
    flat = np.sort(rng.choice(steps * n_src, n, replace=False))
    st = np.zeros(capacity, np.int32)
    sr = np.zeros(capacity, np.int32)
    cn = np.zeros(capacity, np.int32)
    st[:n], sr[:n], cn[:n] = flat // n_src, flat % n_src, rng.integers(1, 5, n)
    # Stale entries past n must be ignored.
    st[n:], sr[n:], cn[n:] = rng.integers(0, steps, capacity - n), rng.integers(0, n_src, capacity - n), 7
    return jnp.asarray(st), jnp.asarray(sr), jnp.asarray(cn)


def _run(layout, data, ring, spikes, t0s, ring_len, width, on, switch):
    """Deliver several intervals in one jitted loop, as the engine does."""
    switch(on)
    st, sr, cn, ns = spikes

    def run(ring, data, st, sr, cn, ns, t0s):
        def body(k, ring):
            return deliver(ring, layout, data, t0s[k], ring_len, width, st[k], sr[k], cn[k], ns[k])

        return jax.lax.fori_loop(0, ns.shape[0], body, ring)

    jaxpr = str(jax.make_jaxpr(run)(ring, data, st, sr, cn, ns, t0s))
    assert (native.TARGET in jaxpr) == on
    return np.asarray(jax.jit(run)(ring, data, st, sr, cn, ns, t0s))


@pytest.mark.parametrize("w_mode", MODES)
@pytest.mark.parametrize("d_mode", MODES)
def test_native_matches_xla(w_mode, d_mode, switch):
    rng = np.random.default_rng(3 * MODES.index(w_mode) + MODES.index(d_mode))
    n_src, width, ring_len, capacity = 300, 160, 24, 96
    layout, data = _projection(rng, w_mode, d_mode, n_src, width)
    counts = [0, 1, 40, capacity, 0, 17]  # empty intervals, a full one
    per = [_spikes(rng, n_src, capacity, n) for n in counts]
    spikes = tuple(jnp.stack(x) for x in zip(*per, strict=True)) + (jnp.asarray(counts, jnp.int32),)
    t0s = jnp.asarray([0, 10, 20, 1_000_000_000_010, 7, 123], jnp.int64)
    ring = jnp.asarray(rng.normal(size=ring_len * width + 1))
    a = _run(layout, data, ring, spikes, t0s, ring_len, width, True, switch)
    b = _run(layout, data, ring, spikes, t0s, ring_len, width, False, switch)
    assert not np.array_equal(a, np.asarray(ring))
    # The last entry is the XLA path's trash slot for padding; native leaves it alone.
    np.testing.assert_array_equal(a[:-1], b[:-1])
    assert a[-1] == ring[-1]


def test_native_overflow_and_int64_row_ptr(switch):
    """n_spikes above capacity (overflow) uses all entries; int64 row_ptr works too."""
    rng = np.random.default_rng(5)
    n_src, width, ring_len, capacity = 300, 160, 24, 64
    layout, data = _projection(rng, "synapse", "source", n_src, width)
    data = dict(data, row_ptr=data["row_ptr"].astype(jnp.int64))
    st, sr, cn = _spikes(rng, n_src, capacity, capacity)
    spikes = (st[None], sr[None], cn[None], jnp.asarray([capacity + 50], jnp.int32))
    ring = jnp.zeros(ring_len * width + 1)
    t0s = jnp.asarray([40], jnp.int64)
    a = _run(layout, data, ring, spikes, t0s, ring_len, width, True, switch)
    b = _run(layout, data, ring, spikes, t0s, ring_len, width, False, switch)
    np.testing.assert_array_equal(a[:-1], b[:-1])


def test_disabled_switch_falls_back(switch):
    switch(False)
    assert native.native_deliver(jnp.zeros(5), None, {}, 0, 1, 4, None, None, None, 0) is None


_NETWORK = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import pynest_jax as nest
    from pynest_jax import native

    nest.ResetKernel()
    nest.resolution = 0.1
    nest.rng_seed = 7
    ex = nest.Create("iaf_psc_alpha", 40)
    inh = nest.Create("iaf_psc_alpha", 10)
    parrots = nest.Create("parrot_neuron", 5)
    drive = nest.Create("poisson_generator", params={"rate": 9000.0})  # several spikes per step
    nest.Connect(drive, parrots)
    nest.Connect(parrots, ex + inh, {"rule": "fixed_outdegree", "outdegree": 20},
                 {"weight": 60.0, "delay": 1.0})
    nest.Connect(ex, ex + inh, {"rule": "fixed_indegree", "indegree": 8},
                 {"weight": nest.random.uniform(5.0, 40.0), "delay": nest.random.uniform(0.5, 3.0)})
    nest.Connect(inh, ex + inh, {"rule": "fixed_indegree", "indegree": 2}, {"weight": -90.0, "delay": 0.8})
    rec = nest.Create("spike_recorder")
    nest.Connect(ex + inh + parrots, rec)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, ex[:5] + inh[:2])
    nest.Simulate(150.0)
    ev, mv = rec.events, mm.events
    json.dump({"senders": np.asarray(ev["senders"]).tolist(), "times": np.asarray(ev["times"]).tolist(),
               "vm": np.asarray(mv["V_m"]).tolist(), "vm_times": np.asarray(mv["times"]).tolist(),
               "vm_senders": np.asarray(mv["senders"]).tolist(), "native": native._state["ok"]}, sys.stdout)
    """
)


def test_network_native_vs_xla(tmp_path):
    """A small network gives identical spikes and V_m with and without the native path."""
    procs = {}
    for flag in ("1", "0"):
        env = dict(os.environ, PYNEST_JAX_NATIVE=flag, PYNEST_JAX_COMPILATION_CACHE="0")
        procs[flag] = subprocess.Popen(
            [sys.executable, "-c", _NETWORK],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    out = {}
    for flag, p in procs.items():
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-3000:]
        out[flag] = json.loads(stdout)
    on, off = out["1"], out["0"]
    assert on.pop("native") and not off.pop("native")
    assert len(on["times"]) > 100 and len(on["vm"]) > 1000
    # Parrots repeat several drive spikes per step: multiplicities > 1 are delivered.
    pairs = [(s, t) for s, t in zip(on["senders"], on["times"], strict=True) if s > 50]
    assert len(set(pairs)) < len(pairs)
    for key in on:
        np.testing.assert_array_equal(on[key], off[key], err_msg=key)


@pytest.mark.parametrize("n_sources", [1, 7, 70_000])
def test_native_source_order_is_the_stable_sort(n_sources: int, switch) -> None:
    """The counting sort gives NumPy's stable argsort, also past 16-bit source indices."""
    from pynest_jax.delivery import source_order

    src = np.random.default_rng(n_sources).integers(0, n_sources, 50_000).astype(np.int32)
    expected = np.argsort(src, kind="stable")
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_sources))])
    for on in (True, False):
        switch(on)
        order, ptr = source_order(src, n_sources)
        np.testing.assert_array_equal(order, expected)
        np.testing.assert_array_equal(ptr, row_ptr)
    switch(True)
    with pytest.raises(ValueError):
        native.source_order(np.array([0, n_sources], dtype=np.int32), n_sources)


def _stdp_network(nest, per_synapse: bool) -> dict:
    """Poisson-driven parrots onto iaf_psc_alpha and parrot targets through stdp_synapse
    (per-synapse or shared values), plus stdp_synapse_hom among the neurons; several
    spikes per step occur."""
    nest.ResetKernel()
    nest.resolution = 0.1
    nest.rng_seed = 3
    pre = nest.Create("parrot_neuron", 40)
    post = nest.Create("iaf_psc_alpha", 30, params={"I_e": 250.0, "tau_minus": 15.0})
    relay = nest.Create("parrot_neuron", 5)
    drive = nest.Create("poisson_generator", params={"rate": 400.0})
    nest.Connect(drive, pre)
    nest.Connect(drive, post, syn_spec={"weight": 30.0})
    varied = {"weight": nest.random.uniform(20.0, 60.0), "delay": nest.random.uniform(0.5, 3.0)}
    spec = {"synapse_model": "stdp_synapse", "lambda": 0.05, "Wmax": 80.0}
    spec |= varied if per_synapse else {"weight": 40.0, "delay": 1.5}
    nest.Connect(pre, post + relay, {"rule": "fixed_indegree", "indegree": 12}, spec)
    nest.CopyModel("stdp_synapse_hom", "hom", {"lambda": 0.02, "Wmax": 120.0})
    nest.Connect(
        post, post, {"rule": "fixed_indegree", "indegree": 5}, {"synapse_model": "hom", "weight": 50.0}
    )
    rec = nest.Create("spike_recorder")
    nest.Connect(post + relay, rec)
    nest.Simulate(150.0)
    conns = [nest.GetConnections(synapse_model=m) for m in ("stdp_synapse", "hom")]
    return {
        "weight": np.concatenate([c.get("weight") for c in conns]),
        "Kplus": np.concatenate([c.get("Kplus") for c in conns]),
        "senders": np.asarray(rec.events["senders"]),
        "times": np.asarray(rec.events["times"]),
    }


@pytest.mark.parametrize("per_synapse", [False, True])
def test_native_stdp_matches_xla(per_synapse: bool, switch) -> None:
    """The native pair-STDP kernel and the XLA loop over spikes give the same network:
    identical spikes, weights and Kplus equal up to the last bits of exp and pow."""
    import pynest_jax as nest
    from pynest_jax.engine import release_compiled

    out = {}
    for on in (True, False):
        switch(on)
        release_compiled()  # the switch is read when the network step is traced
        out[on] = _stdp_network(nest, per_synapse)
    release_compiled()
    on, off = out[True], out[False]
    np.testing.assert_array_equal(on["senders"], off["senders"])
    np.testing.assert_array_equal(on["times"], off["times"])
    assert len(on["times"]) > 300
    np.testing.assert_allclose(on["weight"], off["weight"], rtol=1e-12)
    np.testing.assert_allclose(on["Kplus"], off["Kplus"], rtol=1e-12)
    assert np.ptp(on["weight"]) > 1.0  # the weights did change


def _compact_both(flat: np.ndarray, capacity: int, switch) -> list[tuple[np.ndarray, np.ndarray]]:
    """``compact`` jitted with the native path on and off (the switch is read when traced)."""
    out = []
    for on in (True, False):
        switch(on)
        fn = jax.jit(lambda f: compact(f, capacity))
        assert (native.COMPACT_TARGET in str(fn.lower(flat).as_text())) == on
        out.append(tuple(np.asarray(a) for a in fn(flat)))
    return out


_COMPACT_CASES = {
    "sparse": (np.random.default_rng(0).random(5000) < 0.02) * np.random.default_rng(1).integers(1, 4, 5000),
    "sparse-tail": np.r_[np.zeros(4096, int), (np.random.default_rng(2).random(77) < 0.3)],
    "dense-gaps": (np.random.default_rng(3).random(1000) < 0.7),
    "all-zero": np.zeros(300, int),
    "all-nonzero": np.full(300, 2),
    "negative": np.r_[0, -1, 0, 0, 5, 0, -7],
    "empty": np.zeros(0, int),
    "one": np.ones(1, int),
}


@pytest.mark.parametrize("case", sorted(_COMPACT_CASES))
@pytest.mark.parametrize("capacity", [0, 1, 16, 64, 8000])
def test_native_compact_matches_xla(case: str, capacity: int, switch) -> None:
    """Same positions and count as the XLA scan, whether the count is below, at or above
    capacity, and for capacities larger than the input."""
    flat = jnp.asarray(_COMPACT_CASES[case], jnp.int32)
    (pos, n), (pos_x, n_x) = _compact_both(flat, capacity, switch)
    assert pos.dtype == np.int32 and pos.shape == (capacity,) and n.dtype == np.int32 and n.shape == ()
    np.testing.assert_array_equal(pos, pos_x)
    assert n == n_x == np.count_nonzero(_COMPACT_CASES[case])
    expected = np.flatnonzero(_COMPACT_CASES[case])[:capacity]
    np.testing.assert_array_equal(pos[: len(expected)], expected)
    assert not pos[len(expected) :].any()


def test_native_compact_in_while_loop(switch) -> None:
    """Inside a while loop body (as in the engine's interval program), with varying input."""
    rng = np.random.default_rng(11)
    flats = jnp.asarray((rng.random((6, 2000)) < rng.random((6, 1)) * 0.05) * 3, jnp.int32)
    capacity = 40

    out = {}
    for on in (True, False):
        switch(on)

        def run(flats):  # new functions per setting: traces are cached per function
            def body(carry):
                k, pos, n = carry
                p, m = compact(flats[k], capacity)
                return k + 1, pos.at[k].set(p), n.at[k].set(m)

            init = (0, jnp.zeros((flats.shape[0], capacity), jnp.int32), jnp.zeros(flats.shape[0], jnp.int32))
            return jax.lax.while_loop(lambda c: c[0] < flats.shape[0], body, init)[1:]

        assert (native.COMPACT_TARGET in str(jax.make_jaxpr(run)(flats))) == on
        out[on] = [np.asarray(a) for a in jax.jit(run)(flats)]
    np.testing.assert_array_equal(out[True][0], out[False][0])
    np.testing.assert_array_equal(out[True][1], out[False][1])
    assert (out[True][1] > capacity).any() and (out[True][1] < capacity).any()


def test_native_compact_falls_back(switch) -> None:
    """Other dtypes or ranks, or the switch off, give None (the caller's XLA code)."""
    switch(True)
    assert native.native_compact(jnp.zeros(8, jnp.int64), 4) is None
    assert native.native_compact(jnp.zeros((2, 4), jnp.int32), 4) is None
    pos, n = native.native_compact(jnp.asarray([0, 2, 0, 1], jnp.int32), 3)  # eager, outside jit
    np.testing.assert_array_equal(pos, [1, 3, 0])
    assert n == 2
    switch(False)
    assert native.native_compact(jnp.zeros(8, jnp.int32), 4) is None
