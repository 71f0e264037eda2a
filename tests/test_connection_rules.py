"""Connection rules (pynest_jax.connection_rules) against the real NEST 3.10.

Deterministic rules are compared connection by connection, in NEST's creation
order, which we read back from element-wise weight arrays (weight i+1 marks the
i-th array element).  Random rules are checked for their exact invariants and,
statistically, against NEST: every test uses fixed seeds, so it is
deterministic; a statistical test passes when its p-value exceeds P_MIN.
"""

from __future__ import annotations

import time
from collections import Counter

import nest
import numpy as np
import pytest
from scipy import stats

import pynest_jax.random as prandom
from pynest_jax.connection_rules import connect_pairs, connect_pairs_indexed
from pynest_jax.errors import NESTError, NESTErrors

nest.verbosity = nest.VerbosityLevel.ERROR

NEST_SEED = 20240613
OUR_SEED = 97531
P_MIN = 0.001  # significance threshold of every statistical test below


def ids(a: int, b: int) -> np.ndarray:
    """Node ids a..b inclusive."""
    return np.arange(a, b + 1, dtype=np.int64)


def rng(seed: int = OUR_SEED) -> np.random.Generator:
    return np.random.default_rng(seed)


def nest_connect(
    pre: np.ndarray, post: np.ndarray, conn_spec, syn_spec=None, seed: int = NEST_SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, target, weight) of the synapses NEST creates, in GetConnections order."""
    nest.ResetKernel()
    nest.rng_seed = seed
    n = int(max(np.max(pre, initial=0), np.max(post, initial=0), 1))
    nest.Create("iaf_psc_alpha", n)
    nest.Connect(
        nest.NodeCollection([int(i) for i in pre]),
        nest.NodeCollection([int(i) for i in post]),
        conn_spec,
        syn_spec,
    )
    conns = nest.GetConnections()
    if len(conns) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    d = conns.get(["source", "target", "weight"])
    return tuple(np.atleast_1d(np.asarray(d[k])) for k in ("source", "target", "weight"))


def in_creation_order(s: np.ndarray, t: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sort NEST's synapses by the (distinct) weight marking their array element."""
    o = np.argsort(w, kind="stable")
    return s[o], t[o], (np.rint(w[o]) - 1).astype(np.int64)


def marked_weights(*shape: int) -> dict:
    return {"weight": (np.arange(int(np.prod(shape)), dtype=float) + 1).reshape(shape)}


def two_sample_chi2(a: np.ndarray, b: np.ndarray, n_bins: int = 12) -> float:
    """p-value of a chi-square homogeneity test of two integer samples (pooled-quantile bins)."""
    pooled = np.concatenate((a, b))
    edges = np.unique(np.quantile(pooled, np.linspace(0, 1, n_bins + 1)))
    edges[-1] += 1
    ha = np.histogram(a, edges)[0]
    hb = np.histogram(b, edges)[0]
    keep = (ha + hb) > 0
    if keep.sum() < 2:
        return 1.0
    return float(stats.chi2_contingency(np.vstack((ha[keep], hb[keep])))[1])


def uniform_chi2(counts: np.ndarray) -> float:
    """p-value of a chi-square test that all cells are equally likely."""
    return float(stats.chisquare(counts).pvalue)


def binomial_gof(k: np.ndarray, n: int, p: float) -> float:
    """p-value of a chi-square goodness-of-fit test of ``k`` against Binomial(n, p);
    values are pooled into the tails until each cell expects at least 5."""
    dist = stats.binom(n, p)
    lo, hi = int(dist.ppf(0.0)), int(dist.isf(0.0))
    while dist.cdf(lo) * len(k) < 5:
        lo += 1
    while dist.sf(hi - 1) * len(k) < 5:
        hi -= 1
    edges = np.arange(lo, hi + 1)
    probs = np.diff(np.concatenate(([0.0], dist.cdf(edges[:-1]), [1.0])))
    observed = np.bincount(np.searchsorted(edges[:-1], k, side="left"), minlength=len(edges))
    return float(stats.chisquare(observed, probs * len(k)).pvalue)


