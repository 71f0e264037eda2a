"""GSL's adaptive Runge–Kutta–Fehlberg 4(5), as NEST uses it, for a whole population at once.

NEST integrates its conductance-based and adaptive neurons with
``gsl_odeiv_evolve_apply`` over ``gsl_odeiv_step_rkf45`` and the standard
step-size control (``gsl_odeiv_control_y_new`` / ``_yp_new`` /
``_standard_new``). Each neuron keeps its own integration step from one
simulation step to the next, and NEST calls ``evolve_apply`` in a loop until
the neuron has reached the end of the simulation step, handling spikes
between those calls.

This module reproduces that algorithm for every neuron of a group in one
``lax.while_loop``. One iteration makes one ``evolve_apply`` attempt for every
neuron that has not reached the end of the step:

* the step is cut to the time left (and the attempt marked final);
* one RKF45 step gives the 5th-order solution, the error estimate and the
  derivative at the new point;
* the standard control scales the step: by ``0.9 * rmax**(-1/5)``, at least
  0.2, when ``rmax > 1.1``; by ``0.9 * rmax**(-1/6)``, between 1 and 5, when
  ``rmax < 0.5``, where ``rmax`` is the largest ``|err_i| / (eps_abs +
  eps_rel * (a_y |y_i| + a_dydt h |y'_i|))``;
* a decrease that really shortens the step rejects the attempt (state and
  time unchanged, the shorter step kept for the retry); otherwise the state
  and time advance, the model handles its events, and the scaled step is
  kept for the next call, even where the final attempt was cut short.

State is any pytree of arrays whose last axis runs over the neurons; the
right-hand side maps it to a pytree of the same structure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

Array = Any
State = Any  # pytree of arrays, neurons on the last axis
RightHandSide = Callable[[State, Any, Any], State]
EventHandler = Callable[[State, Any, Array, Any], tuple[State, Any]]

# Fehlberg's tableau as GSL writes it (zero entries left out).
_A = (1.0 / 4.0, 3.0 / 8.0, 12.0 / 13.0, 1.0, 1.0 / 2.0)
_B3 = (3.0 / 32.0, 9.0 / 32.0)
_B4 = (1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0)
_B5 = (8341.0 / 4104.0, -32832.0 / 4104.0, 29440.0 / 4104.0, -845.0 / 4104.0)
_B6 = (-6080.0 / 20520.0, 41040.0 / 20520.0, -28352.0 / 20520.0, 9295.0 / 20520.0, -5643.0 / 20520.0)
_C = (902880.0 / 7618050.0, 3953664.0 / 7618050.0, 3855735.0 / 7618050.0, -1371249.0 / 7618050.0)
_C6 = 277020.0 / 7618050.0
# Differences of the 5th- and 4th-order weights (for k1, k3, k4, k5, k6).
_E = (1.0 / 360.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0)
_ORDER = 5
_SAFETY = 0.9
_DBL_MIN = float(np.finfo(np.float64).tiny)


@partial(jax.tree_util.register_dataclass, data_fields=["eps_abs", "eps_rel"], meta_fields=["a_y", "a_dydt"])
@dataclass(frozen=True)
class StepControl:
    """GSL's standard step-size control: the allowed error of component i is
    ``eps_abs + eps_rel * (a_y |y_i| + a_dydt h |dy_i/dt|)``. Values may be per-neuron arrays."""

    eps_abs: Any
    eps_rel: Any
    a_y: float
    a_dydt: float

    @classmethod
    def y(cls, eps_abs: Any, eps_rel: Any) -> StepControl:
        """``gsl_odeiv_control_y_new``: error relative to the state."""
        return cls(eps_abs, eps_rel, 1.0, 0.0)

    @classmethod
    def yp(cls, eps_abs: Any, eps_rel: Any) -> StepControl:
        """``gsl_odeiv_control_yp_new``: error relative to the step times the derivative."""
        return cls(eps_abs, eps_rel, 0.0, 1.0)


def _axpy(y: State, h: Array, coeffs: tuple[float, ...], ks: tuple[State, ...]) -> State:
    """``y + h * (c0 k0 + c1 k1 + ...)``, summed left to right as GSL does."""

    def one(yi, *kis):
        acc = coeffs[0] * kis[0]
        for c, k in zip(coeffs[1:], kis[1:], strict=True):
            acc = acc + c * k
        return yi + h * acc

    return jax.tree.map(one, y, *ks)


def rkf45_step(
    f: Callable[[State, Any], State], y: State, aux: Any, h: Array, k1: State
) -> tuple[State, State, State]:
    """One RKF45 step of size ``h`` from ``y`` with ``k1 = f(y)``: the new state,
    the error estimate and the derivative at the new state."""
    k2 = f(jax.tree.map(lambda yi, a: yi + _A[0] * h * a, y, k1), aux)
    k3 = f(_axpy(y, h, _B3, (k1, k2)), aux)
    k4 = f(_axpy(y, h, _B4, (k1, k2, k3)), aux)
    k5 = f(_axpy(y, h, _B5, (k1, k2, k3, k4)), aux)
    k6 = f(_axpy(y, h, _B6, (k1, k2, k3, k4, k5)), aux)

    def advance(yi, a, c, d, e, g):
        return yi + h * (_C[0] * a + _C[1] * c + _C[2] * d + _C[3] * e + _C6 * g)

    def error(a, c, d, e, g):
        return h * (_E[0] * a + _E[1] * c + _E[2] * d + _E[3] * e + _E[4] * g)

    y_new = jax.tree.map(advance, y, k1, k3, k4, k5, k6)
    y_err = jax.tree.map(error, k1, k3, k4, k5, k6)
    return y_new, y_err, f(y_new, aux)


def _per_neuron_max(x: Array) -> Array:
    return x if x.ndim == 1 else jnp.max(x.reshape(-1, x.shape[-1]), axis=0)


def adjust_step(control: StepControl, y: State, y_err: State, dydt: State, h: Array) -> tuple[Array, Array]:
    """GSL's ``hadjust`` of the standard control: the scaled step and whether it is a decrease."""

    def ratio(yi, ei, di):
        allowed = control.eps_rel * (control.a_y * jnp.abs(yi) + control.a_dydt * jnp.abs(h * di))
        r = jnp.abs(ei) / jnp.abs(allowed + control.eps_abs)
        # GSL's running maximum skips NaN ratios (0/0 where nothing is allowed and nothing is wrong).
        return _per_neuron_max(jnp.where(jnp.isnan(r), 0.0, r))

    rmax = jnp.maximum(jax.tree.reduce(jnp.maximum, jax.tree.map(ratio, y, y_err, dydt)), _DBL_MIN)
    shrink = jnp.maximum(_SAFETY / jnp.power(rmax, 1.0 / _ORDER), 0.2)
    grow = jnp.clip(_SAFETY / jnp.power(rmax, 1.0 / (_ORDER + 1.0)), 1.0, 5.0)
    decrease = rmax > 1.1
    factor = jnp.where(decrease, shrink, jnp.where(rmax < 0.5, grow, 1.0))
    return factor * h, decrease


