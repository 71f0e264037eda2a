"""PyNEST's information, logging, serialisation and parallel-computing functions.

pynest_jax runs as one process: the MPI and MUSIC functions answer as NEST built
without MPI and MUSIC does (NEST 3.10's pip wheel is such a build).
"""

from __future__ import annotations

import datetime
import inspect
import json
import sys
import textwrap
import warnings
from typing import Any

import numpy as np

from .kernel import KERNEL
from .nodecollection import NodeCollection, SynapseCollection


def message(
    message: str,
    severity: int = 10,
    *,
    function: str | None = None,
    filename: str | None = None,
    lineno: int | None = None,
) -> None:
    """Print a message through NEST's logging: shown if ``severity`` is at least
    ``nest.verbosity``; warnings and worse go to stderr. At verbosity DEBUG or ALL the
    caller's file, line and function are shown too."""
    from . import VerbosityLevel, get_verbosity

    if int(severity) < int(get_verbosity()):
        return
    frame = inspect.stack()[1]
    function = function or frame.function
    filename = filename or frame.filename
    lineno = lineno or frame.lineno
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    if int(get_verbosity()) <= VerbosityLevel.DEBUG:
        stamp += f" {filename}:{lineno} @ {function}"
    known = [lvl for lvl in VerbosityLevel if lvl <= int(severity)]
    name = (max(known) if known else VerbosityLevel.ALL).name
    stream = sys.stderr if int(severity) >= VerbosityLevel.WARNING else sys.stdout
    print(f"[{name}] [{stamp}] {message}", file=stream)


def help(obj: Any = None, return_text: bool = False) -> str | None:  # noqa: A001 - PyNEST's name
    """Help on a model (its documentation and default parameters) as text; never opens
    a browser or pager. Without ``obj``, what pynest_jax is."""
    import pynest_jax

    if obj is None:
        print(pynest_jax.__doc__)
        return None
    text = _model_help(obj)
    if text is None:
        print(
            textwrap.dedent(f"""
            Sorry, there is no help for model '{obj}'.
            Use the Python help() function to obtain help on PyNEST functions.""")
        )
        return None
    if return_text:
        return text
    print(text)
    return None


def _model_help(name: Any) -> str | None:
    """A model's documentation: its docstring and its defaults."""
    if not isinstance(name, str):
        return None
    entry = KERNEL.node_models.get(name) or KERNEL.synapse_models.get(name)
    if entry is None:
        return None
    from .api import GetDefaults

    doc = inspect.getdoc(entry.cls) or ""
    defaults = GetDefaults(name)
    lines = [name, "=" * len(name), "", doc, "", "Defaults", "--------", ""]
    for key in sorted(defaults):
        value = defaults[key]
        if isinstance(value, dict | list | np.ndarray) and len(value) > 8:
            continue
        lines.append(f"{key}: {value!r}")
    return "\n".join(lines) + "\n"


def serialize_data(data: Any) -> Any:
    """Data with NumPy arrays and numbers, NodeCollections and SynapseCollections
    turned into plain Python lists and numbers, as PyNEST does before writing JSON."""
    if isinstance(data, np.ndarray):
        return data.tolist()
    if isinstance(data, np.generic):
        return data.item()
    if isinstance(data, NodeCollection):
        return data.tolist()
    if isinstance(data, SynapseCollection):
        return serialize_data(data.get())
    if isinstance(data, dict):
        return {key: serialize_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [serialize_data(x) for x in data]
    return data


def to_json(data: Any, **kwargs: Any) -> str:
    """``serialize_data`` written as JSON text; keyword arguments go to ``json.dumps``."""
    return json.dumps(serialize_data(data), **kwargs)


def PrintNodes() -> None:
    """Print the node ids of the network in runs of one model (``1 .. 3 iaf_psc_alpha``),
    in NEST's columns."""
    k = KERNEL
    n = k.network_size
    if not n:
        return
    models = [k.groups[k.node_group[i]].model_names[k.node_local[i]] for i in range(n)]
    width = len(str(n))
    start = 0
    for i in range(1, n + 1):
        if i == n or models[i] != models[start]:
            first, last = start + 1, i
            span = f"{first:>{width}} .. {last:>{width}}" if last > first else f"{first:>{width}}"
            print(f"{span:<{2 * width + 4}} {models[start]}")
            start = i


def GetLocalNodeCollection(nc: NodeCollection) -> NodeCollection:
    """The nodes of ``nc`` on this MPI process: all of them (one process)."""
    if not isinstance(nc, NodeCollection):
        raise TypeError("GetLocalNodeCollection requires a NodeCollection in order to run")
    warnings.warn(
        "GetLocalNodeCollection() leads to inherently unsafe code; see documentation for details.",
        UserWarning,
        stacklevel=2,
    )
    return nc


def NumProcesses() -> int:
    """The number of MPI processes: 1."""
    return 1


def Rank() -> int:
    """The MPI rank of this process: 0."""
    return 0


def GetLocalVPs() -> range:
    """The virtual processes of this MPI process: all of them."""
    return range(Rank(), int(KERNEL.status["local_num_threads"]), NumProcesses())


def SetAcceptableLatency(port_name: str, latency: float) -> None:
    """A MUSIC port setting: NEST without MUSIC raises NotImplementedError."""
    raise NotImplementedError


def SetMaxBuffered(port_name: str, size: int) -> None:
    """A MUSIC port setting: NEST without MUSIC raises NotImplementedError."""
    raise NotImplementedError


def SyncProcesses() -> None:
    """An MPI barrier: nothing to wait for in one process."""
    return None


def SonataNetwork(config: Any, sim_config: Any = None) -> Any:
    """NEST builds SONATA networks only with HDF5, which its pip wheel (like pynest_jax) lacks."""
    raise ModuleNotFoundError("'SonataNetwork' unavailable because NEST was compiled without 'HDF5' support")
