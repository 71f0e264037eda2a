"""Connection rules of ``nest.Connect``, drawn with vectorised NumPy.

:func:`connect_pairs` turns a ``conn_spec`` into the list of synapses NEST would
create between two node collections.  It reproduces NEST 3.10's validation
(error classes, messages and the order in which the checks happen), the order in
which NEST creates the synapses (which is what element-wise ``syn_spec`` arrays
refer to) and, for the random rules, the same distribution of connectivity as
NEST's single-virtual-process algorithms (not the same random numbers).

Semantics, as NEST implements them:

* ``one_to_one``: i-th source to i-th target; sizes must match.
* ``all_to_all``: every source to every target, target-major (for each target
  all sources in order).  Array parameters have shape ``(n_targets, n_sources)``.
* ``fixed_indegree``: for each target, ``indegree`` sources drawn uniformly (with
  replacement unless multapses are forbidden); autapses are redrawn, not
  skipped, so every target gets exactly ``indegree`` synapses.  Grouped by target.
* ``fixed_outdegree``: the same with the roles of sources and targets swapped,
  grouped by source.
* ``fixed_total_number``: ``N`` (source, target) pairs drawn uniformly with
  replacement; autapses are redrawn.  NEST cannot forbid multapses here.
* ``pairwise_bernoulli``: each (source, target) pair independently with
  probability ``p``; target-major order.
* ``pairwise_poisson``: each pair gets a Poisson(``pairwise_avg_num_conns``)
  number of synapses; target-major order, repeats adjacent.
* ``symmetric_pairwise_bernoulli``: for each target, a Binomial(n_sources, p)
  in-degree (redrawn while it equals n_sources), that many distinct sources
  other than the target, and for each the pair of synapses source->target and
  target->source.  Requires ``allow_autapses=False``, ``allow_multapses=True``
  and ``make_symmetric=True``; since both ends draw, multapses can occur.
* ``make_symmetric=True`` is supported by ``one_to_one`` (all forward synapses,
  then all reverse ones) and is required by ``symmetric_pairwise_bernoulli``;
  NEST 3.10 refuses it for every other rule, ``all_to_all`` included.

Non-spatial :class:`~pynest_jax.parameters.Parameter` values are accepted where
NEST accepts them: ``indegree``/``outdegree`` (drawn per node and rounded),
``p`` of ``pairwise_bernoulli`` and ``pairwise_avg_num_conns`` (drawn per pair).
As in NEST, such values skip the up-front range checks.

Where NEST would loop forever (e.g. ``fixed_indegree`` asking for more distinct
non-self sources than exist), we raise ``BadProperty`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from pynest_jax.errors import NESTErrors
from pynest_jax.parameters import Parameter

__all__ = ["RULES", "check_conn_spec", "connect_pairs", "connect_pairs_indexed", "parse_rule"]

#: Connection rules ``nest.Connect`` accepts, with the rule-specific keys each reads.
RULES: dict[str, tuple[str, ...]] = {
    "one_to_one": (),
    "all_to_all": (),
    "fixed_indegree": ("indegree",),
    "fixed_outdegree": ("outdegree",),
    "fixed_total_number": ("N",),
    "pairwise_bernoulli": ("p",),
    "symmetric_pairwise_bernoulli": ("p",),
    "pairwise_poisson": ("pairwise_avg_num_conns",),
}
_COMMON_KEYS = ("rule", "allow_autapses", "allow_multapses", "make_symmetric")
_SYMMETRIC_RULES = ("one_to_one", "symmetric_pairwise_bernoulli")

# Sizes of the work arrays processed at once (elements).
_CHUNK = 1 << 22
# Above this p, Bernoulli trials are drawn pair by pair instead of via geometric gaps.
_DENSE_P = 0.25
# Above this mean, draw pairwise_poisson counts pair by pair with NumPy's sampler.
_POISSON_TABLE = 30.0
_MAX_CONNS_MSG = (
    "Too many connections: at most 134217726 connections supported per virtual process and synapse model."
)


# ---------------------------------------------------------------------------
# conn_spec parsing and validation
# ---------------------------------------------------------------------------


def _vector_name(elem: str) -> str:
    return f"std::vector<{elem}, std::allocator<{elem}> >"


def cpp_type_name(value: object) -> str:
    """Name of the C++ type NEST's dictionary converter stores ``value`` as."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Parameter):
        return "std::shared_ptr<nest::Parameter>"
    if isinstance(value, int | np.integer):
        return "long"
    if isinstance(value, float | np.floating):
        return "double"
    if isinstance(value, str):
        return "std::string"
    if isinstance(value, dict):
        return "Dictionary"
    if isinstance(value, np.ndarray):
        return _vector_name("long" if value.dtype.kind in "iu" else "double")
    if isinstance(value, list | tuple):
        if len(value) == 0:
            return "EmptyList"
        first = value[0]
        if isinstance(first, bool | int | np.integer):
            return _vector_name("long")
        if isinstance(first, float | np.floating):
            return _vector_name("double")
        if isinstance(first, str):
            return _vector_name("std::string")
        return _vector_name("boost::any")
    return type(value).__name__


