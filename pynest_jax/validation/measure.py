"""Measuring the agreement of two recordings of the same scenario.

``ScenarioResult`` holds what one scenario measured: spike-time agreement,
the largest absolute and relative deviation of every recordable, statistical
test results for stochastic devices, and whether that passes the tolerance of
the model's category. The functions here compare recorder events as PyNEST
returns them (``events`` dictionaries of NumPy arrays).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Tolerance per category: (kind of deviation, bound).
TOLERANCES: dict[str, tuple[str, float]] = {
    "A": ("rel", 1e-6),
    "B": ("abs", 1e-9),
    "C": ("rel", 1e-6),
    "D": ("rel", 1e-6),
    "E": ("abs", 1e-9),
}
# Significance level of the statistical comparisons: a test passes with p > ALPHA.
ALPHA = 0.01
# Least power against a 5% difference that a statistical comparison must have to count.
MIN_POWER = 0.9
# Two spike times are the same spike when they differ by at most this (ms).
SPIKE_TIME_TOL = 1e-9
# Relative tolerance of values compared "exactly" (connection tables): one rounding.
EXACT_RTOL = 1e-12
# Floor of the scale of a relative deviation (a recordable that stays at 0).
_REL_FLOOR = 1e-12

_EVENT_META = ("senders", "times", "offsets")


@dataclass
class StatTest:
    """One statistical comparison of the two simulators' samples."""

    test: str  # e.g. "exact binomial test of equal rates"
    quantity: str  # what was compared, e.g. "spike counts"
    p_value: float
    n_ref: int  # sample size in NEST
    n_ours: int  # sample size in pynest_jax
    power_5pct: float | None = None  # power against a 5% difference at ALPHA, where computed
    # Why the samples cannot be compared at all (empty, constant): the test then fails.
    degenerate: str | None = None

    @property
    def passed(self) -> bool:
        return self.degenerate is None and bool(self.p_value > ALPHA)

    def describe(self) -> str:
        if self.degenerate is not None:
            return f"{self.test} on {self.quantity}: not testable ({self.degenerate})"
        power = "" if self.power_5pct is None else f", power(5%)={self.power_5pct:.2f}"
        return f"{self.test} on {self.quantity}: p={self.p_value:.3f} (n={self.n_ref}/{self.n_ours}{power})"


@dataclass
class ScenarioResult:
    """What one scenario of one model measured, at one resolution."""

    model: str
    scenario: str
    resolution: float | None
    category: str  # tolerance category applied
    passed: bool = True
    spikes_identical: bool | None = None  # None: no spikes compared
    max_spike_shift_steps: float | None = None  # None: spike counts differ or no spikes
    n_spikes: tuple[int, int] | None = None  # (NEST, pynest_jax)
    max_abs_dev: dict[str, float] = field(default_factory=dict)
    max_rel_dev: dict[str, float] = field(default_factory=dict)
    stats: list[StatTest] = field(default_factory=list)
    error: str | None = None
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the scenario does not apply to this model

    @property
    def label(self) -> str:
        return self.scenario if self.resolution is None else f"{self.scenario}@{self.resolution:g}"

    @property
    def worst_abs(self) -> float:
        return max(self.max_abs_dev.values(), default=0.0)

    @property
    def worst_rel(self) -> float:
        return max(self.max_rel_dev.values(), default=0.0)

    def fail(self, reason: str) -> None:
        self.passed = False
        self.failures.append(reason)

    def summary(self) -> str:
        if self.skipped:
            return f"{self.label}: skipped ({self.skipped})"
        if self.error:
            return f"{self.label}: error {self.error}"
        parts = list(self.failures)
        if not parts:
            parts.append("passed")
        return f"{self.label}: " + "; ".join(parts)


def within_tolerance(abs_dev: float, rel_dev: float, category: str) -> bool:
    kind, bound = TOLERANCES[category]
    return (abs_dev if kind == "abs" else rel_dev) <= bound


def tolerance_text(category: str) -> str:
    kind, bound = TOLERANCES[category]
    return f"{kind} <= {bound:.0e}"


# ----------------------------------------------------------------------------- events


def as_events(events: Mapping[str, Any]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in events.items()}


