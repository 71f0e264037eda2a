"""What NEST's generalised integrate-and-fire models (``gif_*``) share.

Every step NEST first sums the spike-triggered current ``I_stc`` (the
elements of ``q_stc``/``tau_stc``) and the moving threshold ``E_sfa``
(``V_T_star`` plus the elements of ``q_sfa``/``tau_sfa``) and lets the
elements decay by one step. The model then advances its membrane potential
with that ``I_stc`` (exactly, or with GSL's RKF45) and takes up the step's
spikes. A neuron that is not refractory fires with the escape-noise hazard
``1 - exp(-lambda h)``, ``lambda = lambda_0 exp((V_m - E_sfa) / Delta_V)``:
NEST draws one uniform number per neuron and step where ``lambda > 0`` (we
draw from ``ctx.key``; the streams differ, the distributions do not). A
spike adds ``q_stc``/``q_sfa`` to the elements and starts ``t_ref`` (in
steps) of refractoriness, during which ``V_m`` is held at ``V_reset``; the
potential is not reset at the spike itself, and ``t_ref = 0`` means no reset
at all. ``lambda_0`` is given in 1/s and used in 1/ms. Finally the step
current is taken for the next step.

NEST starts ``V_m`` at -70 mV whatever ``E_L`` is, and shows ``E_sfa`` and
``I_stc`` (0 before the first step) without accepting them in SetStatus.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext
from ..gsl_rkf45 import StepControl, evolve
from ..iaf_psc.propagators import exp, expm1
from ..iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    MultisynapseIAF,
    check_archiving,
    first_error,
    has_spike_input,
    non_negative_rule,
    padded_tau_syn,
    port_mask,
    positive_rule,
)

Params = Mapping[str, np.ndarray]

GIF_PARAMS: dict[str, Prop] = {
    "g_L": Prop(4.0, "nS"),
    "E_L": Prop(-70.0, "mV"),
    "V_reset": Prop(-55.0, "mV"),
    "Delta_V": Prop(0.5, "mV"),
    "V_T_star": Prop(-35.0, "mV"),
    "lambda_0": Prop(1.0, "1/s"),
    "t_ref": Prop(4.0, "ms"),
    "C_m": Prop(80.0, "pF"),
    "tau_stc": Prop([], "ms", "vector"),
    "q_stc": Prop([], "pA", "vector"),
    "tau_sfa": Prop([], "ms", "vector"),
    "q_sfa": Prop([], "mV", "vector"),
    "I_e": Prop(0.0, "pA"),
    **ARCHIVING_PARAMS,
    **IGNORE_AND_SPIKE_PARAMS,
}

GIF_STATE: dict[str, Prop] = {
    "V_m": Prop(-70.0, "mV"),
    "E_sfa": Prop(0.0, "mV", hidden=True),
    "I_stc": Prop(0.0, "pA", hidden=True),
    "stc_elems": Prop([], "pA", "vector", hidden=True),
    "sfa_elems": Prop([], "mV", "vector", hidden=True),
    "refr": Prop(0, "", int, hidden=True),
    "I_stim": Prop(0.0, "pA", hidden=True),
}

TIME_CONSTANTS_MSG = "All time constants must be strictly positive."


# ----------------------------------------------------------------------- checks
def _size_error(p: Params, tau: str, q: str) -> str | None:
    for a, b in zip(p[tau], p[q], strict=True):
        if len(a) != len(b):
            return (
                f"'{tau}' and '{q}' need to have the same dimensions.\n"
                f"Size of {tau}: {len(a)}\nSize of {q}: {len(b)}"
            )
    return None


def any_non_positive(vectors: Sequence[Any]) -> bool:
    """Whether any entry of any node's vector is <= 0."""
    return any(np.any(np.asarray(v, dtype=float) <= 0) for v in vectors)


def check_gif(p: Params) -> str | None:
    """NEST 3.10's checks of the parameters every GIF model has, in its order."""
    return (
        _size_error(p, "tau_sfa", "q_sfa")
        or _size_error(p, "tau_stc", "q_stc")
        or first_error(
            p,
            [
                positive_rule("g_L", "Membrane conductance must be strictly positive."),
                positive_rule("Delta_V", "Delta_V must be strictly positive."),
                positive_rule("C_m", "Capacitance must be strictly positive."),
                non_negative_rule("t_ref", "Refractory time must not be negative."),
                non_negative_rule("lambda_0", "lambda_0 must not be negative."),
                (lambda p: any_non_positive(p["tau_sfa"]), TIME_CONSTANTS_MSG),
                (lambda p: any_non_positive(p["tau_stc"]), TIME_CONSTANTS_MSG),
            ],
        )
    )