def _check_convertible(key: str, value: object) -> None:
    """Reject values PyNEST cannot pass to the kernel, with PyNEST's builtin exceptions."""
    from .nodecollection import NodeCollection

    known = (bool, float, str, dict, np.integer, np.floating, list, tuple, Parameter, NodeCollection)
    if isinstance(value, known):
        return
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise OverflowError(
                f"Integer {value} out of range for C++ long [-9223372036854775808, 9223372036854775807]"
            )
        return
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        if value.ndim > 1:
            raise TypeError("only 0-dimensional arrays can be converted to Python scalars")
        if value.dtype.kind in "iuf":
            return
    raise AttributeError(
        f"when converting Python Dictionary: value of key ({key}) is not a known type, got {type(value)}"
    )


def _type_mismatch(key: str, value: object, cpp_type: str, suffix: str = "") -> Exception:
    return NESTErrors.TypeMismatch(
        f"Expected datatype: Failed to cast '{key}' from {cpp_type_name(value)} to type {cpp_type}{suffix}"
    )


def _required(spec: dict, key: str) -> object:
    """NEST looks required parameters up with ``std::map::at``; a missing key surfaces as IndexError."""
    if key not in spec:
        raise NESTErrors.IndexError("map::at")
    return spec[key]


def _as_long(spec: dict, key: str, allow_parameter: bool = False) -> int | Parameter:
    value = _required(spec, key)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    if allow_parameter and isinstance(value, Parameter):
        return value
    raise _type_mismatch(key, value, "long")


def _as_double(spec: dict, key: str, allow_parameter: bool = False) -> float | Parameter:
    value = _required(spec, key)
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return float(value)
    if allow_parameter and isinstance(value, Parameter):
        return value
    raise _type_mismatch(key, value, "double", ".")


def _as_bool(spec: dict, key: str, default: bool) -> bool:
    if key not in spec:
        return default
    value = spec[key]
    if isinstance(value, bool):
        return value
    raise _type_mismatch(key, value, "bool")


def _normalise_conn_spec(conn_spec: dict | str | None) -> dict:
    """What PyNEST's Python layer does with ``conn_spec`` before calling the kernel."""
    if conn_spec is None:
        return {"rule": "all_to_all"}
    if isinstance(conn_spec, str):
        return {"rule": conn_spec}
    if not isinstance(conn_spec, dict):
        raise TypeError("conn_spec must be a string or dict")
    spec = dict(conn_spec)
    if any(isinstance(v, Parameter) and v.is_spatial() for v in spec.values()):
        raise TypeError("Presynaptic NodeCollection must have spatial information")
    if "rule" not in spec:
        raise NESTErrors.KeyError("rule")
    rule = str(spec["rule"])
    is_bernoulli = "pairwise_bernoulli" in rule
    is_poisson = "pairwise_poisson" in rule
    if (
        "mask" in spec
        or "use_on_source" in spec
        or ("p" in spec and not is_bernoulli)
        or ("pairwise_avg_num_conns" in spec and not is_poisson)
    ):
        # PyNEST routes these to the spatial ConnectLayers path, which needs layers.
        raise TypeError("Presynaptic NodeCollection must have spatial information")
    for key, value in spec.items():
        _check_convertible(key, value)
    return spec


