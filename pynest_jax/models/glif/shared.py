"""What NEST's GLIF models (``glif_psc``, ``glif_psc_double_alpha``, ``glif_cond``) share.

The five GLIF variants of the Allen Institute are one model with three
switches: ``spike_dependent_threshold`` (GLIF 2: biological reset rules and a
spike component ``threshold_spike`` of the threshold), ``after_spike_currents``
(GLIF 3: currents ``ASCurrents`` that jump at each spike) and
``adapting_threshold`` (GLIF 5: a voltage component ``threshold_voltage``,
only together with the two others). NEST refuses the other combinations.

Each step of a non-refractory neuron (membrane potential ``U`` relative to
``E_L``, ``v_old`` its value at the start of the step):

* the spike component decays, ``theta_s *= exp(-th_spike_decay h)``;
* ``ASCurrents_sum`` becomes the exact mean of the after-spike currents over
  the step, ``sum_j I_j (1 - exp(-k_j h)) / (k_j h)``, and the currents decay;
* ``U`` advances (exactly with the step current, the after-spike currents and
  the synaptic currents, or by the ODE solver for ``glif_cond``);
* the voltage component advances exactly, driven by ``v_old`` and by the
  current ``I + ASCurrents_sum``;
* the neuron fires when ``U > theta_s + theta_v + (V_th - E_L)`` (strictly):
  it is refractory for ``t_ref`` (in steps), each after-spike current becomes
  ``asc_amps + I_j asc_r exp(-k_j t_ref)``, and ``U`` is reset to
  ``V_reset``, or with the spike-dependent threshold to
  ``voltage_reset_fraction * v_old + voltage_reset_add`` while ``theta_s``
  becomes ``theta_s exp(-th_spike_decay t_ref) + th_spike_add``.

A refractory neuron keeps ``U`` and every threshold component and after-spike
current (their decay over the refractory period was applied at the spike);
``ASCurrents_sum`` and ``I_syn`` keep their last values. Synaptic input
arrives on receptor ports 1..n (weights of either sign); step currents and
multimeters use port 0. ``ASCurrents`` is the only vector state that can be
set (when the after-spike currents are on); ``asc_init`` is shown but never
used, as in NEST.

NEST 3.10 keeps ``V_th``, ``V_reset`` and ``V_m`` when ``E_L`` changes (they
are absolute potentials here too).

Where we deliberately differ: NEST keeps the length ``ASCurrents`` had when
it was last set and loops over it, also when ``asc_decay`` and its siblings
were resized since (reading past their end if they became shorter); with the
after-spike currents on we use one per entry of ``asc_decay``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop, StepContext
from ..iaf_psc.propagators import alpha_psc_propagators, exp
from ..iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    MultisynapseIAF,
    check_archiving,
    has_spike_input,
    incompatible_receptor,
    unknown_receptor,
)

Params = Mapping[str, np.ndarray]
# A check: the parameters to NEST's message, or None if they pass.
Check = Callable[[Params], str | None]

# Parameters of every GLIF model, with NEST's defaults (GLIF 5 fit of cell 490626718).
GLIF_PARAMS: dict[str, Prop] = {
    "V_th": Prop(-51.68, "mV"),
    "E_L": Prop(-78.85, "mV"),
    "C_m": Prop(58.72, "pF"),
    "t_ref": Prop(3.75, "ms"),
    "V_reset": Prop(-78.85, "mV"),
    "th_spike_add": Prop(0.37, "mV"),
    "th_spike_decay": Prop(0.009, "1/ms"),
    "voltage_reset_fraction": Prop(0.2),
    "voltage_reset_add": Prop(18.51, "mV"),
    "th_voltage_index": Prop(0.005, "1/ms"),
    "th_voltage_decay": Prop(0.09, "1/ms"),
    "asc_init": Prop([0.0, 0.0], "pA", "vector"),
    "asc_decay": Prop([0.003, 0.1], "1/ms", "vector"),
    "asc_amps": Prop([-9.18, -198.94], "pA", "vector"),
    "asc_r": Prop([1.0, 1.0], "", "vector"),
    "spike_dependent_threshold": Prop(False, "", bool),
    "after_spike_currents": Prop(False, "", bool),
    "adapting_threshold": Prop(False, "", bool),
    **ARCHIVING_PARAMS,
    **IGNORE_AND_SPIKE_PARAMS,
}

# State of every GLIF model (hidden entries are internal).
GLIF_STATE: dict[str, Prop] = {
    "V_m": Prop(lambda p: p["E_L"], "mV"),
    "ASCurrents": Prop([0.0, 0.0], "pA", "vector"),
    "threshold_spike": Prop(0.0, "mV"),
    "threshold_voltage": Prop(0.0, "mV"),
    "ASCurrents_sum": Prop(0.0, "pA", hidden=True),
    "I": Prop(0.0, "pA", hidden=True),  # step current of the previous step
    "refr": Prop(0, "", int, hidden=True),
    "asc_len": Prop(2, "", int, hidden=True),  # length of ASCurrents as last set
}

_MECHANISMS = "spike_dependent_threshold", "after_spike_currents", "adapting_threshold"
PORTS_MSG = "The neuron has connections, therefore the number of ports cannot be reduced."
TAU_SYN_MSG = "All synaptic time constants must be strictly positive."


# ----------------------------------------------------------------- vectors
def lengths(vectors: np.ndarray) -> np.ndarray:
    """Length of each node's vector."""
    return np.array([len(v) for v in vectors], dtype=np.int64)


