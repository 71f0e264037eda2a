"""What NEST's AdEx models (``aeif_*``) share: parameters, checks, the spike
handling between integration steps, and the update around the integrator.

Every model of the family integrates its state over each simulation step with
the shared RKF45 (``gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol)``).
NEST 3.10's first integration step is the resolution ``h``: its results are
those of GSL with a first step of ``h``, bit for bit (a drive from t = 0 shows
it), although its ``init_buffers_`` asks for ``min(0.01 ms, h)``.
After each accepted integration step a refractory neuron is clamped to
``V_reset``; otherwise, once ``V_m`` reaches ``V_peak`` (``V_th`` when
``Delta_T == 0``), the neuron spikes within that same loop: ``V_m`` is reset,
``w`` jumps by ``b`` and the refractory counter is set to ``t_ref`` in steps
plus one (it is decremented at the end of the step). A neuron can therefore
fire several times in one step when ``t_ref == 0``. After the integration the
step's spikes enter the synapses and the step current is taken for the next
step. The right-hand side sees ``V_reset`` while refractory and ``V_m``
bounded by ``V_peak`` otherwise.

NEST throws ``NumericalInstability`` when ``V_m < -1e3`` or ``|w| > 1e6``; we
keep integrating (an exception cannot leave a compiled step).

XLA on the CPU contracts ``a * b + c`` into fused multiply-adds, and its
``exp`` differs from the C library's in the last bit for about one argument in
seven, so our integration steps differ from GSL's in the last bits. The
results agree with NEST's to about 1e-12 relative, unless one of the
step-size decisions (retry or not, grow or not) flips on such a bit: from there
the two runs take different steps and differ by about ``gsl_error_tol``
relative, and by up to 1e-4 on the upstroke of a spike. That takes many
decisions close to their thresholds: neurons firing at high rates under
strong input, most of all with ``t_ref == 0``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext
from ..gsl_rkf45 import StepControl, evolve
from ..iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    MultisynapseIAF,
    Rule,
    check_archiving,
    first_error,
    has_spike_input,
    padded_tau_syn,
    positive_rule,
)

Params = Mapping[str, np.ndarray]

ADEX_PARAMS: dict[str, Prop] = {
    "V_peak": Prop(0.0, "mV"),
    "V_reset": Prop(-60.0, "mV"),
    "t_ref": Prop(0.0, "ms"),
    "g_L": Prop(30.0, "nS"),
    "C_m": Prop(281.0, "pF"),
    "E_L": Prop(-70.6, "mV"),
    "Delta_T": Prop(2.0, "mV"),
    "tau_w": Prop(144.0, "ms"),
    "a": Prop(4.0, "nS"),
    "b": Prop(80.5, "pA"),
    "V_th": Prop(-50.4, "mV"),
    "I_e": Prop(0.0, "pA"),
    "gsl_error_tol": Prop(1e-6),
    **ARCHIVING_PARAMS,
    **IGNORE_AND_SPIKE_PARAMS,
}

# Largest exponent NEST lets (V_peak - V_th) / Delta_T reach: log(DBL_MAX / 1e20).
_MAX_EXP_ARG = float(np.log(np.finfo(np.float64).max / 1e20))
# NEST's messages; some models word them differently (see ``AdExNeuron.messages``).
MESSAGES: dict[str, str] = {
    "reset": "Ensure that: V_reset < V_peak .",
    "c_m": "Capacitance must be strictly positive.",
    "tau": "All time constants must be strictly positive.",
}
_NEGATIVE_STATE_MSG = "Conductances must not be negative."


def adex_rules(
    time_constants: Sequence[str], order: Sequence[str] = ("reset", "delta_t", "peak"), **messages: str
) -> list[Rule]:
    """NEST 3.10's checks of the AdEx parameters: the potentials in ``order`` (``"reset"``:
    V_reset < V_peak, ``"delta_t"``: Delta_T >= 0 and no overflow of the spike current,
    ``"peak"``: V_peak >= V_th), then C_m, t_ref, the time constants and gsl_error_tol."""
    msg = {**MESSAGES, **messages}

    def overflow(p: Params) -> np.ndarray:
        dt = np.asarray(p["Delta_T"], dtype=float)
        safe = np.where(dt > 0, dt, 1.0)
        return (dt > 0) & ((p["V_peak"] - p["V_th"]) / safe >= _MAX_EXP_ARG)

    potentials: dict[str, list[Rule]] = {
        "reset": [(lambda p: p["V_reset"] >= p["V_peak"], msg["reset"])],
        "delta_t": [
            (lambda p: p["Delta_T"] < 0.0, "Delta_T must be positive."),
            (
                overflow,
                "The current combination of V_peak, V_th and Delta_Twill lead to numerical overflow at "
                "spike time; tryfor instance to increase Delta_T or to reduce V_peakto avoid this problem.",
            ),
        ],
        "peak": [(lambda p: p["V_peak"] < p["V_th"], "V_peak >= V_th required.")],
    }
    return [
        *(rule for key in order for rule in potentials[key]),
        positive_rule("C_m", msg["c_m"]),
        (lambda p: p["t_ref"] < 0.0, "Refractory time cannot be negative."),
        positive_rule(tuple(time_constants), msg["tau"]),
        positive_rule("gsl_error_tol", "The gsl_error_tol must be strictly positive."),
    ]


def negative_state_error(names: Sequence[str], changed: Mapping[str, Any] | None) -> str | None:
    """NEST's refusal of a negative synaptic state among the values being set."""
    for name in names:
        if changed is None or name not in changed:
            continue
        try:
            values = np.asarray(changed[name], dtype=float)
        except (TypeError, ValueError):  # a random parameter: drawn later, not checked here
            continue
        if np.any(values < 0):
            return _NEGATIVE_STATE_MSG
    return None


