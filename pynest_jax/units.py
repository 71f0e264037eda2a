"""Accept saiunit quantities wherever NEST takes a number in a fixed unit.

Every model property declares its NEST unit as a string (``"mV"``,
``"pA/ms"``, ``"1/ms"``, ``""`` for dimensionless, ...). :func:`to_nest`
converts a quantity to a plain number in that unit and leaves plain numbers
untouched, so ``V_m=-70*u.mV`` and ``V_m=-70.0`` mean the same.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np

from .errors import NESTErrors

__all__ = ["is_quantity", "to_nest", "unit_of"]


def _u() -> Any:
    """saiunit, imported on first use: most scripts never pass a quantity."""
    import saiunit

    return saiunit


def is_quantity(value: Any) -> bool:
    """Whether ``value`` is a saiunit quantity or unit (checked without importing saiunit)."""
    return type(value).__module__.partition(".")[0] == "saiunit"


# Unit symbols (without prefix) and the saiunit name of the base unit.
_BASE = {
    "V": "volt",
    "A": "amp",
    "S": "siemens",
    "s": "second",
    "F": "farad",
    "Hz": "hertz",
    "Ohm": "ohm",
    "ohm": "ohm",
    "m": "metre",
    "M": "molar",
    "mol": "mole",
    "C": "coulomb",
    "g": "gram",
    "W": "watt",
    "J": "joule",
}
_PREFIXES = ("f", "p", "n", "u", "m", "c", "k", "M", "G")
_POWER = re.compile(r"^(?P<sym>[^\^]+?)(?:\^|\*\*)(?P<exp>[+-]?\d+)$")


def _symbol(sym: str) -> Any:
    """The saiunit unit of one symbol like ``mV``, ``GOhm`` or ``ms``."""
    u = _u()
    sym = sym.replace("µ", "u").replace("μ", "u")
    if sym == "1":
        return u.UNITLESS
    if sym in _BASE:
        return getattr(u, _BASE[sym])
    if len(sym) > 1 and sym[0] in _PREFIXES and sym[1:] in _BASE:
        return getattr(u, sym[0] + _BASE[sym[1:]])
    raise ValueError(f"unknown unit symbol '{sym}'")


def _factor(token: str) -> Any:
    """A symbol with an optional integer power: ``ms``, ``mV^2``, ``ms^-1``."""
    token = token.strip()
    if token.startswith("(") and token.endswith(")"):
        return unit_of(token[1:-1])
    m = _POWER.match(token)
    if m:
        return _symbol(m["sym"].strip()) ** int(m["exp"])
    return _symbol(token)


def _split_top(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` where it is not inside parentheses."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return pieces


def _product(text: str) -> Any:
    parts = _split_top(text, "*")
    unit = _factor(parts[0])
    for t in parts[1:]:
        unit = unit * _factor(t)
    return unit


@functools.cache
def unit_of(unit: str) -> Any:
    """The saiunit unit for a NEST unit string, e.g. ``"mV"``, ``"pA/ms"``, ``"1/ms"``; ``""`` is unitless."""
    u = _u()
    text = unit.strip().replace("**", "^")
    if not text:
        return u.UNITLESS
    # "a/b/c" means a / (b * c).
    pieces = _split_top(text, "/")
    try:
        result = _product(pieces[0])
        for p in pieces[1:]:
            result = result / _product(p)
    except ValueError as e:
        raise ValueError(f"cannot interpret NEST unit string '{unit}': {e}") from None
    return result


def _describe(q: Any) -> str:
    unit = str(q.unit)
    return "a dimensionless quantity" if unit in ("1", "") else f"a quantity in {unit}"


def _convert_quantity(q: Any, unit: str, name: str) -> float | np.ndarray:
    u = _u()
    target = unit_of(unit)
    if not u.have_same_dim(q, target):
        expected = f"takes values in {unit}" if unit else "is dimensionless"
        raise NESTErrors.BadProperty(
            f"Parameter '{name}' {expected}, but got {_describe(q)}: "
            f"dimension {u.get_dim(q)} is incompatible with {u.get_dim(target)}."
        )
    value = q.to_decimal(target)
    if np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=np.float64)


def to_nest(value: Any, unit: str, name: str) -> Any:
    """Express ``value`` as a plain number/array in NEST unit ``unit``.

    saiunit quantities (scalars or arrays, or lists of them) are converted;
    anything else is returned unchanged. A quantity whose dimension does
    not match ``unit`` raises ``NESTErrors.BadProperty`` naming ``name``.
    """
    if not (is_quantity(value) or (isinstance(value, list | tuple) and any(is_quantity(x) for x in value))):
        return value
    u = _u()
    if isinstance(value, u.Unit):
        value = 1.0 * value
    if isinstance(value, u.Quantity):
        return _convert_quantity(value, unit, name)
    if isinstance(value, list | tuple) and any(isinstance(x, u.Quantity | u.Unit) for x in value):
        return [to_nest(x, unit, name) for x in value]
    return value
