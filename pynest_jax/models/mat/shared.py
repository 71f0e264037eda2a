"""What NEST's multi-timescale adaptive threshold models (``mat2_psc_exp``,
``amat2_psc_exp``) share.

The membrane potential is a leaky integrator with exponential synaptic
currents (weights >= 0 excitatory, < 0 inhibitory) and a step current on
receptor 0, all integrated exactly. The neuron fires when ``V_m`` reaches its
threshold ``omega + V_th_alpha_1 + V_th_alpha_2`` (plus ``V_th_v`` for
``amat2_psc_exp``); a spike raises the two threshold components by
``alpha_1`` and ``alpha_2`` (they decay with ``tau_1``, ``tau_2``) and makes
the neuron unable to fire for ``t_ref``, but does not reset ``V_m``.

NEST keeps ``V_m`` and ``omega`` relative to ``E_L``; ``omega`` is set and
shown as an absolute potential, and ``V_th`` (the present threshold) is a
read-only status entry and a recordable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from ...errors import NESTErrors
from ...timeconv import ms_to_steps
from ..base import ARCHIVING_PARAMS, NodeModel, Prop
from ..iaf_psc.propagators import exp
from ..iaf_psc.shared import (
    IGNORE_AND_SPIKE_PARAMS,
    Rule,
    check_archiving,
    first_error,
    positive_rule,
    sign_channel,
    unknown_receptor,
)

Params = Mapping[str, np.ndarray]


def mat_params(**defaults: float) -> dict[str, Prop]:
    """The MAT models' parameters (NEST's units) with the given defaults."""
    units = {
        "E_L": "mV",
        "I_e": "pA",
        "C_m": "pF",
        "tau_m": "ms",
        "tau_syn_ex": "ms",
        "tau_syn_in": "ms",
        "t_ref": "ms",
        "tau_1": "ms",
        "tau_2": "ms",
        "alpha_1": "mV",
        "alpha_2": "mV",
        "omega": "mV",
        "beta": "1/ms",
        "tau_v": "ms",
    }
    params = {k: Prop(v, units[k]) for k, v in defaults.items()}
    return {**params, **ARCHIVING_PARAMS, **IGNORE_AND_SPIKE_PARAMS}


class MatNeuron(NodeModel):
    """Receptors, checks, refractoriness and the threshold of the MAT models."""

    category = "B"
    channels = ("ex", "in", "current")
    # Time constants that must be positive; the last rules (which must differ) per model.
    time_constants: ClassVar[tuple[str, ...]] = (
        "tau_m",
        "tau_syn_ex",
        "tau_syn_in",
        "t_ref",
        "tau_1",
        "tau_2",
    )
    # Threshold components (state) added to omega.
    threshold_state: ClassVar[tuple[str, ...]] = ("V_th_alpha_1", "V_th_alpha_2")

    @classmethod
    def distinct_rules(cls) -> list[Rule]:
        raise NotImplementedError

    @classmethod
    def check(cls, p):
        """NEST's order: C_m, time constants, time constants that must differ, then
        the archiving-node checks."""
        rules = [
            positive_rule("C_m", "Capacitance must be strictly positive."),
            positive_rule(cls.time_constants, "All time constants must be strictly positive."),
            *cls.distinct_rules(),
        ]
        return first_error(p, rules) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        return unknown_receptor(receptor, receptor == 0, event)

    spike_channel = staticmethod(sign_channel)

    @classmethod
    def pre_run(cls, group: Any, p: dict, s: dict, kernel: Any) -> dict:
        """NEST refuses, when a simulation starts, a t_ref shorter than half a tic."""
        if np.any(ms_to_steps(group.params["t_ref"], kernel.h) < 1):
            raise NESTErrors.BadProperty("Total refractory time must be at least one time step.")
        return s

    @staticmethod
    def relative_omega(p: Params) -> np.ndarray:
        """omega relative to E_L, as NEST stores it."""
        return np.asarray(p["omega"], dtype=np.float64) - p["E_L"]

    @classmethod
    def common_device_params(cls, p: Params, h: float) -> dict[str, np.ndarray]:
        return {
            "E_L": p["E_L"],
            "I_e": p["I_e"],
            "omega": cls.relative_omega(p),
            "alpha_1": p["alpha_1"],
            "alpha_2": p["alpha_2"],
            "P_th_1": exp(-h / p["tau_1"]),
            "P_th_2": exp(-h / p["tau_2"]),
            "refr_steps": ms_to_steps(p["t_ref"], h),
        }

    @classmethod
    def threshold(cls, p: dict, s: dict, absolute: bool) -> Any:
        """The present threshold, summed in NEST's order (relative to E_L unless ``absolute``)."""
        v = p["E_L"] + p["omega"] if absolute else p["omega"]
        first, second, *rest = cls.threshold_state
        names = (first, second, *rest) if absolute else (second, first, *rest)
        for name in names:
            v = v + s[name]
        return v

    @classmethod
    def status_extra(cls, p, i):
        """omega as NEST shows it: relative to E_L, plus E_L."""
        return {"omega": float(cls.relative_omega(p)[i] + p["E_L"][i])}

    @classmethod
    def host_status(cls, group, i, kernel):
        """The present threshold ``V_th``, a read-only status entry."""
        p = {k: np.asarray(group.params[k][i : i + 1], dtype=np.float64) for k in ("E_L", "omega")}
        p["omega"] = cls.relative_omega(p)
        s = {k: np.asarray(group.state[k][i : i + 1], dtype=np.float64) for k in cls.threshold_state}
        return {"V_th": float(cls.threshold(p, s, absolute=True)[0])}

    @classmethod
    def recordable(cls, p, s, name):
        if name == "V_th":
            return cls.threshold(p, s, absolute=True)
        return s[name]
