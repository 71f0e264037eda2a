"""Host-side stand-in for NEST's ``Parameter``: random values and expressions of them.

A :class:`Parameter` is a small expression tree whose leaves are NumPy
samplers (a constant or a random distribution) and whose inner nodes are
NumPy functions. ``sample(rng, n)`` evaluates the tree once per item, for
``n`` items at once, with independent draws at every leaf (as in NEST, where
``p - p`` does not vanish because each occurrence of ``p`` draws anew).

:func:`resolve_values` turns whatever a user passes for one property of ``n``
nodes or connections (number, per-item list/array, Parameter) into a float
array of length ``n``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .errors import NESTErrors

__all__ = [
    "CreateParameter",
    "Parameter",
    "constant",
    "default_rng",
    "resolve_values",
    "set_default_rng",
    "set_rng_seed",
]

Sampler = Callable[[np.random.Generator, int], np.ndarray]

# Seed NEST uses by default; GetValue() draws from this generator.
_DEFAULT_SEED = 143202461
_default_rng: np.random.Generator = np.random.default_rng(_DEFAULT_SEED)


def default_rng() -> np.random.Generator:
    """The generator ``Parameter.GetValue()`` draws from."""
    return _default_rng


def set_default_rng(rng: np.random.Generator) -> None:
    """Make ``GetValue()`` draw from ``rng`` (e.g. the kernel's generator)."""
    global _default_rng
    _default_rng = rng


def set_rng_seed(seed: int | None = _DEFAULT_SEED) -> None:
    """Reset the generator behind ``GetValue()`` to a fresh one seeded with ``seed``."""
    set_default_rng(np.random.default_rng(seed))


def _is_number(x: Any) -> bool:
    """A real number: Python, NumPy scalar or 0-d array (bools included)."""
    if isinstance(x, numbers.Real):
        return True
    return isinstance(x, np.generic | np.ndarray) and np.ndim(x) == 0 and x.dtype.kind in "biuf"


# NEST's comparator codes, in its order: <, <=, ==, !=, >=, >.
_COMPARATORS: tuple[tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]], ...] = (
    ("<", np.less),
    ("<=", np.less_equal),
    ("==", np.equal),
    ("!=", np.not_equal),
    (">=", np.greater_equal),
    (">", np.greater),
)


class Parameter:
    """A value drawn per item: a constant, a random distribution or an expression of them.

    Build them with :mod:`pynest_jax.random`, :mod:`pynest_jax.math`,
    :func:`constant` or :func:`CreateParameter`, and combine them with
    ``+ - * / **``, unary ``-`` and comparisons (which yield 0.0/1.0).
    """

    __slots__ = ("_draw", "_text")
    # Keep NumPy from broadcasting over a Parameter: ``np.float64(2) + p`` defers to ``p.__radd__``.
    __array_ufunc__ = None

    def __init__(self, draw: Sampler, text: str = "Parameter") -> None:
        self._draw = draw
        self._text = text

    # -- evaluation ---------------------------------------------------------
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw values for ``n`` items: a float64 array of shape ``(n,)``."""
        n = int(n)
        with np.errstate(all="ignore"):
            out = np.asarray(self._draw(rng, n), dtype=np.float64)
        if out.shape != (n,):
            out = np.broadcast_to(out, (n,)).copy()
        return out

    def GetValue(self) -> float:
        """Draw one value from the module's default generator (see :func:`set_rng_seed`)."""
        return float(self.sample(_default_rng, 1)[0])

    def is_spatial(self) -> bool:
        """Whether the value depends on node positions (never, for these parameters)."""
        return False

    def __repr__(self) -> str:
        return f"<Parameter {self._text}>"

    # -- building expressions -----------------------------------------------
    @staticmethod
    def _as_param(x: Any) -> Parameter:
        if isinstance(x, Parameter):
            return x
        if _is_number(x):
            return constant(float(x))
        # NEST raises NotImplementedError for operands it cannot turn into a Parameter.
        raise NotImplementedError(f"cannot combine a Parameter with an object of type {type(x).__name__}")

    def _binary(self, other: Any, fn: Callable[[np.ndarray, np.ndarray], np.ndarray], sym: str) -> Parameter:
        a, b = self, Parameter._as_param(other)

        def draw(rng: np.random.Generator, n: int) -> np.ndarray:
            x = a.sample(rng, n)
            y = b.sample(rng, n)
            return fn(x, y)

        return Parameter(draw, f"({a._text} {sym} {b._text})")

    def __add__(self, other: Any) -> Parameter:
        return self._binary(other, np.add, "+")

    def __radd__(self, other: Any) -> Parameter:
        return self + other

    def __sub__(self, other: Any) -> Parameter:
        return self._binary(other, np.subtract, "-")

    def __rsub__(self, other: Any) -> Parameter:
        return Parameter._as_param(other) - self

    def __mul__(self, other: Any) -> Parameter:
        return self._binary(other, np.multiply, "*")

    def __rmul__(self, other: Any) -> Parameter:
        return self * other

    def __truediv__(self, other: Any) -> Parameter:
        return self._binary(other, np.divide, "/")

    def __rtruediv__(self, other: Any) -> Parameter:
        return Parameter._as_param(other) / self

    def __pow__(self, exponent: Any) -> Parameter:
        # NEST only allows a number as exponent (float() of a Parameter is a TypeError).
        e = float(exponent)
        base = self
        return Parameter(lambda rng, n: np.power(base.sample(rng, n), e), f"({self._text} ** {e!r})")

    def __neg__(self) -> Parameter:
        return self * -1.0

    def __pos__(self) -> Parameter:
        return self

    def _compare(self, other: Any, code: int) -> Parameter:
        sym, fn = _COMPARATORS[code]
        return self._binary(other, lambda x, y: fn(x, y).astype(np.float64), sym)

    def __lt__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 0)

    def __le__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 1)

    def __eq__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 2)

    def __ne__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 3)

    def __ge__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 4)

    def __gt__(self, other: Any) -> Parameter:  # type: ignore[override]
        return self._compare(other, 5)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as in NEST


