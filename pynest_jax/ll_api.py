"""The parts of PyNEST's ``nest.ll_api`` a Python script can reach."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["KernelAttribute", "initialized", "set_communicator"]

# The kernel is ready once pynest_jax is imported.
initialized = True


def set_communicator(comm: Any) -> None:
    """Hand NEST an mpi4py communicator. pynest_jax runs as one process; as NEST, it
    refuses when mpi4py is not even imported."""
    if "mpi4py" not in sys.modules:
        raise ModuleNotFoundError("No module named 'mpi4py'.")


class KernelAttribute:
    """A kernel property as a class attribute (``nest.resolution``): reads and sets go
    to the kernel status."""

    def __init__(self, typehint: str, description: str, readonly: bool = False, default: Any = None) -> None:
        self._readonly = readonly
        self._default = default
        self.__doc__ = description

    def __set_name__(self, cls: type, name: str) -> None:
        self._name = name

    def __get__(self, instance: Any, cls: type | None = None) -> Any:
        if instance is None:
            return self
        from .api import GetKernelStatus

        return GetKernelStatus(self._name)

    def __set__(self, instance: Any, value: Any) -> None:
        if self._readonly:
            raise AttributeError(f"`{self._name}` is a read only kernel attribute.")
        from .api import SetKernelStatus

        SetKernelStatus({self._name: value})