def spike_current(p: dict, v: Any, delta_t_inv: Any = None) -> Any:
    """The exponential spike-initiation current ``g_L Delta_T exp((V - V_th) / Delta_T)``
    (zero when ``Delta_T == 0``); with ``delta_t_inv`` the exponent is multiplied by it
    instead of divided by ``Delta_T``, as aeif_psc_delta does."""
    dt = p["Delta_T"]
    on = dt != 0.0
    if delta_t_inv is None:
        arg = (v - p["V_th"]) / jnp.where(on, dt, 1.0)
    else:
        arg = (v - p["V_th"]) * delta_t_inv
    return jnp.where(on, p["g_L"] * dt * jnp.exp(jnp.where(on, arg, 0.0)), 0.0)


def membrane_potential(p: dict, v: Any, refractory: Any) -> Any:
    """The potential the right-hand side sees: ``V_reset`` while refractory, else ``V_m``
    bounded by ``V_peak``."""
    return jnp.where(refractory, p["V_reset"], jnp.minimum(v, p["V_peak"]))


def voltage_rate(
    p: dict, v: Any, refractory: Any, terms: Sequence[Any], i_stim: Any, c_m_inv: Any = None
) -> Any:
    """dV/dt = (-g_L (V - E_L) + terms... + I_e + I_stim) / C_m, zero while refractory.
    ``terms`` (spike current, signed synaptic currents, -w) are added left to right in
    NEST's order; with ``c_m_inv`` the sum is multiplied by it instead of divided by C_m."""
    acc = -p["g_L"] * (v - p["E_L"])
    for term in terms:
        acc = acc + term
    acc = acc + p["I_e"] + i_stim
    dv = acc / p["C_m"] if c_m_inv is None else acc * c_m_inv
    return jnp.where(refractory, 0.0, dv)


def adaptation_rate(p: dict, v: Any, w: Any, tau_w_inv: Any = None) -> Any:
    """dw/dt = (a (V - E_L) - w) / tau_w (or times ``tau_w_inv``)."""
    drive = p["a"] * (v - p["E_L"]) - w
    return drive / p["tau_w"] if tau_w_inv is None else drive * tau_w_inv


def spike(p: dict, y: dict, aux: dict, fire: Any) -> tuple[dict, dict]:
    """A spike of the neurons marked ``fire`` within the integration loop: V_m to V_reset,
    w up by b, the refractory counter to t_ref in steps plus one (zero when t_ref is
    shorter than a step, so that the neuron can fire again in the same step)."""
    counts = jnp.where(p["refr_steps"] > 0, p["refr_steps"] + 1, 0)
    y = {**y, "V_m": jnp.where(fire, p["V_reset"], y["V_m"]), "w": jnp.where(fire, y["w"] + p["b"], y["w"])}
    aux = {**aux, "refr": jnp.where(fire, counts, aux["refr"]), "spikes": aux["spikes"] + fire}
    return y, aux