def evolve(
    f: RightHandSide,
    control: StepControl,
    y: State,
    aux: Any,
    h_int: Array,
    t_end: float,
    on_step: EventHandler | None = None,
    params: Any = None,
) -> tuple[State, Any, Array]:
    """Integrate every neuron over (0, t_end] as NEST's loop of ``evolve_apply`` calls.

    ``f(y, aux, params)`` is the right-hand side; ``aux`` holds what it reads
    besides the state and the parameters (refractoriness, the step current) and
    what events change. ``on_step(y, aux, advanced, params)`` runs after every
    attempt and must change only the neurons marked ``advanced`` (those whose step
    was accepted): it applies thresholds, resets and jumps (none without it). Every array in ``y``
    and ``aux`` has the neurons on its last axis (or is a scalar); arrays in
    ``params`` and ``control`` have them on the last axis or, failing that, the
    first (an [n, ports] table), or are shared by all. Returns the state, ``aux``
    and the integration step each neuron carries into the next simulation step.

    Neurons need different numbers of attempts (many near a spike). Once few are
    left, they are gathered into a smaller set that loops on alone, so that the
    cost follows the attempts made rather than the slowest neuron times the group.
    """
    n = h_int.shape[-1]
    carry = (jnp.zeros(n, dtype=h_int.dtype), h_int, y, aux)
    _, h_int, y, aux = _integrate(f, on_step, t_end, carry, control, params, n)
    return y, aux, h_int


