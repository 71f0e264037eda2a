"""Run the same PyNEST scenario in the real NEST 3.10 and in pynest_jax.

A *scenario* is a function ``scenario(nest, **kw) -> dict`` written against
the PyNEST API; it receives either module and returns what it recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import nest as real_nest  # noqa: F401  (re-exported for tests)
import numpy as np

import pynest_jax

real_nest.verbosity = real_nest.VerbosityLevel.ERROR


def run_both(scenario: Callable[..., dict[str, Any]], **kw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Results of the scenario in NEST and in pynest_jax, each after a ResetKernel."""
    real_nest.ResetKernel()
    ref = scenario(real_nest, **kw)
    pynest_jax.ResetKernel()
    ours = scenario(pynest_jax, **kw)
    return ref, ours


def assert_events_equal(ref: dict[str, np.ndarray], ours: dict[str, np.ndarray], atol: float = 1e-9) -> None:
    """Recorder events: same keys, same senders and times, values within ``atol``."""
    assert set(ref) == set(ours), (sorted(ref), sorted(ours))
    for key in ref:
        a, b = np.asarray(ref[key]), np.asarray(ours[key])
        assert a.shape == b.shape, (key, a.shape, b.shape)
        if key in ("senders", "times"):
            np.testing.assert_array_equal(b, a, err_msg=key)
        else:
            np.testing.assert_allclose(b, a, rtol=0, atol=atol, err_msg=key)


def max_abs_dev(ref: dict[str, np.ndarray], ours: dict[str, np.ndarray]) -> float:
    devs = [
        float(np.max(np.abs(np.asarray(ref[k], float) - np.asarray(ours[k], float)), initial=0.0))
        for k in ref
        if k not in ("senders", "times") and np.shape(ref[k]) == np.shape(ours.get(k))
    ]
    return max(devs, default=0.0)