def of_sender(events: Mapping[str, np.ndarray], gid: int) -> dict[str, np.ndarray]:
    """The events of one sender, in recorded order."""
    senders = np.asarray(events.get("senders", np.zeros(0)))
    mask = senders == gid
    return {k: np.asarray(v)[mask] for k, v in events.items() if np.shape(v) == np.shape(senders)}


def spike_times_of(events: Mapping[str, np.ndarray], gid: int) -> np.ndarray:
    """Sorted spike times (ms) of one sender; precise offsets are subtracted."""
    ev = of_sender(events, gid)
    t = np.asarray(ev.get("times", np.zeros(0)), dtype=float)
    if "offsets" in ev:
        t = t - np.asarray(ev["offsets"], dtype=float)
    return np.sort(t)


# ------------------------------------------------------------------------ comparisons


def compare_spikes(
    result: ScenarioResult, ref: Sequence[np.ndarray], ours: Sequence[np.ndarray], h: float
) -> None:
    """Spike trains of the same neurons in both simulators (one array of times each)."""
    n_ref = sum(len(t) for t in ref)
    n_ours = sum(len(t) for t in ours)
    prev = result.n_spikes or (0, 0)
    result.n_spikes = (prev[0] + n_ref, prev[1] + n_ours)
    identical = result.spikes_identical is not False
    shift = result.max_spike_shift_steps or 0.0
    counts_differ = False
    for a, b in zip(ref, ours, strict=True):
        a, b = np.asarray(a, float), np.asarray(b, float)
        if len(a) != len(b):
            identical = False
            counts_differ = True
            if len(a) and len(b):  # nearest-spike distance, both ways
                d1 = np.min(np.abs(a[:, None] - b[None, :]), axis=1)
                d2 = np.min(np.abs(b[:, None] - a[None, :]), axis=1)
                shift = max(shift, float(max(d1.max(), d2.max())) / h)
            continue
        if len(a):
            d = float(np.max(np.abs(a - b)))
            if d > SPIKE_TIME_TOL:
                identical = False
            shift = max(shift, d / h)
    result.spikes_identical = identical
    result.max_spike_shift_steps = None if counts_differ else round(shift, 6)
    if not identical:
        if counts_differ:
            result.fail(f"spike counts differ (NEST {n_ref}, ours {n_ours})")
        else:
            result.fail(f"spike times differ by up to {shift:.3g} steps")


def compare_traces(
    result: ScenarioResult,
    ref: Mapping[str, np.ndarray],
    ours: Mapping[str, np.ndarray],
    label: str = "",
) -> None:
    """Sampled recordables of one sender: same sample times, values within tolerance."""
    keys_ref = sorted(k for k in ref if k not in _EVENT_META)
    keys_ours = sorted(k for k in ours if k not in _EVENT_META)
    if keys_ref != keys_ours:
        result.fail(f"{label}recorded {keys_ours}, NEST {keys_ref}")
        return
    t_ref, t_ours = np.asarray(ref.get("times", [])), np.asarray(ours.get("times", []))
    if t_ref.shape != t_ours.shape or not np.allclose(t_ref, t_ours, rtol=0, atol=SPIKE_TIME_TOL):
        result.fail(f"{label}sample times differ ({len(t_ours)} samples, NEST {len(t_ref)})")
        return
    for key in keys_ref:
        a = np.asarray(ref[key], dtype=float)
        b = np.asarray(ours[key], dtype=float)
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.where(both_nan, 0.0, np.abs(a - b))
        dev = float(np.max(diff, initial=0.0))
        if np.any(np.isnan(diff)):
            dev = float("inf")
        scale = max(float(np.max(np.abs(np.where(np.isnan(a), 0.0, a)), initial=0.0)), _REL_FLOOR)
        result.max_abs_dev[key] = max(result.max_abs_dev.get(key, 0.0), dev)
        result.max_rel_dev[key] = max(result.max_rel_dev.get(key, 0.0), dev / scale)


def check_deviation_tolerance(result: ScenarioResult) -> None:
    """Fail the scenario if a recordable deviates beyond its category's tolerance."""
    kind, bound = TOLERANCES[result.category]
    devs = result.max_abs_dev if kind == "abs" else result.max_rel_dev
    bad = {k: v for k, v in devs.items() if not v <= bound}
    if bad:
        worst = max(bad, key=lambda k: bad[k])
        result.fail(f"{worst} deviates by {kind} {bad[worst]:.1e} (> {bound:.0e})")


