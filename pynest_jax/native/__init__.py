"""Native (C++) kernels for the CPU backend, built on first use.

``deliver_cpu.cc`` has XLA FFI handlers: one adds one interval's spikes into a
ring buffer with a plain loop, in place; one passes them through pair-STDP
synapses (updating their values in place); one compacts an interval's spike
counts into the positions of the non-zero entries (one pass, in place of XLA's
prefix sum and scatter); plus a host function that orders a projection's
synapses by source (a counting sort) when it is built. It is compiled once per
machine into a cache directory keyed by a hash of the source, the compiler and
the JAX version, then registered as the FFI targets ``pynest_jax_deliver``,
``pynest_jax_stdp`` and ``pynest_jax_compact`` for CPU.

Nothing happens at import: the first call of :func:`native_deliver` compiles
(about 4 s) or loads the library. Whenever the native path cannot be used --
``PYNEST_JAX_NATIVE=0``, a backend other than CPU, no C++ compiler, a failed
build, inputs of unexpected types -- :func:`native_deliver` (likewise
:func:`native_stdp` and :func:`native_compact`) returns ``None`` and the caller
uses its XLA code instead.

Environment: ``PYNEST_JAX_NATIVE`` (``0`` disables), ``PYNEST_JAX_NATIVE_CACHE``
(cache directory, default ``~/.cache/pynest_jax/native``), ``CXX`` (compiler).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import core
from jax.extend.core import Primitive
from jax.interpreters import mlir

TARGET = "pynest_jax_deliver"
STDP_TARGET = "pynest_jax_stdp"
COMPACT_TARGET = "pynest_jax_compact"
_SOURCE = Path(__file__).with_name("deliver_cpu.cc")
# Portable code: the cache may be shared by machines of different CPU generations.
# No FMA contraction, so sums match XLA's scatter-add bit for bit.
_FLAGS = ["-std=c++17", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-math-errno"]
_MODES = {"scalar": 0, "source": 1, "synapse": 2}

#: Module-level switch: ``None`` follows ``PYNEST_JAX_NATIVE``; ``True``/``False`` override it.
ENABLED: bool | None = None

_lock = threading.Lock()
_state: dict[str, Any] = {"tried": False, "ok": False, "lib": None, "error": None}


# The FFI call as a primitive of its own rather than ``jax.ffi.ffi_call``: ffi_call
# marks the custom call's operand layouts as constrained, and XLA's layout
# assignment then copies an in-place operand (the ring after the engine's
# dynamic_update_slice) -- a full ring copy per interval. All operands here are
# of rank <= 1, whose only layout is the default one, so no constraint is needed.
_deliver_p = Primitive("pynest_jax_deliver")
_deliver_p.def_abstract_eval(lambda ring, *args, **attrs: core.ShapedArray(ring.shape, ring.dtype))
_deliver_p.def_impl(lambda *args, **attrs: jax.jit(lambda *a: _deliver_p.bind(*a, **attrs))(*args))
mlir.register_lowering(
    _deliver_p,
    jax.ffi.ffi_lowering(TARGET, skip_ffi_layout_processing=True, operand_output_aliases={0: 0}),
    platform="cpu",
)


# Pair STDP through a plastic projection: ring, weight, Kplus and t_lastspike are
# updated in place (operands 0, 10, 11, 12), plus a flag for a lost history entry.
_STDP_ALIASES = {0: 0, 10: 1, 11: 2, 12: 3}
_stdp_p = Primitive("pynest_jax_stdp")
_stdp_p.multiple_results = True
_stdp_p.def_abstract_eval(
    lambda *args, **attrs: (
        [core.ShapedArray(args[i].shape, args[i].dtype) for i in _STDP_ALIASES]
        + [core.ShapedArray((), jnp.int32)]
    )
)
_stdp_p.def_impl(lambda *args, **attrs: jax.jit(lambda *a: _stdp_p.bind(*a, **attrs))(*args))
mlir.register_lowering(
    _stdp_p,
    jax.ffi.ffi_lowering(STDP_TARGET, skip_ffi_layout_processing=True, operand_output_aliases=_STDP_ALIASES),
    platform="cpu",
)


# Compaction: the positions of the non-zero entries (the first ``capacity``) and their count.
_compact_p = Primitive("pynest_jax_compact")
_compact_p.multiple_results = True
_compact_p.def_abstract_eval(
    lambda flat, *, capacity: [core.ShapedArray((int(capacity),), jnp.int32), core.ShapedArray((), jnp.int32)]
)
_compact_p.def_impl(lambda *args, **attrs: jax.jit(lambda *a: _compact_p.bind(*a, **attrs))(*args))
mlir.register_lowering(
    _compact_p,
    jax.ffi.ffi_lowering(COMPACT_TARGET, skip_ffi_layout_processing=True),
    platform="cpu",
)


def enabled() -> bool:
    """Whether the native path is switched on (it may still be unavailable)."""
    if ENABLED is not None:
        return ENABLED
    return os.environ.get("PYNEST_JAX_NATIVE", "1").strip().lower() not in ("0", "false", "no", "off")


def _compiler() -> str | None:
    for name in (os.environ.get("CXX"), "g++", "c++", "clang++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _cache_root() -> Path:
    env = os.environ.get("PYNEST_JAX_NATIVE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pynest_jax" / "native"


def _build(cxx: str) -> Path:
    """Path of the compiled library, compiling it unless the cache has it."""
    src = _SOURCE.read_bytes()
    try:
        version = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        version = ""
    include = jax.ffi.include_dir()
    key = hashlib.sha256()
    for part in (src, cxx.encode(), version.encode(), " ".join(_FLAGS).encode(), include.encode()):
        key.update(part)
        key.update(b"\0")
    key.update(f"{jax.__version__} {platform.machine()} {platform.system()}".encode())
    digest = key.hexdigest()[:20]
    for root in (_cache_root(), Path(tempfile.gettempdir()) / f"pynest_jax_native_{os.getuid()}"):
        out_dir = root / digest
        lib = out_dir / "libdeliver.so"
        if lib.exists():
            return lib
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".libdeliver.", suffix=".so", dir=out_dir)
            os.close(fd)
        except OSError:
            continue  # not writable: try the next place
        try:
            cmd = [cxx, *_FLAGS, "-isystem", include, str(_SOURCE), "-o", tmp]
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            if res.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} failed:\n{res.stderr[-2000:]}")
            # Atomic: a parallel process sees either no library or a complete one.
            os.replace(tmp, lib)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return lib
    raise RuntimeError("no writable cache directory for the native library")


def _load() -> bool:
    """Compile/load and register the FFI target once per process; False if impossible."""
    if _state["tried"]:
        return _state["ok"]
    with _lock:
        if _state["tried"]:
            return _state["ok"]
        try:
            cxx = _compiler()
            if cxx is None:
                raise RuntimeError("no C++ compiler found (set CXX)")
            lib = ctypes.CDLL(str(_build(cxx)))
            jax.ffi.register_ffi_target(TARGET, jax.ffi.pycapsule(lib.PynestJaxDeliver), platform="cpu")
            jax.ffi.register_ffi_target(STDP_TARGET, jax.ffi.pycapsule(lib.PynestJaxStdp), platform="cpu")
            jax.ffi.register_ffi_target(
                COMPACT_TARGET, jax.ffi.pycapsule(lib.PynestJaxCompact), platform="cpu"
            )
            _state.update(lib=lib, ok=True)
        except Exception as exc:  # anything: fall back to XLA
            _state["error"] = exc
            warnings.warn(
                f"pynest_jax: native CPU spike delivery unavailable, using XLA ({exc})",
                RuntimeWarning,
                stacklevel=3,
            )
        _state["tried"] = True
        return _state["ok"]


def available() -> bool:
    """Whether :func:`native_deliver` would run natively now (may compile on first call)."""
    return enabled() and jax.default_backend() == "cpu" and _load()


def source_order(src: np.ndarray, n_sources: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Stable order grouping synapses by source (a linear counting sort) and the CSR
    row pointers; ``None`` when the native library cannot be used (any backend: this
    runs on the host)."""
    if not enabled() or not _load():
        return None
    src = np.ascontiguousarray(src, dtype=np.int32)
    order = np.empty(len(src), dtype=np.int64)
    row_ptr = np.empty(n_sources + 1, dtype=np.int64)
    fn = _state["lib"].PynestJaxSourceOrder
    fn.restype = ctypes.c_int
    fn.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p]
    if fn(src.ctypes.data, len(src), n_sources, order.ctypes.data, row_ptr.ctypes.data) != 0:
        raise ValueError("synapse source outside the spike index range")
    return order, row_ptr


