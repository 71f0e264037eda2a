"""``quantal_stp_synapse``: stochastic short-term plasticity with ``n`` release sites.

Of the ``n`` sites, ``a`` are available. At each presynaptic spike the synapse
first brings its state up to this spike: the release probability relaxes
towards ``U`` with ``tau_fac`` (``u = U + u (1 - U) exp(-dt/tau_fac)``; no
facilitation when ``tau_fac`` is below 1e-10 ms) and each depleted site
recovers with probability ``1 - exp(-dt/tau_rec)``; then each available site
releases with probability ``u``, and if any did, ``released * weight`` is sent
and the released sites are depleted. The first spike finds no previous one and
releases with the initial ``u`` and ``a`` (NEST 3.10's behaviour, measured).

NEST draws one uniform number per site and trial; we draw the same binomial
counts directly (``n - a`` recovery trials, ``a`` release trials), so the
distribution is NEST's but not its sample. A spike that releases nothing sends
weight 0 here, where NEST sends no event (the same for every weight-summing
target).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from ..models.base import Prop
from ..models.iaf_psc.shared import first_error
from .base import SynapseModel, register_synapse


def _not_integer(name: str) -> tuple[Callable[[dict], np.ndarray], str]:
    """NEST takes ``n`` and ``a`` only as integers (its error is a TypeMismatch, a
    RuntimeError in PyNEST; our check can only raise BadProperty). NEST refuses an
    integral float such as 2.0 too, which cannot be told from 2 here."""
    return (
        lambda p: np.asarray(p[name], dtype=float) != np.round(np.asarray(p[name], dtype=float)),
        f"The dictionary value with key {name} does not hold a numeric integer type.",
    )


@register_synapse
class quantal_stp_synapse(SynapseModel):
    name = "quantal_stp_synapse"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "U": Prop(0.5, ""),
        "u": Prop(0.5, ""),
        "tau_rec": Prop(800.0, "ms"),
        "tau_fac": Prop(0.0, "ms"),
        "n": Prop(1, "", int),
        "a": Prop(1, "", int),
        "t_lastspike": Prop(-1.0, "ms", hidden=True),  # -1: no spike yet
    }
    dynamic = ("u", "a", "t_lastspike")
    sizeof = None  # NEST 3.10 shows no sizeof for this model (nor for its _hpc variant)
    conn_bytes = 80

    @classmethod
    def check(cls, p, connecting=False):
        """NEST's order: the integer counts are read first, then U, u and the time
        constants are checked; ``n`` and ``a`` are not bounded."""
        return first_error(
            p,
            (
                _not_integer("n"),
                _not_integer("a"),
                (lambda p: (p["U"] > 1.0) | (p["U"] < 0.0), "'U' must be in [0,1]."),
                (lambda p: (p["u"] > 1.0) | (p["u"] < 0.0), "'u' must be in [0,1]."),
                (lambda p: p["tau_rec"] <= 0.0, "'tau_rec' must be > 0."),
                (lambda p: p["tau_fac"] < 0.0, "'tau_fac' must be >= 0."),
            ),
        )

    @classmethod
    def transmit(cls, p, t_spike, key):
        seen = p["t_lastspike"] >= 0.0
        dt = t_spike - p["t_lastspike"]
        p_decay = jnp.exp(-dt / p["tau_rec"])
        facilitating = p["tau_fac"] >= 1.0e-10
        u_decay = jnp.where(facilitating, jnp.exp(-dt / jnp.where(facilitating, p["tau_fac"], 1.0)), 0.0)
        u = jnp.where(seen, p["U"] + p["u"] * (1.0 - p["U"]) * u_decay, p["u"])
        k_recover, k_release = jax.random.split(key)
        depleted = jnp.where(seen, jnp.maximum(p["n"] - p["a"], 0.0), 0.0)
        a = p["a"] + jax.random.binomial(k_recover, depleted, 1.0 - p_decay)
        released = jax.random.binomial(k_release, jnp.maximum(a, 0.0), u)
        new = {"u": u, "a": a - released, "t_lastspike": jnp.broadcast_to(t_spike, u.shape)}
        return new, released * p["weight"]
