"""Functions of Parameters, as ``nest.math``.

Unlike NEST, a plain number is accepted where a Parameter is expected and
treated as a constant Parameter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import NESTErrors
from .parameters import Parameter, as_parameter

__all__ = ["cos", "exp", "max", "min", "redraw", "sin"]

# NEST gives up on a value after this many draws.
MAX_REDRAWS = 1000


def _unary(p: Any, fn: Any, label: str) -> Parameter:
    arg = as_parameter(p)
    return Parameter(lambda rng, n: fn(arg.sample(rng, n)), f"{label}({arg._text})")


def exp(parameter: Parameter) -> Parameter:
    """The exponential of the parameter's value."""
    return _unary(parameter, np.exp, "exp")


def sin(parameter: Parameter) -> Parameter:
    """The sine of the parameter's value."""
    return _unary(parameter, np.sin, "sin")


def cos(parameter: Parameter) -> Parameter:
    """The cosine of the parameter's value."""
    return _unary(parameter, np.cos, "cos")


def min(parameter: Parameter, value: float) -> Parameter:
    """The smaller of the parameter's value and ``value``."""
    arg, v = as_parameter(parameter), float(value)

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        x = arg.sample(rng, n)
        return np.where(v < x, v, x)  # keeps x when either side is NaN

    return Parameter(draw, f"min({arg._text}, {v!r})")


def max(parameter: Parameter, value: float) -> Parameter:
    """The larger of the parameter's value and ``value``."""
    arg, v = as_parameter(parameter), float(value)

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        x = arg.sample(rng, n)
        return np.where(x < v, v, x)  # keeps x when either side is NaN

    return Parameter(draw, f"max({arg._text}, {v!r})")


def redraw(parameter: Parameter, min: float, max: float) -> Parameter:
    """The parameter's value, drawn again while it lies outside ``[min, max]`` (bounds included).

    Out-of-range entries are redrawn together in rounds; after
    ``MAX_REDRAWS`` draws of one entry a ``KernelException`` is raised.
    """
    arg, lo, hi = as_parameter(parameter), float(min), float(max)
    if lo > hi:
        raise NESTErrors.BadParameterValue("redraw: min <= max required.")

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        x = arg.sample(rng, n)
        bad = np.flatnonzero((x < lo) | (x > hi))
        draws = 1
        while bad.size:
            if draws == MAX_REDRAWS:
                raise NESTErrors.KernelException(f"Number of redraws exceeded limit of {MAX_REDRAWS}")
            y = arg.sample(rng, bad.size)
            x[bad] = y
            bad = bad[(y < lo) | (y > hi)]
            draws += 1
        return x

    return Parameter(draw, f"redraw({arg._text}, {lo!r}, {hi!r})")