def tau_syn_error(p: Params) -> str | None:
    """The last check of the models with an excitatory and an inhibitory synapse."""
    rule = positive_rule(("tau_syn_ex", "tau_syn_in"), "Synapse time constants must be strictly positive.")
    return first_error(p, [rule])


# ------------------------------------------------------------- per-node vectors
def fit_state(value: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per-node state cut or zero-padded to each node's entries (NEST resizes such
    vectors before a simulation, keeping their first entries)."""
    v = np.asarray(value, dtype=np.float64).reshape(len(mask), -1)[:, : mask.shape[1]]
    v = np.pad(v, ((0, 0), (0, mask.shape[1] - v.shape[1])))
    return np.where(mask, v, 0.0)


def sum_then_decay(start: Any, elems: Any, decay: Any) -> tuple[Any, Any]:
    """``start`` plus every element, summed in NEST's order, and the elements after one
    step of decay."""
    total = start
    for k in range(elems.shape[1]):
        total = total + elems[:, k]
    return total, elems * decay


def escape_noise(p: dict, v: Any, threshold: Any, free: Any, ctx: StepContext) -> Any:
    """Which free neurons fire: a uniform draw below ``-expm1(-lambda h)`` where
    ``lambda > 0`` (a NaN hazard, 0 * inf, never fires; no draw when no neuron can)."""
    lam = p["lambda_ms"] * jnp.exp((v - threshold) / p["Delta_V"])
    can = free & (lam > 0.0)

    def draw(_):
        u = jax.random.uniform(ctx.key, v.shape, dtype=v.dtype)
        return can & (u < -jnp.expm1(-lam * ctx.h))

    return jax.lax.cond(jnp.any(can), draw, lambda _: jnp.zeros(v.shape, bool), None)


# ------------------------------------------------------------------------ model
class GifNeuron(NodeModel):
    """Base of the GIF models; a model supplies ``membrane`` (the step of its membrane
    and synapses) and its own parameter checks (``synapse_error``)."""

    category = "B"
    params: ClassVar[dict[str, Prop]] = GIF_PARAMS
    state: ClassVar[dict[str, Prop]] = GIF_STATE
    # Ring-buffer channel of the step current.
    current_index: ClassVar[int] = 0
    # Per-port state vectors (multisynapse models), fitted to the ports before a run.
    port_state: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def synapse_error(
        cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: np.ndarray | None
    ) -> str | None:
        """The model's checks of its synapse parameters, made after the common ones."""
        return None

    @classmethod
    def checks(
        cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: np.ndarray | None
    ) -> str | None:
        return check_gif(p) or cls.synapse_error(p, old, changed, has_input)

    @classmethod
    def check(cls, p):
        """Checks of model defaults: every per-port parameter counts as given."""
        return cls.checks(p, p, dict.fromkeys(("tau_syn", "E_rev")), None) or check_archiving(p)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        has_input = None
        if gids is not None and kernel is not None and ("tau_syn" in changed or "E_rev" in changed):
            has_input = has_spike_input(kernel, gids)
        return cls.checks(p, old, changed, has_input) or check_archiving(p)

    @classmethod
    def host_status(cls, group, i, kernel):
        return {"E_sfa": float(group.state["E_sfa"][i]), "I_stc": float(group.state["I_stc"][i])}

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["lambda_ms"] = p["lambda_0"] / 1000.0  # NEST keeps lambda_0 in 1/ms
        out["refr_steps"] = ms_to_steps(p["t_ref"], h)
        for kind in ("stc", "sfa"):
            tau, mask = padded_tau_syn(p, f"tau_{kind}")
            out[f"P_{kind}"] = np.where(mask, exp(-h / tau), 0.0)
            out[f"q_{kind}"] = padded_tau_syn(p, f"q_{kind}", 0.0)[0]
        return out

    @classmethod
    def device_state(cls, p, s):
        s = dict(s)
        for kind in ("stc", "sfa"):
            s[f"{kind}_elems"] = fit_state(s[f"{kind}_elems"], port_mask(p, f"tau_{kind}"))
        if cls.port_state:
            mask = port_mask(p, "tau_syn")
            for name in cls.port_state:
                s[name] = fit_state(s[name], mask)
        return s

    @classmethod
    def membrane(cls, p: dict, s: dict, x: Any, stc: Any, ctx: StepContext) -> tuple[Any, dict]:
        """The membrane potential at the end of the step (used only where the neuron is
        not refractory) and the new synaptic state, after this step's spikes."""
        raise NotImplementedError

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        v_old = s["V_m"]
        stc, stc_elems = sum_then_decay(jnp.zeros_like(v_old), s["stc_elems"], p["P_stc"])
        sfa, sfa_elems = sum_then_decay(p["V_T_star"] + jnp.zeros_like(v_old), s["sfa_elems"], p["P_sfa"])
        v, synapses = cls.membrane(p, s, x, stc, ctx)
        free = s["refr"] == 0
        spike = escape_noise(p, v, sfa, free, ctx)
        new = {
            **synapses,
            "V_m": jnp.where(free, v, p["V_reset"]),
            "E_sfa": sfa,
            "I_stc": stc,
            "stc_elems": jnp.where(spike[:, None], stc_elems + p["q_stc"], stc_elems),
            "sfa_elems": jnp.where(spike[:, None], sfa_elems + p["q_sfa"], sfa_elems),
            "refr": jnp.where(spike, p["refr_steps"], jnp.where(free, s["refr"], s["refr"] - 1)),
            "I_stim": x[cls.current_index],
        }
        return new, spike.astype(jnp.int32)


