"""NEST 3.10's kernel properties: their values, which of them a script may set, and
NEST's rules and errors for setting them.

Every key of NEST's ``GetKernelStatus()`` is here, and every kernel attribute of
its ``nest`` module (``nest.resolution``, ``nest.min_delay``, ...). Settable
properties are kept in ``Kernel.status``; the others are computed from the
kernel. Properties for features pynest_jax does not have (structural
plasticity, e-prop) read as in NEST; setting them to another value raises
``NotImplemented`` rather than being ignored.

Deliberate differences: the threads and virtual processes a script asks for are
accepted and shown (nodes get NEST's ``vp``/``thread``), but pynest_jax runs one
engine whatever their number, so results do not depend on them. ``rng_type`` is
stored; random numbers come from NumPy's and JAX's generators seeded by
``rng_seed``, whichever type is named.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import timeconv, units
from .connection_rules import cpp_type_name
from .errors import NESTErrors

# Settable properties and their values after ResetKernel.
STORED_DEFAULTS: dict[str, Any] = {
    "adaptive_target_buffers": True,
    "buffer_size_spike_data": 2,
    "buffer_size_target_data": 2,
    "data_path": "",
    "data_prefix": "",
    "dict_miss_is_error": True,
    "eprop_learning_window": 1000.0,
    "eprop_reset_neurons_on_update": True,
    "eprop_update_interval": 1000.0,
    "growth_factor_buffer_target_data": 1.5,
    "keep_source_table": True,
    "local_num_threads": 1,
    "max_buffer_size_target_data": 16777216,
    "overwrite_files": False,
    "print_time": False,
    "resolution": 0.1,
    "rng_seed": 143202461,
    "rng_type": "mt19937_64",
    "spike_buffer_grow_extra": 0.5,
    "spike_buffer_shrink_limit": 0.2,
    "spike_buffer_shrink_spare": 0.1,
    "structural_plasticity_synapses": {},
    "structural_plasticity_update_interval": 10000.0,
    "update_time_limit": math.inf,
    "use_compressed_spikes": True,
    "use_wfr": True,
    "wfr_comm_interval": 1.0,
    "wfr_interpolation_order": 3,
    "wfr_max_iterations": 15,
    "wfr_tol": 0.0001,
}

# Properties NEST's ResetKernel leaves as they are (its I/O and MPI buffer managers keep them).
KEPT_BY_RESET = frozenset(
    {
        "adaptive_target_buffers",
        "buffer_size_spike_data",
        "buffer_size_target_data",
        "data_path",
        "data_prefix",
        "eprop_learning_window",
        "eprop_reset_neurons_on_update",
        "eprop_update_interval",
        "growth_factor_buffer_target_data",
        "max_buffer_size_target_data",
    }
)

RNG_TYPES = ["Philox_32", "Philox_64", "Threefry_32", "Threefry_64", "mt19937", "mt19937_64"]
CONNECTION_RULES = [
    "all_to_all",
    "fixed_indegree",
    "fixed_outdegree",
    "fixed_total_number",
    "one_to_one",
    "pairwise_bernoulli",
    "pairwise_poisson",
    "symmetric_pairwise_bernoulli",
]
GROWTH_CURVES = ["gaussian", "linear", "sigmoid"]

# NEST's kernel attributes (``nest.<name>``) that a script may only read.
READONLY = frozenset(
    {
        "T_max",
        "T_min",
        "build_info",
        "connection_rules",
        "cycle_time_log",
        "growth_curves",
        "kernel_status",
        "local_spike_counter",
        "max_num_syn_models",
        "max_update_time",
        "memory_size",
        "min_update_time",
        "ms_per_tic",
        "network_size",
        "node_models",
        "num_connections",
        "num_processes",
        "off_grid_spiking",
        "recording_backends",
        "recv_buffer_size_secondary_events",
        "rng_types",
        "send_buffer_size_secondary_events",
        "spike_buffer_resize_log",
        "stimulation_backends",
        "synapse_models",
        "tics_per_step",
        "to_do",
    }
)
# Keys of GetKernelStatus() that are no kernel attributes of the nest module.
STATUS_ONLY = frozenset(
    {
        "growth_factor_buffer_spike_data",
        "modules",
        "mpi_rank",
        "prepared",
        "time_communicate_prepare",
        "time_communicate_prepare_cpu",
        "time_construction_connect",
        "time_construction_connect_cpu",
        "time_construction_create",
        "time_construction_create_cpu",
        "time_simulate",
        "time_simulate_cpu",
    }
)
# Kernel attributes that are no keys of GetKernelStatus(): reading them is special.
ATTRIBUTE_ONLY = frozenset({"cycle_time_log", "kernel_status"})
# Properties of features with issues of their own: set to another value, they raise.
_UNSUPPORTED = {
    "structural_plasticity_synapses": "Structural plasticity",
    "structural_plasticity_update_interval": "Structural plasticity",
    "eprop_learning_window": "e-prop plasticity",
    "eprop_reset_neurons_on_update": "e-prop plasticity",
    "eprop_update_interval": "e-prop plasticity",
}

# Time::max() in tics before it is cut to whole steps.
_TIC_LIMIT = 2**60 - 1


def new_timers() -> dict[str, Any]:
    """The kernel's timers and counters after ResetKernel."""
    return {
        "time_construction_create": 0.0,
        "time_construction_create_cpu": 0.0,
        "time_construction_connect": 0.0,
        "time_construction_connect_cpu": 0.0,
        "time_simulate": 0.0,
        "time_simulate_cpu": 0.0,
        "time_communicate_prepare": 0.0,
        "time_communicate_prepare_cpu": 0.0,
        "min_update_time": math.inf,
        "max_update_time": -math.inf,
        "local_spike_counter": 0,
    }


