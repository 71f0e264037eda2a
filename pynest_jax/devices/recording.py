"""Recording devices: ``spike_recorder``, ``multimeter`` and ``voltmeter``.

Recorders keep their events on the host. NEST records a spike with time
stamp ``t`` when ``origin + start < t <= origin + stop``; a multimeter samples
at the end of every step whose stamp is ``offset`` plus a multiple of
``interval``, inside the same window. NEST hands a multimeter the data logged
in one min-delay slice only during the next slice, so the samples of the last
slice of a run appear after the next run; we reproduce that.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..errors import NESTErrors
from ..models.base import NodeModel, Prop, register
from ..timeconv import TICS_PER_MS, is_multiple_of_resolution, ms_to_steps, steps_to_ms

_STOP_MAX = np.finfo(float).max


class RecordingDevice(NodeModel):
    kind = "recorder"
    element_type = "recorder"
    category = "E"
    params = {
        "start": Prop(0.0, "ms"),
        "stop": Prop(_STOP_MAX, "ms"),
        "origin": Prop(0.0, "ms"),
        "label": Prop("", "", str),
        "record_to": Prop("memory", "", str),
        "time_in_steps": Prop(False, "", bool),
        "n_events": Prop(0, "", int),
    }
    event_fields: tuple[str, ...] = ("senders", "times")

    @classmethod
    def check(cls, p):
        for key in ("start", "stop", "origin"):
            v = p[key]
            if np.any(np.isfinite(v) & (v != _STOP_MAX)) and not all(
                is_multiple_of_resolution(x, _resolution()) for x in np.atleast_1d(v) if x != _STOP_MAX
            ):
                return f"{key} must be a multiple of the simulation resolution."
        if np.any(p["stop"] < p["start"]):
            return "stop >= start required."
        if np.any(p["n_events"] != 0):
            return "Property n_events can only be set to 0 (which clears all stored events)."
        bad = [x for x in p["record_to"] if x not in ("memory", "ascii", "screen")]
        if bad:
            return f"Unknown recording backend '{bad[0]}'"
        return None

    @classmethod
    def new_host(cls) -> dict[str, Any]:
        return {"chunks": [], "n": 0, "file": None}

    @classmethod
    def on_set(cls, group, local, values, kernel) -> None:
        if "n_events" in values:
            for i in np.atleast_1d(local):
                group.host[i]["chunks"] = []
                group.host[i]["n"] = 0
                group.params["n_events"][i] = 0

    @classmethod
    def window_steps(cls, p, i: int, h: float) -> tuple[int, int]:
        """(t_min, t_max) in steps: events with stamps in (t_min, t_max] are kept."""
        origin = ms_to_steps(p["origin"][i], h)
        t_min = int(origin + ms_to_steps(p["start"][i], h))
        stop = p["stop"][i]
        t_max = np.iinfo(np.int64).max // 4 if stop >= _STOP_MAX / 2 else int(origin + ms_to_steps(stop, h))
        return t_min, t_max

    @classmethod
    def store(cls, group, i: int, events: dict[str, np.ndarray], kernel) -> None:
        n = len(events["senders"])
        if n == 0:
            return
        host = group.host[i]
        p = group.params
        if p["record_to"][i] == "ascii":
            cls._write_ascii(group, i, events, kernel)
        elif p["record_to"][i] == "screen":
            for row in zip(*(events[f] for f in events), strict=True):
                print("\t".join(str(x) for x in row))
        else:
            host["chunks"].append(events)
        host["n"] += n

    @classmethod
    def _write_ascii(cls, group, i: int, events: dict[str, np.ndarray], kernel) -> None:
        host = group.host[i]
        if host["file"] is None:
            path = cls.filename(group, i, kernel)
            if os.path.exists(path) and not kernel.status["overwrite_files"]:
                raise NESTErrors.IOError(
                    f"The file '{path}' already exists and overwriting files is disabled. To overwrite "
                    "files, set the kernel property overwrite_files to true. To change the name or "
                    "location of the file, change the kernel properties data_path or data_prefix, "
                    "or the device property label."
                )
            host["file"] = path
            with open(path, "w") as f:
                f.write("# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\n")
                f.write("\t".join(_ascii_header(k) for k in events) + "\n")
        with open(host["file"], "a") as f:
            cols = [events[k] for k in events]
            for row in zip(*cols, strict=True):
                f.write("\t".join(_fmt(x) for x in row) + "\n")

    @classmethod
    def filename(cls, group, i: int, kernel) -> str:
        label = group.params["label"][i] or group.model_names[i]
        gid = int(group.gids[i])
        name = f"{kernel.status['data_prefix']}{label}-{gid}-0.dat"
        return os.path.join(kernel.status["data_path"] or os.getcwd(), name)

    @classmethod
    def host_status(cls, group, i: int, kernel) -> dict[str, Any]:
        host = group.host[i]
        chunks = host["chunks"]
        ev: dict[str, np.ndarray] = {}
        names = cls.event_names(group, i)
        for name in names:
            parts = [c[name] for c in chunks if name in c]
            dtype = np.int64 if name == "senders" else np.float64
            ev[name] = np.concatenate(parts) if parts else np.array([], dtype=dtype)
        if group.params["time_in_steps"][i]:
            ev["offsets"] = np.zeros(len(ev["times"]))
            ev["times"] = np.round(ev["times"] * TICS_PER_MS / (_resolution() * TICS_PER_MS)).astype(np.int64)
        out = {"events": ev, "n_events": int(host["n"])}
        if group.params["record_to"][i] == "ascii" and host["file"]:
            out["filenames"] = [host["file"]]
        return out

    @classmethod
    def event_names(cls, group, i: int) -> tuple[str, ...]:
        return cls.event_fields


def _ascii_header(name: str) -> str:
    return {"senders": "sender", "times": "time_ms"}.get(name, name)


def _fmt(x: Any) -> str:
    if isinstance(x, np.integer | int):
        return str(int(x))
    return f"{float(x):.3f}"


def _resolution() -> float:
    from ..kernel import KERNEL

    return KERNEL.h


@register
class spike_recorder(RecordingDevice):
    """Records the spike times and senders of the nodes connected to it."""

    name = "spike_recorder"
    receives_spikes = True

    @classmethod
    def add_spikes(cls, group, i: int, stamps: np.ndarray, senders: np.ndarray, h: float) -> None:
        from ..kernel import KERNEL

        t_min, t_max = cls.window_steps(group.params, i, h)
        keep = (stamps > t_min) & (stamps <= t_max)
        order = np.argsort(stamps[keep], kind="stable")
        events = {"senders": senders[keep][order], "times": steps_to_ms(stamps[keep][order], h)}
        cls.store(group, i, events, KERNEL)


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
        h = _resolution()
        if any(not is_multiple_of_resolution(x, h) for x in p["interval"]) or np.any(p["interval"] < h):
            return "The sampling interval must be a multiple of the simulation resolution"
        if any(not is_multiple_of_resolution(x, h) for x in p["offset"]):
            return "The offset for the sampling interval must be a multiple of the simulation resolution"
        return super().check(p)

    @classmethod
    def new_host(cls) -> dict[str, Any]:
        return {**super().new_host(), "pending": []}

    @classmethod
    def sampling_window(cls, p, i: int, h: float) -> dict[str, np.ndarray]:
        t_min, t_max = cls.window_steps(p, i, h)
        return {
            "interval": np.int64(ms_to_steps(p["interval"][i], h)),
            "offset": np.int64(ms_to_steps(p["offset"][i], h)),
            "t_min": np.int64(t_min),
            "t_max": np.int64(t_max),
        }

    @classmethod
    def event_names(cls, group, i: int) -> tuple[str, ...]:
        return ("senders", "times", *group.params["record_from"][i])

    @classmethod
    def add_samples(cls, group, i: int, stamps, values, info, h: float, horizon: int) -> None:
        """Store samples (rows: time stamps; columns: the gather blocks of ``info``)."""
        from ..kernel import KERNEL

        host = group.host[i]
        variables = info["variables"]
        if len(stamps):
            host["pending"].append((stamps, values))
        if not host["pending"]:
            return
        stamps = np.concatenate([s for s, _ in host["pending"]])
        values = np.concatenate([v for _, v in host["pending"]])
        visible = stamps <= horizon
        host["pending"] = [(stamps[~visible], values[~visible])] if (~visible).any() else []
        stamps, values = stamps[visible], values[visible]
        if len(stamps) == 0:
            return
        # Columns come in blocks (target group, variable); rebuild NEST's layout:
        # per time stamp, one row per sender in gid order, one column per variable.
        senders_all = []
        cols: dict[str, list[np.ndarray]] = {v: [] for v in variables}
        col = 0
        per_group: dict[int, dict[str, np.ndarray]] = {}
        for (gids, _), (gi, var) in zip(info["gather"], info["blocks"], strict=True):
            width = len(gids)
            per_group.setdefault(gi, {"gids": gids})[var] = values[:, col : col + width]
            col += width
        for gi, d in per_group.items():
            senders_all.append(d["gids"])
            for v in variables:
                cols[v].append(d[v])
        senders = np.concatenate(senders_all)
        order = np.argsort(senders, kind="stable")
        n_t = len(stamps)
        events = {
            "senders": np.tile(senders[order], n_t),
            "times": np.repeat(steps_to_ms(stamps, h), len(senders)),
        }
        for v in variables:
            events[v] = np.concatenate(cols[v], axis=1)[:, order].reshape(-1)
        cls.store(group, i, events, KERNEL)


@register
class voltmeter(multimeter):
    """A multimeter that records ``V_m`` by default."""

    name = "voltmeter"
    params = {**multimeter.params, "record_from": Prop(["V_m"], "", "strings")}