class AdExNeuron(NodeModel):
    """Base of the AdEx models: state ``y`` (a dict of the integrated variables),
    hidden ``refr`` (steps left), ``I_stim`` and ``h_int`` (the carried integration step)."""

    category = "A"
    time_constants: ClassVar[tuple[str, ...]] = ("tau_w",)
    # Order of NEST's checks of V_reset, Delta_T and V_peak (see ``adex_rules``).
    check_order: ClassVar[tuple[str, ...]] = ("reset", "delta_t", "peak")
    # The model's wording of NEST's messages, where it differs from ``MESSAGES``.
    messages: ClassVar[dict[str, str]] = {}
    # State NEST refuses to set to a negative value.
    nonnegative_state: ClassVar[tuple[str, ...]] = ()
    # Integrated state variables.
    ode_state: ClassVar[tuple[str, ...]] = ()
    hidden_state: ClassVar[dict[str, Prop]] = {
        "refr": Prop(0, "", int, hidden=True),
        "I_stim": Prop(0.0, "pA", hidden=True),
        "h_int": Prop(0.0, "ms", hidden=True),  # 0: not yet set, the first step is ``first_step``
    }

    # ----- checks: parameters, then state, then the archiving node (NEST's order)
    @classmethod
    def rules(
        cls, p: Params, old: Params, changed: Mapping[str, Any] | None, has_input: np.ndarray | None
    ) -> list[Rule]:
        """The parameter checks in NEST's order. ``changed`` holds the values being set
        (None: unknown, all of them), ``has_input`` which nodes have spike connections."""
        return adex_rules(cls.time_constants, cls.check_order, **cls.messages)

    @classmethod
    def spike_input(
        cls, changed: Mapping[str, Any], gids: np.ndarray | None, kernel: Any
    ) -> np.ndarray | None:
        """Which nodes have spike connections, where a check needs to know."""
        return None

    @classmethod
    def first_error(
        cls, p: Params, old: Params, changed: Mapping[str, Any] | None, has_input: np.ndarray | None
    ) -> str | None:
        return (
            first_error(p, cls.rules(p, old, changed, has_input))
            or negative_state_error(cls.nonnegative_state, changed)
            or check_archiving(p)
        )

    @classmethod
    def check(cls, p):
        return cls.first_error(p, p, None, None)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        return cls.first_error(p, old, changed, cls.spike_input(changed, gids, kernel))

    # ----- device side
    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        out["V_spike"] = np.where(p["Delta_T"] > 0.0, p["V_peak"], p["V_th"])
        out["refr_steps"] = ms_to_steps(p["t_ref"], h)
        return out

    @classmethod
    def first_step(cls, h: float) -> float:
        """The integration step NEST starts with (see the module docstring)."""
        return h

    @classmethod
    def derivatives(cls, p: dict, y: dict, refractory: Any, i_stim: Any) -> dict:
        """dy/dt of the integrated state."""
        raise NotImplementedError

    @classmethod
    def integrated(cls, p: dict, s: dict) -> dict:
        """The integrated state as the integrator sees it (neurons on the last axis)."""
        return {k: s[k] for k in cls.ode_state}

    @classmethod
    def stored(cls, p: dict, y: dict, aux: dict) -> dict:
        """The inverse of ``integrated``, plus what the loop changed besides ``y``."""
        return y

    @classmethod
    def loop_aux(cls, p: dict, s: dict, x: Any) -> dict:
        """What ``after_step`` needs besides the refractory counter, the step current
        and the spike count."""
        return {}

    @classmethod
    def after_step(cls, p: dict, y: dict, aux: dict, advanced: Any, h: float) -> tuple[dict, dict]:
        """Clamp refractory neurons and fire those at threshold, after an accepted step."""
        refractory = aux["refr"] > 0
        y = {**y, "V_m": jnp.where(advanced & refractory, p["V_reset"], y["V_m"])}
        return spike(p, y, aux, advanced & ~refractory & (y["V_m"] >= p["V_spike"]))

    @classmethod
    def receive(cls, p: dict, y: dict, x: Any) -> dict:
        """The state after this step's spike input ``x`` arrived."""
        return y

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        control = StepControl.yp(p["gsl_error_tol"], p["gsl_error_tol"])
        h_int = jnp.where(s["h_int"] > 0.0, s["h_int"], cls.first_step(ctx.h))
        aux = {
            "refr": s["refr"],
            "I_stim": s["I_stim"],
            "spikes": jnp.zeros_like(s["refr"]),
            **cls.loop_aux(p, s, x),
        }

        def rhs(y, aux, p):
            return cls.derivatives(p, y, aux["refr"] > 0, aux["I_stim"])

        def on_step(y, aux, advanced, p):
            return cls.after_step(p, y, aux, advanced, ctx.h)

        y, aux, h_int = evolve(rhs, control, cls.integrated(p, s), aux, h_int, ctx.h, on_step, p)
        refr = jnp.where(aux["refr"] > 0, aux["refr"] - 1, 0)
        y = cls.stored(p, cls.receive(p, y, x), aux)
        new = {**y, "refr": refr, "I_stim": x[cls.channels.index("current")], "h_int": h_int}
        return new, aux["spikes"]


