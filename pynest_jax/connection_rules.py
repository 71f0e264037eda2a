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

Where NEST would loop forever (e.g. ``fixed_indegree`` asking for more distinct
non-self sources than exist), we raise ``BadProperty`` instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from pynest_jax.errors import NESTErrors

__all__ = ["RULES", "connect_pairs", "connect_pairs_indexed"]

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
_TABLE = 1 << 23
# Above these, dense (per pair) sampling beats sparse sampling.
_DENSE_P = 0.25
_DENSE_LAMBDA = 0.25
_MAX_CONNS_MSG = (
    "Too many connections: at most 134217726 connections supported per virtual process and synapse model."
)


# ---------------------------------------------------------------------------
# conn_spec parsing and validation
# ---------------------------------------------------------------------------


def _vector_name(elem: str) -> str:
    return f"std::vector<{elem}, std::allocator<{elem}> >"


def _cpp_type_name(value: object) -> str:
    """Name of the C++ type NEST's dictionary converter stores ``value`` as."""
    if isinstance(value, bool):
        return "bool"
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
    if isinstance(value, bool | float | str | dict | np.integer | np.floating | list | tuple):
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
        f"Expected datatype: Failed to cast '{key}' from {_cpp_type_name(value)} to type {cpp_type}{suffix}"
    )


def _required(spec: dict, key: str) -> object:
    """NEST looks required parameters up with ``std::map::at``; a missing key surfaces as IndexError."""
    if key not in spec:
        raise NESTErrors.IndexError("map::at")
    return spec[key]


def _as_long(spec: dict, key: str) -> int:
    value = _required(spec, key)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    raise _type_mismatch(key, value, "long")


def _as_double(spec: dict, key: str) -> float:
    value = _required(spec, key)
    if isinstance(value, bool | int | float | np.integer | np.floating):
        return float(value)
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


def _parse(spec: dict, n_sources: int, n_targets: int) -> dict:
    """Validate ``spec`` the way NEST's ConnBuilder does; return the rule parameters."""
    if n_sources == 0:
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "Presynaptic nodes cannot be an empty NodeCollection"
        )
    if n_targets == 0:
        raise NESTErrors.IllegalConnection(
            "Creation of connection is not possible because:\n"
            "Postsynaptic nodes cannot be an empty NodeCollection"
        )
    rule = spec["rule"]
    if not isinstance(rule, str):
        raise _type_mismatch("rule", rule, "std::string")
    if rule not in RULES:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {rule}")

    autapses = _as_bool(spec, "allow_autapses", True)
    multapses = _as_bool(spec, "allow_multapses", True)
    symmetric = _as_bool(spec, "make_symmetric", False)
    par: dict = {
        "rule": rule,
        "allow_autapses": autapses,
        "allow_multapses": multapses,
        "make_symmetric": symmetric,
    }

    if rule == "one_to_one":
        if n_sources != n_targets:
            raise NESTErrors.DimensionMismatch("Source and Target population must be of the same size.")
    elif rule in ("fixed_indegree", "fixed_outdegree"):
        key = "indegree" if rule == "fixed_indegree" else "outdegree"
        word = "Indegree" if key == "indegree" else "Outdegree"
        pool = n_sources if key == "indegree" else n_targets
        value = _as_long(spec, key)
        if not multapses:
            if value > pool:
                raise NESTErrors.BadProperty(f"{word} cannot be larger than population size.")
        if value < 0:
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
        p = _as_double(spec, "p")
        if p < 0 or p > 1:
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
        lam = _as_double(spec, "pairwise_avg_num_conns")
        if lam < 0:
            raise NESTErrors.BadProperty("Connection parameter 0 ≤ pairwise_avg_num_conns required.")
        if not multapses:
            raise NESTErrors.BadProperty("Multapses must be allowed for this connection rule.")
        par["lam"] = lam

    unaccessed = sorted(set(spec) - set(_COMMON_KEYS) - set(RULES[rule]))
    if unaccessed:
        raise NESTErrors.UnaccessedDictionaryEntry(
            "Unaccessed elements in conn_spec, in function Connect: " + "".join(" " + k for k in unaccessed)
        )
    if symmetric and rule not in _SYMMETRIC_RULES:
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
    """Map pool indices to node ids (cheap when the pool is a contiguous id range)."""
    if len(pool) and pool[-1] - pool[0] == len(pool) - 1:
        idx += pool[0]
        return idx
    return pool[idx]


