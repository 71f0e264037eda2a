"""Equivalence checks of pynest_jax against NEST 3.10.

``validate_model(name)`` runs the model's standard scenarios with the same
PyNEST calls in NEST (imported only then) and in pynest_jax, and reports the
measured agreement; ``python -m pynest_jax.validation.matrix`` writes the
compatibility matrix ``compat_matrix.csv``.
"""

from .harness import ModelReport, registered_models, runs_for, validate_all, validate_model
from .known_deviations import KNOWN_DEVIATIONS
from .measure import TOLERANCES, ScenarioResult, StatTest

__all__ = [
    "KNOWN_DEVIATIONS",
    "TOLERANCES",
    "ModelReport",
    "ScenarioResult",
    "StatTest",
    "registered_models",
    "runs_for",
    "validate_all",
    "validate_model",
]