def compare_event_layout(
    result: ScenarioResult,
    ref: Mapping[str, np.ndarray],
    ours: Mapping[str, np.ndarray],
    label: str = "",
    sort: bool = False,
) -> None:
    """Recorder events: same keys, same number of events, same senders and times in
    the same order (after sorting by time and sender when ``sort``), values within
    tolerance."""
    ref, ours = as_events(ref), as_events(ours)
    if sorted(ref) != sorted(ours):
        result.fail(f"{label}event keys {sorted(ours)}, NEST {sorted(ref)}")
        return
    n_ref = len(ref.get("senders", []))
    n_ours = len(ours.get("senders", []))
    if n_ref != n_ours:
        result.fail(f"{label}{n_ours} events, NEST {n_ref}")
        return
    if sort and n_ref:
        ref = _sorted_events(ref)
        ours = _sorted_events(ours)
    for key in ("senders", "times", "offsets"):
        if key in ref:
            a, b = ref[key], ours[key]
            if np.asarray(a).dtype.kind != np.asarray(b).dtype.kind:
                result.fail(f"{label}{key} have dtype {b.dtype}, NEST {a.dtype}")
            elif not np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=SPIKE_TIME_TOL):
                result.fail(f"{label}{key} differ")
    for key in ref:
        if key in _EVENT_META:
            continue
        a = np.asarray(ref[key], dtype=float)
        b = np.asarray(ours[key], dtype=float)
        dev = float(np.max(np.abs(a - b), initial=0.0))
        scale = max(float(np.max(np.abs(a), initial=0.0)), _REL_FLOOR)
        result.max_abs_dev[key] = max(result.max_abs_dev.get(key, 0.0), dev)
        result.max_rel_dev[key] = max(result.max_rel_dev.get(key, 0.0), dev / scale)


