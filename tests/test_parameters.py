"""Parameters, random distributions and math functions against the real NEST 3.10."""

from __future__ import annotations

import nest
import numpy as np
import pytest
from scipy import stats

import pynest_jax.math as pmath
import pynest_jax.random as prandom
from pynest_jax.errors import NESTError, NESTErrors
from pynest_jax.parameters import CreateParameter, Parameter, constant, resolve_values, set_rng_seed

nest.verbosity = nest.VerbosityLevel.ERROR

N = 20_000
NEST_SEED = 20240613
OUR_SEED = 97531

# Each case builds the same Parameter from a (random, math) pair of modules.
CASES = {
    "uniform": lambda R, M: R.uniform(min=-3.0, max=5.0),
    "normal": lambda R, M: R.normal(mean=-60.0, std=2.0),
    "lognormal": lambda R, M: R.lognormal(mean=0.5, std=0.4),
    "exponential": lambda R, M: R.exponential(beta=2.5),
    "arithmetic": lambda R, M: (
        2.0 * R.normal(0.0, 1.0) + R.uniform(0.0, 1.0) ** 2 - 1.0 / R.uniform(1.0, 2.0)
    ),
    "neg_rsub_rdiv": lambda R, M: -R.exponential(1.0) + (3.0 - R.uniform(0.0, 1.0)) / 2.0,
    "redraw": lambda R, M: M.redraw(R.normal(mean=0.0, std=2.0), -1.0, 3.0),
    "exp_sin_cos": lambda R, M: M.exp(R.uniform(0.0, 1.0)) + M.sin(R.normal()) * M.cos(R.uniform(0.0, 3.0)),
    "min_max": lambda R, M: M.min(R.normal(), 0.5) + M.max(R.normal(), -0.5),
    "comparison": lambda R, M: (R.uniform() < 0.3) + 2.0 * (R.normal() >= 1.0),
}


def nest_sample(param: object, n: int = N) -> np.ndarray:
    """Values NEST draws for ``n`` neurons created with ``V_m`` set from ``param``."""
    nodes = nest.Create("iaf_psc_alpha", n, params={"V_m": param})
    return np.asarray(nodes.get("V_m"), dtype=float)


@pytest.fixture(scope="module")
def nest_samples() -> dict[str, np.ndarray]:
    nest.ResetKernel()
    nest.rng_seed = NEST_SEED
    out = {name: nest_sample(build(nest.random, nest.math)) for name, build in CASES.items()}
    out["uniform_int"] = nest_sample(nest.random.uniform_int(7))
    return out


def ours(build_or_param: object, seed: int = OUR_SEED, n: int = N) -> np.ndarray:
    p = build_or_param(prandom, pmath) if callable(build_or_param) else build_or_param
    return p.sample(np.random.default_rng(seed), n)


@pytest.mark.parametrize("name", list(CASES))
def test_distribution_matches_nest(name: str, nest_samples: dict[str, np.ndarray]) -> None:
    x = ours(CASES[name])
    assert x.dtype == np.float64 and x.shape == (N,)
    y = nest_samples[name]
    if name == "comparison":  # discrete: compare the frequency of each outcome
        values = np.union1d(x, y)
        assert set(values) <= {0.0, 1.0, 2.0, 3.0}
        table = np.array([[np.sum(x == v) for v in values], [np.sum(y == v) for v in values]])
        assert stats.chi2_contingency(table).pvalue > 1e-3
    else:
        assert stats.ks_2samp(x, y).pvalue > 1e-3


def test_redraw_stays_in_bounds(nest_samples: dict[str, np.ndarray]) -> None:
    x = ours(CASES["redraw"])
    assert x.min() >= -1.0 and x.max() <= 3.0
    assert nest_samples["redraw"].min() >= -1.0 and nest_samples["redraw"].max() <= 3.0


def test_uniform_int_matches_nest(nest_samples: dict[str, np.ndarray]) -> None:
    x = ours(prandom.uniform_int(7))
    y = nest_samples["uniform_int"]
    assert set(np.unique(x)) == set(np.unique(y)) == {float(k) for k in range(7)}
    table = np.array([np.bincount(x.astype(int), minlength=7), np.bincount(y.astype(int), minlength=7)])
    assert stats.chi2_contingency(table).pvalue > 1e-3