# The stragglers of a set are handed to a set this many times smaller (no smaller
# than _MIN_SUBSET), so a set loops on alone only while few neurons are left in it.
_SHRINK = 8
_MIN_SUBSET = 64


def _take(values: Any, idx: Array) -> Any:
    return jax.tree.map(lambda a: a if jnp.ndim(a) == 0 else jnp.take(a, idx, axis=-1, mode="clip"), values)


def _take_params(values: Any, idx: Array, n: int) -> Any:
    """Parameters of the neurons ``idx``: an array is per neuron along its last axis if
    that has the group's size, else along its first (e.g. [n, ports] tables); other
    arrays and scalars are shared."""

    def take(a):
        shape = jnp.shape(a)
        if shape and shape[-1] == n:
            return jnp.take(a, idx, axis=-1, mode="clip")
        if shape and shape[0] == n:
            return jnp.take(a, idx, axis=0, mode="clip")
        return a

    return jax.tree.map(take, values)


def _put(full: Any, part: Any, idx: Array) -> Any:
    return jax.tree.map(
        lambda a, b: a if jnp.ndim(a) == 0 else a.at[..., idx].set(b, mode="drop"), full, part
    )


def _integrate(f, on_step, t_end, carry, control, params, n):
    def attempt(carry):
        t, h, y, aux = carry
        active = t < t_end
        left = t_end - t
        final = h > left
        h0 = jnp.where(final, left, h)
        y_try, y_err, dydt = rkf45_step(lambda y_, a_: f(y_, a_, params), y, aux, h0, f(y, aux, params))
        t_try = jnp.where(final, t_end, t + h0)
        h_adj, decrease = adjust_step(control, y_try, y_err, dydt, h0)
        retry = decrease & (jnp.abs(h_adj) < jnp.abs(h0)) & (t_try + h_adj != t_try)
        advanced = active & ~retry
        h_next = jnp.where(decrease & ~retry, h0, h_adj)
        y = jax.tree.map(lambda new, old: jnp.where(advanced, new, old), y_try, y)
        if on_step is not None:
            y, aux = on_step(y, aux, advanced, params)
        t = jnp.where(advanced, t_try, t)
        h = jnp.where(active, h_next, h)
        return t, h, y, aux

    subset = max(_MIN_SUBSET, -(-n // _SHRINK))
    if subset >= n:
        return jax.lax.while_loop(lambda c: jnp.any(c[0] < t_end), attempt, carry)
    carry = jax.lax.while_loop(lambda c: jnp.sum(c[0] < t_end) > subset, attempt, carry)

    def stragglers(carry):
        idx = jnp.nonzero(carry[0] < t_end, size=subset, fill_value=n)[0]
        t, h, y, aux = _take(carry, idx)
        t = jnp.where(idx < n, t, t_end)  # padding entries are done
        part = _integrate(f, on_step, t_end, (t, h, y, aux), *_take_params((control, params), idx, n), subset)
        return _put(carry, part, idx)

    return jax.lax.cond(jnp.any(carry[0] < t_end), stragglers, lambda c: c, carry)
