"""Make ``import nest`` (and ``nest.*`` submodules) resolve to pynest_jax.

``install_nest_alias()`` puts ``pynest_jax`` into ``sys.modules`` as ``nest``
and adds a meta-path finder in front of all others, so that ``import
nest.raster_plot`` gives ``pynest_jax.raster_plot`` (the same module object,
never a second copy). NEST's internal modules that scripts sometimes import
from (``nest.lib.hl_api_types``, ``nest.versionchecker``, ...) are served by small
modules that forward every attribute to ``pynest_jax``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

_ROOT = "pynest_jax"
_ALIAS = "nest"
# NEST module names that have no file of their own in pynest_jax: they forward to the top level.
_FORWARDED_PACKAGES = ("lib",)
_FORWARDED_MODULES = ("versionchecker",)

_saved_modules: dict[str, types.ModuleType] | None = None


def _real_name(fullname: str) -> str:
    return _ROOT + fullname[len(_ALIAS) :]


def _forwarded(fullname: str) -> bool:
    rest = fullname[len(_ALIAS) + 1 :].split(".")
    return rest[0] in _FORWARDED_PACKAGES or (len(rest) == 1 and rest[0] in _FORWARDED_MODULES)


class _ForwardingModule(types.ModuleType):
    """A stand-in for one of NEST's internal modules: attributes come from pynest_jax."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        root = sys.modules[_ROOT]
        if name in vars(root):
            return vars(root)[name]
        raise AttributeError(f"module '{self.__name__}' has no attribute '{name}' in pynest_jax")


class _ExistingModuleLoader(importlib.abc.Loader):
    """Loader that hands back a module that is already imported."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


class NestAliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``nest`` and ``nest.X.Y`` to ``pynest_jax`` and ``pynest_jax.X.Y``."""

    def find_spec(
        self, fullname: str, path: Any = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        real = _real_name(fullname)
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as err:
            if err.name is None or not (real == err.name or real.startswith(err.name + ".")):
                raise  # a module that the real module imports is missing
            if not _forwarded(fullname):
                return None
            module = _ForwardingModule(fullname, f"Stand-in for NEST's {fullname}, served by pynest_jax.")
            if "." not in fullname[len(_ALIAS) + 1 :]:
                module.__path__ = []  # a package, so that its submodules can be imported
        is_pkg = hasattr(module, "__path__")
        spec = importlib.machinery.ModuleSpec(fullname, _ExistingModuleLoader(module), is_package=is_pkg)
        return spec


def _is_nest_name(name: str) -> bool:
    return name == _ALIAS or name.startswith(_ALIAS + ".")


def install_nest_alias() -> None:
    """Make ``import nest`` and ``import nest.<sub>`` give pynest_jax in this process.

    Modules of a real NEST already imported are put aside; ``uninstall_nest_alias``
    brings them back.
    """
    global _saved_modules
    if any(isinstance(f, NestAliasFinder) for f in sys.meta_path):
        sys.modules[_ALIAS] = importlib.import_module(_ROOT)
        return
    _saved_modules = {k: m for k, m in sys.modules.items() if _is_nest_name(k)}
    for k in _saved_modules:
        del sys.modules[k]
    sys.meta_path.insert(0, NestAliasFinder())
    root = importlib.import_module(_ROOT)
    sys.modules[_ALIAS] = root
    # Submodules of pynest_jax imported before now: register their NEST names too.
    for name, mod in list(sys.modules.items()):
        if name.startswith(_ROOT + "."):
            sys.modules.setdefault(_ALIAS + name[len(_ROOT) :], mod)


def uninstall_nest_alias() -> None:
    """Undo ``install_nest_alias``: ``import nest`` finds the real NEST (if any) again."""
    global _saved_modules
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, NestAliasFinder)]
    for k in [k for k in sys.modules if _is_nest_name(k)]:
        del sys.modules[k]
    if _saved_modules:
        sys.modules.update(_saved_modules)
    _saved_modules = None


def nest_alias_installed() -> bool:
    """Whether ``import nest`` currently resolves to pynest_jax."""
    return sys.modules.get(_ALIAS) is sys.modules.get(_ROOT) is not None