def native_deliver(
    ring: Any,
    layout: Any,
    data: dict[str, Any],
    t0: Any,
    ring_len: int,
    width: int,
    spike_step: Any,
    spike_src: Any,
    spike_count: Any,
    n_spikes: Any,
) -> jax.Array | None:
    """``pynest_jax.delivery.deliver`` as one native call; ``None`` if it cannot be used.

    Same arguments and result as the XLA path (the ring's last, trash entry is
    left unchanged instead of absorbing padding). Of ``layout`` only
    ``weight_mode`` and ``delay_mode`` are used.
    """
    if not enabled() or jax.default_backend() != "cpu":
        return None
    weight_mode, delay_mode = layout.weight_mode, layout.delay_mode
    if weight_mode not in _MODES or delay_mode not in _MODES:
        return None
    rp, tgt = data["row_ptr"], data["tgt"]
    weight, delay = jnp.asarray(data["weight"]), jnp.asarray(data["delay"])
    if ring.dtype != jnp.float64 or ring.ndim != 1 or ring.shape[0] != ring_len * width + 1:
        return None
    if rp.dtype not in (jnp.int32, jnp.int64) or tgt.dtype != jnp.int32 or weight.dtype != jnp.float64:
        return None
    n_src, n_syn = rp.shape[0] - 1, tgt.shape[0]
    need = {"scalar": None, "source": n_src, "synapse": n_syn}
    for mode, arr in ((weight_mode, weight), (delay_mode, delay)):
        if (arr.ndim != 0) if need[mode] is None else (arr.ndim != 1 or arr.shape[0] < need[mode]):
            return None
    if delay_mode == "scalar":
        if not jnp.issubdtype(delay.dtype, jnp.integer):
            return None
        delay = delay.astype(jnp.int64)
    elif delay.dtype not in (jnp.int16, jnp.int32, jnp.int64):
        return None
    spikes = [jnp.asarray(a, jnp.int32) for a in (spike_step, spike_src, spike_count)]
    if rp.ndim != 1 or tgt.ndim != 1 or any(a.ndim != 1 or a.shape != spikes[0].shape for a in spikes):
        return None
    if not _load():
        return None
    return _deliver_p.bind(
        ring,
        rp,
        tgt,
        weight,
        delay,
        *spikes,
        jnp.asarray(n_spikes, jnp.int64),
        jnp.asarray(t0, jnp.int64),
        ring_len=np.int64(ring_len),
        width=np.int64(width),
        weight_mode=np.int32(_MODES[weight_mode]),
        delay_mode=np.int32(_MODES[delay_mode]),
    )


