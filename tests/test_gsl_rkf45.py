"""The vectorised RKF45 against GSL itself: the libgsl that NEST 3.10's wheel ships.

NEST calls ``gsl_odeiv_evolve_apply`` in a loop over each simulation step and
handles spikes between the calls. Here the same loop runs through ctypes on
GSL, one neuron at a time, beside ``gsl_rkf45.evolve`` for all neurons at once,
on an AdEx-like system with a reset, for both control variants NEST uses.
"""

from __future__ import annotations

import ctypes
import glob
import os

import jax
import jax.numpy as jnp
import nest
import numpy as np
import pytest

from pynest_jax.models import gsl_rkf45
from pynest_jax.models.gsl_rkf45 import StepControl, evolve

H = 0.1
STEPS = 400
DIM = 3
V_PEAK, V_RESET, JUMP = 0.0, -58.0, 30.0
CURRENTS = np.array([0.0, 260.0, 420.0, 900.0, 2500.0])


def _gsl() -> ctypes.CDLL:
    libs = os.path.join(os.path.dirname(nest.__file__), os.pardir, "nest_simulator.libs")
    ctypes.CDLL(glob.glob(os.path.join(libs, "libgslcblas*"))[0], mode=ctypes.RTLD_GLOBAL)
    lib = ctypes.CDLL(glob.glob(os.path.join(libs, "libgsl-*"))[0])
    lib.gsl_odeiv_step_alloc.restype = ctypes.c_void_p
    lib.gsl_odeiv_step_alloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    lib.gsl_odeiv_control_standard_new.restype = ctypes.c_void_p
    lib.gsl_odeiv_control_standard_new.argtypes = [ctypes.c_double] * 4
    lib.gsl_odeiv_evolve_alloc.restype = ctypes.c_void_p
    lib.gsl_odeiv_evolve_alloc.argtypes = [ctypes.c_size_t]
    lib.gsl_odeiv_evolve_apply.argtypes = [ctypes.c_void_p] * 4 + [
        ctypes.POINTER(ctypes.c_double),
        ctypes.c_double,
        ctypes.POINTER(ctypes.c_double),
        ctypes.POINTER(ctypes.c_double),
    ]
    return lib


_VECTOR = ctypes.POINTER(ctypes.c_double)
RHS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, _VECTOR, _VECTOR, ctypes.c_void_p)


class _System(ctypes.Structure):
    _fields_ = [
        ("function", RHS),
        ("jacobian", ctypes.c_void_p),
        ("dimension", ctypes.c_size_t),
        ("params", ctypes.c_void_p),
    ]


def rates(v, w, g, current, exp):
    """An AdEx-like neuron with one decaying conductance (V bounded at the peak as in NEST)."""
    v = min(v, V_PEAK) if isinstance(v, float) else jnp.minimum(v, V_PEAK)
    dv = (-30.0 * (v + 70.0) + 60.0 * exp((v + 50.0) / 2.0) - g * v - w + current) / 281.0
    return dv, (4.0 * (v + 70.0) - w) / 144.0, -g / 0.2


def run_gsl(control: tuple[float, float, float, float]) -> tuple[np.ndarray, np.ndarray, list]:
    lib = _gsl()
    rkf45 = ctypes.c_void_p.in_dll(lib, "gsl_odeiv_step_rkf45")
    ys, hs, spikes = [], [], []
    for i, current in enumerate(CURRENTS):

        def f(t, y, dydt, params, current=current):
            for k, r in enumerate(rates(y[0], y[1], y[2], current, np.exp)):
                dydt[k] = r
            return 0

        rhs = RHS(f)
        system = _System(rhs, None, DIM, None)
        step = lib.gsl_odeiv_step_alloc(rkf45, DIM)
        ctrl = lib.gsl_odeiv_control_standard_new(*control)
        ev = lib.gsl_odeiv_evolve_alloc(DIM)
        y = (ctypes.c_double * DIM)(-70.0, 0.0, 0.0)
        h = ctypes.c_double(min(0.01, H))
        trace = []
        for s in range(STEPS):
            t = ctypes.c_double(0.0)
            while t.value < H:
                status = lib.gsl_odeiv_evolve_apply(ev, ctrl, step, ctypes.byref(system), t, H, h, y)
                assert status == 0
                if y[0] >= V_PEAK:
                    y[0] = V_RESET
                    y[1] += JUMP
                    spikes.append((s, i))
            if s % 50 == 10:
                y[2] += 3.0  # a synaptic kick
            trace.append(list(y))
        ys.append(trace)
        hs.append(h.value)
    return np.array(ys).transpose(1, 2, 0), np.array(hs), sorted(spikes)