@contextmanager
def timed(kernel: Any, name: str, accumulate: bool = True) -> Iterator[None]:
    """Measure wall-clock and CPU time of a block into the timer ``name`` (and ``name_cpu``)."""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        t = kernel.timers
        dw, dc = time.perf_counter() - wall, time.process_time() - cpu
        t[name] = t[name] + dw if accumulate else dw
        t[name + "_cpu"] = t[name + "_cpu"] + dc if accumulate else dc


def build_info() -> dict[str, Any]:
    """What this build is: pynest_jax on Python and JAX, one process, no MPI, MUSIC,
    SIONlib, HDF5 or libneurosim; threads are accepted (see the module docstring)."""
    import platform

    import jax

    from . import NEST_VERSION, __version__

    machine = platform.machine()
    return {
        "built": f"pynest_jax {__version__} with JAX {jax.__version__}",
        "datadir": "",
        "docdir": "",
        "exitcode": 0,
        "have_boost": False,
        "have_gsl": False,
        "have_hdf5": False,
        "have_libneurosim": False,
        "have_mpi": False,
        "have_music": False,
        "have_sionlib": False,
        "have_threads": True,
        "host": f"{machine}-{platform.system().lower()}",
        "hostcpu": machine,
        "hostos": platform.system().lower(),
        "hostvendor": "",
        "ndebug": True,
        "prefix": "",
        "test_exitcodes": {
            "abort": 134,
            "exception": 125,
            "fatal": 127,
            "scripterror": 126,
            "segfault": 139,
            "skipped": 200,
            "skipped_have_mpi": 202,
            "skipped_no_gsl": 204,
            "skipped_no_mpi": 201,
            "skipped_no_music": 205,
            "skipped_no_threading": 203,
            "success": 0,
            "unknownerror": 10,
            "userabort": 15,
        },
        "threads_model": "openmp",
        "version": NEST_VERSION,
    }