# ------------------------------------------------------------------ multisynapse
PORT_POSITIVE_MSG = "All synaptic time constants must be strictly positive"


def _port_arrays(values: Any) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float).ravel() for v in values]


class AdExMultisynapse(AdExNeuron, MultisynapseIAF):
    """What NEST's ``aeif_cond_*_multisynapse`` models share.

    Receptor port k = 1..n has a conductance ``g_k`` (with derivative ``dg_k``)
    that a spike of weight w raises through ``dg_k += w g0_k`` and that drives
    the membrane with ``g_k (E_rev[k-1] - V)``, summed over the ports in order.
    The per-port parameters (``port_params``) must have equal lengths, which set
    ``n_receptors``; changing it needs all of them, and reducing it is refused
    once the node has spike connections. Port handling (currents and
    multimeters on port 0, spikes on 1..n, padding of nodes with fewer ports)
    is ``MultisynapseIAF``'s. Ring-buffer channel 0 carries the step current,
    channel k the spikes of port k.

    NEST reports ``g`` and ``dg`` with the size the state had when the node was
    last simulated (one port before the first simulation) and refuses negative
    weights when a spike is delivered (BadProperty during Simulate); we add
    negative weights like positive ones.
    """

    port_param = "E_rev"
    # Per-port parameters, in the order NEST names them in its messages.
    port_params: ClassVar[tuple[str, ...]] = ()
    resize_msg: ClassVar[str] = ""
    size_msg: ClassVar[str] = ""
    channels = ("current",)
    port_state = ("dg_syn", "g_syn")
    ode_state = ("V_m", "w")
    state = {
        "V_m": Prop(lambda p: p["E_L"], "mV"),
        "w": Prop(0.0, "pA"),
        **AdExNeuron.hidden_state,
        "dg_syn": Prop([0.0], "nS/ms", "vector", hidden=True),
        "g_syn": Prop([0.0], "nS", "vector", hidden=True),
        "ports_run": Prop(1, "", int, hidden=True),  # ports when last simulated: the size NEST shows
    }
    recordables = ("V_m", "g_1", "w")
    check_order = ("peak", "reset", "delta_t")

    # ----- checks
    @classmethod
    def port_value_errors(cls, values: dict[str, float]) -> str | None:
        """NEST's check of one port's time constants (``values``: parameter -> entry)."""
        raise NotImplementedError

    @classmethod
    def rules(cls, p, old, changed, has_input):
        given = [k for k in cls.port_params if changed is None or k in changed]
        rules: list[Rule] = []
        if given:
            sizes = {k: np.array([len(v) for v in _port_arrays(p[k])]) for k in cls.port_params}
            before = np.array([len(v) for v in _port_arrays(old[cls.port_param])])
            resized = np.any([sizes[k] != before for k in cls.port_params], axis=0)
            n = sizes[cls.port_param]
            if len(given) < len(cls.port_params):
                rules.append((lambda _: np.any(resized), cls.resize_msg))
            rules.append((lambda _: np.any([sizes[k] != n for k in cls.port_params]), cls.size_msg))
            if has_input is not None:
                rules.append((lambda _: np.any((n < before) & has_input), cls.ports_msg))
            msg = cls._first_port_value_error(p)
            if msg:
                rules.append((lambda _: True, msg))
        return rules + super().rules(p, old, changed, has_input)

    @classmethod
    def _first_port_value_error(cls, p: Params) -> str | None:
        """NEST checks the ports' time constants port by port."""
        per_node = zip(*(_port_arrays(p[k]) for k in cls.port_params), strict=True)
        for arrays in per_node:
            for i in range(min(len(a) for a in arrays)):
                msg = cls.port_value_errors({k: a[i] for k, a in zip(cls.port_params, arrays, strict=True)})
                if msg:
                    return msg
        return None

    @classmethod
    def spike_input(cls, changed, gids, kernel):
        if kernel is None or gids is None or not any(k in changed for k in cls.port_params):
            return None
        return has_spike_input(kernel, gids)

    # ----- status
    @classmethod
    def status_extra(cls, p, i):
        return {"n_receptors": len(p[cls.port_param][i])}

    @classmethod
    def host_status(cls, group, i, kernel):
        shown = int(group.state["ports_run"][i])
        out = super().host_status(group, i, kernel)
        for key, name in (("dg", "dg_syn"), ("g", "g_syn")):
            v = np.asarray(group.state[name][i], dtype=float)[:shown]
            out[key] = np.pad(v, (0, shown - len(v)))
        return out

    @classmethod
    def recordables_of(cls, p, i):
        ports = [f"g_{k + 1}" for k in range(len(p[cls.port_param][i]))]
        return tuple(sorted(["V_m", "w", *ports]))

    @classmethod
    def recordable(cls, p, s, name):
        if name.startswith("g_"):
            return s["g_syn"][:, int(name[2:]) - 1]
        return s[name]

    # ----- device side
    @classmethod
    def synapse_constants(cls, p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rise and decay time constants and the spike-to-dg factor, each [n, ports]
        (padding ports may hold anything finite and positive)."""
        raise NotImplementedError

    @classmethod
    def device_params(cls, p, h):
        out = super().device_params(p, h)
        e_rev, mask = padded_tau_syn(p, "E_rev", 0.0)
        rise, decay, g0 = cls.synapse_constants(p)
        out.update(
            E_rev=e_rev.T,
            tau_rise=rise.T,
            tau_decay=decay.T,
            g0=(g0 * mask).T,
            n_ports=mask.sum(axis=1),
        )
        return out

    @classmethod
    def derivatives(cls, p, y, refractory, i_stim):
        v = membrane_potential(p, y["V_m"], refractory)
        i_syn = jnp.zeros_like(v)
        for k in range(p["E_rev"].shape[0]):  # NEST's order of summation
            i_syn = i_syn + y["g"][k] * (p["E_rev"][k] - v)
        out = {
            "V_m": voltage_rate(p, v, refractory, (spike_current(p, v), i_syn, -y["w"]), i_stim),
            "w": adaptation_rate(p, v, y["w"]),
        }
        if "g" in y:
            out["dg"] = -y["dg"] / p["tau_rise"]
            out["g"] = y["dg"] - y["g"] / p["tau_decay"]
        return out

    @classmethod
    def integrated(cls, p, s):
        y = {"V_m": s["V_m"], "w": s["w"]}
        if s["g_syn"].shape[1]:  # the integrator needs no empty arrays of nodes without ports
            y.update(dg=s["dg_syn"].T, g=s["g_syn"].T)
        return y

    @classmethod
    def receive(cls, p, y, x):
        if "g" not in y:
            return y
        return {**y, "dg": y["dg"] + cls.port_input(x, y["dg"].shape[0]).T * p["g0"]}

    @classmethod
    def stored(cls, p, y, aux):
        out = {"V_m": y["V_m"], "w": y["w"], "ports_run": jnp.broadcast_to(p["n_ports"], y["V_m"].shape)}
        if "g" in y:
            out.update(dg_syn=y["dg"].T, g_syn=y["g"].T)
        else:
            out.update(dg_syn=jnp.zeros((y["V_m"].shape[0], 0)), g_syn=jnp.zeros((y["V_m"].shape[0], 0)))
        return out


def beta_normalisation(tau_rise: np.ndarray, tau_decay: np.ndarray) -> np.ndarray:
    """NEST's factor that makes a unit spike peak at a conductance of 1 (``e / tau_decay``,
    the alpha function's, where the rise and decay times are too close to tell apart),
    evaluated elementwise with the C library's ``exp`` and ``log``."""
    eps = float(np.finfo(np.float64).eps)

    def one(rise: float, decay: float) -> float:
        diff = decay - rise
        peak = 0.0
        if abs(diff) > eps:
            t_peak = decay * rise * math.log(decay / rise) / diff
            peak = math.exp(-t_peak / decay) - math.exp(-t_peak / rise)
        if abs(peak) < eps:
            return math.e / decay
        return (1.0 / rise - 1.0 / decay) / peak

    rise, decay = np.broadcast_arrays(np.asarray(tau_rise, dtype=float), np.asarray(tau_decay, dtype=float))
    return np.array([one(r, d) for r, d in zip(rise.ravel(), decay.ravel(), strict=True)]).reshape(rise.shape)
