"""Logic on Parameters, as ``nest.logic``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .parameters import Parameter, as_parameter

__all__ = ["conditional"]


def conditional(condition: Parameter, param_if_true: Any, param_if_false: Any) -> Parameter:
    """Per value, ``param_if_true`` where ``condition`` (a comparison of Parameters) holds,
    else ``param_if_false``; numbers stand for constant Parameters."""
    cond, yes, no = as_parameter(condition), as_parameter(param_if_true), as_parameter(param_if_false)

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        c = cond.sample(rng, n)
        return np.where(c != 0, yes.sample(rng, n), no.sample(rng, n))

    return Parameter(draw, f"conditional({cond._text}, {yes._text}, {no._text})")
