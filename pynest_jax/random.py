"""Random-distribution Parameters, as ``nest.random``.

Arguments are checked when the Parameter is created, with NEST's error
classes: ``uniform`` needs ``min < max``, ``normal``/``lognormal`` need
``std > 0``, ``uniform_int`` needs an integer ``max > 0``; ``exponential``
accepts any ``beta`` (NEST does not check it: a negative ``beta`` gives
negative values, ``beta=0`` gives zeros).
"""

from __future__ import annotations

import numbers

import numpy as np

from .errors import NESTErrors
from .parameters import Parameter

__all__ = ["exponential", "lognormal", "normal", "uniform", "uniform_int"]


def uniform(min: float = 0.0, max: float = 1.0) -> Parameter:
    """Values uniformly distributed in ``[min, max)``."""
    lo, hi = float(min), float(max)
    if lo >= hi:
        raise NESTErrors.BadProperty("uniform parameter: min < max required.")
    width = hi - lo
    return Parameter(lambda rng, n: lo + width * rng.random(n), f"uniform(min={lo!r}, max={hi!r})")


def uniform_int(max: int) -> Parameter:
    """Integers uniformly distributed in ``[0, max)``, yielded as floats."""
    if isinstance(max, bool | np.bool_) or not isinstance(max, numbers.Integral):
        # NEST reports a non-integer 'max' as a plain RuntimeError.
        raise RuntimeError("uniform_int parameter: 'max' must be an integer.")
    hi = int(max)
    if hi <= 0:
        raise NESTErrors.BadProperty("uniform_int parameter: max > 0 required.")
    return Parameter(lambda rng, n: rng.integers(0, hi, size=n).astype(np.float64), f"uniform_int(max={hi})")


def normal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    """Normally distributed values with the given mean and standard deviation."""
    mu, sigma = float(mean), float(std)
    if sigma <= 0:
        raise NESTErrors.BadProperty("normal parameter: std > 0 required.")
    return Parameter(
        lambda rng, n: mu + sigma * rng.standard_normal(n), f"normal(mean={mu!r}, std={sigma!r})"
    )


def lognormal(mean: float = 0.0, std: float = 1.0) -> Parameter:
    """Log-normal values: ``exp(X)`` with ``X`` normal of the given ``mean`` and ``std``."""
    mu, sigma = float(mean), float(std)
    if sigma <= 0:
        raise NESTErrors.BadProperty("lognormal parameter: std > 0 required.")
    return Parameter(
        lambda rng, n: np.exp(mu + sigma * rng.standard_normal(n)),
        f"lognormal(mean={mu!r}, std={sigma!r})",
    )


def exponential(beta: float = 1.0) -> Parameter:
    """Exponentially distributed values with scale ``beta`` (mean ``beta``)."""
    b = float(beta)
    return Parameter(lambda rng, n: b * rng.standard_exponential(n), f"exponential(beta={b!r})")
