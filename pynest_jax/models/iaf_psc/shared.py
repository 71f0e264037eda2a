"""Parameter checks, status entries and input routing shared by the current-based IAF models.

Every check returns NEST's message for the first violated condition, in the
order NEST 3.10 tests them for the model at hand, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import jax.numpy as jnp
import numpy as np

from ...timeconv import ms_to_tics, tics_per_step
from ..base import ARCHIVING_PARAMS, NodeModel, Prop

Params = Mapping[str, np.ndarray]
Rule = tuple[Callable[[Params], Any], str]

# NEST 3.10's ArchivingNode parameters of the ignore-and-spike mechanism. Every
# archiving neuron shows and checks them; only some models use them.
# Parameters every current-based IAF model of NEST has, with NEST's defaults.
IAF_PARAMS: dict[str, Prop] = {
    "C_m": Prop(250.0, "pF"),
    "E_L": Prop(-70.0, "mV"),
    "I_e": Prop(0.0, "pA"),
    "V_reset": Prop(-70.0, "mV"),
    "V_th": Prop(-55.0, "mV"),
    "t_ref": Prop(2.0, "ms"),
    "tau_m": Prop(10.0, "ms"),
}


def relative_potentials(p: Params) -> dict[str, np.ndarray]:
    """Threshold, reset and lower bound relative to E_L (NEST integrates V_m - E_L),
    with E_L and I_e, as every IAF model's device parameters need them."""
    e_l = p["E_L"]
    out = {"E_L": e_l, "I_e": p["I_e"], "theta": p["V_th"] - e_l, "v_reset": p["V_reset"] - e_l}
    if "V_min" in p:
        out["v_min"] = p["V_min"] - e_l
    return out


IGNORE_AND_SPIKE_PARAMS: dict[str, Prop] = {
    "ignore_and_spike": Prop(False, "", bool),
    "ignore_and_spike_offset": Prop(1.0, "ms"),
    "ignore_and_spike_interval": Prop(100.0, "ms"),
}