def _sorted_events(ev: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    keys = [np.asarray(ev["senders"])]
    if "offsets" in ev:
        keys.insert(0, -np.asarray(ev["offsets"], float))
    keys.insert(0, np.asarray(ev["times"], float))
    order = np.lexsort(tuple(reversed(keys)))
    return {k: np.asarray(v)[order] for k, v in ev.items()}


def compare_exact(result: ScenarioResult, ref: Any, ours: Any, what: str) -> None:
    """Values that must be equal (connection tables, status entries); floats may differ
    by EXACT_RTOL (NEST reports a delay as steps * resolution, e.g. 2.9000000000000004)."""
    if not _equal(ref, ours):
        result.fail(f"{what} differ")


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return sorted(a) == sorted(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, str | bytes) or isinstance(b, str | bytes):
        return a == b
    if type(a).__name__ == "NodeCollection" and type(b).__name__ == "NodeCollection":
        return a.tolist() == b.tolist()  # an element of a NodeCollection is a NodeCollection
    if isinstance(a, Iterable) and isinstance(b, Iterable) and not np.isscalar(a):
        la, lb = list(a), list(b)
        return len(la) == len(lb) and all(_equal(x, y) for x, y in zip(la, lb, strict=True))
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return a == b
    return abs(fa - fb) <= EXACT_RTOL * max(abs(fa), abs(fb)) or (np.isnan(fa) and np.isnan(fb))


# ------------------------------------------------------------------------- statistics


def rate_test(count_ref: int, count_ours: int, exposure_ref: float, exposure_ours: float) -> StatTest:
    """Exact (conditional) binomial test that two Poisson counts have the same rate.

    Given the total, the count of one simulator is binomial with probability
    ``exposure_ref / (exposure_ref + exposure_ours)`` under equal rates. The power
    is that of the two-sided test at ``ALPHA`` against rates differing by 5%
    (normal approximation).
    """
    from scipy import stats

    name = "exact binomial test of equal rates"
    if count_ref == 0 or count_ours == 0:
        return StatTest(name, "spike counts", 0.0, count_ref, count_ours, 0.0, degenerate="no spikes")
    n = int(count_ref + count_ours)
    p0 = exposure_ref / (exposure_ref + exposure_ours)
    p_value = float(stats.binomtest(int(count_ref), n, p0).pvalue)
    p1 = 1.05 * exposure_ref / (1.05 * exposure_ref + exposure_ours)
    power = _normal_power(n * (p1 - p0), np.sqrt(n * p0 * (1 - p0)))
    return StatTest(name, "spike counts", p_value, count_ref, count_ours, power)


def ks_test(ref: np.ndarray, ours: np.ndarray, quantity: str) -> StatTest:
    """Two-sample Kolmogorov-Smirnov test of equal distributions."""
    from scipy import stats

    ref, ours = np.asarray(ref, float), np.asarray(ours, float)
    problem = _degenerate(ref, ours, constant_ok=True)
    if problem is not None:
        return StatTest("two-sample KS test", quantity, 0.0, len(ref), len(ours), degenerate=problem)
    p = float(stats.ks_2samp(ref, ours).pvalue)
    return StatTest("two-sample KS test", quantity, p, len(ref), len(ours))


def mean_test(ref: np.ndarray, ours: np.ndarray, quantity: str, effect: float) -> StatTest:
    """Welch's t-test of equal means; power against a difference of ``effect``."""
    from scipy import stats

    name = "Welch t-test of equal means"
    ref, ours = np.asarray(ref, float), np.asarray(ours, float)
    problem = _degenerate(ref, ours)
    if problem is not None:
        return StatTest(name, quantity, 0.0, len(ref), len(ours), 0.0, degenerate=problem)
    p = float(stats.ttest_ind(ref, ours, equal_var=False).pvalue)
    se = np.sqrt(ref.var(ddof=1) / len(ref) + ours.var(ddof=1) / len(ours))
    return StatTest(name, quantity, p, len(ref), len(ours), _normal_power(effect, se))


def variance_test(ref: np.ndarray, ours: np.ndarray, quantity: str) -> StatTest:
    """Two-sided F-test of equal variances; power against a 5% difference in standard deviation."""
    from scipy import stats

    name = "F-test of equal variances"
    ref, ours = np.asarray(ref, float), np.asarray(ours, float)
    problem = _degenerate(ref, ours)
    if problem is not None:
        return StatTest(name, quantity, 0.0, len(ref), len(ours), 0.0, degenerate=problem)
    d1, d2 = len(ref) - 1, len(ours) - 1
    f = ref.var(ddof=1) / ours.var(ddof=1)
    cdf = float(stats.f.cdf(f, d1, d2))
    p = float(min(1.0, 2 * min(cdf, 1 - cdf)))
    se_log = np.sqrt(2.0 / d1 + 2.0 / d2)  # of log(F), asymptotically
    return StatTest(name, quantity, p, len(ref), len(ours), _normal_power(2 * np.log(1.05), se_log))


def _degenerate(ref: np.ndarray, ours: np.ndarray, constant_ok: bool = False) -> str | None:
    """Why two samples cannot be compared: too few values, non-finite ones, or (unless
    ``constant_ok``) no spread in a sample, where a test of means or variances says nothing."""
    for side, x in (("NEST", ref), ("pynest_jax", ours)):
        if len(x) < 2:
            return f"{len(x)} values from {side}"
        if not np.all(np.isfinite(x)):
            return f"non-finite values from {side}"
        if not constant_ok and np.ptp(x) == 0.0:
            return f"all values from {side} are equal"
    return None


def require_power(result: ScenarioResult, test: StatTest) -> None:
    """Fail the scenario if ``test`` could not detect a 5% difference (sample too small)."""
    if test.power_5pct is None or not test.power_5pct >= MIN_POWER:
        result.fail(f"{test.test} on {test.quantity}: power {test.power_5pct} < {MIN_POWER}")


def _normal_power(effect: float, se: float) -> float:
    from scipy import stats

    z = stats.norm.ppf(1 - ALPHA / 2)
    shift = abs(effect) / se if se > 0 else np.inf
    return float(stats.norm.sf(z - shift) + stats.norm.cdf(-z - shift))


def finish(result: ScenarioResult) -> ScenarioResult:
    """Apply the tolerance to the measured deviations and the statistical tests."""
    if result.skipped:
        return result
    if result.error:
        result.passed = False
        return result
    check_deviation_tolerance(result)
    for test in result.stats:
        if test.degenerate is not None:
            result.fail(test.describe())
        elif not test.passed:
            result.fail(f"{test.test} on {test.quantity}: p={test.p_value:.1e} <= {ALPHA}")
    return result
