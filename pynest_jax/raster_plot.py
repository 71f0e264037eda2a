"""Raster plots of recorded spikes, as PyNEST's ``nest.raster_plot``.

Data are ``(sender, time)`` rows: from a ``spike_recorder`` (memory or ASCII
backend), from NEST ASCII files or from an array. Every plotting function opens
a new figure with a raster (and by default a population-rate histogram below it)
and returns the list of lines of the raster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ._plotting import load_ascii, pyplot, recorded_files, single_device_type

__all__ = [
    "extract_events",
    "from_data",
    "from_device",
    "from_file",
    "from_file_numpy",
    "from_file_pandas",
    "show",
]


def extract_events(
    data: Any, time: Sequence[float] | None = None, sel: Iterable[int] | None = None
) -> np.ndarray:
    """Rows of ``data`` (``[:, 0]`` sender, ``[:, 1]`` time) inside a window and from chosen senders.

    ``time=[t_max]`` keeps ``t < t_max``; ``time=[t_min, t_max]`` keeps ``t_min <= t < t_max``.
    ``sel`` is a list of node ids to keep (all senders when empty or None).
    """
    rows = np.asarray(data)
    if rows.size == 0:
        return np.array([])
    rows = rows.reshape(len(rows), -1)
    t_min, t_max = 0.0, np.inf
    if time:
        t_max = time[-1]
        if len(time) > 1:
            t_min = time[0]
    keep = (rows[:, 1] >= t_min) & (rows[:, 1] < t_max)
    if sel is not None:
        wanted = np.asarray(sel.tolist() if hasattr(sel, "tolist") else list(sel), dtype=float)
        if wanted.size:
            keep &= np.isin(rows[:, 0], wanted)
    return rows[keep]


def from_data(data: Any, sel: Iterable[int] | None = None, **kwargs: Any) -> list:
    """Raster plot of an array with senders in column 0 and times in column 1.

    ``sel`` restricts the raster (not the histogram) to some senders; ``kwargs`` are
    ``hist``, ``hist_binwidth``, ``grayscale``, ``title`` and ``xlabel``.
    """
    rows = np.asarray(data)
    if len(rows) == 0:
        raise ValueError("No data to plot.")
    rows = rows.reshape(len(rows), -1)
    chosen = extract_events(rows, sel=sel)
    if len(chosen) == 0:
        chosen = np.empty((0, 2))
    return _make_plot(rows[:, 1], chosen[:, 1], chosen[:, 0], rows[:, 0], **kwargs)


def from_file(fname: str | Sequence[str], **kwargs: Any) -> list | None:
    """Raster plot from one NEST ASCII spike file or several (concatenated)."""
    if isinstance(fname, str):
        fname = [fname]
    if not isinstance(fname, list | tuple):
        print("fname should be one of str/list(str)/tuple(str).")
        return None
    return from_file_numpy(fname, **kwargs)


def from_file_numpy(fname: Sequence[str], **kwargs: Any) -> list:
    """Raster plot from NEST ASCII spike files, read with NumPy."""
    parts = [load_ascii(f)[1] for f in fname]
    parts = [p.reshape(len(p), -1) for p in parts if p.size]
    data = np.concatenate(parts) if parts else np.empty((0, 2))
    return from_data(data, **kwargs)


def from_file_pandas(fname: Sequence[str], **kwargs: Any) -> list:
    """Raster plot from NEST ASCII spike files (same result as ``from_file_numpy``)."""
    return from_file_numpy(fname, **kwargs)


def from_device(detec: Any, **kwargs: Any) -> list | None:
    """Raster plot of the spikes a ``spike_recorder`` recorded (to memory or to ASCII files)."""
    if single_device_type(detec) != "spike_recorder":
        raise TypeError("Please provide a 'spike_recorder'.")
    record_to = detec.get("record_to")
    if record_to == "memory":
        events = detec.get("events")
        times, senders = np.asarray(events["times"]), np.asarray(events["senders"])
        if not len(times):
            raise ValueError("No events recorded by 'spike_recorder'.")
        kwargs.setdefault("title", f"Raster plot from device '{int(detec.get('global_id'))}'")
        xlabel = "Steps" if detec.get("time_in_steps") else "Time (ms)"
        return _make_plot(times, times, senders, senders, xlabel=xlabel, **kwargs)
    if record_to == "ascii":
        return from_file(recorded_files(detec), **kwargs)
    raise ValueError("No data to plot. Make sure that 'record_to' is set to either 'ascii' or 'memory'.")


def show() -> None:
    """Show the figures (``matplotlib.pyplot.show``; does nothing on a non-interactive backend)."""
    pyplot().show()


def _rate_histogram(ts: np.ndarray, binwidth: float, n_neurons: int) -> tuple[np.ndarray, np.ndarray]:
    """Left bin edges from min(ts) in steps of ``binwidth`` and the population rate (spikes/s)."""
    lo, hi = float(np.min(ts)), float(np.max(ts))
    left = np.arange(lo, hi, binwidth)
    if left.size == 0:
        left = np.array([lo])
    counts = np.bincount(np.searchsorted(left, ts, side="right") - 1, minlength=left.size)
    return left, 1000.0 * counts / (binwidth * max(n_neurons, 1))


def _make_plot(
    ts: Any,
    ts1: Any,
    node_ids: Any,
    neurons: Any,
    hist: bool = True,
    hist_binwidth: float = 5.0,
    grayscale: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
) -> list:
    """Raster of ``(ts1, node_ids)``; histogram of all times ``ts`` over the senders ``neurons``."""
    plt = pyplot()
    plt.figure()
    marker, bar_color = (".k", "gray") if grayscale else (".", "blue")
    xlabel = "Time (ms)" if xlabel is None else xlabel
    ts = np.asarray(ts, dtype=float)
    if hist:
        raster_ax = plt.axes((0.1, 0.3, 0.85, 0.6))
        lines = raster_ax.plot(ts1, node_ids, marker)
        raster_ax.set_ylabel("Neuron ID")
        raster_ax.set_xticks([])
        xlim = raster_ax.get_xlim()
        hist_ax = plt.axes((0.1, 0.1, 0.85, 0.17))
        left, heights = _rate_histogram(ts, float(hist_binwidth), len(np.unique(neurons)))
        hist_ax.bar(left, heights, width=hist_binwidth, align="edge", color=bar_color, edgecolor="black")
        top = int(np.max(heights) * 1.1) + 5
        hist_ax.set_yticks([int(y) for y in np.linspace(0.0, top, 4)])
        hist_ax.set_ylabel("Rate (spks/s)")
        hist_ax.set_xlabel(xlabel)
        hist_ax.set_xlim(xlim)
        plt.sca(raster_ax)
    else:
        lines = plt.plot(ts1, node_ids, marker)
        plt.xlabel(xlabel)
        plt.ylabel("Neuron ID")
    plt.title("Raster plot" if title is None else title)
    plt.draw()
    return lines
