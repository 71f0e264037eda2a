"""Helpers shared by ``raster_plot`` and ``voltage_trace``."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use (as PyNEST does)."""
    import matplotlib.pyplot as plt

    return plt


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_ascii(path: str) -> tuple[list[str] | None, np.ndarray]:
    """Read a NEST ASCII recorder file: ``(column names or None, data of shape [rows, columns])``.

    NEST 3 files start with two ``#`` comment lines and a line of column names
    (``sender time_ms ...``); older files have numbers only. Both are read.
    """
    names: list[str] | None = None
    skip = 0
    with open(path) as f:
        for line in f:
            text = line.strip()
            if not text or text.startswith("#"):
                skip += 1
                continue
            fields = text.split()
            if not all(_is_number(x) for x in fields):
                names = fields
                skip += 1
            break
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "empty input file"
        data = np.loadtxt(path, skiprows=skip, comments="#", ndmin=2)
    if data.size == 0:
        data = np.empty((0, len(names) if names else 0))
    return names, data


def single_device_type(detec: Any) -> str:
    """NEST type of the one recorder in ``detec`` (its model's ``type_id``, so copies of models count)."""
    from .api import GetDefaults

    if len(detec) != 1:
        raise ValueError("Please provide a single recording device.")
    return GetDefaults(detec.get("model"), "type_id")


def recorded_files(detec: Any) -> list[str]:
    """The ASCII files a recorder wrote; ``ValueError`` when it has written none yet."""
    try:
        files = detec.get("filenames")
    except KeyError:
        files = []
    files = [files] if isinstance(files, str) else list(files)
    if not files:
        raise ValueError("No events recorded: the recorder has not written any file.")
    return files