def memory_size_kb() -> int:
    """Resident memory of this process in kB, as NEST reports it (-1 if unknown)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def time_max_ms(h: float) -> float:
    tps = timeconv.tics_per_step(h)
    return float((_TIC_LIMIT // tps) * tps * timeconv.ms_per_tic())


# ------------------------------------------------------------------------ delays
def delay_extrema(kernel: Any) -> tuple[float, float]:
    """NEST's min_delay and max_delay (ms): set explicitly, or those of the
    connections, or one step when there are none."""
    from .delivery import is_uniform

    h = kernel.h
    if kernel.delay_extrema_tics is not None:
        tps = timeconv.tics_per_step(h)
        lo, hi = (float(t // tps * tps * timeconv.ms_per_tic()) for t in kernel.delay_extrema_tics)
        return lo, hi
    delays = [b.delay[:1] if is_uniform(b.delay) else b.delay for b in kernel.connections if len(b.delay)]
    if not delays:
        return h, h
    # In whole steps: a cont_delay_synapse keeps an off-grid delay (ms) that NEST counts
    # as the next step up.
    lo = min(x.min() for x in delays)
    hi = max(x.max() for x in delays)
    return (
        float(timeconv.steps_to_ms(timeconv.ms_to_steps(lo, h), h)),
        float(timeconv.steps_to_ms(timeconv.ms_to_steps(hi, h), h)),
    )


def explicit_delay_error(kernel: Any, delay_steps: np.ndarray, default_of: str | None = None) -> str | None:
    """NEST's complaint about delays (in steps) outside explicitly set min/max delays."""
    if kernel.delay_extrema_tics is None or not len(delay_steps):
        return None
    h = kernel.h
    lo_ms, hi_ms = delay_extrema(kernel)
    lo, hi = float(np.min(delay_steps)) * h, float(np.max(delay_steps)) * h
    if default_of is not None and (lo < lo_ms - 1e-12 or hi > hi_ms + 1e-12):
        value = lo if lo < lo_ms - 1e-12 else hi
        return (
            f"Delay value {value:g} is invalid: Default delay of '{default_of}' must be between "
            f"min_delay {lo_ms:g} and max_delay {hi_ms:g}."
        )
    hint = "You may set min_delay before creating connections."
    if lo < lo_ms - 1e-12:
        return f"Delay value {lo:g} is invalid: Delay must be greater than or equal to min_delay. {hint}"
    if hi > hi_ms + 1e-12:
        return f"Delay value {hi:g} is invalid: Delay must be smaller than or equal to max_delay. {hint}"
    return None


# ------------------------------------------------------------------------ status
def kernel_status(kernel: Any) -> dict[str, Any]:
    """NEST's GetKernelStatus() dictionary."""
    k = kernel
    d = {key: copied(v) for key, v in k.status.items()}
    h = k.h
    lo, hi = delay_extrema(k)
    t_max = time_max_ms(h)
    threads = int(k.status["local_num_threads"])
    timers = dict(k.timers)
    for key in ("time_communicate_prepare", "time_communicate_prepare_cpu"):
        timers[key] = np.array([timers[key]])
    d.update(timers)
    d.update(
        {
            "T_max": t_max,
            "T_min": -t_max,
            "biological_time": float(timeconv.steps_to_ms(k.time_steps, h)),
            "build_info": build_info(),
            "connection_rules": list(CONNECTION_RULES),
            "growth_curves": list(GROWTH_CURVES),
            "growth_factor_buffer_spike_data": 1.5,
            "local_spike_counter": int(k.timers["local_spike_counter"]),
            "max_delay": hi,
            "max_num_syn_models": 511,
            "memory_size": memory_size_kb(),
            "min_delay": lo,
            "modules": [],
            "mpi_rank": 0,
            "ms_per_tic": timeconv.ms_per_tic(),
            "network_size": k.network_size,
            "node_models": sorted(k.node_models),
            "num_connections": k.num_connections,
            "num_processes": 1,
            "off_grid_spiking": False,
            "prepared": k.prepared,
            "recording_backends": ["ascii", "memory", "screen"],
            "recv_buffer_size_secondary_events": 0,
            "rng_types": list(RNG_TYPES),
            "send_buffer_size_secondary_events": 0,
            "spike_buffer_resize_log": {
                "global_max_spikes_sent": np.array([], dtype=float),
                "new_buffer_size": np.array([], dtype=float),
                "times": np.array([], dtype=float),
            },
            "stimulation_backends": [],
            "synapse_models": sorted(k.synapse_models),
            "tics_per_ms": float(timeconv.tics_per_ms()),
            "tics_per_step": timeconv.tics_per_step(h),
            "to_do": 0,
            "total_num_virtual_procs": threads,
            "verbosity": _verbosity(k),
        }
    )
    return d


def copied(v: Any) -> Any:
    """A stored value, with its own copy of a dict or list."""
    return dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v


def _verbosity(k: Any) -> Any:
    from . import VerbosityLevel

    return k.verbosity if k.verbosity is not None else VerbosityLevel.INFO


def attribute_names() -> frozenset[str]:
    """Every kernel attribute of NEST's ``nest`` module."""
    return (
        frozenset(STORED_DEFAULTS)
        | READONLY
        | {
            "biological_time",
            "max_delay",
            "min_delay",
            "tics_per_ms",
            "total_num_virtual_procs",
            "verbosity",
        }
    )