def padded(vectors: np.ndarray, width: int, fill: float = 0.0) -> np.ndarray:
    """Each node's vector cut or padded with ``fill`` to ``width``, as an [n, width] array."""
    out = np.full((len(vectors), width), fill, dtype=np.float64)
    for i, v in enumerate(vectors):
        v = np.asarray(v, dtype=np.float64).ravel()[:width]
        out[i, : len(v)] = v
    return out


def fit_rows(a: Any, width: int, mask: np.ndarray | None = None) -> np.ndarray:
    """A dense [n, w] state array cut or zero-padded to [n, width], entries outside ``mask`` zero."""
    a = np.asarray(a, dtype=np.float64)
    a = a.reshape(a.shape[0], -1)[:, :width]
    a = np.pad(a, ((0, 0), (0, width - a.shape[1])))
    return a if mask is None else np.where(mask, a, 0.0)


def ordered_sum(start: Any, terms: Any, axis: int = 1) -> Any:
    """``start + terms[0] + terms[1] + ...`` along ``axis``, added one by one as NEST's loops do."""
    acc = start
    for k in range(terms.shape[axis]):
        acc = acc + jnp.take(terms, k, axis=axis)
    return acc


def _first_bad_index(*bad: np.ndarray) -> tuple[int, int] | None:
    """(node, which condition) of the first node's first index where one of the [n, w]
    conditions holds, conditions at one index tested in the given order."""
    anybad = np.logical_or.reduce(bad)
    rows = np.nonzero(anybad.any(axis=1))[0]
    if not len(rows):
        return None
    i = int(rows[0])
    j = int(np.argmax(anybad[i]))
    return i, next(c for c, b in enumerate(bad) if b[i, j])


# ------------------------------------------------------------------- checks
def mechanism_check(msg: str) -> Check:
    """Only the five GLIF variants: the voltage component needs the two other mechanisms."""

    def check(p):
        ts, asc, tv = (np.asarray(p[k], dtype=bool) for k in _MECHANISMS)
        return msg if np.any(tv & ~(ts & asc)) else None

    return check


def asc_check(p: Params) -> str | None:
    """With after-spike currents: equal sizes of asc_init, asc_decay, asc_amps, asc_r, then
    entry by entry asc_decay > 0 and asc_r in [0, 1]."""
    on = np.asarray(p["after_spike_currents"], dtype=bool)
    if not on.any():
        return None
    n = lengths(p["asc_decay"])
    same = (lengths(p["asc_init"]) == n) & (lengths(p["asc_amps"]) == n) & (lengths(p["asc_r"]) == n)
    if np.any(on & ~same):
        return "All after spike current parameters (i.e., asc_init, k, asc_amps, r) must have the same size."
    width = max(1, int(n.max(initial=0)))
    inside = on[:, None] & (np.arange(width)[None, :] < n[:, None])
    k, r = padded(p["asc_decay"], width, 1.0), padded(p["asc_r"], width, 0.5)
    found = _first_bad_index(inside & (k <= 0.0), inside & ((r < 0.0) | (r > 1.0)))
    if found is None:
        return None
    if found[1] == 0:
        return "After-spike current time constant must be strictly positive."
    return "After spike current fraction following spike coefficients r must be within [0.0, 1.0]."