def constant(value: float) -> Parameter:
    """A Parameter that always yields ``value``."""
    v = float(value)
    return Parameter(lambda rng, n: np.full(n, v), repr(v))


def as_parameter(p: Any) -> Parameter:
    """A Parameter as it is, a number as a constant Parameter (``nest.math``, ``nest.logic``)."""
    if isinstance(p, Parameter):
        return p
    if _is_number(p):
        return constant(float(p))
    raise TypeError(f"expected a Parameter or a number, got an object of type {type(p).__name__}")


def CreateParameter(parametertype: str, specs: Mapping[str, Any] | None = None) -> Parameter:
    """A Parameter by NEST type name: constant, uniform, uniform_int, normal, lognormal or exponential."""
    from . import random as _random

    makers: dict[str, tuple[Callable[..., Parameter], dict[str, Any]]] = {
        "constant": (constant, {"value": None}),
        "uniform": (_random.uniform, {"min": 0.0, "max": 1.0}),
        "uniform_int": (_random.uniform_int, {"max": None}),
        "normal": (_random.normal, {"mean": 0.0, "std": 1.0}),
        "lognormal": (_random.lognormal, {"mean": 0.0, "std": 1.0}),
        "exponential": (_random.exponential, {"beta": 1.0}),
    }
    if parametertype not in makers:
        raise NESTErrors.UndefinedName(f"Unknown parameter type '{parametertype}'.")
    specs = dict(specs or {})
    maker, defaults = makers[parametertype]
    unknown = sorted(set(specs) - set(defaults))
    if unknown:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unused entries when creating a '{parametertype}' parameter: {', '.join(unknown)}"
        )
    kwargs = {k: specs.get(k, d) for k, d in defaults.items()}
    missing = [k for k, v in kwargs.items() if v is None]
    if missing:
        # NEST reports a missing required entry as an IndexError.
        raise NESTErrors.IndexError(f"'{parametertype}' parameter requires: {', '.join(missing)}")
    return maker(**kwargs)


def _item_value(x: Any, rng: np.random.Generator, name: str) -> float:
    """One per-item entry of a list as a float, NEST-style type checks included."""
    if isinstance(x, Parameter):
        return float(x.sample(rng, 1)[0])
    if _is_number(x):
        return float(x)
    what = "std::string" if isinstance(x, str) else type(x).__name__
    if isinstance(x, Sequence | np.ndarray) and not isinstance(x, str):
        what = "a vector"
    label = f"'{name}'" if name else "value"
    raise NESTErrors.TypeMismatch(f"Expected datatype: cannot convert {label} from {what} to a double.")


def resolve_values(value: Any, n: int, rng: np.random.Generator, name: str = "") -> np.ndarray:
    """Turn a user value for one property of ``n`` items into a float64 array of length ``n``.

    ``value`` may be a number (used for every item), a Parameter (sampled
    ``n`` times from ``rng``) or a sequence with one entry per item (numbers
    or Parameters). As in NEST, a sequence shorter than ``n`` raises
    ``IndexError`` and entries beyond the first ``n`` are ignored.
    """
    n = int(n)
    label = f"'{name}'" if name else "value"
    if isinstance(value, Parameter):
        return value.sample(rng, n)
    if _is_number(value):
        return np.full(n, float(value), dtype=np.float64)
    if isinstance(value, str | bytes):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: cannot convert {label} from std::string to a double."
        )
    if isinstance(value, Mapping) or not isinstance(value, Sequence | np.ndarray):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: cannot convert {label} of type {type(value).__name__} to a double."
        )
    if len(value) < n:
        raise NESTErrors.IndexError(f"{label} has {len(value)} entries, but {n} items are to be set.")
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "biuf":
        return value[:n].astype(np.float64)
    return np.array([_item_value(value[i], rng, name) for i in range(n)], dtype=np.float64)