def test_exponential_beta_is_not_checked() -> None:
    # NEST accepts beta <= 0: a negative scale gives negative values, zero gives zeros.
    for beta in (-1.0, 0.0):
        theirs = nest.random.exponential(beta=beta).GetValue()
        mine = prandom.exponential(beta=beta).GetValue()
        assert np.sign(theirs) == np.sign(mine)


def _error_name(fn) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return "no error"


ERROR_CASES = {
    "uniform min>max": lambda R, M: R.uniform(min=2, max=1),
    "uniform min==max": lambda R, M: R.uniform(min=1, max=1),
    "uniform str": lambda R, M: R.uniform("a"),
    "uniform None": lambda R, M: R.uniform(max=None),
    "normal std<0": lambda R, M: R.normal(std=-1),
    "normal std=0": lambda R, M: R.normal(std=0),
    "lognormal std<0": lambda R, M: R.lognormal(std=-1),
    "lognormal std=0": lambda R, M: R.lognormal(mean=1.0, std=0),
    "uniform_int 0": lambda R, M: R.uniform_int(0),
    "uniform_int -1": lambda R, M: R.uniform_int(-1),
    "uniform_int float": lambda R, M: R.uniform_int(2.5),
    "uniform_int bool": lambda R, M: R.uniform_int(True),
    "redraw min>max": lambda R, M: M.redraw(R.uniform(), 3, 2),
    "redraw impossible": lambda R, M: M.redraw(R.uniform(), 2, 3).GetValue(),
    "min str": lambda R, M: M.min(R.uniform(), "x"),
    "min param": lambda R, M: M.min(R.uniform(), R.uniform()),
    "add str": lambda R, M: R.uniform() + "a",
    "mul list": lambda R, M: R.uniform() * [1.0],
    "pow param": lambda R, M: R.uniform() ** R.uniform(),
    "rpow": lambda R, M: 2 ** R.uniform(),
    "hash": lambda R, M: hash(R.uniform()),
}


@pytest.mark.parametrize("name", list(ERROR_CASES))
def test_error_classes_match_nest(name: str) -> None:
    build = ERROR_CASES[name]
    expected = _error_name(lambda: build(nest.random, nest.math))
    assert expected != "no error"
    assert _error_name(lambda: build(prandom, pmath)) == expected


def test_nest_errors_are_kernel_exceptions() -> None:
    with pytest.raises(NESTError):
        prandom.normal(std=0.0)
    with pytest.raises(NESTErrors.KernelException, match="redraws exceeded"):
        pmath.redraw(prandom.uniform(), 2.0, 3.0).sample(np.random.default_rng(0), 5)


def test_valid_edge_cases_accepted_like_nest() -> None:
    for build in (
        lambda R, M: M.redraw(R.uniform(), 0.5, 0.5),  # min == max is allowed
        lambda R, M: R.uniform_int(np.int64(3)),
        lambda R, M: R.uniform(np.float32(1.0), 3),
    ):
        assert isinstance(build(nest.random, nest.math), nest.Parameter)
        assert isinstance(build(prandom, pmath), Parameter)


def test_get_value_and_seed() -> None:
    p = prandom.normal(3.0, 1.0)
    set_rng_seed(5)
    a = [p.GetValue() for _ in range(3)]
    set_rng_seed(5)
    b = [p.GetValue() for _ in range(3)]
    assert a == b and len(set(a)) == 3
    assert all(type(v) is float for v in a)
    assert type(nest.random.normal().GetValue()) is float
    assert p.is_spatial() is False and nest.random.normal().is_spatial() is False