def spike_threshold_check(p: Params) -> str | None:
    on = np.asarray(p["spike_dependent_threshold"], dtype=bool)
    if np.any(on & (p["th_spike_decay"] <= 0.0)):
        return "Spike induced threshold time constant must be strictly positive."
    fraction = p["voltage_reset_fraction"]
    if np.any(on & ((fraction < 0.0) | (fraction > 1.0))):
        return "Voltage fraction coefficient following spike must be within [0.0, 1.0]."
    return None


def voltage_threshold_check(p: Params) -> str | None:
    on = np.asarray(p["adapting_threshold"], dtype=bool)
    if np.any(on & (p["th_voltage_decay"] <= 0.0)):
        return "Voltage-induced threshold time constant must be strictly positive."
    return None


def simple_check(bad: Callable[[Params], Any], msg: str) -> Check:
    return lambda p: msg if np.any(bad(p)) else None


def membrane_checks(conductance: str) -> list[Check]:
    """V_reset < V_th, then C_m, the membrane conductance and t_ref strictly positive."""
    return [
        simple_check(lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold."),
        simple_check(lambda p: p["C_m"] <= 0.0, "Capacitance must be strictly positive."),
        simple_check(lambda p: p[conductance] <= 0.0, "Membrane conductance must be strictly positive."),
        simple_check(lambda p: p["t_ref"] <= 0.0, "Refractory time constant must be strictly positive."),
    ]


def positive_entries(key: str, msg: str) -> Check:
    """Every entry of the vector ``key`` of every node must be > 0."""
    return lambda p: msg if any(np.any(np.asarray(v, dtype=float) <= 0.0) for v in p[key]) else None


def state_checks(p: Params, changed: Mapping[str, Any]) -> str | None:
    """NEST's checks of the state entries being set, after those of the parameters."""
    if "ASCurrents" in changed:
        if not np.all(p["after_spike_currents"]):
            return "After spike currents are not supported or settable in the current model mechanisms."
        size = np.size(changed["ASCurrents"])
        wrong = lengths(p["asc_decay"]) != size
        if np.any(wrong):
            expected = len(p["asc_decay"][int(np.argmax(wrong))])
            return (
                f"After spike current values must have have the same size ({expected}) of its "
                "parameters (i.e., asc_init, k, asc_amps, r)."
            )
    if "threshold_spike" in changed and not np.all(p["spike_dependent_threshold"]):
        return "Threshold spike component is not supported or settable in the current model mechanisms."
    if "threshold_voltage" in changed and not np.all(p["adapting_threshold"]):
        return "Threshold voltage component is not supported or settable in the current model mechanisms."
    return None


def ports_resized(port_key: str, p: Params, old: Params, has_input: np.ndarray | None) -> Check:
    """Refuse a new number of ports on a node that has spike connections."""

    def check(_):
        if has_input is None:
            return None
        resized = lengths(p[port_key]) != lengths(old[port_key])
        return PORTS_MSG if np.any(resized & has_input) else None

    return check


# --------------------------------------------------------------------- model
class GlifNeuron(NodeModel):
    """Base of the GLIF models: checks, receptor ports, mechanism constants and the
    threshold, after-spike-current and reset rules around the membrane update.

    Ring-buffer channel 0 carries the step current, channel k the spikes of port k.
    Per-port state is kept as [n, ports] arrays padded to the largest node."""

    conductance: ClassVar[str] = "g"  # name of the membrane conductance parameter
    port_key: ClassVar[str] = "tau_syn"  # the vector whose length is the number of ports
    port_keys: ClassVar[tuple[str, ...]] = ("tau_syn",)  # all per-port vectors
    port_state: ClassVar[tuple[str, ...]] = ()  # hidden per-port state
    mechanism_msg: ClassVar[str] = (
        "Incorrect model mechanism combination setting.See documentation for setting of model "
        "mechanism parameters:spike_dependent_threshold, after_spike_currents, adapting_threshold."
    )
    recordables = (
        "ASCurrents_sum",
        "I",
        "I_syn",
        "V_m",
        "threshold",
        "threshold_spike",
        "threshold_voltage",
    )
    channels = ("current",)

    # ----- checks
    @classmethod
    def rules(cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: Any) -> list[Check]:
        """NEST's parameter checks, in its order (that of ``glif_psc``)."""
        return [
            mechanism_check(cls.mechanism_msg),
            asc_check,
            *membrane_checks(cls.conductance),
            voltage_threshold_check,
            spike_threshold_check,
            *cls.port_rules(p, old, changed, has_input),
        ]

    @classmethod
    def port_rules(cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: Any) -> list[Check]:
        """Checks of the per-port vectors, made only for those being set."""
        if cls.port_key not in changed:
            return []
        return [
            ports_resized(cls.port_key, p, old, has_input),
            positive_entries(cls.port_key, TAU_SYN_MSG),
        ]

    @classmethod
    def _errors(cls, p, old, changed, has_input) -> str | None:
        for check in cls.rules(p, old, changed, has_input):
            msg = check(p)
            if msg:
                return msg
        return state_checks(p, changed) or check_archiving(p)

    @classmethod
    def check(cls, p):
        return cls._errors(p, p, dict.fromkeys(cls.port_keys), None)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        has_input = None
        if gids is not None and kernel is not None and any(k in changed for k in cls.port_keys):
            has_input = has_spike_input(kernel, gids)
        return cls._errors(p, old, changed, has_input)

    # ----- ports
    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Spikes on ports 1..n of each target; currents and data requests on port 0."""
        if event != "spike":
            return unknown_receptor(receptor, receptor == 0, event)
        n = lengths(p[cls.port_key][local])
        return incompatible_receptor(receptor, (receptor >= 1) & (receptor <= n), event)

    @classmethod
    def spike_channel(cls, receptor, weight):
        return np.asarray(receptor, dtype=np.int32)

    @classmethod
    def current_channel(cls, receptor):
        return np.zeros(len(receptor), dtype=np.int32)

    @classmethod
    def n_ports(cls, p: Params) -> int:
        """Width of the per-port arrays: the most ports of any node, at least one."""
        return max(1, int(lengths(p[cls.port_key]).max(initial=0)))

    @classmethod
    def port_mask(cls, p: Params) -> np.ndarray:
        return np.arange(cls.n_ports(p))[None, :] < lengths(p[cls.port_key])[:, None]

    @classmethod
    def n_channels(cls, p):
        return 1 + cls.n_ports(p)

    @classmethod
    def host_status(cls, group, i, kernel):
        """``has_connections``, and ``ASCurrents`` at its own length (a simulation pads it
        to the group's widest): that of ``asc_decay`` while the after-spike currents are
        on, else the length it was last set to."""
        if group.params["after_spike_currents"][i]:
            width = len(group.params["asc_decay"][i])
        else:
            width = int(group.state["asc_len"][i])
        asc = np.asarray(group.state["ASCurrents"][i], dtype=float).ravel()[:width]
        return {
            "has_connections": bool(has_spike_input(kernel, group.gids[i : i + 1])[0]),
            "ASCurrents": np.pad(asc, (0, width - len(asc))),
        }

    @classmethod
    def on_set(cls, group, local, values, kernel):
        if "ASCurrents" in values:
            group.state["asc_len"][local] = np.size(values["ASCurrents"])

    # ----- device side
    @staticmethod
    def asc_width(p: Params) -> int:
        return max(1, int(lengths(p["asc_decay"]).max(initial=0)))

    @classmethod
    def device_state(cls, p, s):
        s = dict(s)
        mask = cls.port_mask(p)
        for name in cls.port_state:
            s[name] = fit_rows(s[name], mask.shape[1], mask)
        s["ASCurrents"] = fit_rows(s["ASCurrents"], cls.asc_width(p))
        return s

    @classmethod
    def glif_params(cls, p: Params, h: float) -> dict[str, Any]:
        """Device parameters of the threshold and after-spike-current rules, evaluated as
        NEST does (C library ``exp``); constants of a switched-off mechanism are zero."""
        g, c_m, t_ref = (np.asarray(p[k], dtype=np.float64) for k in (cls.conductance, "C_m", "t_ref"))
        ts, asc, tv = (np.asarray(p[k], dtype=bool) for k in _MECHANISMS)
        width = cls.asc_width(p)
        inside = asc[:, None] & (np.arange(width)[None, :] < lengths(p["asc_decay"])[:, None])
        k = np.where(inside, padded(p["asc_decay"], width, 1.0), 1.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            asc_rate = exp(-k * h)
            asc_stable = ((1.0 / k) / h) * (1.0 - asc_rate)
            asc_refr = padded(p["asc_r"], width) * exp(-k * t_ref[:, None])
            ts_k, tv_k, tv_a = (np.asarray(p[x], dtype=np.float64) for x in _THRESHOLD_RATES)
            phi = tv_a / (tv_k - g / c_m)
            abpara = tv_a / tv_k
            tv_rate_inv = 1.0 / exp(tv_k * h)
        zero = lambda on, x: np.where(on, x, 0.0)  # noqa: E731
        return {
            "E_L": p["E_L"],
            "th_inf": p["V_th"] - p["E_L"],
            "v_reset": p["V_reset"] - p["E_L"],
            "G": g,
            "refr_steps": ms_to_steps(t_ref, h),
            "has_ts": ts,
            "has_asc": asc,
            "has_tv": tv,
            "ts_rate": zero(ts, exp(-ts_k * h)),
            "ts_refr_rate": zero(ts, exp(-ts_k * t_ref)),
            "th_spike_add": p["th_spike_add"],
            "reset_fraction": p["voltage_reset_fraction"],
            "reset_add": p["voltage_reset_add"],
            "asc_rate": zero(inside, asc_rate),
            "asc_stable": zero(inside, asc_stable),
            "asc_refr": zero(inside, asc_refr),
            "asc_amps": zero(inside, padded(p["asc_amps"], width)),
            "v_rate": zero(tv, exp(-g * h / c_m)),
            "tv_rate_inv": zero(tv, tv_rate_inv),
            "phi": zero(tv, phi),
            "abpara": zero(tv, abpara),
        }

    @staticmethod
    def adapt(p: dict, s: dict, free: Any) -> tuple[Any, Any, Any]:
        """Start of a step: the decayed spike component of the threshold, the mean
        after-spike current over the step and the decayed after-spike currents
        (unchanged while refractory)."""
        ts = jnp.where(free & p["has_ts"], s["threshold_spike"] * p["ts_rate"], s["threshold_spike"])
        asc = s["ASCurrents"]
        mean = jnp.where(p["has_asc"], ordered_sum(0.0, p["asc_stable"] * asc), 0.0)
        asc_sum = jnp.where(free, mean, s["ASCurrents_sum"])
        asc = jnp.where((free & p["has_asc"])[:, None], asc * p["asc_rate"], asc)
        return ts, asc_sum, asc

    @staticmethod
    def fire(
        p: dict, s: dict, free: Any, v_old: Any, u: Any, ts: Any, asc_sum: Any, asc: Any
    ) -> tuple[dict, Any]:
        """End of a step, given the new potential ``u`` of a free neuron: the voltage
        component of the threshold, the threshold test and the resets. Returns the new
        state (the entries these rules leave alone carried over) and the spikes."""
        beta = (s["I"] + asc_sum) / p["G"]
        drive = p["phi"] * (v_old - beta)
        tv_new = (
            drive * p["v_rate"]
            + p["tv_rate_inv"] * (s["threshold_voltage"] - drive - p["abpara"] * beta)
            + p["abpara"] * beta
        )
        tv = jnp.where(free & p["has_tv"], tv_new, s["threshold_voltage"])
        spike = free & (u > ts + tv + p["th_inf"])
        reset = jnp.where(p["has_ts"], p["reset_fraction"] * v_old + p["reset_add"], p["v_reset"])
        u = jnp.where(free, jnp.where(spike, reset, u), v_old)
        ts = jnp.where(spike & p["has_ts"], ts * p["ts_refr_rate"] + p["th_spike_add"], ts)
        asc = jnp.where((spike & p["has_asc"])[:, None], p["asc_amps"] + asc * p["asc_refr"], asc)
        refr = jnp.where(spike, p["refr_steps"], jnp.where(free, s["refr"], s["refr"] - 1))
        new = {
            **s,
            "V_m": u + p["E_L"],
            "threshold_spike": ts,
            "threshold_voltage": tv,
            "ASCurrents": asc,
            "ASCurrents_sum": asc_sum,
            "refr": refr,
        }
        return new, spike.astype(jnp.int32)

    @classmethod
    def recordable(cls, p, s, name):
        if name == "threshold":
            return s["threshold_spike"] + s["threshold_voltage"] + p["th_inf"] + p["E_L"]
        return s[name]

    port_input = staticmethod(MultisynapseIAF.port_input)


_THRESHOLD_RATES = ("th_spike_decay", "th_voltage_decay", "th_voltage_index")


class GlifAlphaPSC(GlifNeuron):
    """Base of the current-based GLIF models: alpha-shaped synaptic currents, one or
    more components per port, each advanced exactly together with the membrane.

    ``components`` lists (state suffix, time-constant vector, relative amplitude
    vector or None) per component; a spike of weight w on port k raises the
    component's ``dI/dt`` by ``w e / tau_k`` (times the amplitude)."""

    components: ClassVar[tuple[tuple[str, str, str | None], ...]] = (("", "tau_syn", None),)

    @classmethod
    def device_params(cls, p, h):
        c_m = np.asarray(p["C_m"], dtype=np.float64)
        tau_m = c_m / np.asarray(p[cls.conductance], dtype=np.float64)
        p33 = exp(-h / tau_m)
        out = {**cls.glif_params(p, h), "P33": p33, "P30": 1.0 / c_m * (1.0 - p33) * tau_m}
        mask = cls.port_mask(p)
        width = mask.shape[1]
        for suffix, tau_key, amp_key in cls.components:
            # A slow component given for fewer ports than the fast one stays silent there.
            inside = mask & (np.arange(width)[None, :] < lengths(p[tau_key])[:, None])
            tau = np.where(inside, padded(p[tau_key], width, 1.0), 1.0)
            p31, p32 = alpha_psc_propagators(tau, tau_m[:, None], c_m[:, None], h)
            p11 = exp(-h / tau)
            init = 1.0 * np.e / tau
            if amp_key is not None:
                init = init * padded(p[amp_key], width)
            for name, value in (("P11", p11), ("P21", h * p11), ("P31", p31), ("P32", p32), ("init", init)):
                out[name + suffix] = np.where(inside, value, 0.0)
        return out

    @classmethod
    def update(cls, p, s, x, ctx: StepContext):
        v_old = s["V_m"] - p["E_L"]
        free = s["refr"] == 0
        ts, asc_sum, asc = cls.adapt(p, s, free)
        u = v_old * p["P33"] + (s["I"] + asc_sum) * p["P30"]
        currents = []
        for suffix, _, _ in cls.components:
            y1, y2 = s["y1" + suffix], s["y2" + suffix]
            u = ordered_sum(u, p["P31" + suffix] * y1 + p["P32" + suffix] * y2)
            currents.append(ordered_sum(0.0, y2))
        new, spikes = cls.fire(p, s, free, v_old, u, ts, asc_sum, asc)
        i_syn = currents[0] if len(currents) == 1 else currents[0] + currents[1]
        new["I_syn"] = jnp.where(free, i_syn, s["I_syn"])
        spikes_in = cls.port_input(x, s["y1" + cls.components[0][0]].shape[1])
        for suffix, _, _ in cls.components:
            y1, y2 = s["y1" + suffix], s["y2" + suffix]
            new["y2" + suffix] = p["P21" + suffix] * y1 + p["P11" + suffix] * y2
            new["y1" + suffix] = y1 * p["P11" + suffix] + p["init" + suffix] * spikes_in
        new["I"] = x[0]
        return new, spikes
