"""Recording devices: ``spike_recorder``, ``multimeter`` and ``voltmeter``.

Recorders keep their events on the host. NEST records a spike with time
stamp ``t`` when ``origin + start < t <= origin + stop``. A multimeter samples
at the end of every step whose stamp is a multiple of ``interval`` (with an
``offset``: ``offset`` plus a multiple of ``interval``, never before
``offset``, and, a NEST quirk, never in the first step after the Prepare
that starts it), inside the same window. NEST hands a multimeter the data
logged in one min-delay slice only during the next slice, so the samples of
the last slice of a run appear after the next run; we reproduce that.

Event order is NEST's: spikes are handed to recorders once per min-delay
slice (and at the end of a run), sender by sender in gid order; multimeter
data come per slice, target by target in connection order.

Backends: ``memory`` (the ``events`` dictionary, keys sorted, empty arrays
of float type as PyNEST shows them), ``ascii`` (one file per recorder, opened
afresh, header included, at every Prepare; NEST refuses to open an existing
file unless the kernel's ``overwrite_files`` is set, so a second ``Simulate``
with the same file fails as in NEST) and ``screen``.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import NESTErrors
from ..models.base import NodeModel, Prop, register
from ..timeconv import steps_to_ms, tics_per_step
from .stimulation import DEVICE_PARAMS, STOP_MAX, nest_tics, tics_to_steps, window_error

_BACKENDS = ("memory", "ascii", "screen")
_FAR = np.iinfo(np.int64).max // 4
_ASCII_HEAD = "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\n"


class RecordingDevice(NodeModel):
    kind = "recorder"
    element_type = "recorder"
    category = "E"
    extra_status = {"node_uses_wfr": False}
    params = {
        **DEVICE_PARAMS,
        "record_to": Prop("memory", "", str),
        "time_in_steps": Prop(False, "", bool),
        "n_events": Prop(0, "", int),
        # Options of the ascii (and, for precision, screen) backend, shown only with it.
        "precision": Prop(3, "", int, hidden=True),
        "file_extension": Prop("dat", "", str, hidden=True),
    }

    # ------------------------------------------------------------ checking
    @classmethod
    def check(cls, p: Mapping[str, np.ndarray]) -> str | None:
        from ..kernel import KERNEL

        msg = window_error(p, KERNEL.h)
        if msg:
            return msg
        if np.any(np.asarray(p["n_events"]) != 0):
            return "Property n_events can only be set to 0 (which clears all stored events)."
        bad = [x for x in p["record_to"] if x not in _BACKENDS]
        if bad:
            return f"Unknown recording backend '{bad[0]}'"
        return None

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        """NEST's checks of a status update, including those that depend on what is
        given (time_in_steps is frozen once simulated)."""
        if "time_in_steps" in changed and kernel.simulated:
            return "Property time_in_steps cannot be set after Simulate has been called."
        # Backend options exist only for the backends that use them.
        for key, backends in (("precision", ("ascii", "screen")), ("file_extension", ("ascii",))):
            if key in changed and any(b not in backends for b in p["record_to"]):
                raise NESTErrors.UnaccessedDictionaryEntry(
                    f"Unaccessed elements in params, in function NodeManager::set_status:  {key}"
                )
        msg = cls.check(p)
        if msg:
            return msg
        _note_enrollment(p, old, gids, kernel)
        return None

    # ------------------------------------------------------------ host data
    @classmethod
    def new_host(cls) -> dict[str, Any]:
        return {"chunks": [], "pending": [], "n": 0, "file": None, "value_names": None, "t_init": None}

    @classmethod
    def on_set(cls, group, local, values, kernel) -> None:
        if "n_events" in values:
            for i in np.atleast_1d(local):
                group.host[i]["chunks"] = []
                group.host[i]["n"] = 0
                group.params["n_events"][i] = 0

    @classmethod
    def pre_run(cls, group: Any, p: dict, s: dict, kernel: Any) -> dict:
        """NEST's Prepare: fix the recorded value names and open ascii files afresh."""
        for i in range(group.n):
            host = group.host[i]
            host["value_names"] = cls.value_names(group, i)
            if group.params["record_to"][i] == "ascii":
                cls._open_file(group, i, kernel)
        return s

    @classmethod
    def value_names(cls, group: Any, i: int) -> tuple[str, ...]:
        return ()

    @classmethod
    def window_steps(cls, p: Mapping[str, np.ndarray], i: int, h: float) -> tuple[int, int]:
        """(t_min, t_max) in steps: events with stamps in (t_min, t_max] are kept."""
        tps = tics_per_step(h)
        origin = int(nest_tics(p["origin"][i])) // tps
        t_min = origin + int(nest_tics(p["start"][i])) // tps
        stop = p["stop"][i]
        t_max = _FAR if stop >= STOP_MAX / 2 else origin + int(nest_tics(stop)) // tps
        return t_min, t_max

    # --------------------------------------------------------------- storing
    @classmethod
    def store(cls, group: Any, i: int, events: dict[str, np.ndarray], kernel: Any) -> None:
        """Hand events to the node's backend. ``events`` holds ``senders``, ``stamps``
        (steps), ``offsets`` (ms) and one array per recorded value."""
        n = len(events["senders"])
        if n == 0:
            return
        host = group.host[i]
        backend = group.params["record_to"][i]
        if backend == "memory":
            host["chunks"].append(events)
        else:
            text = cls._rows(group, i, events, kernel.h)
            if backend == "ascii":
                if host["file"] is None:
                    cls._open_file(group, i, kernel)
                with open(host["file"], "a") as f:
                    f.write(text)
            else:
                sys.stdout.write(text)
        host["n"] += n

    @classmethod
    def _rows(cls, group: Any, i: int, events: dict[str, np.ndarray], h: float) -> str:
        """Event lines as NEST's ascii and screen backends write them."""
        prec = int(group.params["precision"][i])
        names = group.host[i]["value_names"] or ()
        cols = [[str(int(x)) for x in events["senders"]]]
        if group.params["time_in_steps"][i]:
            cols.append([str(int(x)) for x in events["stamps"]])
            cols.append([f"{x:.{prec}f}" for x in events["offsets"]])
        else:
            times = steps_to_ms(events["stamps"], h) - events["offsets"]
            cols.append([f"{x:.{prec}f}" for x in times])
        for name in names:
            cols.append([f"{x:.{prec}f}" for x in events[name]])
        return "".join("\t".join(row) + "\n" for row in zip(*cols, strict=True))

    @classmethod
    def _open_file(cls, group: Any, i: int, kernel: Any) -> None:
        path = cls.filename(group, i, kernel)
        if os.path.exists(path) and not kernel.status["overwrite_files"]:
            msg = (
                f"The file '{path}' already exists and overwriting files is disabled. To overwrite "
                "files, set the kernel property overwrite_files to true. To change the name or "
                "location of the file, change the kernel properties data_path or data_prefix, "
                "or the device property label."
            )
            print(f"[ERROR] RecordingBackendASCII::enroll(): {msg}", file=sys.stderr)
            raise NESTErrors.IOError(msg)
        host = group.host[i]
        names = host["value_names"] or ()
        time_head = "time_step\ttime_offset" if group.params["time_in_steps"][i] else "time_ms"
        try:
            with open(path, "w") as f:
                f.write(_ASCII_HEAD + "\t".join(("sender", time_head, *names)) + "\n")
        except OSError as err:
            raise NESTErrors.IOError(f"I/O error while opening file '{path}'.") from err
        host["file"] = path

    @classmethod
    def filename(cls, group: Any, i: int, kernel: Any) -> str:
        """NEST's file name: data_path/data_prefix + label (or model) + -gid-vp + .ext,
        the gid padded to the digits of the network size when ascii was chosen."""
        data_path = kernel.status["data_path"] or ""
        if data_path and not data_path.endswith("/"):
            data_path += "/"
        gid = int(group.gids[i])
        if gid == 0:  # a model's defaults: NEST names no file, only path, prefix and extension
            return f"{data_path}{kernel.status['data_prefix']}.{group.params['file_extension'][i]}"
        label = group.params["label"][i] or group.model_names[i]
        width = _ENROLLED["width"].get(gid) or _digits(kernel.network_size)
        ext = group.params["file_extension"][i]
        return f"{data_path}{kernel.status['data_prefix']}{label}-{gid:0{width}d}-0.{ext}"

    # ---------------------------------------------------------------- status
    @classmethod
    def host_status(cls, group, i: int, kernel) -> dict[str, Any]:
        host = group.host[i]
        backend = group.params["record_to"][i]
        out: dict[str, Any] = {"n_events": int(host["n"])}
        if backend == "memory":
            out["events"] = cls.events(group, i, kernel.h)
        elif backend == "ascii":
            out["filenames"] = [cls.filename(group, i, kernel)]
            out["file_extension"] = str(group.params["file_extension"][i])
        if backend in ("ascii", "screen"):
            out["precision"] = int(group.params["precision"][i])
        return out

    @classmethod
    def events(cls, group: Any, i: int, h: float) -> dict[str, np.ndarray]:
        """The memory backend's ``events``: keys sorted as PyNEST shows them."""
        host = group.host[i]
        in_steps = bool(group.params["time_in_steps"][i])
        names = ["senders", "times", *(host["value_names"] or ())]
        if in_steps:
            names.append("offsets")
        chunks = host["chunks"]
        if not chunks or not sum(len(c["senders"]) for c in chunks):
            return {k: np.array([], dtype=np.float64) for k in sorted(names)}
        cat = {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
        ev = {"senders": cat["senders"].astype(np.int64)}
        if in_steps:
            ev["times"] = cat["stamps"].astype(np.int64)
            ev["offsets"] = cat["offsets"].astype(np.float64)
        else:
            ev["times"] = steps_to_ms(cat["stamps"], h) - cat["offsets"]
        for name in host["value_names"] or ():
            ev[name] = cat[name].astype(np.float64)
        return {k: ev[k] for k in sorted(ev)}


# NEST pads the gid in a file name to the digits of the network size at the time
# the node chose the ascii backend; remembered here (per kernel) by global id.
_ENROLLED: dict[str, Any] = {"groups": None, "width": {}}


def _digits(n: int) -> int:
    return int(math.floor(math.log10(max(1, n))) + 1)


def _note_enrollment(
    p: Mapping[str, np.ndarray], old: Mapping[str, np.ndarray], gids: np.ndarray, kernel: Any
) -> None:
    if _ENROLLED["groups"] is not kernel.groups:
        _ENROLLED["groups"], _ENROLLED["width"] = kernel.groups, {}
    creating = int(gids[0]) > kernel.network_size
    size = max(kernel.network_size, int(np.max(gids)))
    for j, gid in enumerate(np.asarray(gids, dtype=np.int64)):
        if p["record_to"][j] == "ascii" and (creating or old["record_to"][j] != "ascii"):
            _ENROLLED["width"][int(gid)] = _digits(size)


# ---------------------------------------------------------------- recorders
@register
class spike_recorder(RecordingDevice):
    """Records the spike times and senders of the nodes connected to it."""

    name = "spike_recorder"
    receives_spikes = True

    @classmethod
    def add_spikes(
        cls,
        group,
        i: int,
        stamps: np.ndarray,
        senders: np.ndarray,
        h: float,
        offsets: np.ndarray | None = None,
    ) -> None:
        """Store the spikes of one run of steps (one event per spike of a multiple spike),
        in NEST's order: per min-delay slice, by sender, then by time. ``offsets``: the
        precise offsets (ms) of spikes from models that compute them in the simulation."""
        from ..kernel import KERNEL

        t_min, t_max = cls.window_steps(group.params, i, h)
        keep = (stamps > t_min) & (stamps <= t_max)
        stamps, senders = np.asarray(stamps)[keep], np.asarray(senders)[keep]
        sent = np.zeros(len(stamps)) if offsets is None else np.asarray(offsets, dtype=np.float64)[keep]
        if not len(stamps):
            return
        slice_steps = getattr(KERNEL.engine, "D_nest", None) or 1
        order = np.lexsort((stamps, senders, (stamps - 1) // slice_steps))
        stamps, senders = stamps[order], senders[order]
        offsets = _precise_offsets(stamps, senders, h) + sent[order]
        cls.store(group, i, {"senders": senders, "stamps": stamps, "offsets": offsets}, KERNEL)


def _precise_offsets(stamps: np.ndarray, senders: np.ndarray, h: float) -> np.ndarray:
    """Offsets of spikes from senders with precise spike times (0 for all others)."""
    from ..kernel import KERNEL

    k = KERNEL
    offsets = np.zeros(len(stamps))
    for gid in np.unique(senders):
        g = k.groups[k.node_group[gid - 1]]
        table = getattr(g.cls, "spike_offsets", None)
        table = table(g, int(k.node_local[gid - 1]), h) if table else None
        if table is None:
            continue
        t_stamps, t_offsets = table
        sel = np.nonzero(senders == gid)[0]
        ev = stamps[sel]  # sorted by time within a sender
        rank = np.arange(len(ev)) - np.searchsorted(ev, ev, side="left")
        pos = np.searchsorted(t_stamps, ev, side="left") + rank
        offsets[sel] = t_offsets[np.minimum(pos, len(t_offsets) - 1)]
    return offsets


@register
class multimeter(RecordingDevice):
    """Samples recordables of the connected nodes every ``interval`` ms."""

    name = "multimeter"
    params = {
        **RecordingDevice.params,
        "interval": Prop(1.0, "ms"),
        "offset": Prop(0.0, "ms"),
        "record_from": Prop([], "", "strings"),
    }

    @classmethod
    def check(cls, p):
        from ..kernel import KERNEL

        tps = tics_per_step(KERNEL.h)
        interval = nest_tics(p["interval"])
        if np.any(interval < tps):
            return "The sampling interval must be at least as long as the simulation resolution."
        if np.any(interval % tps != 0):
            return "The sampling interval must be a multiple of the simulation resolution."
        offset = nest_tics(p["offset"])
        if np.any((offset != 0) & (offset < tps)):
            return (
                "The offset for the sampling interval must be at least as long as the simulation resolution."
            )
        return super().check(p)

    @classmethod
    def check_set(cls, p, old, changed, gids, kernel):
        fixed = ("interval", "offset", "record_from")
        if any(k in changed for k in fixed) and _has_targets(gids, kernel):
            return (
                "The recording interval, the interval offset and the list of properties to record "
                "cannot be changed after the multimeter has been connected to nodes."
            )
        return super().check_set(p, old, changed, gids, kernel)

    @classmethod
    def status_extra(cls, p, i):
        from ..kernel import KERNEL

        return {"offset": float(steps_to_ms(_offset_steps(p["offset"][i], KERNEL.h), KERNEL.h))}

    @classmethod
    def value_names(cls, group: Any, i: int) -> tuple[str, ...]:
        return tuple(group.params["record_from"][i])

    @classmethod
    def sampling_window(cls, p, i: int, h: float) -> dict[str, np.ndarray]:
        """Sampling schedule in steps for the engine: stamps ``t`` with
        ``(t - offset) % interval == 0`` and ``t_min < t <= t_max``."""
        from ..kernel import KERNEL

        t_min, t_max = cls.window_steps(p, i, h)
        offset = _offset_steps(p["offset"][i], h)
        host = KERNEL.groups[KERNEL.group_of_cls[cls]].host[i]
        if host["t_init"] is None:  # the first Prepare with the multimeter connected
            host["t_init"] = int(KERNEL.time_steps)
        if offset:
            # NEST starts the schedule at the offset, after the step following the first Prepare.
            t_min = max(t_min, offset - 1, host["t_init"] + 1)
        return {
            "interval": np.int64(int(nest_tics(p["interval"][i])) // tics_per_step(h)),
            "offset": np.int64(offset),
            "t_min": np.int64(t_min),
            "t_max": np.int64(t_max),
        }

    @classmethod
    def add_samples(
        cls, group, i: int, stamps, values, info, h: float, horizon: int, slice_steps: int
    ) -> None:
        """Store samples (rows: time stamps; columns: the gather blocks of ``info``) up to
        the ``horizon`` step; later ones wait for the next run.

        NEST hands over the samples of each min-delay slice (``slice_steps``) target
        by target in connection order, so events are ordered by slice, target, time."""
        from ..kernel import KERNEL

        host = group.host[i]
        variables = info["variables"]
        if len(stamps):
            host["pending"].append((np.asarray(stamps), np.asarray(values)))
        if not host["pending"]:
            return
        stamps = np.concatenate([s for s, _ in host["pending"]])
        values = np.concatenate([v for _, v in host["pending"]])
        visible = stamps <= horizon
        host["pending"] = [(stamps[~visible], values[~visible])] if (~visible).any() else []
        stamps, values = stamps[visible], values[visible]
        if len(stamps) == 0:
            return
        # Columns come in blocks (target group, variable): one column per target and variable.
        col = 0
        per_var: dict[str, dict[int, np.ndarray]] = {v: {} for v in variables}
        for (gids, _), (_, var) in zip(info["gather"], info["blocks"], strict=True):
            for j, gid in enumerate(gids):
                per_var[var][int(gid)] = values[:, col + j]
            col += len(gids)
        targets = _targets_in_order(info["gid"], KERNEL)
        targets = targets[np.isin(targets, list(per_var[variables[0]]))]
        n_t, n_s = len(stamps), len(targets)
        slice_of = np.repeat((stamps - 1) // slice_steps, n_s)
        target_rank = np.tile(np.arange(n_s), n_t)
        time_rank = np.repeat(np.arange(n_t), n_s)
        perm = np.lexsort((time_rank, target_rank, slice_of))
        events = {
            "senders": np.tile(targets, n_t)[perm],
            "stamps": np.repeat(stamps, n_s)[perm],
            "offsets": np.zeros(n_t * n_s),
        }
        for v in variables:
            events[v] = np.stack([per_var[v][int(g)] for g in targets], axis=1).reshape(-1)[perm]
        cls.store(group, i, events, KERNEL)


@register
class voltmeter(multimeter):
    """A multimeter that records ``V_m`` by default."""

    name = "voltmeter"
    params = {**multimeter.params, "record_from": Prop(["V_m"], "", "strings")}


def _offset_steps(offset_ms: float, h: float) -> int:
    """A sampling offset in steps; NEST moves an off-grid offset to the end of its step."""
    return int(tics_to_steps(nest_tics(offset_ms), tics_per_step(h)))


def _connections_from(gid: int, kernel: Any) -> np.ndarray:
    parts = [b.target[b.source == gid] for b in kernel.connections]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _has_targets(gids: np.ndarray, kernel: Any) -> bool:
    if int(gids[0]) > kernel.network_size:
        return False
    return any(np.isin(b.source, gids).any() for b in kernel.connections)


def _targets_in_order(gid: int, kernel: Any) -> np.ndarray:
    """The multimeter's targets in the order they were connected (each once)."""
    t = _connections_from(gid, kernel)
    _, first = np.unique(t, return_index=True)
    return t[np.sort(first)]