def degrees(nodes: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many synapses have each of ``nodes`` at this end."""
    return np.bincount(np.searchsorted(nodes, ends), minlength=len(nodes))


# ---------------------------------------------------------------------------
# deterministic rules: identical to NEST, in NEST's creation order
# ---------------------------------------------------------------------------

O2O_CASES = {
    "disjoint": (ids(1, 5), ids(6, 10), {}),
    "same": (ids(1, 4), ids(1, 4), {}),
    "same_no_autapses": (ids(1, 4), ids(1, 4), {"allow_autapses": False}),
    "partial_no_autapses": (np.array([1, 2, 3, 4]), np.array([1, 2, 5, 6]), {"allow_autapses": False}),
    "shifted": (ids(1, 5), ids(3, 7), {"allow_autapses": False}),
}


@pytest.mark.parametrize("case", O2O_CASES)
def test_one_to_one_matches_nest(case: str) -> None:
    pre, post, extra = O2O_CASES[case]
    spec = {"rule": "one_to_one", **extra}
    s, t, w = nest_connect(pre, post, spec, marked_weights(len(pre)))
    ns, nt, ni = in_creation_order(s, t, w)
    src, tgt, idx = connect_pairs_indexed(pre, post, spec, rng())
    np.testing.assert_array_equal(src, ns)
    np.testing.assert_array_equal(tgt, nt)
    np.testing.assert_array_equal(idx, ni)  # NEST skips the array elements of left-out autapses


@pytest.mark.parametrize(
    "pre, post, autapses",
    [
        (np.array([1, 2, 3, 4]), np.array([1, 2, 5, 6]), False),
        (np.array([1, 2, 3, 4]), np.array([1, 2, 5, 6]), True),
        (ids(1, 3), ids(4, 6), True),
    ],
)
def test_one_to_one_make_symmetric_matches_nest(pre: np.ndarray, post: np.ndarray, autapses: bool) -> None:
    spec = {"rule": "one_to_one", "make_symmetric": True, "allow_autapses": autapses}
    s, t, w = nest_connect(pre, post, spec, marked_weights(len(pre)))
    src, tgt, idx = connect_pairs_indexed(pre, post, spec, rng())
    # reverse synapses reuse the forward ones' array elements
    assert sorted(zip(s, t, np.rint(w).astype(int) - 1, strict=True)) == sorted(
        zip(src, tgt, idx, strict=True)
    )
    half = len(src) // 2  # all forward synapses first, then all reverse ones
    np.testing.assert_array_equal(src[:half], tgt[half:])
    np.testing.assert_array_equal(tgt[:half], src[half:])


A2A_CASES = {
    "disjoint": (ids(1, 4), ids(5, 7), True),
    "same": (ids(1, 5), ids(1, 5), True),
    "same_no_autapses": (ids(1, 5), ids(1, 5), False),
    "overlap_no_autapses": (ids(1, 5), ids(3, 8), False),
    "interleaved_no_autapses": (np.array([1, 3, 5, 7]), np.array([2, 3, 4, 7, 8]), False),
}


@pytest.mark.parametrize("case", A2A_CASES)
def test_all_to_all_matches_nest(case: str) -> None:
    pre, post, autapses = A2A_CASES[case]
    spec = {"rule": "all_to_all", "allow_autapses": autapses}
    # NEST's array shape for all_to_all is (n_targets, n_sources)
    s, t, w = nest_connect(pre, post, spec, marked_weights(len(post), len(pre)))
    ns, nt, ni = in_creation_order(s, t, w)
    src, tgt, idx = connect_pairs_indexed(pre, post, spec, rng())
    np.testing.assert_array_equal(src, ns)
    np.testing.assert_array_equal(tgt, nt)
    np.testing.assert_array_equal(idx, ni)
    # element (i_target, i_source) belongs to synapse source -> target: target-major order
    np.testing.assert_array_equal(post[idx // len(pre)], tgt)
    np.testing.assert_array_equal(pre[idx % len(pre)], src)


@pytest.mark.parametrize("spec", [None, "all_to_all", {"rule": "all_to_all"}])
def test_default_rule_is_all_to_all(spec) -> None:
    pre, post = ids(1, 3), ids(2, 6)
    s, t, _ = nest_connect(pre, post, spec)
    src, tgt = connect_pairs(pre, post, spec, rng())
    assert sorted(zip(s, t, strict=True)) == sorted(zip(src, tgt, strict=True))
    assert src.dtype == np.int64 and tgt.dtype == np.int64


def test_one_to_one_as_string() -> None:
    src, tgt = connect_pairs(ids(1, 3), ids(4, 6), "one_to_one", rng())
    np.testing.assert_array_equal(src, [1, 2, 3])
    np.testing.assert_array_equal(tgt, [4, 5, 6])


# ---------------------------------------------------------------------------
# fixed_indegree / fixed_outdegree
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pre, post, autapses, multapses",
    [
        (ids(1, 40), ids(41, 100), True, True),
        (ids(1, 40), ids(1, 60), False, True),
        (ids(1, 40), ids(21, 80), False, False),
        (ids(1, 12), ids(1, 12), False, False),  # dense path: 11 of 11 available
        (np.arange(1, 80, 2), ids(21, 80), False, False),  # non-contiguous sources
    ],
)
def test_fixed_indegree_invariants_and_order(pre, post, autapses, multapses) -> None:
    k = 11 if len(pre) == 12 else 7
    spec = {"rule": "fixed_indegree", "indegree": k, "allow_autapses": autapses, "allow_multapses": multapses}
    src, tgt = connect_pairs(pre, post, spec, rng())
    s, t, w = nest_connect(pre, post, spec, marked_weights(len(post), k))
    for a, b in ((src, tgt), (s, t)):
        assert np.all(degrees(post, b) == k)
        assert np.isin(a, pre).all()
        if not autapses:
            assert not np.any(a == b)
        if not multapses:
            assert len(set(zip(a, b, strict=True))) == len(a)
    # NEST's (n_targets, indegree) array rows are the targets, in order; so are our groups
    s, t, idx = in_creation_order(s, t, w)
    np.testing.assert_array_equal(post[idx // k], t)
    np.testing.assert_array_equal(tgt, np.repeat(post, k))


@pytest.mark.parametrize(
    "pre, post, autapses, multapses",
    [
        (ids(1, 60), ids(61, 100), True, True),
        (ids(1, 60), ids(1, 40), False, True),
        (ids(1, 60), ids(21, 60), False, False),
    ],
)
def test_fixed_outdegree_invariants_and_order(pre, post, autapses, multapses) -> None:
    k = 9
    spec = {
        "rule": "fixed_outdegree",
        "outdegree": k,
        "allow_autapses": autapses,
        "allow_multapses": multapses,
    }
    src, tgt = connect_pairs(pre, post, spec, rng())
    s, t, w = nest_connect(pre, post, spec, marked_weights(len(pre), k))
    for a, b in ((src, tgt), (s, t)):
        assert np.all(degrees(pre, a) == k)
        assert np.isin(b, post).all()
        if not autapses:
            assert not np.any(a == b)
        if not multapses:
            assert len(set(zip(a, b, strict=True))) == len(a)
    s, t, idx = in_creation_order(s, t, w)
    np.testing.assert_array_equal(pre[idx // k], s)
    np.testing.assert_array_equal(src, np.repeat(pre, k))


@pytest.mark.parametrize("n_src, k", [(12, 2), (5, 3)])  # sparse and dense sampling paths
def test_fixed_indegree_without_multapses_is_uniform_over_ordered_samples(n_src: int, k: int) -> None:
    """Each ordered k-tuple of distinct sources is equally likely, in NEST and in ours."""
    pre = ids(1, n_src)
    n_tuples = int(np.prod(np.arange(n_src - k + 1, n_src + 1)))
    post = ids(n_src + 1, n_src + 50 * n_tuples)
    spec = {"rule": "fixed_indegree", "indegree": k, "allow_multapses": False}

    def tuple_counts(src: np.ndarray) -> np.ndarray:
        rows = src.reshape(-1, k)
        return np.array(list(Counter(map(tuple, rows)).values()))

    src, _ = connect_pairs(pre, post, spec, rng())
    ours = tuple_counts(src)
    assert len(ours) == n_tuples
    assert uniform_chi2(ours) > P_MIN

    s, t, w = in_creation_order(*nest_connect(pre, post, spec, marked_weights(len(post), k)))
    theirs = tuple_counts(s)
    assert len(theirs) == n_tuples
    assert uniform_chi2(theirs) > P_MIN


@pytest.mark.parametrize("k", [2, 4])  # sparse and dense paths
def test_fixed_indegree_without_autapses_or_multapses_is_uniform(k: int) -> None:
    """A target among the sources gets an ordered sample of the *other* sources, uniformly."""
    pool = ids(1, 5)
    spec = {"rule": "fixed_indegree", "indegree": k, "allow_autapses": False, "allow_multapses": False}
    gen = rng()
    counts: Counter = Counter()
    for _ in range(400):
        src, tgt = connect_pairs(pool, pool, spec, gen)
        for row, t in zip(src.reshape(-1, k), pool, strict=True):
            counts[(t, tuple(row))] += 1
    n_tuples = int(np.prod(np.arange(4 - k + 1, 5)))
    assert len(counts) == 5 * n_tuples
    assert all(t not in row for t, row in counts)
    assert uniform_chi2(np.array(list(counts.values()))) > P_MIN


def test_fixed_indegree_degree_distribution_matches_nest() -> None:
    """Outdegrees of the sources (a by-product of the uniform draws) agree with NEST's."""
    pre, post = ids(1, 400), ids(301, 2300)
    for multapses in (True, False):
        spec = {
            "rule": "fixed_indegree",
            "indegree": 40,
            "allow_autapses": False,
            "allow_multapses": multapses,
        }
        src, _ = connect_pairs(pre, post, spec, rng())
        s, _, _ = nest_connect(pre, post, spec)
        assert two_sample_chi2(degrees(pre, src), degrees(pre, s)) > P_MIN


def test_fixed_indegree_with_parameter_matches_nest() -> None:
    """A random indegree is drawn per target and rounded half away from zero, as in NEST."""
    pre, post = ids(1, 50), ids(51, 3050)
    ours_spec = {"rule": "fixed_indegree", "indegree": prandom.uniform(0.5, 3.5)}
    nest_spec = {"rule": "fixed_indegree", "indegree": nest.random.uniform(0.5, 3.5)}
    _, tgt = connect_pairs(pre, post, ours_spec, rng())
    _, t, _ = nest_connect(pre, post, nest_spec)
    ours, theirs = degrees(post, tgt), degrees(post, t)
    assert set(np.unique(ours)) <= {1, 2, 3, 4} and set(np.unique(theirs)) <= {1, 2, 3, 4}
    assert two_sample_chi2(ours, theirs) > P_MIN


def test_fixed_indegree_is_fast() -> None:
    """12,500 targets x 1,250 sources each out of 10,000: well under a second (~0.1 s)."""
    pre, post = ids(1, 10_000), ids(10_001, 22_500)
    spec = {"rule": "fixed_indegree", "indegree": 1250}
    best = np.inf
    for _ in range(2):
        t0 = time.perf_counter()
        src, tgt = connect_pairs(pre, post, spec, rng())
        best = min(best, time.perf_counter() - t0)
        assert len(src) == 12_500 * 1250
        del src, tgt
    assert best < 1.0, best
    spec["allow_multapses"] = False
    t0 = time.perf_counter()
    src, tgt = connect_pairs(pre, post, spec, rng())
    assert time.perf_counter() - t0 < 3.0  # ~0.4-0.8 s on an idle 2-core machine
    rows = np.sort(src.reshape(-1, 1250), axis=1)
    assert not np.any(rows[:, 1:] == rows[:, :-1])


# ---------------------------------------------------------------------------
# fixed_total_number
# ---------------------------------------------------------------------------


def test_fixed_total_number_matches_nest() -> None:
    pool = ids(1, 4)
    n = 6000
    spec = {"rule": "fixed_total_number", "N": n, "allow_autapses": False}
    src, tgt = connect_pairs(pool, pool, spec, rng())
    s, t, w = nest_connect(pool, pool, spec, {"weight": np.arange(n, dtype=float) + 1})
    assert len(src) == n and len(s) == n
    assert not np.any(src == tgt) and not np.any(s == t)
    np.testing.assert_array_equal(np.sort(w), np.arange(n) + 1)  # 1-D array of length N

    def pair_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.bincount((a - 1) * 4 + (b - 1), minlength=16)[
            [i * 4 + j for i in range(4) for j in range(4) if i != j]
        ]

    ours, theirs = pair_counts(src, tgt), pair_counts(s, t)
    assert uniform_chi2(ours) > P_MIN and uniform_chi2(theirs) > P_MIN
    assert stats.chi2_contingency(np.vstack((ours, theirs)))[1] > P_MIN


def test_fixed_total_number_with_multapses_and_zero() -> None:
    src, tgt = connect_pairs(ids(1, 3), ids(4, 5), {"rule": "fixed_total_number", "N": 0}, rng())
    assert len(src) == 0 and len(tgt) == 0
    src, tgt = connect_pairs(ids(1, 3), ids(4, 5), {"rule": "fixed_total_number", "N": 50}, rng())
    assert len(src) == 50 and np.isin(src, ids(1, 3)).all() and np.isin(tgt, ids(4, 5)).all()


# ---------------------------------------------------------------------------
# pairwise_bernoulli
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.03, 0.1, 0.6])  # geometric-gap and per-pair paths
def test_pairwise_bernoulli_matches_nest(p: float) -> None:
    pool = ids(1, 500)
    spec = {"rule": "pairwise_bernoulli", "p": p, "allow_autapses": False}
    src, tgt = connect_pairs(pool, pool, spec, rng())
    s, t, _ = nest_connect(pool, pool, spec)
    n_pairs = 500 * 499
    lo, hi = stats.binom.ppf([0.0005, 0.9995], n_pairs, p)
    for a, b in ((src, tgt), (s, t)):
        assert lo <= len(a) <= hi
        assert not np.any(a == b)
        assert len(set(zip(a, b, strict=True))) == len(a)  # never multapses
    # target-major order, sources ascending within a target
    order = np.lexsort((src, tgt))
    np.testing.assert_array_equal(order, np.arange(len(src)))
    assert two_sample_chi2(degrees(pool, tgt), degrees(pool, t)) > P_MIN
    assert two_sample_chi2(degrees(pool, src), degrees(pool, s)) > P_MIN