def parse_rule(spec: dict, n_sources: int, n_targets: int, connecting: bool = True) -> dict:
    """The first checks of NEST's ConnBuilder, made before it reads the synapse
    specification: empty node collections (only when ``connecting``), the rule's name
    and the common flags. Returns the rule and the flags."""
    if connecting and n_sources == 0:
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "Presynaptic nodes cannot be an empty NodeCollection"
        )
    if connecting and n_targets == 0:
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "Postsynaptic nodes cannot be an empty NodeCollection"
        )
    rule = spec["rule"]
    if not isinstance(rule, str):
        raise _type_mismatch("rule", rule, "std::string")
    if rule not in RULES:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {rule}")
    return {
        "rule": rule,
        "allow_autapses": _as_bool(spec, "allow_autapses", True),
        "allow_multapses": _as_bool(spec, "allow_multapses", True),
        "make_symmetric": _as_bool(spec, "make_symmetric", False),
    }


def _parse(spec: dict, n_sources: int, n_targets: int, connecting: bool = True) -> dict:
    """Validate ``spec`` the way NEST's ConnBuilder does; return the rule parameters.
    With ``connecting=False``, as for ``Disconnect``: empty collections pass, and
    ``make_symmetric`` is not refused (NEST ignores it there)."""
    par = parse_rule(spec, n_sources, n_targets, connecting)
    rule = par["rule"]
    autapses, multapses, symmetric = par["allow_autapses"], par["allow_multapses"], par["make_symmetric"]

    if rule == "one_to_one":
        if n_sources != n_targets:
            raise NESTErrors.DimensionMismatch("Source and Target population must be of the same size.")
    elif rule in ("fixed_indegree", "fixed_outdegree"):
        key = "indegree" if rule == "fixed_indegree" else "outdegree"
        word = "Indegree" if key == "indegree" else "Outdegree"
        pool = n_sources if key == "indegree" else n_targets
        value = _as_long(spec, key, allow_parameter=True)
        # NEST checks only scalar degrees up front; a Parameter is drawn per node at connect time.
        if isinstance(value, Parameter):
            pass
        elif not multapses:
            if value > pool:
                raise NESTErrors.BadProperty(f"{word} cannot be larger than population size.")
        if not isinstance(value, Parameter) and value < 0:
            raise NESTErrors.BadProperty(f"{word} cannot be less than zero.")
        par["degree"] = value
    elif rule == "fixed_total_number":
        n = _as_long(spec, "N")
        if not multapses and n > n_sources * n_targets:
            raise NESTErrors.BadProperty(
                "Total number of connections cannot exceed product of source and target population sizes."
            )
        if n < 0:
            raise NESTErrors.BadProperty("Total number of connections cannot be negative.")
        if not multapses:
            raise NESTErrors.NotImplemented(
                "Connect doesn't support the suppression of multapses in the FixedTotalNumber connector."
            )
        par["N"] = n
    elif rule == "pairwise_bernoulli":
        p = _as_double(spec, "p", allow_parameter=True)
        if not isinstance(p, Parameter) and (p < 0 or p > 1):
            raise NESTErrors.BadProperty("Connection probability 0 <= p <= 1 required.")
        par["p"] = p
    elif rule == "symmetric_pairwise_bernoulli":
        p = _as_double(spec, "p")
        # NEST lets NaN through and then never terminates; we refuse it.
        if not 0 <= p < 1:
            raise NESTErrors.BadProperty("Connection probability 0 <= p < 1 required.")
        if not multapses:
            raise NESTErrors.BadProperty("Multapses must be enabled.")
        if autapses:
            raise NESTErrors.BadProperty("Autapses must be disabled.")
        if not symmetric:
            raise NESTErrors.BadProperty("Symmetric connections must be enabled.")
        par["p"] = p
    elif rule == "pairwise_poisson":
        lam = _as_double(spec, "pairwise_avg_num_conns", allow_parameter=True)
        # As in NEST, a Parameter skips both checks (and then creates multapses regardless).
        if not isinstance(lam, Parameter):
            if lam < 0:
                raise NESTErrors.BadProperty("Connection parameter 0 ≤ pairwise_avg_num_conns required.")
            if not multapses:
                raise NESTErrors.BadProperty("Multapses must be allowed for this connection rule.")
        par["lam"] = lam

    unaccessed = sorted(set(spec) - set(_COMMON_KEYS) - set(RULES[rule]))
    if unaccessed:
        raise NESTErrors.UnaccessedDictionaryEntry(
            f"Unaccessed elements in conn_spec, in function {'Connect' if connecting else 'Disconnect'}: "
            + "".join(" " + k for k in unaccessed)
        )
    if connecting and symmetric and rule not in _SYMMETRIC_RULES:
        raise NESTErrors.NotImplemented("This connection rule does not support symmetric connections.")
    return par