def native_compact(flat: Any, capacity: int) -> tuple[jax.Array, jax.Array] | None:
    """``pynest_jax.delivery.compact`` as one native call: the positions of the first
    ``capacity`` non-zero entries of the 1-D int32 ``flat`` (zero beyond the count)
    and the int32 count of all of them; ``None`` if it cannot be used."""
    if not enabled() or jax.default_backend() != "cpu":
        return None
    if getattr(flat, "dtype", None) != jnp.int32 or getattr(flat, "ndim", None) != 1:
        return None
    if capacity < 0 or flat.shape[0] >= 2**31 or not _load():
        return None
    pos, n = _compact_p.bind(jnp.asarray(flat), capacity=np.int64(capacity))
    return pos, n


# The per-synapse parameters of pair STDP, in the native call's order.
_STDP_PARAMS = ("tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax")


def native_stdp(
    ring: Any,
    layout: Any,
    fixed: dict[str, Any],
    dynamic: dict[str, Any],
    history: dict[str, Any],
    t0: Any,
    ring_len: int,
    width: int,
    tics: int,
    spike_step: Any,
    spike_src: Any,
    spike_count: Any,
    n_spikes: Any,
) -> tuple[jax.Array, dict[str, jax.Array], jax.Array] | None:
    """``pynest_jax.delivery.deliver_plastic`` for pair STDP (``stdp_synapse``'s
    ``transmit``) as one native call: the ring, the new weight/Kplus/t_lastspike and
    the lost-history flag; ``None`` if it cannot be used."""
    if not enabled() or jax.default_backend() != "cpu":
        return None
    params = [jnp.asarray(fixed[name], jnp.float64) for name in _STDP_PARAMS]
    if ring.dtype != jnp.float64 or ring.ndim != 1 or ring.shape[0] != ring_len * width + 1:
        return None
    if not _load():
        return None
    ring, weight, kplus, t_last, lost = _stdp_p.bind(
        ring,
        jnp.asarray(fixed["row_ptr"], jnp.int64),
        jnp.asarray(fixed["tgt"], jnp.int32),
        jnp.asarray(fixed["delay"], jnp.int64).reshape(-1),
        *[p.reshape(-1) for p in params],
        dynamic["weight"],
        dynamic["Kplus"],
        dynamic["t_lastspike"],
        history["t"].reshape(-1),
        history["K"].reshape(-1),
        history["count"],
        history["dropped"],
        jnp.asarray(history["tau_minus_inv"], jnp.float64).reshape(-1),
        *[jnp.asarray(a, jnp.int32) for a in (spike_step, spike_src, spike_count)],
        jnp.asarray(n_spikes, jnp.int64),
        jnp.asarray(t0, jnp.int64),
        ring_len=np.int64(ring_len),
        width=np.int64(width),
        n_targets=np.int64(layout.n_targets),
        tics=np.int64(tics),
        weighted=np.int32(layout.weighted),
    )
    return ring, {**dynamic, "weight": weight, "Kplus": kplus, "t_lastspike": t_last}, lost > 0
