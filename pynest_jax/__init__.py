"""pynest_jax: PyNEST's API on a JAX engine.

``import pynest_jax as nest`` gives a NEST 3.x script the functions, kernel
attributes (``nest.resolution``, ``nest.rng_seed``, ...), error classes and
plotting helpers it expects.
"""

from __future__ import annotations

import enum
import os
import sys
import types
from typing import Any

import jax

jax.config.update("jax_enable_x64", True)
# Compiled steps persist across processes unless PYNEST_JAX_COMPILATION_CACHE is "0".
_cache = os.environ.get("PYNEST_JAX_COMPILATION_CACHE", os.path.expanduser("~/.cache/pynest_jax/xla"))
if _cache not in ("", "0"):
    jax.config.update("jax_compilation_cache_dir", _cache)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)

from . import devices as _devices  # noqa: E402,F401  (registers models)
from . import kernel_attributes  # noqa: E402
from . import ll_api as ll_api  # noqa: E402
from . import logic as logic  # noqa: E402
from . import math as math  # noqa: E402
from . import random as random  # noqa: E402
from .alias import install_nest_alias, uninstall_nest_alias  # noqa: E402,F401
from .api import *  # noqa: E402,F403
from .api import GetKernelStatus, SetKernelStatus  # noqa: E402,F401
from .errors import NESTError as NESTError  # noqa: E402
from .errors import NESTErrors as NESTErrors  # noqa: E402
from .info import (  # noqa: E402,F401
    GetLocalNodeCollection,
    GetLocalVPs,
    NumProcesses,
    PrintNodes,
    Rank,
    SetAcceptableLatency,
    SetMaxBuffered,
    SonataNetwork,
    SyncProcesses,
    help,
    message,
    serialize_data,
    to_json,
)
from .kernel import KERNEL  # noqa: E402
from .ll_api import KernelAttribute  # noqa: E402
from .nodecollection import NodeCollection as NodeCollection  # noqa: E402
from .nodecollection import SynapseCollection as SynapseCollection  # noqa: E402
from .parameters import CreateParameter as CreateParameter  # noqa: E402
from .parameters import Parameter as Parameter  # noqa: E402
from .registry import load_models as _load_models  # noqa: E402

_load_models()
KERNEL.reset()

__version__ = "0.1.0"
NEST_VERSION = "3.10.0"


class VerbosityLevel(enum.IntEnum):
    """NEST's message levels (``nest.verbosity = nest.VerbosityLevel.WARNING``)."""

    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


_OLD_LEVELS = {f"M_{lvl.name}": lvl for lvl in VerbosityLevel}


def set_verbosity(level: Any) -> None:
    """NEST 2 spelling of ``nest.verbosity = ...``; accepts ``"M_ERROR"`` and levels."""
    KERNEL.verbosity = _level(level)


def get_verbosity() -> VerbosityLevel:
    return KERNEL.verbosity if KERNEL.verbosity is not None else VerbosityLevel.INFO


def _level(level: Any) -> VerbosityLevel:
    if isinstance(level, str):
        if level not in _OLD_LEVELS:
            raise NESTErrors.BadParameter(f"Unknown verbosity level {level}")
        return _OLD_LEVELS[level]
    return VerbosityLevel(int(level))


def set(**kwargs: Any) -> None:  # noqa: A001 - PyNEST's name
    """``nest.set(resolution=0.1, ...)``: set kernel properties (PyNEST 3)."""
    SetKernelStatus(kwargs)


def get(*keys: str) -> Any:
    """``nest.get("resolution")``: kernel properties (PyNEST 3); all of them without keys."""
    if not keys:
        return GetKernelStatus()
    if len(keys) == 1:
        return GetKernelStatus(keys[0])
    return tuple(GetKernelStatus(k) for k in keys)


def version() -> str:
    return f"NEST {NEST_VERSION} (pynest_jax {__version__})"


def Models(mtype: str = "all", sel: str | None = None) -> tuple[str, ...]:
    names = []
    if mtype in ("all", "nodes"):
        names += list(KERNEL.node_models)
    if mtype in ("all", "synapses"):
        names += list(KERNEL.synapse_models)
    if sel is not None:
        names = [n for n in names if sel in n]
    return tuple(sorted(names))


def ConnectionRules() -> tuple[str, ...]:
    return tuple(GetKernelStatus("connection_rules"))


userdict: dict[str, Any] = {}
"""Custom data a script keeps with the kernel (``nest.userdict["nodes"] = ...``)."""


class _SpecialAttribute(KernelAttribute):
    """Kernel attributes that are no plain status keys."""

    def __get__(self, instance: Any, cls: type | None = None) -> Any:
        if instance is None:
            return self
        if self._name == "kernel_status":
            return GetKernelStatus()
        if self._name == "verbosity":
            return get_verbosity()
        raise KeyError(self._name)  # cycle_time_log: NEST records none in its default build

    def __set__(self, instance: Any, value: Any) -> None:
        if self._name == "verbosity":
            set_verbosity(value)
            return
        super().__set__(instance, value)


_LAZY_MODULES = ("raster_plot", "visualization", "voltage_trace")


class NestModule(types.ModuleType):
    """The ``nest`` module: kernel properties as attributes (``nest.resolution``), lazily
    loaded plotting modules, and NEST's refusal to set anything else."""

    # A class attribute, so bound to the module as in NEST: ``nest.set_communicator()``.
    set_communicator = ll_api.set_communicator

    def __getattr__(self, name: str) -> Any:
        if name in _LAZY_MODULES:
            import importlib

            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module 'nest' has no attribute '{name}'")

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) or name.startswith("_"):
            self.__dict__[name] = value  # the import machinery, private names
            return
        attribute = getattr(type(self), name, None)
        if not hasattr(attribute, "__set__"):
            raise AttributeError(f"Cannot set attribute '{name}' on module 'nest'")
        attribute.__set__(self, value)

    def __dir__(self) -> list[str]:
        public = {name for name in dir(type(self)) if not name.startswith("_")}
        return sorted({*vars(self), *public, *_LAZY_MODULES})


for _name in sorted(kernel_attributes.attribute_names()):
    _special = _name in kernel_attributes.ATTRIBUTE_ONLY or _name == "verbosity"
    _attr = (_SpecialAttribute if _special else KernelAttribute)(
        "", f"Kernel property {_name}", readonly=_name in kernel_attributes.READONLY
    )
    _attr.__set_name__(NestModule, _name)
    setattr(NestModule, _name, _attr)

sys.modules[__name__].__class__ = NestModule
