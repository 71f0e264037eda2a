"""The validation harness over every registered model, and the committed compatibility matrix.

The harness runs once per session (``reports``); each registered node and synapse
model must pass all its scenarios unless ``KNOWN_DEVIATIONS`` lists it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("nest")

from pynest_jax.models.base import MODELS  # noqa: E402
from pynest_jax.validation import ModelReport, registered_models, validate_all, validate_model  # noqa: E402
from pynest_jax.validation.known_deviations import (  # noqa: E402
    KNOWN_DEVIATION_SCENARIOS,
    KNOWN_DEVIATIONS,
)
from pynest_jax.validation.matrix import DEFAULT_PATH, write_matrix  # noqa: E402
from pynest_jax.validation.nest_models import base_name  # noqa: E402

# The scenario set of the default run; the committed matrix is generated from the same set.
SCENARIO_SET = "full"


@pytest.fixture(scope="session")
def reports() -> dict[str, ModelReport]:
    return validate_all(scenario_set=SCENARIO_SET)


def _known(name: str) -> str | None:
    return KNOWN_DEVIATIONS.get(name) or KNOWN_DEVIATIONS.get(base_name(name))


@pytest.mark.parametrize("name", registered_models())
def test_model_matches_nest(name: str, reports: dict[str, ModelReport]) -> None:
    report = reports[name]
    reason = _known(name)
    if reason is None:
        assert report.passed, report.describe()
        return
    assert not report.passed, f"{name} passes now: remove it from KNOWN_DEVIATIONS"
    allowed = KNOWN_DEVIATION_SCENARIOS.get(name) or KNOWN_DEVIATION_SCENARIOS.get(base_name(name))
    if allowed is not None:
        unexpected = [r.summary() for r in report.measured if not r.passed and r.scenario not in allowed]
        assert not unexpected, "\n".join(unexpected)


def test_known_deviations_are_registered() -> None:
    names = set(registered_models())
    assert set(KNOWN_DEVIATIONS) <= names
    assert set(KNOWN_DEVIATION_SCENARIOS) <= set(KNOWN_DEVIATIONS)


def test_matrix_is_up_to_date(reports: dict[str, ModelReport], tmp_path: Path) -> None:
    """Regenerating the matrix from this session's results gives the committed file, byte for byte."""
    out = tmp_path / "compat_matrix.csv"
    write_matrix(out, reports)
    assert DEFAULT_PATH.exists(), "compat_matrix.csv is missing: python -m pynest_jax.validation.matrix"
    assert out.read_bytes() == DEFAULT_PATH.read_bytes(), (
        "compat_matrix.csv is out of date: regenerate it with python -m pynest_jax.validation.matrix"
    )


def test_harness_detects_a_perturbed_propagator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scaling iaf_psc_alpha's P30 by 1 + 1e-6 must fail the 1e-9 tolerance."""
    scenarios = ("dc_just_above_rheobase", "dc_well_above_rheobase")
    clean = validate_model("iaf_psc_alpha", "reduced", only=scenarios)
    assert clean.passed, clean.describe()

    cls = MODELS["iaf_psc_alpha"]
    original = cls.device_params

    def perturbed(p, h):
        d = dict(original(p, h))
        d["P30"] = d["P30"] * (1.0 + 1e-6)
        return d

    monkeypatch.setattr(cls, "device_params", staticmethod(perturbed))
    broken = validate_model("iaf_psc_alpha", "reduced", only=scenarios)
    assert not broken.passed
    assert broken.n_passed == 0
    assert 1e-9 < broken.max_abs_dev < 1e-2
    assert all("V_m deviates" in r.summary() for r in broken.measured)


@pytest.mark.slow
def test_full_scenario_set() -> None:
    """The full set (both resolutions) when the default run uses the reduced one."""
    if SCENARIO_SET == "full":
        pytest.skip("the default run already uses the full scenario set")
    reports = validate_all(scenario_set="full")
    bad = [r.describe() for name, r in reports.items() if not r.passed and _known(name) is None]
    assert not bad, "\n".join(bad)