# ---------------------------------------------------------------------------
# sampling helpers
# ---------------------------------------------------------------------------


def _self_index(pool: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Position of each of ``nodes`` in the sorted ``pool``, or -1 where absent."""
    pos = np.searchsorted(pool, nodes)
    pos_c = np.minimum(pos, len(pool) - 1)
    return np.where(pool[pos_c] == nodes, pos_c, -1).astype(np.int64)


def _to_ids(pool: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Map pool indices to node ids; reuses ``idx`` when the pool is a contiguous id range."""
    if len(pool) and pool[-1] - pool[0] == len(pool) - 1:
        if idx.dtype != np.int64:
            return idx.astype(np.int64) + pool[0]
        idx += pool[0]
        return idx
    return pool[idx]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each (s, l)."""
    total = int(lengths.sum())
    offs = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total, dtype=np.int64) - offs)


def _draw_block(
    rng: np.random.Generator, n_pool: int, excl_rows: np.ndarray, m: int, dtype: type = np.int64
) -> np.ndarray:
    """``(len(excl_rows), m)`` iid uniform pool indices; row i never ``excl_rows[i]`` (if >= 0)."""
    has = excl_rows >= 0
    n_rows = len(excl_rows)
    if not has.any():
        return rng.integers(0, n_pool, size=(n_rows, m), dtype=dtype)
    if has.all():
        out = rng.integers(0, n_pool - 1, size=(n_rows, m), dtype=dtype)
        out += out >= excl_rows[:, None].astype(dtype)
        return out
    out = np.empty((n_rows, m), dtype=dtype)
    rows_h = np.flatnonzero(has)
    rows_n = np.flatnonzero(~has)
    out[rows_n] = rng.integers(0, n_pool, size=(len(rows_n), m), dtype=dtype)
    sub = rng.integers(0, n_pool - 1, size=(len(rows_h), m), dtype=dtype)
    sub += sub >= excl_rows[rows_h][:, None].astype(dtype)
    out[rows_h] = sub
    return out


def _draws_needed(avail: int, k: int) -> int:
    """Draws with replacement from ``avail`` values that give ``k`` distinct ones with
    overwhelming probability (mean + 6 standard deviations of the coupon-collector time)."""
    frac = np.arange(k, dtype=np.float64) / avail
    mean = float(np.sum(1.0 / (1.0 - frac)))
    var = float(np.sum(frac / (1.0 - frac) ** 2))
    return int(math.ceil(mean + 6.0 * math.sqrt(var) + 8))


def _first_distinct(
    rng: np.random.Generator, n_pool: int, excl_rows: np.ndarray, counts: np.ndarray, out: np.ndarray
) -> None:
    """Sample without replacement exactly as NEST does: draw uniformly with replacement
    and keep each value the first time it appears, until ``counts[i]`` values are kept
    for row i.  Rows are written one after the other into ``out``, in draw order.

    Draws are made in blocks of ``m`` per row; finding first occurrences is a row-wise
    sort of ``value * m + position``.  A row that has too few distinct values in its
    block (probability ~1e-9) is redrawn with a larger block; the ordered sample is
    independent of how many draws it took, so this does not bias it.
    """
    n_rows = len(excl_rows)
    starts = np.concatenate(([0], np.cumsum(counts)))
    avail = n_pool - int((excl_rows >= 0).any())
    m0 = _draws_needed(avail, int(counts.max()))
    block = max(1, _CHUNK // m0)
    for r0 in range(0, n_rows, block):
        rows = np.arange(r0, min(n_rows, r0 + block))
        m = m0
        while rows.size:
            cnt = counts[rows]
            small = n_pool * m < 2**31
            kdt = np.int32 if small else np.int64
            vals = _draw_block(rng, n_pool, excl_rows[rows], m, kdt)
            key = vals * kdt(m)
            key += np.arange(m, dtype=kdt)
            key.sort(axis=1)
            sv, pos = np.divmod(key, kdt(m))
            del key
            new = np.empty(sv.shape, dtype=bool)
            new[:, 0] = True
            np.not_equal(sv[:, 1:], sv[:, :-1], out=new[:, 1:])
            del sv
            first = np.empty(new.shape, dtype=bool)
            np.put_along_axis(first, pos, new, axis=1)
            del pos, new
            # keep the first cnt[i] first occurrences of each row (rows with fewer: redo)
            where = np.flatnonzero(first)
            per_row = first.sum(axis=1)
            ok = per_row >= cnt
            rank = np.arange(len(where)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
            take = rank < np.repeat(np.where(ok, cnt, 0), per_row)
            picked = vals.ravel()[where[take]]
            if ok.all():
                out[starts[rows[0]] : starts[rows[-1] + 1]] = picked
                break
            out[_ranges(starts[rows[ok]], cnt[ok])] = picked
            rows = rows[~ok]
            m *= 2


def _sample_rows(
    rng: np.random.Generator,
    n_pool: int,
    excl_rows: np.ndarray,
    counts: np.ndarray | int,
    replace: bool,
) -> np.ndarray:
    """Row-major flat array of pool indices: ``counts[i]`` uniform draws for row ``i``,
    never ``excl_rows[i]``, with or without replacement, in draw order."""
    n_rows = len(excl_rows)
    if np.isscalar(counts):
        k = int(counts)
        if k == 0 or n_rows == 0:
            return np.empty(0, dtype=np.int64)
        if replace:
            return _draw_block(rng, n_pool, excl_rows, k).ravel()
        counts_arr = np.full(n_rows, k, dtype=np.int64)
    else:
        counts_arr = np.asarray(counts, dtype=np.int64)
        k = -1
        if replace:
            ex = np.repeat(excl_rows, counts_arr)
            has = ex >= 0
            r = rng.integers(0, n_pool - has.astype(np.int64))
            r += has & (r >= ex)
            return r
    total = int(counts_arr.sum())
    out = np.empty(total, dtype=np.int64)
    if total == 0:
        return out
    avail = n_pool - int((excl_rows >= 0).any())
    if 4 * int(counts_arr.max()) <= avail:
        _first_distinct(rng, n_pool, excl_rows, counts_arr, out)
        return out
    # Dense: iid random keys per (row, pool element); the smallest keys win, which is
    # a uniform sample, and their order is a uniform random order.
    starts = np.concatenate(([0], np.cumsum(counts_arr)))
    block = max(1, _CHUNK // n_pool)
    for r0 in range(0, n_rows, block):
        r1 = min(n_rows, r0 + block)
        keys = rng.random((r1 - r0, n_pool))
        ex = excl_rows[r0:r1]
        rows_h = np.flatnonzero(ex >= 0)
        keys[rows_h, ex[rows_h]] = 2.0  # never selected: counts <= available
        if k >= 0:
            if k < n_pool:
                sel = np.argpartition(keys, k - 1, axis=1)[:, :k]
            else:
                sel = np.broadcast_to(np.arange(n_pool), (r1 - r0, n_pool))
            out[starts[r0] : starts[r1]] = rng.permuted(sel, axis=1).ravel()
        else:
            cnt = counts_arr[r0:r1]
            kk = int(cnt.max())
            order = np.argsort(keys, axis=1)[:, :kk]
            out[starts[r0] : starts[r1]] = order[np.arange(kk)[None, :] < cnt[:, None]]
    return out


def _bernoulli_positions(rng: np.random.Generator, n_total: int, p: float) -> np.ndarray:
    """Sorted indices of the successes among ``n_total`` independent Bernoulli(p) trials."""
    if n_total == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1:
        return np.arange(n_total, dtype=np.int64)
    parts = []
    if p > _DENSE_P:
        for start in range(0, n_total, _CHUNK):
            idx = np.flatnonzero(rng.random(min(_CHUNK, n_total - start)) < p)
            idx += start
            parts.append(idx)
        return np.concatenate(parts)
    # sparse: the gaps between successes are geometric
    last = -1
    while True:
        mean = (n_total - 1 - last) * p
        m = min(int(mean + 6.0 * math.sqrt(mean) + 64), _CHUNK)
        pos = last + np.cumsum(rng.geometric(p, size=m))
        if pos[-1] >= n_total:
            parts.append(pos[pos < n_total])
            break
        parts.append(pos)
        last = int(pos[-1])
    return np.concatenate(parts)


def _truncated_poisson(rng: np.random.Generator, lam: float, size: int) -> np.ndarray:
    """Poisson(lam) draws conditioned on being >= 1 (inverse CDF; 0 < lam <= _POISSON_TABLE)."""
    kmax = int(lam + 12.0 * math.sqrt(lam) + 40)
    k = np.arange(1, kmax + 1, dtype=np.float64)
    log_pmf = -lam + k * math.log(lam) - np.array([math.lgamma(x + 1.0) for x in k])
    cdf = np.cumsum(np.exp(log_pmf)) / -math.expm1(-lam)
    return np.searchsorted(cdf, rng.random(size), side="right") + 1


def _poisson_positions(rng: np.random.Generator, n_total: int, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Sorted indices of the slots with a nonzero Poisson(lam) count, and those counts."""
    if lam > _POISSON_TABLE:
        return _per_pair_positions(rng, n_total, lambda n: rng.poisson(lam, n), True)
    # which slots are nonzero is Bernoulli(1 - exp(-lam)); their counts are zero-truncated Poisson
    pos = _bernoulli_positions(rng, n_total, -math.expm1(-lam))
    return pos, _truncated_poisson(rng, lam, len(pos))


def _per_pair_positions(
    rng: np.random.Generator, n_total: int, draw: Callable[[int], np.ndarray], counts: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sorted slots where ``draw`` (a mask or counts for n slots) is nonzero, drawn in chunks."""
    parts, values = [], []
    for start in range(0, n_total, _CHUNK):
        v = draw(min(_CHUNK, n_total - start))
        idx = np.flatnonzero(v)
        if counts:
            values.append(v[idx])
        idx += start
        parts.append(idx)
    pos = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    if not counts:
        return pos
    return pos, (np.concatenate(values) if values else np.empty(0, dtype=np.int64))


def _poisson_counts(rng: np.random.Generator, lam: np.ndarray) -> np.ndarray:
    """Poisson counts for per-slot means; NEST yields 0 for negative or NaN means."""
    lam = np.asarray(lam, dtype=float)
    if np.isinf(lam).any():
        raise NESTErrors.KernelException(_MAX_CONNS_MSG)
    with np.errstate(invalid="ignore"):
        lam = np.where(lam > 0, lam, 0.0)
    return rng.poisson(lam)


def _grid_pairs(
    pos: np.ndarray, sources: np.ndarray, targets: np.ndarray, autapses: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Target-major grid positions -> (src, tgt, kept), dropping autapses if needed."""
    t_idx, s_idx = np.divmod(pos, len(sources))
    src = _to_ids(sources, s_idx)
    tgt = targets[t_idx]
    if autapses:
        return src, tgt, None
    keep = np.flatnonzero(src != tgt)
    return src[keep], tgt[keep], keep


def _impossible(what: str) -> Exception:
    return NESTErrors.BadProperty(
        f"{what} cannot be satisfied without autapses: too few nodes other than the node itself "
        "(NEST would loop forever here)."
    )


# ---------------------------------------------------------------------------
# rules; each returns (src, tgt, index into syn_spec arrays or None for arange)
# ---------------------------------------------------------------------------

_Result = tuple[np.ndarray, np.ndarray, np.ndarray | None]


def _one_to_one(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    src, tgt = sources.copy(), targets.copy()
    if not par["allow_autapses"]:
        # unlike all_to_all, NEST does not skip array elements for left-out autapses here
        keep = src != tgt
        src, tgt = src[keep], tgt[keep]
    if not par["make_symmetric"]:
        return src, tgt, None
    # NEST connects everything once, then again with sources and targets swapped,
    # restarting the parameter arrays in between.
    idx = np.arange(len(src), dtype=np.int64)
    return np.concatenate((src, tgt)), np.concatenate((tgt, src)), np.concatenate((idx, idx))


def _all_to_all(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    ns, nt = len(sources), len(targets)
    src = np.empty((nt, ns), dtype=np.int64)
    src[...] = sources[None, :]
    tgt = np.empty((nt, ns), dtype=np.int64)
    tgt[...] = targets[:, None]
    src, tgt = src.ravel(), tgt.ravel()
    if par["allow_autapses"]:
        return src, tgt, None
    keep = np.flatnonzero(src != tgt)  # NEST skips the array elements of left-out autapses
    return src[keep], tgt[keep], keep


def _round_half_away(x: np.ndarray) -> np.ndarray:
    """``std::round``: halves go away from zero."""
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5))


def _fixed_degree(
    par: dict, pool: np.ndarray, fixed: np.ndarray, rng: np.random.Generator, word: str
) -> tuple[np.ndarray, np.ndarray]:
    """For each node of ``fixed``, ``degree`` partners drawn from ``pool``; returns
    (partners, fixed-side ids), grouped by the fixed node."""
    degree = par["degree"]
    n_pool, n_fixed = len(pool), len(fixed)
    multapses = par["allow_multapses"]
    if isinstance(degree, Parameter):
        # NEST draws the degree per node and rounds it; negative values give no synapses.
        with np.errstate(invalid="ignore"):
            k = np.maximum(_round_half_away(np.asarray(degree.sample(rng, n_fixed), dtype=float)), 0)
        if not np.isfinite(k).all():
            raise NESTErrors.BadProperty(f"{word} must be finite.")
        k = k.astype(np.int64)
        k_max = int(k.max()) if n_fixed else 0
        if not multapses and k_max > n_pool:
            raise NESTErrors.BadProperty(f"{word} cannot be larger than population size.")
    else:
        k = degree
        k_max = degree
    excl = np.full(n_fixed, -1, dtype=np.int64)
    if not par["allow_autapses"]:
        excl = _self_index(pool, fixed)
        has = excl >= 0
        if has.any():
            # largest degree asked of a node that must avoid itself
            k_self = int(k[has].max()) if isinstance(degree, Parameter) else k_max
            if k_self > 0 and (n_pool == 1 or (not multapses and k_self > n_pool - 1)):
                raise _impossible(word)
    partners = _to_ids(pool, _sample_rows(rng, n_pool, excl, k, multapses))
    if isinstance(degree, Parameter):
        return partners, np.repeat(fixed, k)
    own = np.empty((n_fixed, k), dtype=np.int64)
    own[...] = fixed[:, None]
    return partners, own.ravel()


def _fixed_indegree(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    src, tgt = _fixed_degree(par, sources, targets, rng, "Indegree")
    return src, tgt, None


def _fixed_outdegree(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    tgt, src = _fixed_degree(par, targets, sources, rng, "Outdegree")
    return src, tgt, None


def _fixed_total_number(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    n = par["N"]
    ns, nt = len(sources), len(targets)
    if n > 0 and not par["allow_autapses"] and ns == 1 and nt == 1 and sources[0] == targets[0]:
        raise _impossible("Total number of connections")
    s_idx = rng.integers(0, ns, size=n)
    t_idx = rng.integers(0, nt, size=n)
    if not par["allow_autapses"]:
        # NEST redraws the (source, target) pair until it is not an autapse
        bad = np.flatnonzero(sources[s_idx] == targets[t_idx])
        while bad.size:
            s_idx[bad] = rng.integers(0, ns, size=bad.size)
            t_idx[bad] = rng.integers(0, nt, size=bad.size)
            bad = bad[sources[s_idx[bad]] == targets[t_idx[bad]]]
    return _to_ids(sources, s_idx), targets[t_idx], None


def _pairwise_bernoulli(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    p = par["p"]
    n_pairs = len(sources) * len(targets)
    if isinstance(p, Parameter):
        pos = _per_pair_positions(rng, n_pairs, lambda n: ~(rng.random(n) >= p.sample(rng, n)))
    else:
        if math.isnan(p):  # NEST's test `drand() >= p` never rejects for NaN
            p = 1.0
        pos = _bernoulli_positions(rng, n_pairs, p)
    src, tgt, _ = _grid_pairs(pos, sources, targets, par["allow_autapses"])
    return src, tgt, None


def _pairwise_poisson(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    lam = par["lam"]
    if isinstance(lam, Parameter):
        n_pairs = len(sources) * len(targets)
        pos, counts = _per_pair_positions(
            rng, n_pairs, lambda n: _poisson_counts(rng, lam.sample(rng, n)), True
        )
        src, tgt, keep = _grid_pairs(pos, sources, targets, par["allow_autapses"])
        if keep is not None:
            counts = counts[keep]
        return np.repeat(src, counts), np.repeat(tgt, counts), None
    if math.isinf(lam):
        raise NESTErrors.KernelException(_MAX_CONNS_MSG)
    if not lam > 0:  # includes NaN, for which NEST's Poisson draw gives 0
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), None
    pos, counts = _poisson_positions(rng, len(sources) * len(targets), lam)
    src, tgt, keep = _grid_pairs(pos, sources, targets, par["allow_autapses"])
    if keep is not None:
        counts = counts[keep]
    return np.repeat(src, counts), np.repeat(tgt, counts), None


def _symmetric_pairwise_bernoulli(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    ns, nt = len(sources), len(targets)
    k = rng.binomial(ns, par["p"], size=nt)
    redo = np.flatnonzero(k >= ns)  # NEST redraws until indegree < n_sources
    while redo.size:
        k[redo] = rng.binomial(ns, par["p"], size=redo.size)
        redo = redo[k[redo] >= ns]
    excl = _self_index(sources, targets)
    picked = _to_ids(sources, _sample_rows(rng, ns, excl, k, replace=False))
    tg = np.repeat(targets, k)
    src = np.stack((picked, tg), axis=1).ravel()
    tgt = np.stack((tg, picked), axis=1).ravel()
    return src, tgt, None


_BUILDERS: dict[str, Callable[[dict, np.ndarray, np.ndarray, np.random.Generator], _Result]] = {
    "one_to_one": _one_to_one,
    "all_to_all": _all_to_all,
    "fixed_indegree": _fixed_indegree,
    "fixed_outdegree": _fixed_outdegree,
    "fixed_total_number": _fixed_total_number,
    "pairwise_bernoulli": _pairwise_bernoulli,
    "symmetric_pairwise_bernoulli": _symmetric_pairwise_bernoulli,
    "pairwise_poisson": _pairwise_poisson,
}


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def _connect(
    sources: np.ndarray, targets: np.ndarray, conn_spec: dict | str | None, rng: np.random.Generator
) -> _Result:
    spec = _normalise_conn_spec(conn_spec)
    sources = np.asarray(sources, dtype=np.int64).ravel()
    targets = np.asarray(targets, dtype=np.int64).ravel()
    par = _parse(spec, len(sources), len(targets))
    return _BUILDERS[par["rule"]](par, sources, targets, rng)


def check_conn_spec(
    conn_spec: dict | str | None, n_sources: int, n_targets: int, connecting: bool = True, full: bool = True
) -> dict:
    """Validate ``conn_spec`` for collections of these sizes without drawing anything:
    all of NEST's checks (``full``), or only those it makes before reading the synapse
    specification (:func:`parse_rule`). ``connecting=False`` checks a dict as ``Disconnect``
    does (no spatial keys are looked for there)."""
    if connecting or not isinstance(conn_spec, dict):
        spec = _normalise_conn_spec(conn_spec)
    else:
        spec = dict(conn_spec)
        for key, value in spec.items():
            _check_convertible(key, value)
    if full:
        return _parse(spec, n_sources, n_targets, connecting)
    return parse_rule(spec, n_sources, n_targets, connecting)


def connect_pairs_indexed(
    sources: np.ndarray,
    targets: np.ndarray,
    conn_spec: dict | str | None,
    rng: np.random.Generator,
    identity_as_none: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Like :func:`connect_pairs`, plus each synapse's element in flattened ``syn_spec`` arrays.

    NEST walks element-wise parameter arrays in creation order, but for
    ``all_to_all`` with ``allow_autapses=False`` it *skips* the elements of the
    autapses it leaves out (``one_to_one`` does not skip them), and the reverse
    synapses of ``make_symmetric`` reuse the forward ones' elements.  The arrays
    are ``(n_targets, n_sources)`` for all_to_all, ``(n_targets, indegree)`` for
    fixed_indegree, ``(n_sources, outdegree)`` for fixed_outdegree, length ``N``
    for fixed_total_number and length ``n`` for one_to_one.  For the other rules
    (which take no arrays) the index is simply ``arange``, or ``None`` with
    ``identity_as_none`` (which spares building it for large networks).
    """
    src, tgt, idx = _connect(sources, targets, conn_spec, rng)
    if idx is None and not identity_as_none:
        idx = np.arange(len(src), dtype=np.int64)
    return src, tgt, idx


def connect_pairs(
    sources: np.ndarray,
    targets: np.ndarray,
    conn_spec: dict | str | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(src, tgt)`` int64 arrays of global node ids, one entry per synapse to create.

    ``sources`` and ``targets`` are NodeCollection ids (sorted, unique).  The
    synapses come in the order NEST creates them (see the module docstring).
    Element-wise ``syn_spec`` arrays follow that order, except that NEST skips
    the elements of left-out autapses in ``all_to_all`` and reuses them for the
    reverse synapses of ``make_symmetric``; :func:`connect_pairs_indexed` gives
    the exact map.  Invalid specifications raise NEST's error classes with NEST's
    messages before anything is drawn.
    """
    src, tgt, _ = _connect(sources, targets, conn_spec, rng)
    return src, tgt
