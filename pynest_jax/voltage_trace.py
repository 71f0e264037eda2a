"""Plots of membrane potential traces, as PyNEST's ``nest.voltage_trace``.

Traces come from a ``voltmeter`` or a ``multimeter`` that records ``V_m``
(memory or ASCII backend) or from NEST ASCII files. Each function draws into
the current figure, one line per neuron, and returns the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ._plotting import load_ascii, pyplot, recorded_files, single_device_type

__all__ = ["from_device", "from_file", "show"]


def from_file(fname: str | Sequence[str], title: str | None = None, grayscale: bool = False) -> list:
    """Plot membrane potentials from NEST ASCII files (several files are concatenated).

    Columns are read as ``V_m`` (one column), ``sender, V_m`` (two) or
    ``sender, time, V_m`` (three). A file with named columns may have more; the
    ``V_m`` column is then used.
    """
    plt = pyplot()
    files = list(fname) if isinstance(fname, list | tuple) else [fname]
    names, data = None, None
    for f in files:
        names, part = load_ascii(f)
        data = part if data is None else np.concatenate((data, part))
    if names and "V_m" in names and data.shape[1] > 3 and data.shape[1] == len(names):
        data = data[:, [0, 1, names.index("V_m")]]
    style = "k" if grayscale else ""
    lines: list = []
    ncol = data.shape[1]
    if ncol == 1:
        print("INFO: only found 1 column in the file. Assuming that only one neuron was recorded.")
        lines = plt.plot(data[:, 0], style)
        plt.xlabel("Time (steps of length interval)")
    elif ncol in (2, 3):
        if ncol == 2:
            print("INFO: found 2 columns in the file. Assuming them to be node ID, pot.")
        for sender in dict.fromkeys(data[:, 0].tolist()):
            rows = data[data[:, 0] == sender]
            xy = (rows[:, 1],) if ncol == 2 else (rows[:, 1], rows[:, 2])
            lines.append(plt.plot(*xy, style, label=f"Neuron {int(sender)}"))
        plt.xlabel("Time (steps of length interval)" if ncol == 2 else "Time (ms)")
        plt.legend()
    else:
        raise ValueError(f"Inappropriate data shape {data.shape}!")
    plt.title(title or f"Membrane potential from file '{fname}'")
    plt.ylabel("Membrane potential (mV)")
    plt.draw()
    return lines


def from_device(
    detec: Any,
    neurons: Iterable[int] | None = None,
    title: str | None = None,
    grayscale: bool = False,
    timeunit: str = "ms",
) -> list:
    """Plot the ``V_m`` traces a ``voltmeter`` or ``multimeter`` recorded.

    ``neurons`` picks senders (node ids; all by default), ``timeunit`` is ``"ms"`` or ``"s"``.
    """
    kind = single_device_type(detec)
    if kind not in ("voltmeter", "multimeter"):
        raise TypeError("Please provide a 'voltmeter' or a 'multimeter' measuring V_m.")
    record_to = detec.get("record_to")
    if kind == "multimeter":
        record_from = list(detec.get("record_from"))
        if "V_m" not in record_from:
            raise ValueError("Please provide a 'multimeter' measuring 'V_m'.")
        if record_to != "memory" and len(record_from) > 1:
            raise ValueError("Please provide a 'multimeter' measuring only 'V_m' or record to memory.")
    if record_to == "ascii":
        return from_file(recorded_files(detec), title, grayscale)
    if record_to != "memory":
        raise ValueError("Provided device neither records to ascii file nor to memory.")

    plt = pyplot()
    in_steps = bool(detec.get("time_in_steps"))
    factor = 1.0
    if not in_steps:
        if timeunit == "s":
            factor = 1000.0
        else:
            timeunit = "ms"
    events = detec.get("events")
    senders = np.asarray(events["senders"])
    times = np.asarray(events["times"], dtype=float)
    potentials = np.asarray(events["V_m"], dtype=float)
    if not len(times):
        raise ValueError("No events recorded.")
    if neurons is None:
        chosen = list(dict.fromkeys(senders.tolist()))
    else:
        chosen = neurons.tolist() if hasattr(neurons, "tolist") else list(neurons)
    style = "k" if grayscale else ""
    lines = []
    for neuron in chosen:
        mine = senders == neuron
        if not mine.any():
            print(f"INFO: Wrong ID: {neuron}")
            continue
        lines.append(plt.plot(times[mine] / factor, potentials[mine], style, label=f"Neuron {int(neuron)}"))
    plt.title(title or "Membrane potential")
    plt.ylabel("Membrane potential (mV)")
    plt.xlabel("Steps" if in_steps else f"Time ({timeunit})")
    plt.legend(loc="best")
    plt.draw()
    return lines


def show() -> None:
    """Show the figures (``matplotlib.pyplot.show``; does nothing on a non-interactive backend)."""
    pyplot().show()
