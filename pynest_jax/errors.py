"""NEST's error classes, with the names and hierarchy PyNEST exposes.

PyNEST raises instances of classes from the ``nest.NESTErrors`` module, all
derived from ``NESTErrors.KernelException`` (exported as ``nest.NESTError``).
Scripts catch them by those names, so we provide the same names here.
"""

from __future__ import annotations

import sys
import types

__all__ = ["NESTError", "NESTErrors"]


class KernelException(Exception):
    """Base class of every error the NEST kernel raises."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.errorname = type(self).__name__
        self.errormessage = message


NESTError = KernelException

_NAMES = (
    "BackendAlreadyRegistered BackendNotPrepared BackendPrepared BadDelay BadParameter "
    "BadParameterValue BadProperty DimensionMismatch DistributionError "
    "DynamicModuleManagementError GSLSolverFailure IOError IllegalConnection "
    "IncompatibleReceptorType InexistentConnection InternalError InvalidDefaultResolution "
    "InvalidTimeInModel LayerExpected LayerNodeExpected LocalNodeExpected "
    "ModelInUse NamingConflict NewModelNameExists NotImplemented NumericalInstability "
    "RangeCheck StepMultipleRequired TimeMultipleRequired TypeMismatch "
    "UnaccessedDictionaryEntry UndefinedName UnexpectedEvent UnknownCompartment "
    "UnknownComponent UnknownModelName UnknownNode UnknownPort UnknownReceptorType "
    "UnknownSynapseType UnknownThread UnmatchedSteps UnsupportedEvent"
).split()

NESTErrors = types.ModuleType("NESTErrors", "NEST error classes, as in PyNEST's nest.NESTErrors.")
NESTErrors.KernelException = KernelException
KernelException.__module__ = "NESTErrors"
for _name in _NAMES:
    _cls = type(_name, (KernelException,), {"__module__": "NESTErrors"})
    setattr(NESTErrors, _name, _cls)

# NEST surfaces C++ lookups as these two; they also behave as the Python builtins.
NESTErrors.KeyError = type("KeyError", (KernelException, KeyError), {"__module__": "NESTErrors"})
NESTErrors.IndexError = type("IndexError", (KernelException, IndexError), {"__module__": "NESTErrors"})

sys.modules.setdefault("NESTErrors", NESTErrors)