def run_ours(control: StepControl, currents: np.ndarray = CURRENTS) -> tuple[np.ndarray, np.ndarray, list]:
    def rhs(y, aux, current):
        dv, dw, dg = rates(y["v"], y["w"], y["g"], current, jnp.exp)
        return {"v": dv, "w": dw, "g": dg}

    def on_step(y, aux, advanced, current):
        fire = advanced & (y["v"] >= V_PEAK)
        y = {**y, "v": jnp.where(fire, V_RESET, y["v"]), "w": jnp.where(fire, y["w"] + JUMP, y["w"])}
        return y, aux + fire

    n = len(currents)

    @jax.jit
    def step(carry, s):
        y, h = carry
        y, spikes, h = evolve(rhs, control, y, jnp.zeros(n, int), h, H, on_step, jnp.asarray(currents))
        y = {**y, "g": jnp.where(s % 50 == 10, y["g"] + 3.0, y["g"])}
        return (y, h), (jnp.stack([y["v"], y["w"], y["g"]]), spikes)

    y0 = {"v": jnp.full(n, -70.0), "w": jnp.zeros(n), "g": jnp.zeros(n)}
    (_, h), (trace, spikes) = jax.lax.scan(step, (y0, jnp.full(n, min(0.01, H))), jnp.arange(STEPS))
    counts = np.asarray(spikes)
    fired = sorted((s, i) for s, i in zip(*np.nonzero(counts), strict=True) for _ in range(counts[s, i]))
    return np.asarray(trace), np.asarray(h), fired


@pytest.mark.parametrize(
    "variant, tol",
    [("yp", 1e-6), ("yp", 1e-3), ("y", 1e-3), ("y", 1e-8)],
)
def test_evolve_matches_gsl(variant: str, tol: float) -> None:
    """Every state variable after every step, the spikes and the carried step size.

    The states agree to rounding, amplified where the exponential term blows up
    before a spike (up to ~1e-8 there); the carried step size is the sharp check
    of the control rules (the error estimate cancels digits, so it carries rounding
    up to ~1e-6 relative; any other rule changes it by a large factor)."""
    a_y, a_dydt = (0.0, 1.0) if variant == "yp" else (1.0, 0.0)
    eps_rel = tol if variant == "yp" else 0.0
    ref_y, ref_h, ref_spikes = run_gsl((tol, eps_rel, a_y, a_dydt))
    y, h, spikes = run_ours(StepControl(tol, eps_rel, a_y, a_dydt))
    assert len(ref_spikes) > 10
    assert spikes == ref_spikes
    np.testing.assert_allclose(y, ref_y, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(h, ref_h, rtol=1e-5)


def test_stragglers_integrated_apart_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large group hands its last neurons to smaller sets (several levels here): the
    result is bitwise the one of a single loop over the whole group."""
    currents = np.linspace(0.0, 3000.0, 700)
    control = StepControl.yp(1e-6, 1e-6)
    apart = run_ours(control, currents)
    monkeypatch.setattr(gsl_rkf45, "_MIN_SUBSET", 10**9)
    together = run_ours(control, currents)
    assert len(apart[2]) > 1000
    assert apart[2] == together[2]
    np.testing.assert_array_equal(apart[0], together[0])
    np.testing.assert_array_equal(apart[1], together[1])
