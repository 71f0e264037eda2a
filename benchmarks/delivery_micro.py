"""Spike delivery alone: ns per synaptic event, native C++ (FFI) vs XLA scatter.

    python benchmarks/delivery_micro.py                      # Brunel-sized projection
    python benchmarks/delivery_micro.py --weights synapse --delays synapse

A projection of 12,500 sources with out-degree ~1,250 onto 12,500 neurons with
two ring channels (brunel_alpha, order 2500); each min-delay interval (15 steps)
delivers ~525 spikes, ~6.6e5 events. Intervals run in a jitted ``fori_loop``
with the ring donated, as in the engine.
"""

from __future__ import annotations

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

import pynest_jax  # noqa: F401  (enables x64)
from pynest_jax import native
from pynest_jax.delivery import Part, build_projection, deliver


def make(args: argparse.Namespace, rng: np.random.Generator):
    """The projection, as the engine builds it from two Connect calls (E and I sources)."""
    n_src, n_tgt, deg = args.sources, args.targets, args.outdegree
    n_ex = int(0.8 * n_src)
    parts = []
    for lo, hi, w in ((0, n_ex, 87.8), (n_ex, n_src, -439.0)):
        nnz = (hi - lo) * deg
        src = np.repeat(np.arange(lo, hi), deg)
        tgt = rng.integers(0, 2, nnz) * n_tgt + rng.integers(0, n_tgt, nnz)
        if args.weights == "synapse":
            weight = rng.normal(w, 5.0, nnz)
        else:
            weight = np.broadcast_to(87.8 if args.weights == "scalar" else w, nnz)
        delay = {
            "scalar": np.broadcast_to(15, nnz),
            "source": np.broadcast_to(15 if lo == 0 else 7, nnz),
            "synapse": rng.integers(1, 30, nnz),
        }[args.delays]
        parts.append(Part(src, tgt, weight, delay))
    layout, data = build_projection(parts, n_src, 0, args.steps * 0.1)
    assert (layout.weight_mode, layout.delay_mode) == (args.weights, args.delays)
    return layout, jax.tree.map(jnp.asarray, data), 2 * n_tgt


def spikes(args: argparse.Namespace, rng: np.random.Generator):
    """Compacted spikes of ``intervals`` intervals, step-major like the engine's."""
    steps = np.zeros((args.intervals, args.capacity), np.int32)
    srcs = np.zeros((args.intervals, args.capacity), np.int32)
    counts = np.zeros((args.intervals, args.capacity), np.int32)
    ns = rng.poisson(args.spikes, args.intervals).astype(np.int32)
    for k, n in enumerate(ns):
        flat = np.sort(rng.choice(args.steps * args.sources, n, replace=False))
        steps[k, :n], srcs[k, :n], counts[k, :n] = flat // args.sources, flat % args.sources, 1
    return jnp.asarray(steps), jnp.asarray(srcs), jnp.asarray(counts), jnp.asarray(ns)


def runner(layout, ring_len: int, width: int, steps: int, use_native: bool):
    native.ENABLED = use_native  # read when deliver is traced

    def run(ring, data, st, sr, cn, ns):
        def body(k, ring):
            return deliver(ring, layout, data, k * steps, ring_len, width, st[k], sr[k], cn[k], ns[k])

        return jax.lax.fori_loop(0, ns.shape[0], body, ring)

    return jax.jit(run, donate_argnums=0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sources", type=int, default=12_500)
    p.add_argument("--targets", type=int, default=12_500)
    p.add_argument("--outdegree", type=int, default=1_250)
    p.add_argument("--spikes", type=float, default=525.0, help="mean spikes per interval")
    p.add_argument("--steps", type=int, default=15, help="steps per min-delay interval")
    p.add_argument("--intervals", type=int, default=20, help="intervals per jitted call")
    p.add_argument("--capacity", type=int, default=4096)
    p.add_argument("--weights", choices=["scalar", "source", "synapse"], default="source")
    p.add_argument("--delays", choices=["scalar", "source", "synapse"], default="scalar")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()

    rng = np.random.default_rng(1)
    layout, data, width = make(args, rng)
    st, sr, cn, ns = spikes(args, rng)
    ring_len = 3 * args.steps
    rp = np.asarray(data["row_ptr"])
    events = int(
        sum((rp[s[:n] + 1] - rp[s[:n]]).sum() for s, n in zip(np.asarray(sr), np.asarray(ns), strict=True))
    )
    print(
        f"{args.sources} sources, out-degree {args.outdegree}, {layout.weight_mode} weights, "
        f"{layout.delay_mode} delays; {float(ns.mean()):.0f} spikes and {events / args.intervals:.3g} "
        f"events per interval"
    )
    results = {}
    for name, use_native in (("native", True), ("xla", False)):
        if use_native and not native.available():
            print("native: unavailable")
            continue
        fn = runner(layout, ring_len, width, args.steps, use_native)
        ring = fn(jnp.zeros(ring_len * width + 1), data, st, sr, cn, ns)  # compile
        ring.block_until_ready()
        best = np.inf
        for _ in range(args.repeats):
            t = time.perf_counter()
            ring = fn(ring, data, st, sr, cn, ns)
            ring.block_until_ready()
            best = min(best, time.perf_counter() - t)
        results[name] = np.asarray(ring)[:-1]
        print(
            f"{name:>6}: {best * 1e9 / events:6.2f} ns/event ({best * 1e3 / args.intervals:.3f} ms/interval)"
        )
    native.ENABLED = None
    if len(results) == 2:
        same = np.array_equal(results["native"], results["xla"])
        diff = np.abs(results["native"] - results["xla"]).max()
        print(f"bitwise identical: {same} (max |diff| {diff:g})")


if __name__ == "__main__":
    main()
