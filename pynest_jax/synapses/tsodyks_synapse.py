"""``tsodyks_synapse``: short-term depression and facilitation with a synaptic current state.

The synapse carries three fractions of resources, recovered ``x``, active
``y`` (decaying with ``tau_psc``) and inactive ``z = 1 - x - y`` (recovering
into ``x`` with ``tau_rec``), and the release probability ``u`` (decaying with
``tau_fac``; no facilitation when ``tau_fac`` is 0). At each presynaptic spike
it propagates this state exactly over the time since the previous spike, then
increments ``u`` by ``U (1 - u)``, moves ``u x`` from ``x`` to ``y`` and sends
``u x weight``. The time of the previous spike starts at 0 ms, so the first
spike propagates the initial state from 0 (NEST 3.10's behaviour, measured;
unlike ``tsodyks2_synapse`` and ``quantal_stp_synapse``, which skip the update
at the first spike).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from ..models.base import Prop
from ..models.iaf_psc.shared import first_error
from .base import SynapseModel, register_synapse


def propagate_and_release(p: dict[str, Any], t_spike: Any) -> tuple[dict[str, Any], Any]:
    """State after a spike at ``t_spike`` and the fraction ``u x`` it releases.

    ``p`` holds the dynamics' parameters (``U``, ``tau_psc``, ``tau_rec``,
    ``tau_fac``; per connection or common) and the state ``x``, ``y``, ``u``,
    ``t_lastspike``. NEST's propagators are kept as they are (no expm1), and
    ``tau_psc == tau_rec`` divides by zero there as here."""
    h = t_spike - p["t_lastspike"]
    tau_fac, tau_psc, tau_rec = p["tau_fac"], p["tau_psc"], p["tau_rec"]
    no_fac = tau_fac == 0.0
    p_uu = jnp.where(no_fac, 0.0, jnp.exp(-h / jnp.where(no_fac, 1.0, tau_fac)))
    p_yy = jnp.exp(-h / tau_psc)
    p_zz = jnp.exp(-h / tau_rec)
    p_xy = ((p_zz - 1.0) * tau_rec - (p_yy - 1.0) * tau_psc) / (tau_psc - tau_rec)
    p_xz = 1.0 - p_zz
    x, y, u = p["x"], p["y"], p["u"]
    z = 1.0 - x - y
    u = u * p_uu
    x = x + p_xy * y + p_xz * z
    y = y * p_yy
    u = u + p["U"] * (1.0 - u)
    released = u * x
    new = {"x": x - released, "y": y + released, "u": u, "t_lastspike": jnp.broadcast_to(t_spike, u.shape)}
    return new, released


def x_plus_y_rule(p: dict[str, Any]) -> Any:
    """NEST bounds x and y only through their sum."""
    return p["x"] + p["y"] > 1.0


X_PLUS_Y_MSG = "x + y must be <= 1.0."


@register_synapse
class tsodyks_synapse(SynapseModel):
    name = "tsodyks_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "U": Prop(0.5, ""),
        "tau_psc": Prop(3.0, "ms"),
        "tau_fac": Prop(0.0, "ms"),
        "tau_rec": Prop(800.0, "ms"),
        "x": Prop(1.0, ""),
        "y": Prop(0.0, ""),
        "u": Prop(0.0, ""),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    dynamic = ("x", "y", "u", "t_lastspike")
    sizeof = 96

    @classmethod
    def check(cls, p, connecting=False):
        """NEST's order: x + y first (set before the rest), then U, the time
        constants, and u last; y alone is not bounded."""
        return first_error(
            p,
            (
                (x_plus_y_rule, X_PLUS_Y_MSG),
                (lambda p: (p["U"] > 1.0) | (p["U"] < 0.0), "'U' must be in [0,1]."),
                (lambda p: p["tau_psc"] <= 0.0, "'tau_psc' must be > 0."),
                (lambda p: p["tau_rec"] <= 0.0, "'tau_rec' must be > 0."),
                (lambda p: p["tau_fac"] < 0.0, "'tau_fac' must be >= 0."),
                (lambda p: (p["u"] > 1.0) | (p["u"] < 0.0), "'u' must be in [0,1]."),
            ),
        )

    @classmethod
    def transmit(cls, p, t_spike, key):
        new, released = propagate_and_release(p, t_spike)
        return new, released * p["weight"]
