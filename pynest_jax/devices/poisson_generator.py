"""``poisson_generator``: independent Poisson spike trains, one per target.

As in NEST, every connection draws its own Poisson number of spikes per step
(mean ``rate * h``), delivered as one event with that multiplicity. NEST tests
the activity window on the step ``s`` itself, so the emitted stamps ``s + 1``
lie in ``(origin + start + h, origin + stop + h]``. We draw
by inversion: a uniform number is looked up in the generator's cumulative
distribution table, computed on the host in float64.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import fast_rng
from ..models.base import Prop, register
from .stimulation import StimulationDevice


def poisson_cdf_table(lam: np.ndarray) -> np.ndarray:
    """Cumulative Poisson probabilities P(X <= k), one row per mean, k = 0..W-1.

    W (a power of two) is wide enough that the probability beyond the table is
    below 1e-15 for the largest mean.
    """
    lam = np.asarray(lam, dtype=np.float64)
    top = float(lam.max(initial=0.0))
    width = 1 << int(np.ceil(np.log2(max(16.0, top + 12.0 * np.sqrt(top) + 30.0))))
    k = np.arange(width)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, width)))])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = k * np.log(lam[:, None]) - lam[:, None] - log_factorial
        logpmf = np.where(lam[:, None] > 0, log_p, 0.0)
    pmf = np.where(lam[:, None] > 0, np.exp(logpmf), (k == 0).astype(float))
    return np.minimum(np.cumsum(pmf, axis=1), 1.0)


# Up to this width a table of one row is searched by counting (compares with scalars
# vectorise well; the gathers of a binary search do not).
_COUNTING_WIDTH = 64


def draw_from_cdf(table: jax.Array, row: jax.Array, u: jax.Array) -> jax.Array:
    """Number of table entries <= u in the given rows: by counting for one narrow row,
    else by a vectorised binary search."""
    width = table.shape[1]
    if table.shape[0] == 1 and width <= _COUNTING_WIDTH:
        count = jnp.zeros(u.shape, dtype=jnp.int32)
        for k in range(width):
            count = count + (table[0, k] <= u)
        return count
    flat = table.reshape(-1)
    base = row * width
    pos = jnp.zeros(u.shape, dtype=jnp.int32)
    step = width // 2
    while step >= 1:
        probe = flat[base + pos + step - 1]
        pos = jnp.where(probe <= u, pos + step, pos)
        step //= 2
    last = flat[base + width - 1]
    return jnp.where(last <= u, width, pos)


@register
class poisson_generator(StimulationDevice):
    name = "poisson_generator"
    emits = "spike"
    params = {**StimulationDevice.params, "rate": Prop(0.0, "Hz")}

    @classmethod
    def check(cls, p):
        if np.any(p["rate"] < 0):
            return "The rate cannot be negative."
        return super().check(p)

    @classmethod
    def device_params(cls, p, h):
        return {"cdf": poisson_cdf_table(p["rate"] * h / 1000.0), **cls.window_params(p, h)}

    @classmethod
    def emit_block(cls, p, s, cs, src, steps, active, key, h):
        # NEST tests the window on the step itself (not its end stamp) for this device.
        on = cls.spikes_on(p, steps[:, None])[:, src]
        u = fast_rng.uniform(key, (len(steps), src.shape[0]))
        n = draw_from_cdf(p["cdf"], src[None, :], u)
        return s, cs, jnp.where(on, n, 0).astype(jnp.float64)
