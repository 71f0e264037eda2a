"""Imports every model file under models/, devices/ and synapses/ so each registers itself.

Adding a model is adding one file with a ``@register`` class.
"""

from __future__ import annotations

import importlib
import pkgutil

_PACKAGES = ("models", "devices", "synapses")


def load_models() -> None:
    for pkg_name in _PACKAGES:
        pkg = importlib.import_module(f"{__package__}.{pkg_name}")
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}."):
            importlib.import_module(info.name)