def _uniform_excluding(rng: np.random.Generator, n_pool: int, excl: np.ndarray) -> np.ndarray:
    """One uniform draw per entry from ``range(n_pool)`` minus ``excl`` (no exclusion where -1)."""
    has = excl >= 0
    high = n_pool - has.astype(np.int64)
    r = rng.integers(0, high)
    r += has & (r >= excl)
    return r


def _draws_excluding(rng: np.random.Generator, n_pool: int, excl_rows: np.ndarray, k: int) -> np.ndarray:
    """``(len(excl_rows), k)`` uniform draws with replacement, row i avoiding ``excl_rows[i]``."""
    n_rows = len(excl_rows)
    has = excl_rows >= 0
    out = np.empty((n_rows, k), dtype=np.int64)
    if has.all() or not has.any():
        h = bool(has.any())
        out[...] = rng.integers(0, n_pool - h, size=(n_rows, k))
        if h:
            out += out >= excl_rows[:, None]
        return out
    rows_h = np.flatnonzero(has)
    rows_n = np.flatnonzero(~has)
    out[rows_n] = rng.integers(0, n_pool, size=(len(rows_n), k))
    sub = rng.integers(0, n_pool - 1, size=(len(rows_h), k))
    sub += sub >= excl_rows[rows_h][:, None]
    out[rows_h] = sub
    return out


def _distinct_sparse(
    rng: np.random.Generator, n_pool: int, excl_rows: np.ndarray, row: np.ndarray, table: np.ndarray
) -> np.ndarray:
    """Fill each position of ``row`` with a pool index, distinct within a row.

    Draw everything with replacement, keep one representative per repeated value,
    and redraw only the losers (against the values already kept) until none are
    left.  The rule is blind to the labels, so every ordered sample without
    replacement is equally likely, as in NEST's draw-and-reject loop.
    ``table`` (size >= rows * n_pool, all -1) marks kept values; it is restored.
    """
    excl = excl_rows[row]
    vals = _uniform_excluding(rng, n_pool, excl)
    key = row * n_pool + vals
    pending = np.arange(len(row))
    kp = key
    while pending.size:
        free = table[kp] < 0
        cand = pending[free]
        kc = kp[free]
        table[kc] = cand
        won = table[kc] == cand
        rejected = np.concatenate((pending[~free], cand[~won]))
        if rejected.size == 0:
            break
        rr = row[rejected]
        key[rejected] = rr * n_pool + _uniform_excluding(rng, n_pool, excl[rejected])
        pending = rejected
        kp = key[rejected]
    table[key] = -1
    return key - row * n_pool


