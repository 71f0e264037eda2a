"""``import pynest_jax`` stays light: heavy optional libraries load only when used."""

from __future__ import annotations

import json
import subprocess
import sys

# Imported lazily (units at the API boundary, plots, statistics, file reading).
HEAVY = ("brainstate", "saiunit", "matplotlib", "scipy", "pandas")


def test_import_does_not_load_heavy_libraries() -> None:
    code = f"import json, sys, pynest_jax; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_ml_dtypes_is_not_the_slow_release() -> None:
    """ml_dtypes 0.7.0 made ``import jax`` (and so ``import pynest_jax``) 0.6 s slower."""
    from importlib.metadata import version

    major, minor = (int(x) for x in version("ml_dtypes").split(".")[:2])
    assert (major, minor) < (0, 7)