def sign_channel(receptor: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """NEST's split of spike input: channel 0 for positive weights, 1 otherwise."""
    return np.where(np.asarray(weight) > 0, 0, 1).astype(np.int32)


# ----------------------------------------------------------------------- checks
def first_error(p: Params, rules: Sequence[Rule]) -> str | None:
    """Message of the first rule whose condition holds for any node, else None."""
    for bad, msg in rules:
        if np.any(bad(p)):
            return msg
    return None


def reset_rule() -> Rule:
    return (lambda p: p["V_reset"] >= p["V_th"], "Reset potential must be smaller than threshold.")


def positive_rule(names: str | Sequence[str], msg: str) -> Rule:
    """Error ``msg`` unless every named parameter is > 0."""
    names = (names,) if isinstance(names, str) else tuple(names)
    return (lambda p: np.any([np.asarray(p[k], dtype=float) <= 0 for k in names]), msg)


def non_negative_rule(name: str, msg: str) -> Rule:
    return (lambda p: np.asarray(p[name], dtype=float) < 0, msg)


# NEST's ArchivingNode checks, made after the model's own: (parameters, rule).
_ARCHIVING_RULES: tuple[tuple[tuple[str, ...], Rule], ...] = (
    (
        ("tau_minus", "tau_minus_triplet"),
        positive_rule(("tau_minus", "tau_minus_triplet"), "All time constants must be strictly positive."),
    ),
    (
        ("ignore_and_spike_offset",),
        positive_rule("ignore_and_spike_offset", "ignore_and_spike_offset > 0 required."),
    ),
    (
        ("ignore_and_spike_interval",),
        positive_rule("ignore_and_spike_interval", "ignore_and_spike_interval > 0 required."),
    ),
)


def check_archiving(p: Params) -> str | None:
    """NEST's ArchivingNode checks, for those of its parameters the model has."""
    return first_error(p, [rule for names, rule in _ARCHIVING_RULES if all(k in p for k in names)])


def check_iaf(
    p: Params,
    *,
    c_m_msg: str,
    tau_m_msg: str,
    tau_syn: Sequence[str] = (),
    tau_syn_msg: str = "",
    t_ref_msg: str,
) -> str | None:
    """NEST 3.10's checks of iaf_psc_alpha, in its order: C_m, tau_m, synaptic time
    constants, t_ref, V_reset < V_th, then the archiving-node checks."""
    rules = [
        positive_rule("C_m", c_m_msg),
        positive_rule("tau_m", tau_m_msg),
        *([positive_rule(tau_syn, tau_syn_msg)] if tau_syn else []),
        non_negative_rule("t_ref", t_ref_msg),
        reset_rule(),
    ]
    return first_error(p, rules) or check_archiving(p)


# ------------------------------------------------------------------ step counts
def ceil_steps(ms: np.ndarray, h: float) -> np.ndarray:
    """A duration in whole steps, rounded up to the grid (NEST's ignore-and-spike times)."""
    tics = ms_to_tics(np.minimum(np.asarray(ms, dtype=np.float64), 1e15))
    return -(-tics // tics_per_step(h))


# --------------------------------------------------------------- connections
def has_spike_input(kernel: Any, gids: np.ndarray) -> np.ndarray:
    """For each node, whether a spike-sending node is or was connected to it (NEST's
    ``has_connections``, which Disconnect does not clear)."""
    gids = np.asarray(gids, dtype=np.int64)
    if not np.any(gids > 0):  # a model's defaults (global id 0) have no connections
        return np.zeros(len(gids), dtype=bool)
    spiking = np.array(
        [
            g.cls.kind in ("neuron", "spike_source")
            or (g.cls.kind == "stimulator" and g.cls.emits == "spike")
            for g in kernel.groups
        ],
        dtype=bool,
    )
    out = np.zeros(len(gids), dtype=bool)
    pairs = [(blk.source, blk.target) for blk in kernel.connections] + kernel.removed_connections
    for source, target in pairs:
        from_spiking = spiking[kernel.node_group[source - 1]]
        out |= np.isin(gids, target[from_spiking])
    return out


def unknown_receptor(receptor: np.ndarray, ok: np.ndarray, event: str) -> tuple[int, str, str] | None:
    """NEST's UnknownReceptorType for the first refused receptor, if any."""
    bad = np.nonzero(~np.asarray(ok, dtype=bool))[0]
    if not len(bad):
        return None
    i = int(bad[0])
    return i, "UnknownReceptorType", f"Receptor type {int(receptor[i])} is not available in {{model}}."


_EVENT_NAMES = {"spike": "SpikeEvent", "current": "CurrentEvent", "data": "DataLoggingRequest"}


def incompatible_receptor(receptor: np.ndarray, ok: np.ndarray, event: str) -> tuple[int, str, str] | None:
    """NEST's IncompatibleReceptorType for the first refused receptor, if any."""
    bad = np.nonzero(~np.asarray(ok, dtype=bool))[0]
    if not len(bad):
        return None
    i = int(bad[0])
    return (
        i,
        "IncompatibleReceptorType",
        f"Receptor type {int(receptor[i])} in {{model}} does not accept {_EVENT_NAMES[event]}.",
    )


# ------------------------------------------------------------------ multisynapse
class MultisynapseIAF(NodeModel):
    """What NEST's ``iaf_psc_*_multisynapse`` models share.

    ``tau_syn`` (one entry per receptor port 1..n) sets the number of ports;
    spikes go to ports 1..n (weights of either sign), currents and multimeters
    to port 0. Changing the number of ports is refused once spikes are
    connected to the node. Each node keeps one synaptic current per port; a
    group whose nodes have different numbers of ports is padded to the largest
    with ports that never receive input. Ring-buffer channel 0 carries the
    step current, channel k the spikes of port k.
    """

    params: ClassVar[dict[str, Prop]] = {
        **IAF_PARAMS,
        "tau_syn": Prop([2.0], "ms", "vector"),
        **ARCHIVING_PARAMS,
        **IGNORE_AND_SPIKE_PARAMS,
    }
    recordables = ("I_syn", "I_syn_1", "V_m")
    channels = ("current",)
    # Per-port state (vectors); the last one is the synaptic current I_syn_k.
    port_state: ClassVar[tuple[str, ...]] = ()
    # The per-port parameter whose length is the number of ports.
    port_param: ClassVar[str] = "tau_syn"
    ports_msg = "The neuron has connections, therefore the number of ports cannot be reduced."

    @classmethod
    def rules(
        cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: np.ndarray | None
    ) -> list[Rule]:
        """The model's checks in NEST's order (``has_input``: nodes with spike input)."""
        raise NotImplementedError

    @classmethod
    def port_rule(
        cls, p: Params, old: Params, changed: Mapping[str, Any], has_input: np.ndarray | None
    ) -> list[Rule]:
        """Refuse a new number of ports on nodes that have spike connections."""
        if "tau_syn" not in changed or has_input is None:
            return []
        resized = np.array([len(a) != len(b) for a, b in zip(p["tau_syn"], old["tau_syn"], strict=True)])
        return [(lambda _: np.any(resized & has_input), cls.ports_msg)]

    @classmethod
    def check(cls, p):
        return first_error(p, cls.rules(p, p, {"tau_syn": None}, None)) or check_archiving(p)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        has_input = None
        if gids is not None and kernel is not None and "tau_syn" in changed:
            has_input = has_spike_input(kernel, gids)
        return first_error(p, cls.rules(p, old, changed, has_input)) or check_archiving(p)

    @classmethod
    def receptor_error(cls, receptor, event, p, local):
        """Spikes on ports 1..n of each target; currents and data requests on port 0."""
        if event != "spike":
            return unknown_receptor(receptor, receptor == 0, event)
        n = np.array([len(p[cls.port_param][i]) for i in local])
        return incompatible_receptor(receptor, (receptor >= 1) & (receptor <= n), event)

    @classmethod
    def spike_channel(cls, receptor, weight):
        return np.asarray(receptor, dtype=np.int32)

    @classmethod
    def current_channel(cls, receptor):
        return np.zeros(len(receptor), dtype=np.int32)

    @classmethod
    def n_channels(cls, p):
        return 1 + n_ports(p, cls.port_param)

    @classmethod
    def status_extra(cls, p, i):
        return {"n_synapses": len(p["tau_syn"][i])}

    @classmethod
    def host_status(cls, group, i, kernel):
        return {"has_connections": bool(has_spike_input(kernel, group.gids[i : i + 1])[0])}

    @classmethod
    def recordables_of(cls, p, i):
        ports = [f"I_syn_{k + 1}" for k in range(len(p["tau_syn"][i]))]
        return tuple(sorted(["I_syn", "V_m", *ports]))

    @classmethod
    def device_state(cls, p, s):
        """Per-port state cut or zero-padded to each node's ports (NEST resizes it
        at the start of a simulation, keeping the first entries)."""
        mask = port_mask(p, cls.port_param)
        width = mask.shape[1]
        s = dict(s)
        for name in cls.port_state:
            v = np.asarray(s[name], dtype=np.float64).reshape(len(mask), -1)[:, :width]
            v = np.pad(v, ((0, 0), (0, width - v.shape[1])))
            s[name] = np.where(mask, v, 0.0)
        return s

    @staticmethod
    def port_input(x: Any, ports: int) -> Any:
        """This step's spike input as [n, ports]. The ring buffer has one channel per
        port of the largest node when the network was built; ports added later by
        SetStatus have no connections yet, ports removed can have none."""
        spikes = x[1 : 1 + ports].T
        return jnp.pad(spikes, ((0, 0), (0, ports - spikes.shape[1])))

    @classmethod
    def recordable(cls, p, s, name):
        current = s[cls.port_state[-1]]
        if name == "I_syn":
            return jnp.sum(current, axis=1)
        if name.startswith("I_syn_"):
            return current[:, int(name[6:]) - 1]
        return s[name]


def n_ports(p: Params, key: str = "tau_syn") -> int:
    """The largest number of ports of any node (the length of its per-port parameter ``key``)."""
    return max((len(t) for t in p[key]), default=0)


def port_mask(p: Params, key: str = "tau_syn") -> np.ndarray:
    """[n, ports] mask of each node's own ports."""
    n = np.array([len(t) for t in p[key]], dtype=np.int64)
    return np.arange(n_ports(p, key))[None, :] < n[:, None]


def padded_tau_syn(p: Params, key: str = "tau_syn", fill: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """The per-port parameter ``key`` as an [n, ports] array (padded with ``fill``) and
    the mask of real ports."""
    mask = port_mask(p, key)
    tau = np.full(mask.shape, fill)
    for i, t in enumerate(p[key]):
        tau[i, : len(t)] = t
    return tau, mask
