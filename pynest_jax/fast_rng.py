"""Fast uniform random numbers for bulk per-connection draws (Poisson input).

JAX's default generator (threefry) costs about 5 ns per number on a CPU core,
which made Poisson input the largest cost of a network simulation. Here a
JAX key is turned into one 64-bit seed, and the numbers are SplitMix64 outputs
of consecutive counters (the generator of Java's SplittableRandom, which passes
BigCrush): about ten times cheaper. Like every random input of pynest_jax, its
results are compared with NEST statistically.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_TWO_POW_MINUS_53 = 1.0 / (1 << 53)


def uniform(key: jax.Array, shape: tuple[int, ...]) -> jax.Array:
    """Float64 numbers uniform in [0, 1), one per element of ``shape``."""
    halves = jax.random.bits(key, (2,), dtype=jnp.uint32).astype(jnp.uint64)
    seed = (halves[0] << jnp.uint64(32)) | halves[1]
    size = 1
    for d in shape:
        size *= d
    z = (jnp.arange(size, dtype=jnp.uint64) + jnp.uint64(1)) * jnp.uint64(_GOLDEN) + seed
    z = (z ^ (z >> jnp.uint64(30))) * jnp.uint64(_MIX1)
    z = (z ^ (z >> jnp.uint64(27))) * jnp.uint64(_MIX2)
    z = z ^ (z >> jnp.uint64(31))
    return ((z >> jnp.uint64(11)).astype(jnp.float64) * _TWO_POW_MINUS_53).reshape(shape)
