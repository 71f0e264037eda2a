"""Exact-integration propagators shared by the current-based IAF models.

A synaptic current ``I`` (exponential, or the ``dI``/``I`` pair of an alpha
current) reaches the membrane potential over one step ``h`` through
propagators that are singular when ``tau_syn == tau_m``. NEST 3.10 evaluates

* ``P32`` (I -> V_m) with the regular formula, and falls back to the limit
  ``h / C_m * exp(-h / tau_m)`` whenever the regular value is not a normal,
  positive number (``tau_syn == tau_m`` gives NaN, nearly equal constants
  may give 0 or garbage);
* ``P31`` (dI -> V_m, alpha currents only) with the regular formula when
  ``h > 1e-7 * tau_m**2 / |tau_m - tau_syn|`` and with the limit
  ``h**2 / (2 C_m) * exp(-h / tau_m)`` otherwise.

We evaluate the same expressions, in the same arithmetic order, on the host
in float64, once per simulation, for every neuron of a group. ``exp`` and
``expm1`` come from the C library (Python's ``math``), as NEST's do: NumPy's
vectorised versions differ from them in the last bit for some arguments
(``exp(-0.01)`` among them), which long simulations turn into visible drift.
"""

from __future__ import annotations

import math

import numpy as np

# h must exceed this factor times tau_m**2 / |tau_m - tau_syn| for the regular P31.
_NUMERICAL_STABILITY_FACTOR = 1e-7


def _libm(fn, x: np.ndarray) -> np.ndarray:
    """``fn`` (a ``math`` function) over an array, evaluated once per distinct value."""
    x = np.asarray(x, dtype=np.float64)
    values, inverse = np.unique(x, return_inverse=True)
    return np.array([_call(fn, v) for v in values], dtype=np.float64)[inverse].reshape(x.shape)


def _call(fn, v: float) -> float:
    if np.isnan(v):
        return math.nan
    try:
        return fn(v)
    except OverflowError:
        return math.inf


def exp(x: np.ndarray) -> np.ndarray:
    """``exp`` of the C library, elementwise."""
    return _libm(math.exp, x)


def expm1(x: np.ndarray) -> np.ndarray:
    """``expm1`` of the C library, elementwise."""
    return _libm(math.expm1, x)


def _as_f64(*xs: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(x, dtype=np.float64) for x in xs)


def _regular_terms(tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float):
    """beta, gamma, exp(-h/tau_syn), expm1(h/beta) and the regular P32."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        beta = tau_syn * tau_m / (tau_m - tau_syn)  # inf when tau_m == tau_syn
        gamma = beta / c_m
        inv_beta = (tau_m - tau_syn) / (tau_syn * tau_m)
        exp_h_tau_syn = exp(-h * (1.0 / tau_syn))
        expm1_h_tau = expm1(h * inv_beta)
        p32 = gamma * exp_h_tau_syn * expm1_h_tau
    return beta, gamma, exp_h_tau_syn, expm1_h_tau, p32


def _p32(tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float, p32: np.ndarray) -> np.ndarray:
    tiny = np.finfo(np.float64).tiny
    with np.errstate(invalid="ignore"):
        normal_positive = np.isfinite(p32) & (p32 >= tiny)
    singular = h * (1.0 / c_m) * exp(-h * (1.0 / tau_m))
    return np.where(normal_positive, p32, singular)


def exp_psc_propagator(tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float) -> np.ndarray:
    """Propagator from an exponentially decaying current to V_m over one step (NEST's P21/P32)."""
    tau_syn, tau_m, c_m = _as_f64(tau_syn, tau_m, c_m)
    p32 = _regular_terms(tau_syn, tau_m, c_m, h)[4]
    return _p32(tau_syn, tau_m, c_m, h, p32)


def alpha_psc_propagators(
    tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Propagators (dI -> V_m, I -> V_m) for an alpha-shaped current over one step (P31, P32)."""
    tau_syn, tau_m, c_m = _as_f64(tau_syn, tau_m, c_m)
    beta, gamma, exp_h_tau_syn, expm1_h_tau, p32 = _regular_terms(tau_syn, tau_m, c_m, h)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h_min_regular = _NUMERICAL_STABILITY_FACTOR * tau_m * tau_m / np.abs(tau_m - tau_syn)
        p31_regular = gamma * exp_h_tau_syn * (beta * expm1_h_tau - h)
    p31_singular = 0.5 * h * h * (1.0 / c_m) * exp(-h * (1.0 / tau_m))
    p31 = np.where(h > h_min_regular, p31_regular, p31_singular)
    return p31, _p32(tau_syn, tau_m, c_m, h, p32)
