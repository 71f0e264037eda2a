"""Parameter checks and input routing shared by the current-based IAF models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def sign_channel(receptor: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """NEST's split of spike input: channel 0 for positive weights, 1 otherwise."""
    return np.where(np.asarray(weight) > 0, 0, 1).astype(np.int32)


def check_iaf(
    p: Mapping[str, np.ndarray],
    *,
    c_m_msg: str,
    tau_m_msg: str,
    tau_syn: Sequence[str] = (),
    tau_syn_msg: str = "",
    t_ref_msg: str,
) -> str | None:
    """NEST's parameter checks of the IAF family, in NEST's order."""
    if np.any(p["V_reset"] >= p["V_th"]):
        return "Reset potential must be smaller than threshold."
    if np.any(p["C_m"] <= 0):
        return c_m_msg
    if np.any(p["tau_m"] <= 0):
        return tau_m_msg
    for name in tau_syn:
        if np.any(np.asarray(p[name], dtype=float) <= 0):
            return tau_syn_msg
    if np.any(p["t_ref"] < 0):
        return t_ref_msg
    return None