# --------------------------------------------------------------------------- set
def set_kernel_status(kernel: Any, params: Mapping[str, Any]) -> None:
    """NEST's SetKernelStatus: PyNEST's check of the names (ValueError, or a warning
    when ``dict_miss_is_error`` is false), then the kernel's own rules. All values are
    checked before any is applied, so a refused call changes nothing."""
    if not isinstance(params, Mapping):
        raise TypeError("SetKernelStatus expects a dictionary of kernel properties")
    params = dict(params)
    raise_errors = params.get("dict_miss_is_error", kernel.status["dict_miss_is_error"])
    valid = attribute_names()
    for key in list(params):
        msg = None
        if key not in valid:
            names = ", ".join(f"'{p}'" for p in sorted(valid))
            msg = f"`{key}` is not a valid kernel parameter, valid parameters are: {names}"
        elif key in READONLY:
            msg = f"`{key}` is a readonly kernel parameter"
        if msg is not None:
            if raise_errors:
                raise ValueError(msg)
            warnings.warn(f"{msg} \n`{key}` has been ignored", stacklevel=3)
            del params[key]
    new_status = dict(kernel.status)
    effects: list[Callable[[], None]] = []
    # A rule reads all the keys it needs (min_delay with max_delay, ...): it runs once.
    for rule in dict.fromkeys(_RULES[key] for key in params if key in _RULES):
        rule(kernel, params, new_status, effects)
    for key, value in params.items():
        if key in _RULES:
            continue
        if key in _UNSUPPORTED:
            if value != kernel.status[key]:
                raise NESTErrors.NotImplemented(f"{_UNSUPPORTED[key]} is not supported by pynest_jax yet.")
        else:
            new_status[key] = _typed(key, value, STORED_DEFAULTS[key])
    _check_buffers(new_status)
    kernel.status = new_status
    for effect in effects:
        effect()


def _typed(key: str, value: Any, default: Any) -> Any:
    """A value of the default's type, with NEST's TypeMismatch for another type."""
    kind = cpp_type_name(value)
    if isinstance(default, bool):
        if not isinstance(value, bool | np.bool_):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {kind} to type bool"
            )
        return bool(value)
    if isinstance(default, int):
        if not isinstance(value, int | np.integer) or isinstance(value, bool | np.bool_):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {kind} to type long"
            )
        return int(value)
    if isinstance(default, float):
        if isinstance(value, str | bool | np.bool_) or not np.isscalar(value):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {kind} to type double"
            )
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast '{key}' from {kind} to type string"
            )
        return value
    return value


def _check_buffers(s: Mapping[str, Any]) -> None:
    if s["spike_buffer_shrink_limit"] < 0:
        raise NESTErrors.BadProperty("buffer_shrink_limit >= 0 required.")
    if not 0 <= s["spike_buffer_shrink_spare"] <= 1:
        raise NESTErrors.BadProperty("0 <= buffer_shrink_spare <= 1 required.")
    if s["spike_buffer_grow_extra"] < 0:
        raise NESTErrors.BadProperty("buffer_grow_extra >= 0 required.")


def _has_structure(kernel: Any) -> str | None:
    if kernel.network_size:
        return "Nodes have already been created: time representation cannot be changed."
    if kernel.simulated:
        return "Network has been simulated: time representation cannot be changed."
    return None


