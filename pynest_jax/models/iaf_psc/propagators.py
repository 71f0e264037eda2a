"""Exact-integration propagators shared by the current-based IAF models.

NEST maps a synaptic current onto the membrane potential with a propagator
that is singular when ``tau_syn == tau_m``. Where the time constants differ
by less than 0.01 ms it checks the regular formula against the singular limit
and uses the limit if they disagree badly (or the constants are equal). We
evaluate the same expressions on the host in float64, once per simulation,
for every neuron of a group.
"""

from __future__ import annotations

import numpy as np

_STABILITY_LIMIT = 0.01  # ms


def _propagators(tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float):
    tau_syn, tau_m, c_m = (np.asarray(x, dtype=np.float64) for x in (tau_syn, tau_m, c_m))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        beta = tau_syn * tau_m / (tau_m - tau_syn)
        gamma = beta / c_m
        inv_beta = (tau_m - tau_syn) / (tau_syn * tau_m)
        exp_h_tau_syn = np.exp(-h / tau_syn)
        expm1_h_tau = np.expm1(h * inv_beta)
        p32 = gamma * exp_h_tau_syn * expm1_h_tau
        p31 = gamma * exp_h_tau_syn * (beta * expm1_h_tau - h)
    exp_h_tau = np.exp(-h / tau_m)
    p32_singular = h / c_m * exp_h_tau
    p31_singular = 0.5 * h * h / c_m * exp_h_tau
    near = np.abs(tau_m - tau_syn) < _STABILITY_LIMIT
    with np.errstate(invalid="ignore"):
        singular = near & ((tau_m == tau_syn) | ~(np.abs(p32 - p32_singular) <= p32_singular))
    return np.where(singular, p31_singular, p31), np.where(singular, p32_singular, p32)


def exp_psc_propagator(tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float) -> np.ndarray:
    """Propagator from an exponentially decaying current to V_m over one step."""
    return _propagators(tau_syn, tau_m, c_m, h)[1]


def alpha_psc_propagators(
    tau_syn: np.ndarray, tau_m: np.ndarray, c_m: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Propagators (dI -> V_m, I -> V_m) for an alpha-shaped current over one step."""
    return _propagators(tau_syn, tau_m, c_m, h)