def test_pairwise_bernoulli_with_parameter_matches_nest() -> None:
    pre, post = ids(1, 300), ids(301, 700)
    src, tgt = connect_pairs(pre, post, {"rule": "pairwise_bernoulli", "p": prandom.uniform(0.0, 0.2)}, rng())
    s, t, _ = nest_connect(pre, post, {"rule": "pairwise_bernoulli", "p": nest.random.uniform(0.0, 0.2)})
    lo, hi = stats.binom.ppf([0.0005, 0.9995], 300 * 400, 0.1)
    assert lo <= len(src) <= hi and lo <= len(s) <= hi
    assert two_sample_chi2(degrees(post, tgt), degrees(post, t)) > P_MIN


def test_pairwise_bernoulli_edge_probabilities() -> None:
    pre, post = ids(1, 4), ids(3, 6)
    for p in (0.0, 1.0, float("nan")):  # NEST connects every pair for p = NaN
        spec = {"rule": "pairwise_bernoulli", "p": p, "allow_autapses": False}
        s, t, _ = nest_connect(pre, post, spec)
        src, tgt = connect_pairs(pre, post, spec, rng())
        assert sorted(zip(s, t, strict=True)) == sorted(zip(src, tgt, strict=True))


# ---------------------------------------------------------------------------
# pairwise_poisson
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lam, n", [(0.3, 200), (2.5, 120), (40.0, 40)])  # table and NumPy paths
def test_pairwise_poisson_matches_nest(lam: float, n: int) -> None:
    pre, post = ids(1, n), ids(n // 2 + 1, n // 2 + n)  # half overlapping
    spec = {"rule": "pairwise_poisson", "pairwise_avg_num_conns": lam, "allow_autapses": False}
    src, tgt = connect_pairs(pre, post, spec, rng())
    s, t, _ = nest_connect(pre, post, spec)
    n_pairs = n * n - n // 2  # autapse pairs excluded
    lo, hi = stats.poisson.ppf([0.0005, 0.9995], lam * n_pairs)

    def per_pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        grid = np.bincount((b - post[0]) * n + (a - 1), minlength=n * n).reshape(n, n)
        mask = post[:, None] != pre[None, :]
        return grid[mask]

    for a, b in ((src, tgt), (s, t)):
        assert lo <= len(a) <= hi  # mean number of synapses per pair is lam
        assert not np.any(a == b)
    ours, theirs = per_pair(src, tgt), per_pair(s, t)
    assert abs(ours.mean() - lam) < 4 * np.sqrt(lam / n_pairs)
    # per-pair counts follow Poisson(lam): goodness of fit over the central values
    kmax = int(lam + 3 * np.sqrt(lam) + 1)
    observed = np.bincount(np.minimum(ours, kmax), minlength=kmax + 1)
    expected = stats.poisson.pmf(np.arange(kmax + 1), lam)
    expected[-1] = stats.poisson.sf(kmax - 1, lam)
    cells = expected * n_pairs > 5
    exp_c = expected[cells] / expected[cells].sum() * observed[cells].sum()
    assert stats.chisquare(observed[cells], exp_c).pvalue > P_MIN
    assert two_sample_chi2(ours, theirs) > P_MIN
    # target-major order, the repeats of one pair adjacent
    assert np.all(np.diff(tgt) >= 0)
    key = (tgt - post[0]) * n + (src - 1)
    assert np.all(np.diff(key) >= 0)


def test_pairwise_poisson_infinite_mean() -> None:
    """NEST connects until it hits its per-process limit (~30 s), then raises this."""
    with pytest.raises(NESTErrors.KernelException) as err:
        connect_pairs(
            ids(1, 3), ids(4, 6), {"rule": "pairwise_poisson", "pairwise_avg_num_conns": np.inf}, rng()
        )
    assert str(err.value) == (
        "Too many connections: at most 134217726 connections supported per virtual process and synapse model."
    )


def test_pairwise_poisson_edge_values() -> None:
    pre, post = ids(1, 3), ids(4, 6)
    for lam in (0.0, float("nan")):  # NEST creates nothing for NaN
        assert (
            len(nest_connect(pre, post, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": lam})[0]) == 0
        )
        assert (
            len(
                connect_pairs(pre, post, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": lam}, rng())[
                    0
                ]
            )
            == 0
        )
    src, _ = connect_pairs(
        pre, post, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": prandom.uniform(-2, -1)}, rng()
    )
    assert len(src) == 0  # negative means give no synapses, as in NEST


# ---------------------------------------------------------------------------
# symmetric_pairwise_bernoulli
# ---------------------------------------------------------------------------

SYM = {"rule": "symmetric_pairwise_bernoulli", "allow_autapses": False, "make_symmetric": True}


@pytest.mark.parametrize("pre, post", [(ids(1, 300), ids(1, 300)), (ids(1, 60), ids(61, 160))])
def test_symmetric_pairwise_bernoulli_matches_nest(pre: np.ndarray, post: np.ndarray) -> None:
    spec = {**SYM, "p": 0.1}
    src, tgt = connect_pairs(pre, post, spec, rng())
    s, t, _ = nest_connect(pre, post, spec)
    for a, b in ((src, tgt), (s, t)):
        assert not np.any(a == b)
        assert Counter(zip(a, b, strict=True)) == Counter(zip(b, a, strict=True))  # symmetric multiset
    # created in pairs: source -> target, then target -> source
    np.testing.assert_array_equal(src[0::2], tgt[1::2])
    np.testing.assert_array_equal(tgt[0::2], src[1::2])
    # each target's own draw is a Binomial(n_sources, p) indegree; compare its distribution
    fwd_t = tgt[0::2]
    assert np.all(np.diff(fwd_t) >= 0)
    ours_k = degrees(post, fwd_t)
    theirs_k = degrees(np.union1d(pre, post), t)  # all synapses into each node
    ours_all = degrees(np.union1d(pre, post), tgt)
    assert two_sample_chi2(ours_all, theirs_k) > P_MIN
    assert binomial_gof(ours_k, len(pre), 0.1) > P_MIN


def test_symmetric_pairwise_bernoulli_dense_matches_nest() -> None:
    """Large p takes the dense sampling path; the drawn indegrees stay Binomial(n, p) < n."""
    pool = ids(1, 40)
    spec = {**SYM, "p": 0.7}
    src, tgt = connect_pairs(pool, pool, spec, rng())
    s, t, _ = nest_connect(pool, pool, spec)
    assert Counter(zip(src, tgt, strict=True)) == Counter(zip(tgt, src, strict=True))
    assert not np.any(src == tgt)
    own = degrees(pool, tgt[0::2])
    assert own.max() < 40
    fwd = src[0::2].reshape(-1)
    assert all(len(set(fwd[tgt[0::2] == n])) == k for n, k in zip(pool, own, strict=True))  # distinct
    assert binomial_gof(own, 40, 0.7) > P_MIN
    assert two_sample_chi2(degrees(pool, tgt), degrees(pool, t)) > P_MIN


def test_parameter_degree_without_multapses() -> None:
    pre, post = ids(1, 8), ids(5, 404)
    spec = {"rule": "fixed_outdegree", "outdegree": prandom.uniform(5.5, 7.49), "allow_autapses": False}
    src, tgt = connect_pairs(post, pre, spec, rng())
    assert set(np.unique(degrees(post, src))) <= {6, 7}
    spec = {
        "rule": "fixed_indegree",
        "indegree": prandom.uniform(5.5, 7.49),
        "allow_autapses": False,
        "allow_multapses": False,
    }
    src, tgt = connect_pairs(pre, post, spec, rng())
    k = degrees(post, tgt)
    assert set(np.unique(k)) == {6, 7}
    assert not np.any(src == tgt)
    assert len(set(zip(src, tgt, strict=True))) == len(src)
    assert np.all(np.diff(tgt) >= 0)


def test_symmetric_pairwise_bernoulli_degenerate() -> None:
    src, tgt = connect_pairs(ids(1, 1), ids(1, 1), {**SYM, "p": 0.5}, rng())
    assert len(src) == 0
    src, tgt = connect_pairs(ids(1, 10), ids(1, 10), {**SYM, "p": 0.0}, rng())
    assert len(src) == 0


# ---------------------------------------------------------------------------
# errors: same class (and, for NEST's own errors, message) as NEST
# ---------------------------------------------------------------------------

P = object()  # placeholder for a random Parameter, built per side
A3, B3, B4 = ids(1, 3), ids(4, 6), ids(4, 7)
EMPTY = np.empty(0, np.int64)

ERROR_CASES = {
    "unknown_rule": (A3, B3, "foo"),
    "unknown_rule_dict": (A3, B3, {"rule": "foo", "bar": 1}),
    "rule_not_str": (A3, B3, {"rule": 5}),
    "rule_list": (A3, B3, {"rule": ["a"]}),
    "no_rule": (A3, B3, {"allow_autapses": False}),
    "conn_spec_int": (A3, B3, 5),
    "unaccessed": (A3, B3, {"rule": "all_to_all", "foo": 1}),
    "unaccessed_sorted": (A3, B3, {"rule": "all_to_all", "zz": 1, "bar": 1, "aa": 2}),
    "unaccessed_other_rule_key": (A3, B3, {"rule": "fixed_total_number", "N": 3, "indegree": 1}),
    "one_to_one_sizes": (A3, B4, "one_to_one"),
    "one_to_one_sizes_before_unaccessed": (A3, B4, {"rule": "one_to_one", "bar": 1}),
    "indegree_too_large": (A3, B3, {"rule": "fixed_indegree", "indegree": 5, "allow_multapses": False}),
    "indegree_negative": (A3, B3, {"rule": "fixed_indegree", "indegree": -1}),
    "indegree_negative_no_multapses": (
        A3,
        B3,
        {"rule": "fixed_indegree", "indegree": -3, "allow_multapses": False, "allow_autapses": False},
    ),
    "indegree_missing": (A3, B3, "fixed_indegree"),
    "indegree_missing_before_unaccessed": (A3, B3, {"rule": "fixed_indegree", "bar": 1}),
    "indegree_float": (A3, B3, {"rule": "fixed_indegree", "indegree": 2.0}),
    "indegree_bool": (A3, B3, {"rule": "fixed_indegree", "indegree": True}),
    "indegree_str": (A3, B3, {"rule": "fixed_indegree", "indegree": "2"}),
    "indegree_list": (A3, B3, {"rule": "fixed_indegree", "indegree": [2]}),
    "indegree_array": (A3, B3, {"rule": "fixed_indegree", "indegree": np.array([2.0])}),
    "indegree_dict": (A3, B3, {"rule": "fixed_indegree", "indegree": {}}),
    "indegree_none": (A3, B3, {"rule": "fixed_indegree", "indegree": None}),
    "indegree_huge": (A3, B3, {"rule": "fixed_indegree", "indegree": 2**70}),
    "indegree_symmetric": (A3, B3, {"rule": "fixed_indegree", "indegree": 2, "make_symmetric": True}),
    "unaccessed_before_symmetric": (
        A3,
        B3,
        {"rule": "fixed_indegree", "indegree": 2, "make_symmetric": True, "bar": 1},
    ),
    "negative_before_symmetric": (A3, B3, {"rule": "fixed_indegree", "indegree": -1, "make_symmetric": True}),
    "outdegree_too_large": (A3, B3, {"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False}),
    "outdegree_negative": (A3, B3, {"rule": "fixed_outdegree", "outdegree": -1}),
    "outdegree_missing": (A3, B3, {"rule": "fixed_outdegree"}),
    "outdegree_float": (A3, B3, {"rule": "fixed_outdegree", "outdegree": 1.0}),
    "N_missing": (A3, B3, {"rule": "fixed_total_number"}),
    "N_negative": (A3, B3, {"rule": "fixed_total_number", "N": -1}),
    "N_too_large": (A3, B3, {"rule": "fixed_total_number", "N": 10, "allow_multapses": False}),
    "N_no_multapses": (A3, B3, {"rule": "fixed_total_number", "N": 5, "allow_multapses": False}),
    "N_negative_no_multapses": (A3, B3, {"rule": "fixed_total_number", "N": -1, "allow_multapses": False}),
    "N_str": (A3, B3, {"rule": "fixed_total_number", "N": "3"}),
    "N_parameter": (A3, B3, {"rule": "fixed_total_number", "N": P}),
    "p_too_large": (A3, B3, {"rule": "pairwise_bernoulli", "p": 1.5}),
    "p_negative": (A3, B3, {"rule": "pairwise_bernoulli", "p": -0.1}),
    "p_int_too_large": (A3, B3, {"rule": "pairwise_bernoulli", "p": 2}),
    "p_missing": (A3, B3, {"rule": "pairwise_bernoulli"}),
    "p_str": (A3, B3, {"rule": "pairwise_bernoulli", "p": "0.5"}),
    "p_list": (A3, B3, {"rule": "pairwise_bernoulli", "p": [0.5]}),
    "p_empty_list": (A3, B3, {"rule": "pairwise_bernoulli", "p": []}),
    "p_0d_array": (A3, B3, {"rule": "pairwise_bernoulli", "p": np.array(0.5)}),
    "p_2d_array": (A3, B3, {"rule": "pairwise_bernoulli", "p": np.array([[0.5]])}),
    "p_complex": (A3, B3, {"rule": "pairwise_bernoulli", "p": 1 + 2j}),
    "bernoulli_symmetric": (A3, B3, {"rule": "pairwise_bernoulli", "p": 0.5, "make_symmetric": True}),
    "all_to_all_symmetric": (A3, A3, {"rule": "all_to_all", "make_symmetric": True}),
    "poisson_missing": (A3, B3, {"rule": "pairwise_poisson"}),
    "poisson_negative": (A3, B3, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1}),
    "poisson_no_multapses": (
        A3,
        B3,
        {"rule": "pairwise_poisson", "pairwise_avg_num_conns": 1, "allow_multapses": False},
    ),
    "poisson_negative_no_multapses": (
        A3,
        B3,
        {"rule": "pairwise_poisson", "pairwise_avg_num_conns": -1, "allow_multapses": False},
    ),
    "poisson_str": (A3, B3, {"rule": "pairwise_poisson", "pairwise_avg_num_conns": "1"}),
    "sym_missing_p": (A3, B3, {"rule": "symmetric_pairwise_bernoulli"}),
    "sym_autapses": (A3, B3, {"rule": "symmetric_pairwise_bernoulli", "p": 0.5}),
    "sym_not_symmetric": (
        A3,
        B3,
        {"rule": "symmetric_pairwise_bernoulli", "p": 0.5, "allow_autapses": False},
    ),
    "sym_p_one": (A3, B3, {**SYM, "p": 1.0}),
    "sym_p_first": (A3, B3, {"rule": "symmetric_pairwise_bernoulli", "p": 1.5, "allow_multapses": False}),
    "sym_multapses": (A3, B3, {**SYM, "p": 0.5, "allow_multapses": False}),
    "sym_multapses_before_autapses": (
        A3,
        B3,
        {"rule": "symmetric_pairwise_bernoulli", "p": 0.5, "allow_multapses": False},
    ),
    "sym_unaccessed": (A3, B3, {**SYM, "p": 0.5, "bar": 1}),
    "sym_parameter": (A3, B3, {**SYM, "p": P}),
    "autapses_int": (A3, B3, {"rule": "one_to_one", "allow_autapses": 1}),
    "autapses_float": (A3, B3, {"rule": "fixed_indegree", "indegree": 2.0, "allow_autapses": 1.0}),
    "autapses_str": (A3, B3, {"rule": "one_to_one", "allow_autapses": "yes"}),
    "autapses_none": (A3, B3, {"rule": "one_to_one", "allow_autapses": None}),
    "autapses_numpy_bool": (A3, B3, {"rule": "one_to_one", "allow_autapses": np.bool_(False)}),
    "autapses_parameter": (A3, B3, {"rule": "all_to_all", "allow_autapses": P}),
    "bool_checks_in_order": (
        A3,
        B3,
        {"rule": "all_to_all", "make_symmetric": 1, "allow_multapses": 1, "allow_autapses": 1},
    ),
    "multapses_before_symmetric": (A3, B3, {"rule": "all_to_all", "make_symmetric": 1, "allow_multapses": 1}),
    "symmetric_str": (A3, B3, {"rule": "fixed_indegree", "indegree": 2, "make_symmetric": "x"}),
    "type_check_before_sizes": (A3, B4, {"rule": "one_to_one", "allow_autapses": 1}),
    "empty_pre": (EMPTY, B3, {"rule": "fixed_indegree", "indegree": 2}),
    "empty_post": (A3, EMPTY, {"rule": "fixed_outdegree", "outdegree": 2}),
    "empty_before_rule": (EMPTY, B3, {"rule": "foo"}),
    "empty_after_conversion": (EMPTY, B3, {"rule": "one_to_one", "bar": None}),
    "spatial_mask": (A3, B3, {"rule": "all_to_all", "mask": {}}),
    "spatial_p_in_indegree": (A3, B3, {"rule": "fixed_indegree", "indegree": 2, "p": 0.5}),
    "spatial_use_on_source": (A3, B3, {"rule": "pairwise_bernoulli", "p": 0.5, "use_on_source": True}),
    "spatial_avg_num_conns": (A3, B3, {"rule": "pairwise_bernoulli", "p": 0.5, "pairwise_avg_num_conns": 1}),
    "oversized_mask_key": (A3, B3, {"rule": "pairwise_bernoulli", "p": 0.5, "allow_oversized_mask": False}),
    "tripartite_rule": (A3, B3, {"rule": "tripartite_bernoulli_with_pool"}),
}


def _with_parameter(spec, make):
    if isinstance(spec, dict):
        return {k: (make() if v is P else v) for k, v in spec.items()}
    return spec


def _nest_ids(a: np.ndarray):
    return nest.NodeCollection([int(i) for i in a]) if len(a) else nest.NodeCollection([])


@pytest.mark.parametrize("case", ERROR_CASES)
def test_errors_match_nest(case: str) -> None:
    pre, post, spec = ERROR_CASES[case]
    nest.ResetKernel()
    nest.Create("iaf_psc_alpha", 10)
    with pytest.raises(BaseException) as ref:
        nest.Connect(_nest_ids(pre), _nest_ids(post), _with_parameter(spec, nest.random.uniform))
    with pytest.raises(BaseException) as ours:
        connect_pairs(pre, post, _with_parameter(spec, prandom.uniform), rng())
    assert type(ours.value).__name__ == type(ref.value).__name__, (ref.value, ours.value)
    assert str(ours.value) == str(ref.value)
    if type(ref.value).__module__ == "NESTErrors" or isinstance(ref.value, IndexError | KeyError):
        assert isinstance(ours.value, NESTError)
    else:
        assert type(ours.value) is type(ref.value)


# Where NEST would never return (it keeps redrawing), we raise BadProperty instead.
HANGING_IN_NEST = {
    "indegree_only_self": (
        ids(1, 1),
        ids(1, 1),
        {"rule": "fixed_indegree", "indegree": 1, "allow_autapses": False},
    ),
    "indegree_all_others_too_few": (
        ids(1, 3),
        ids(3, 5),
        {"rule": "fixed_indegree", "indegree": 3, "allow_autapses": False, "allow_multapses": False},
    ),
    "outdegree_all_others_too_few": (
        ids(1, 3),
        ids(1, 3),
        {"rule": "fixed_outdegree", "outdegree": 3, "allow_autapses": False, "allow_multapses": False},
    ),
    "total_number_only_self": (
        ids(2, 2),
        ids(2, 2),
        {"rule": "fixed_total_number", "N": 1, "allow_autapses": False},
    ),
    "sym_p_nan": (ids(1, 3), ids(1, 3), {**SYM, "p": float("nan")}),
    "parameter_indegree_too_large": (
        ids(1, 3),
        ids(4, 6),
        {"rule": "fixed_indegree", "indegree": P, "allow_multapses": False},
    ),
}


@pytest.mark.parametrize("case", HANGING_IN_NEST)
def test_impossible_requests_raise(case: str) -> None:
    pre, post, spec = HANGING_IN_NEST[case]
    with pytest.raises(NESTErrors.BadProperty):
        connect_pairs(pre, post, _with_parameter(spec, lambda: prandom.uniform(4.0, 5.0)), rng())


def test_feasible_edge_cases_do_not_raise() -> None:
    """Just feasible requests near those limits work (NEST also completes them)."""
    spec = {"rule": "fixed_indegree", "indegree": 3, "allow_autapses": False, "allow_multapses": False}
    src, tgt = connect_pairs(ids(1, 3), ids(4, 6), spec, rng())  # targets not among sources
    assert sorted(zip(src, tgt, strict=True)) == [(s, t) for s in range(1, 4) for t in range(4, 7)]
    spec = {"rule": "fixed_indegree", "indegree": 2, "allow_autapses": False, "allow_multapses": False}
    src, tgt = connect_pairs(ids(1, 3), ids(1, 3), spec, rng())
    assert sorted(zip(src, tgt, strict=True)) == [(s, t) for s in range(1, 4) for t in range(1, 4) if s != t]
    src, _ = connect_pairs(
        ids(1, 1), ids(1, 1), {"rule": "fixed_indegree", "indegree": 0, "allow_autapses": False}, rng()
    )
    assert len(src) == 0