def _time_representation(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    """resolution and tics_per_ms: only before nodes exist or anything was simulated;
    tics_per_ms only together with resolution; the step at least one tic, and a
    whole number of tics."""
    tics = timeconv.tics_per_ms()
    if "tics_per_ms" in params:
        value = params["tics_per_ms"]
        if not isinstance(value, int | np.integer) or isinstance(value, bool | np.bool_):
            raise NESTErrors.TypeMismatch(
                f"Expected datatype: Failed to cast 'tics_per_ms' from {cpp_type_name(value)} to type long"
            )
    blocked = _has_structure(kernel)
    if blocked:
        raise NESTErrors.KernelException(blocked)
    if "tics_per_ms" in params:
        if "resolution" not in params:
            raise NESTErrors.KernelException(
                "Change of tics_per_ms requires simultaneous specification of resolution."
            )
        tics = int(params["tics_per_ms"])
    res = float(units.to_nest(params["resolution"], "ms", "resolution"))
    if tics <= 0 or res < 1.0 / tics:
        raise NESTErrors.KernelException(
            "Resolution must be greater than or equal to one tic. Value unchanged."
        )
    step_tics = res * tics
    if abs(step_tics - round(step_tics)) > 1e-9 * max(1.0, step_tics):
        raise NESTErrors.KernelException("Resolution must be a multiple of the tic length. Value unchanged.")
    new["resolution"] = float(res)

    def apply() -> None:
        timeconv.set_tics_per_ms(tics)
        if not kernel.status["use_wfr"] or kernel.status["wfr_comm_interval"] < res:
            kernel.status["wfr_comm_interval"] = float(res)

    effects.append(apply)


def _delays(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    """min_delay and max_delay: both at once, before any connection exists; the
    resolution set in the same call counts."""
    if "min_delay" not in params or "max_delay" not in params:
        raise NESTErrors.BadProperty("Both min_delay and max_delay have to be specified")
    if kernel.connections and kernel.num_connections:
        raise NESTErrors.BadProperty("Connections already exist. Please call ResetKernel first")
    lo_ms = float(units.to_nest(params["min_delay"], "ms", "min_delay"))
    hi_ms = float(units.to_nest(params["max_delay"], "ms", "max_delay"))
    lo, hi = (int(timeconv.ms_to_tics(x)) for x in (lo_ms, hi_ms))
    res = float(new.get("resolution", kernel.h))
    tps = timeconv.tics_per_step(res)
    if lo // tps < 1:
        shown = int(np.sign(lo)) * (abs(lo) // tps) * tps * timeconv.ms_per_tic()
        raise NESTErrors.BadDelay(
            f"Delay value {shown:g} is invalid: min_delay must be greater than or equal to resolution."
        )
    if lo > hi:
        raise NESTErrors.BadDelay(
            f"Delay value {lo_ms:g} is invalid: min_delay must be smaller than or equal to max_delay."
        )
    if kernel.simulated:
        return  # NEST keeps the extrema fixed at the first Simulate

    def apply() -> None:
        kernel.delay_extrema_tics = (lo, hi)

    effects.append(apply)


def _threads(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    """local_num_threads and total_num_virtual_procs: equal (one process), positive,
    changed only before nodes exist and before any Simulate."""
    wanted = {}
    for key in ("local_num_threads", "total_num_virtual_procs"):
        if key in params:
            v = params[key]
            if not isinstance(v, int | np.integer) or isinstance(v, bool | np.bool_):
                raise RuntimeError(
                    f"The dictionary value with key {key} does not hold a numeric integer type."
                )
            wanted[key] = int(v)
    if len(set(wanted.values())) > 1:
        raise NESTErrors.BadProperty(
            "Requested total_num_virtual_procs is incompatible with the number of processes and "
            "threads.It must be an integer multiple of num_processes and equal to local_num_threads "
            "* num_processes. Value unchanged."
        )
    n = next(iter(wanted.values()))
    if n < 1:
        raise NESTErrors.BadProperty("The number of threads and virtual processes must be positive.")
    if n == kernel.status["local_num_threads"]:
        return
    reasons = [
        r
        for r, bad in (
            ("Nodes exist.", kernel.network_size),
            ("Network has been simulated.", kernel.simulated),
        )
        if bad
    ]
    if reasons:
        raise NESTErrors.KernelException(
            f"Number of threads unchanged. Error conditions: {' '.join(reasons)}"
        )
    new["local_num_threads"] = n


def _biological_time(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    """Only 0: the clock goes back to the start; spikes in transit are dropped, as NEST
    warns they may be."""
    if float(params["biological_time"]) != 0.0:
        raise NESTErrors.BadProperty("The simulation time can only be set to 0.0.")

    def apply() -> None:
        if kernel.time_steps:
            kernel.invalidate()
            for g in kernel.groups:
                g.pending_input = None
            kernel.pending_spikes = None
            kernel.time_steps = 0

    effects.append(apply)


def _rng_seed(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    seed = params["rng_seed"]
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool | np.bool_):
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast 'rng_seed' from {cpp_type_name(seed)} to type long"
        )
    if not 0 < int(seed) < 2**32:
        raise NESTErrors.BadProperty("RNG seed must be in (0, 2^32-1).")
    new["rng_seed"] = int(seed)

    def apply() -> None:
        kernel.rng = np.random.default_rng(int(seed))
        kernel.invalidate()

    effects.append(apply)


def _rng_type(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    name = _typed("rng_type", params["rng_type"], "")
    if name not in RNG_TYPES:
        raise NESTErrors.BadProperty(f"'{name}' is not a known RNG type. See /rng_types for available types")
    new["rng_type"] = name


def _checked(condition: Callable[[Any], bool], message: str, key: str) -> Callable:
    """A stored property whose value NEST checks: a KernelException when it fails."""

    def rule(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
        value = _typed(key, params[key], STORED_DEFAULTS[key])
        if not condition(value):
            raise NESTErrors.KernelException(message)
        new[key] = value

    return rule


def _use_wfr(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    value = _typed("use_wfr", params["use_wfr"], True)
    if kernel.network_size:
        raise NESTErrors.KernelException(
            "Cannot enable/disable usage of waveform relaxation after nodes have been created. "
            "Please call ResetKernel first."
        )
    new["use_wfr"] = value
    if not value:
        new["wfr_comm_interval"] = float(new.get("resolution", kernel.h))


def _wfr_comm_interval(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    value = _typed("wfr_comm_interval", params["wfr_comm_interval"], 1.0)
    if not new["use_wfr"]:
        raise NESTErrors.KernelException(
            "Cannot set waveform communication interval when usage of waveform relaxation is "
            "disabled. Set use_wfr to true first."
        )
    if kernel.num_connections:
        raise NESTErrors.KernelException(
            "Cannot change waveform communication interval after connections have been created. "
            "Please call ResetKernel first."
        )
    if value < float(new.get("resolution", kernel.h)):
        raise NESTErrors.KernelException(
            "Communication interval of the waveform relaxation must be greater or equal to the "
            "resolution of the simulation."
        )
    new["wfr_comm_interval"] = value


def _data_path(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    """NEST logs an error and keeps the old path for a directory that does not exist
    (the empty path too: once set, the path cannot go back to the default)."""
    import os

    path = _typed("data_path", params["data_path"], "")
    if not os.path.isdir(path):
        _log_error(f"Variable data_path not set: Directory '{path}' does not exist.")
        return
    new["data_path"] = path


def _data_prefix(kernel: Any, params: Mapping[str, Any], new: dict, effects: list) -> None:
    prefix = _typed("data_prefix", params["data_prefix"], "")
    if "/" in prefix:
        _log_error("Data prefix must not contain path elements.")
        return
    new["data_prefix"] = prefix


def _log_error(text: str) -> None:
    from .info import message

    message(text, 30, function="SetKernelStatus")


_RULES: dict[str, Callable[[Any, Mapping[str, Any], dict, list], None]] = {
    "resolution": _time_representation,
    "tics_per_ms": _time_representation,
    "min_delay": _delays,
    "max_delay": _delays,
    "local_num_threads": _threads,
    "total_num_virtual_procs": _threads,
    "biological_time": _biological_time,
    "rng_seed": _rng_seed,
    "rng_type": _rng_type,
    "use_wfr": _use_wfr,
    "wfr_comm_interval": _wfr_comm_interval,
    "wfr_tol": _checked(lambda v: v >= 0.0, "Tolerance must be zero or positive", "wfr_tol"),
    "wfr_max_iterations": _checked(
        lambda v: v > 0,
        "Maximal number of iterations  for the waveform relaxation must be positive. To disable "
        "waveform relaxation set use_wfr instead.",
        "wfr_max_iterations",
    ),
    "wfr_interpolation_order": _checked(
        lambda v: v in (0, 1, 3), "Interpolation order must be 0, 1, or 3.", "wfr_interpolation_order"
    ),
    "update_time_limit": _checked(lambda v: v > 0, "update_time_limit > 0 required.", "update_time_limit"),
    "data_path": _data_path,
    "data_prefix": _data_prefix,
    "verbosity": lambda kernel, params, new, effects: effects.append(
        lambda: setattr(kernel, "verbosity", _verbosity_level(params["verbosity"]))
    ),
}


def _verbosity_level(value: Any) -> Any:
    from . import VerbosityLevel

    return VerbosityLevel(int(value))


def node_vp(kernel: Any, gids: np.ndarray, archiving: bool) -> np.ndarray:
    """NEST's virtual process of each node: neurons round-robin by node id, devices
    (replicated on every thread in NEST) and volume transmitters on the first."""
    vps = int(kernel.status["local_num_threads"])
    return np.asarray(gids) % vps if archiving else np.zeros(len(gids), dtype=np.int64)