def _sample_rows(
    rng: np.random.Generator,
    n_pool: int,
    excl_rows: np.ndarray,
    counts: np.ndarray | int,
    replace: bool,
) -> np.ndarray:
    """Row-major flat array of pool indices: ``counts[i]`` draws for row ``i``, uniformly,
    never ``excl_rows[i]``, with or without replacement, in random (draw) order."""
    n_rows = len(excl_rows)
    const = np.isscalar(counts)
    counts_arr = np.full(n_rows, counts, dtype=np.int64) if const else np.asarray(counts, dtype=np.int64)
    total = int(counts_arr.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    if replace and const:
        return _draws_excluding(rng, n_pool, excl_rows, int(counts)).ravel()
    if replace:
        row = np.repeat(np.arange(n_rows, dtype=np.int64), counts_arr)
        return _uniform_excluding(rng, n_pool, excl_rows[row])

    k_max = int(counts_arr.max())
    avail_min = n_pool - int((excl_rows >= 0).any())
    out = np.empty(total, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts_arr)))
    if 4 * k_max <= avail_min:
        # sparse: redraw duplicates, a block of rows at a time
        block = max(1, _TABLE // n_pool)
        table = np.full(min(n_rows, block) * n_pool, -1, dtype=np.int32)
        for r0 in range(0, n_rows, block):
            r1 = min(n_rows, r0 + block)
            cnt = counts_arr[r0:r1]
            row = np.repeat(np.arange(r1 - r0, dtype=np.int64), cnt)
            out[starts[r0] : starts[r1]] = _distinct_sparse(rng, n_pool, excl_rows[r0:r1], row, table)
        return out
    # dense: random keys per (row, pool element); the k smallest keys, in key order
    block = max(1, _CHUNK // n_pool)
    for r0 in range(0, n_rows, block):
        r1 = min(n_rows, r0 + block)
        keys = rng.random((r1 - r0, n_pool))
        ex = excl_rows[r0:r1]
        rows_h = np.flatnonzero(ex >= 0)
        keys[rows_h, ex[rows_h]] = 2.0  # never among the smallest: k <= available
        cnt = counts_arr[r0:r1]
        if const:
            k = int(counts)
            sel = (
                np.argpartition(keys, k - 1, axis=1)[:, :k]
                if k < n_pool
                else np.tile(np.arange(n_pool), (r1 - r0, 1))
            )
            order = np.argsort(np.take_along_axis(keys, sel, axis=1), axis=1)
            out[starts[r0] : starts[r1]] = np.take_along_axis(sel, order, axis=1).ravel()
        else:
            order = np.argsort(keys, axis=1)
            kk = int(cnt.max())
            part = order[:, :kk]
            out[starts[r0] : starts[r1]] = part[np.arange(kk)[None, :] < cnt[:, None]]
    return out


def _bernoulli_positions(rng: np.random.Generator, n_total: int, p: float) -> np.ndarray:
    """Sorted indices of successes among ``n_total`` independent Bernoulli(p) trials."""
    if n_total == 0 or p <= 0:
        return np.empty(0, dtype=np.int64)
    if p >= 1 or math.isnan(p):  # NEST's test `drand() >= p` never rejects for NaN
        return np.arange(n_total, dtype=np.int64)
    parts = []
    if p > _DENSE_P:
        for start in range(0, n_total, _CHUNK):
            size = min(_CHUNK, n_total - start)
            idx = np.flatnonzero(rng.random(size) < p)
            idx += start
            parts.append(idx)
    else:
        # gaps between successes are geometric
        last = -1
        while True:
            remaining = n_total - 1 - last
            mean = remaining * p
            m = min(int(mean + 6.0 * math.sqrt(mean) + 64), _CHUNK)
            pos = last + np.cumsum(rng.geometric(p, size=m))
            if pos[-1] >= n_total:
                parts.append(pos[pos < n_total])
                break
            parts.append(pos)
            last = int(pos[-1])
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _poisson_positions(rng: np.random.Generator, n_total: int, lam: float) -> np.ndarray:
    """Sorted indices among ``n_total`` slots, slot i repeated Poisson(lam) times."""
    if n_total == 0 or not lam > 0:  # NaN: NEST's Poisson draw gives 0
        return np.empty(0, dtype=np.int64)
    if math.isinf(lam):
        raise NESTErrors.KernelException(_MAX_CONNS_MSG)
    if lam <= _DENSE_LAMBDA:
        # total is Poisson(lam * n); given the total, slots are uniform multinomial
        m = int(rng.poisson(lam * n_total))
        return np.sort(rng.integers(0, n_total, size=m))
    parts = []
    for start in range(0, n_total, _CHUNK):
        size = min(_CHUNK, n_total - start)
        cnt = rng.poisson(lam, size=size)
        parts.append(np.repeat(np.arange(start, start + size, dtype=np.int64), cnt))
    return np.concatenate(parts)


def _pairs_from_grid(
    pos: np.ndarray, sources: np.ndarray, targets: np.ndarray, autapses: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Target-major grid positions -> (src, tgt, pos), dropping autapses if needed."""
    ns = len(sources)
    t_idx, s_idx = np.divmod(pos, ns)
    src = _to_ids(sources, s_idx)
    tgt = targets[t_idx]
    if not autapses:
        keep = src != tgt
        src, tgt, pos = src[keep], tgt[keep], pos[keep]
    return src, tgt, pos


def _impossible(what: str) -> Exception:
    return NESTErrors.BadProperty(
        f"{what} cannot be satisfied without autapses: too few nodes other than the node itself "
        "(NEST would loop forever here)."
    )


# ---------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------

_Result = tuple[np.ndarray, np.ndarray, np.ndarray]


def _one_to_one(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    idx = np.arange(len(sources), dtype=np.int64)
    src, tgt = sources.copy(), targets.copy()
    if not par["allow_autapses"]:
        keep = src != tgt
        src, tgt, idx = src[keep], tgt[keep], idx[keep]
    if par["make_symmetric"]:
        src, tgt, idx = np.concatenate((src, tgt)), np.concatenate((tgt, src)), np.concatenate((idx, idx))
    return src, tgt, idx


def _all_to_all(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    ns, nt = len(sources), len(targets)
    src = np.empty((nt, ns), dtype=np.int64)
    src[...] = sources[None, :]
    tgt = np.empty((nt, ns), dtype=np.int64)
    tgt[...] = targets[:, None]
    src, tgt = src.ravel(), tgt.ravel()
    idx = np.arange(ns * nt, dtype=np.int64)
    if not par["allow_autapses"]:
        keep = src != tgt
        src, tgt, idx = src[keep], tgt[keep], idx[keep]
    return src, tgt, idx


def _fixed_degree(
    par: dict, pool: np.ndarray, fixed: np.ndarray, rng: np.random.Generator, what: str
) -> tuple[np.ndarray, np.ndarray]:
    """For each node of ``fixed``, ``degree`` partners drawn from ``pool``; returns
    (partners, fixed-side ids), grouped by the fixed node."""
    k = par["degree"]
    n_pool, n_fixed = len(pool), len(fixed)
    excl = np.full(n_fixed, -1, dtype=np.int64)
    if not par["allow_autapses"]:
        excl = _self_index(pool, fixed)
        if k > 0 and (excl >= 0).any():
            avail = n_pool - 1
            if avail == 0 or (not par["allow_multapses"] and k > avail):
                raise _impossible(what)
    picked = _sample_rows(rng, n_pool, excl, k, par["allow_multapses"])
    partners = _to_ids(pool, picked)
    own = np.empty((n_fixed, k), dtype=np.int64)
    own[...] = fixed[:, None]
    return partners, own.ravel()


def _fixed_indegree(par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator) -> _Result:
    src, tgt = _fixed_degree(par, sources, targets, rng, "Indegree")
    return src, tgt, np.arange(len(src), dtype=np.int64)


def _fixed_outdegree(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    tgt, src = _fixed_degree(par, targets, sources, rng, "Outdegree")
    return src, tgt, np.arange(len(src), dtype=np.int64)


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
        bad = np.flatnonzero(sources[s_idx] == targets[t_idx])
        while bad.size:
            s_idx[bad] = rng.integers(0, ns, size=bad.size)
            t_idx[bad] = rng.integers(0, nt, size=bad.size)
            bad = bad[sources[s_idx[bad]] == targets[t_idx[bad]]]
    return _to_ids(sources, s_idx), targets[t_idx], np.arange(n, dtype=np.int64)


def _pairwise_bernoulli(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    pos = _bernoulli_positions(rng, len(sources) * len(targets), par["p"])
    return _pairs_from_grid(pos, sources, targets, par["allow_autapses"])


def _pairwise_poisson(
    par: dict, sources: np.ndarray, targets: np.ndarray, rng: np.random.Generator
) -> _Result:
    pos = _poisson_positions(rng, len(sources) * len(targets), par["lam"])
    return _pairs_from_grid(pos, sources, targets, par["allow_autapses"])


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
    return src, tgt, np.arange(len(src), dtype=np.int64)


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


def connect_pairs_indexed(
    sources: np.ndarray,
    targets: np.ndarray,
    conn_spec: dict | str | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`connect_pairs`, plus the index into flattened ``syn_spec`` arrays.

    NEST walks element-wise parameter arrays in its creation order and *skips*
    the slots of autapses it leaves out (``all_to_all`` and ``one_to_one`` with
    ``allow_autapses=False``); the reverse synapses of ``make_symmetric`` reuse the
    forward ones' elements.  The third array gives, for each synapse, the element
    of the flattened array (``(n_targets, n_sources)`` for all_to_all,
    ``(n_targets, indegree)`` for fixed_indegree, ``(n_sources, outdegree)`` for
    fixed_outdegree, length ``N`` for fixed_total_number, length ``n`` for
    one_to_one).  For rules without array support it is just ``arange``.
    """
    spec = _normalise_conn_spec(conn_spec)
    sources = np.asarray(sources, dtype=np.int64).ravel()
    targets = np.asarray(targets, dtype=np.int64).ravel()
    par = _parse(spec, len(sources), len(targets))
    return _BUILDERS[par["rule"]](par, sources, targets, rng)


def connect_pairs(
    sources: np.ndarray,
    targets: np.ndarray,
    conn_spec: dict | str | None,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(src, tgt)`` int64 arrays of global node ids, one entry per synapse to create.

    ``sources`` and ``targets`` are NodeCollection ids (sorted, unique).  The
    synapses come in the order NEST creates them (see the module docstring), so
    ``syn_spec`` arrays map onto them as in NEST, except that NEST skips array
    elements for left-out autapses; :func:`connect_pairs_indexed` gives that map.
    Invalid specifications raise NEST's error classes with NEST's messages
    before anything is drawn.
    """
    src, tgt, _ = connect_pairs_indexed(sources, targets, conn_spec, rng)
    return src, tgt