class GifMultisynapse(GifNeuron):
    """Receptor ports 1..n for spikes (one per entry of ``tau_syn``), port 0 for currents
    and multimeters, as the multisynapse IAF models; the number of ports of a node that
    has spike connections cannot be reduced. Channel 0 carries the step current, channel
    k the spikes of port k."""

    recordables = ("E_sfa", "I_stc", "V_m")
    port_param = "tau_syn"
    ports_msg = "The neuron has connections, therefore the number of ports cannot be reduced."

    receptor_error = MultisynapseIAF.__dict__["receptor_error"]
    spike_channel = MultisynapseIAF.__dict__["spike_channel"]
    current_channel = MultisynapseIAF.__dict__["current_channel"]
    n_channels = MultisynapseIAF.__dict__["n_channels"]

    @classmethod
    def reduced_ports(cls, p: Params, old: Params, has_input: np.ndarray | None) -> bool:
        """Whether a node with spike connections would lose ports."""
        if has_input is None:
            return False
        fewer = np.array([len(a) < len(b) for a, b in zip(p["tau_syn"], old["tau_syn"], strict=True)])
        return bool(np.any(fewer & has_input))

    @classmethod
    def status_extra(cls, p, i):
        return {"n_receptors": len(p["tau_syn"][i])}

    @classmethod
    def host_status(cls, group, i, kernel):
        has_input = bool(has_spike_input(kernel, group.gids[i : i + 1])[0])
        return {**super().host_status(group, i, kernel), "has_connections": has_input}

    @staticmethod
    def port_input(x: Any, ports: int) -> Any:
        """This step's spikes per port, [n, ports]."""
        return MultisynapseIAF.port_input(x, ports)


def membrane_propagators(p: Params, h: float) -> dict[str, np.ndarray]:
    """Exact propagators of the leaky membrane (``tau_m = C_m / g_L``) over one step:
    ``V <- P30 (I_stim + I_e - I_stc) + P33 V + P31 E_L + ...``, as NEST evaluates them."""
    tau_m = p["C_m"] / p["g_L"]
    em1 = expm1(-h / tau_m)
    return {"P33": exp(-h / tau_m), "P30": -1 / p["C_m"] * em1 * tau_m, "P31": -em1}


def integrate(
    derivatives: Callable[[dict, dict, dict], dict], p: dict, s: dict, y: dict, stc: Any, ctx: StepContext
) -> tuple[dict, Any]:
    """``y`` (neurons on the last axis) after one simulation step of NEST's RKF45 loop with
    ``gsl_odeiv_control_y_new(gsl_error_tol, 0)``, no events inside the step; returns it
    and the integration step carried on (the first one is ``h``)."""
    control = StepControl.y(p["gsl_error_tol"], 0.0)
    h_int = jnp.where(s["h_int"] > 0.0, s["h_int"], ctx.h)
    aux = {"refr": s["refr"], "I_stim": s["I_stim"], "stc": stc}
    y, _, h_int = evolve(lambda y, aux, p: derivatives(p, y, aux), control, y, aux, h_int, ctx.h, params=p)
    return y, h_int