def test_expression_semantics() -> None:
    rng = np.random.default_rng(1)
    u = prandom.uniform(0.0, 1.0)
    assert np.all((u - u).sample(rng, 100) != 0.0)  # each occurrence draws anew, as in NEST
    assert np.array_equal((u <= 2.0).sample(rng, 10), np.ones(10))
    assert np.array_equal((u == 2.0).sample(rng, 10), np.zeros(10))
    assert set((0.5 < u).sample(rng, 1000)) == {0.0, 1.0}
    assert np.isnan((prandom.uniform(-2.0, -1.0) ** 0.5).GetValue())
    assert np.isinf(((u + 1.0) / 0).GetValue())
    assert (constant(2.0) * np.float64(3.0) + np.int64(1)).GetValue() == 7.0
    assert (np.float64(2.0) + constant(1.0)).GetValue() == 3.0
    assert (+constant(2.0)).GetValue() == 2.0 and (-constant(2.0)).GetValue() == -2.0
    assert (1.0 / constant(4.0)).GetValue() == 0.25 and (1.0 - constant(4.0)).GetValue() == -3.0
    assert (constant(3.0) ** 2).GetValue() == 9.0
    assert pmath.max(constant(1.0), 3).GetValue() == 3.0 and pmath.min(2.0, 3).GetValue() == 2.0


def test_create_parameter() -> None:
    assert (
        CreateParameter("constant", {"value": 1}).GetValue()
        == nest.CreateParameter("constant", {"value": 1}).GetValue()
    )
    assert 1.0 <= CreateParameter("uniform", {"min": 1.0, "max": 2.0}).GetValue() < 2.0
    for specs in [
        ("foo", {}),
        ("constant", {"value": 1.0, "x": 2}),
        ("constant", {}),
        ("uniform", {"min": 1.0}),
    ]:
        assert _error_name(lambda s=specs: CreateParameter(*s)) == _error_name(
            lambda s=specs: nest.CreateParameter(*s)
        )


# -- resolve_values -----------------------------------------------------------


def _nest_create_error(value: object, n: int = 3) -> str:
    return _error_name(lambda: nest.Create("iaf_psc_alpha", n, params={"V_m": value}))


def test_resolve_values_accepted_forms() -> None:
    rng = np.random.default_rng(0)
    for value, expected in [
        (2, [2.0, 2.0, 2.0]),
        (np.float32(2.5), [2.5, 2.5, 2.5]),
        (True, [1.0, 1.0, 1.0]),
        ([1, 2, 3], [1.0, 2.0, 3.0]),
        ((1.0, 2.0, 3.0), [1.0, 2.0, 3.0]),
        (np.array([1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]),
        (range(3), [0.0, 1.0, 2.0]),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0]),  # NEST ignores surplus entries
    ]:
        out = resolve_values(value, 3, rng)
        assert out.dtype == np.float64 and out.tolist() == expected
        if not isinstance(value, np.floating):
            assert list(nest.Create("iaf_psc_alpha", 3, params={"V_m": value}).V_m) == expected
    out = resolve_values(prandom.uniform(5.0, 6.0), 4, rng)
    assert out.shape == (4,) and np.all((out >= 5.0) & (out < 6.0))
    out = resolve_values([prandom.uniform(5.0, 6.0), 1.0, 2.0], 3, rng)
    assert 5.0 <= out[0] < 6.0 and out[1:].tolist() == [1.0, 2.0]
    assert resolve_values([7.0, 8.0], 1, rng).tolist() == [7.0]


@pytest.mark.parametrize(
    "value",
    [[1.0, 2.0], [1.0], [], np.array([1.0, 2.0]), ["a", "b", "c"], [[1.0], [2.0], [3.0]], np.ones((3, 1))],
    ids=["short", "one", "empty", "short_array", "strings", "nested", "2d_array"],
)
def test_resolve_values_errors_match_nest(value: object) -> None:
    expected = _nest_create_error(value)
    with pytest.raises(Exception) as info:
        resolve_values(value, 3, np.random.default_rng(0), name="V_m")
    assert type(info.value).__name__ == expected
    assert isinstance(info.value, NESTError)


def test_resolve_values_index_error_is_builtin() -> None:
    with pytest.raises(IndexError):
        resolve_values([1.0, 2.0], 3, np.random.default_rng(0))
    with pytest.raises(NESTErrors.TypeMismatch):
        resolve_values(None, 3, np.random.default_rng(0))
    with pytest.raises(NESTErrors.TypeMismatch):
        resolve_values("abc", 3, np.random.default_rng(0))
