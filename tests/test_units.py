"""saiunit quantities converted to NEST's units."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
import saiunit as u

from pynest_jax.errors import NESTErrors
from pynest_jax.units import to_nest, unit_of


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (-70 * u.mV, "mV", -70.0),
        (0.07 * u.volt, "mV", 70.0),
        (1.5 * u.ms, "ms", 1.5),
        (0.002 * u.second, "ms", 2.0),
        (250 * u.pfarad, "pF", 250.0),
        (0.25 * u.nF, "pF", 250.0),
        (376.0 * u.pA, "pA", 376.0),
        (0.5 * u.nA, "pA", 500.0),
        (10 * u.Hz, "Hz", 10.0),
        (0.01 * u.kHz, "Hz", 10.0),
        (4 * u.nS, "nS", 4.0),
        (0.002 * u.uS, "nS", 2.0),
        (2 * u.kHz, "1/ms", 2.0),
        (0.5 / u.ms, "1/ms", 0.5),
        (3.0 * u.pA / u.ms, "pA/ms", 3.0),
        (3.0 * u.nA / u.second, "pA/ms", 3.0),
        (u.Quantity(2.0), "", 2.0),
        ((5 * u.mV) / (2 * u.mV), "", 2.5),
    ],
)
def test_scalar_conversion(value: object, unit: str, expected: float) -> None:
    out = to_nest(value, unit, "p")
    assert type(out) is float
    assert out == pytest.approx(expected, rel=1e-12)


def test_array_quantities() -> None:
    out = to_nest(np.array([-70.0, -65.0]) * u.mV, "mV", "V_m")
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(out, [-70.0, -65.0])
    out = to_nest(np.array([0.001, 0.002]) * u.second, "ms", "delay")
    np.testing.assert_allclose(out, [1.0, 2.0])
    out = to_nest(jnp.array([1.0, 2.0]) * u.nA, "pA", "I_e")
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(out, [1000.0, 2000.0])
    # A list of quantities is converted entry by entry.
    np.testing.assert_allclose(to_nest([1 * u.mV, 0.002 * u.volt], "mV", "V_m"), [1.0, 2.0])


def test_plain_values_unchanged() -> None:
    arr = np.array([1.0, 2.0])
    lst = [1.0, 2.0]
    assert to_nest(-70.0, "mV", "V_m") == -70.0
    assert to_nest(arr, "mV", "V_m") is arr
    assert to_nest(lst, "mV", "V_m") is lst
    assert to_nest("abc", "", "label") == "abc"
    marker = object()
    assert to_nest(marker, "ms", "x") is marker


@pytest.mark.parametrize(
    "value, unit",
    [
        (5 * u.ms, "mV"),
        (5 * u.mV, ""),
        (u.Quantity(3.0), "mV"),
        (np.array([1.0, 2.0]) * u.pA, "nS"),
        (2 * u.Hz, "ms"),
        ([1 * u.mV, 2 * u.ms], "mV"),
    ],
)
def test_incompatible_dimension_raises_bad_property(value: object, unit: str) -> None:
    with pytest.raises(NESTErrors.BadProperty) as info:
        to_nest(value, unit, "V_th")
    msg = str(info.value)
    assert "'V_th'" in msg
    if unit:
        assert unit in msg
    else:
        assert "dimensionless" in msg


def test_unit_of() -> None:
    assert unit_of("mV") == u.mV
    assert unit_of("") == u.UNITLESS
    assert u.have_same_dim(unit_of("1/ms"), u.Hz)
    assert (1.0 * unit_of("1/ms")).to_decimal(u.Hz) == pytest.approx(1000.0)
    assert (1.0 * unit_of("pA/ms")).to_decimal(u.nA / u.second) == pytest.approx(1.0)
    assert (1.0 * unit_of("GOhm")).to_decimal(u.Mohm) == pytest.approx(1000.0)
    assert (1.0 * unit_of("mV^2")).to_decimal(u.volt**2) == pytest.approx(1e-6)
    assert (1.0 * unit_of("1/(mV*ms)")).to_decimal(u.volt**-1 * u.second**-1) == pytest.approx(1e6)
    with pytest.raises(ValueError):
        unit_of("furlong")
