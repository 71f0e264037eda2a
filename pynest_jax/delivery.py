"""Event-driven spike delivery: only the outgoing synapses of spiking sources are touched.

A projection stores its synapses sorted by source (CSR). Once per min-delay
interval the engine compacts the spikes of the interval into a fixed-capacity
list; each spike's synapse range is cut into *rows* of ``chunk`` synapses and
the rows are processed in blocks (a loop whose trip count follows the number
of spikes), each block gathering targets, weights and delays and adding them
into the targets' ring buffers with one scatter-add.

Weights and delays are stored as compactly as the data allow: one value for
the whole projection, one per source, or one per synapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

# Synapses handled per block (a block is rows_per_block rows of `chunk` synapses):
# sized for the events expected in an interval at this firing rate (spikes/s).
_MAX_EVENTS_PER_BLOCK = 1 << 16
_MIN_EVENTS_PER_BLOCK = 1 << 13
_EXPECTED_RATE = 20.0
# Projections up to this many synapses are padded to a power of two (at least 64).
_MAX_PADDED_SYNAPSES = 1 << 16
_MIN_PADDED_SYNAPSES = 64
_SMALL_CHUNK = 8


@dataclass(frozen=True)
class Layout:
    """Static shape of a projection, part of the jit key."""

    target_group: int
    chunk: int
    rows_per_block: int
    weight_mode: str  # "scalar" | "source" | "synapse"
    delay_mode: str


def source_order(src: np.ndarray, n_sources: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable order that groups synapses by source, and the CSR row pointers: a native
    counting sort, else NumPy's radix sort on 16-bit keys."""
    from .native import source_order as native_order

    native = native_order(src, n_sources)
    if native is not None:
        return native
    row_ptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_sources))]).astype(np.int64)
    if n_sources <= 1 << 16:
        return np.argsort(src.astype(np.uint16), kind="stable"), row_ptr
    low = np.argsort((src & 0xFFFF).astype(np.uint16), kind="stable")
    high = (src[low] >> 16).astype(np.uint16)
    return low[np.argsort(high, kind="stable")], row_ptr


def _sorted_padded(values: np.ndarray, order: np.ndarray, pad: int, dtype: type) -> np.ndarray:
    """``values[order]`` followed by ``pad`` zeros (``order`` is a permutation, so
    clipping never applies; it spares NumPy a buffered copy)."""
    out = np.zeros(len(order) + pad, dtype=dtype)
    np.take(np.asarray(values, dtype=dtype), order, out=out[: len(order)], mode="clip")
    return out


@dataclass
class Part:
    """Synapses of one Connect call into one target group: spike indices of the
    sources, ring offsets of the targets, and weight and delay (in steps), each
    either an array or a broadcast view of one value."""

    src: np.ndarray
    tgt: np.ndarray
    weight: np.ndarray
    delay: np.ndarray


def is_uniform(values: np.ndarray) -> bool:
    """A broadcast view of one value (no memory behind it), as Connect stores scalars."""
    return values.ndim == 1 and len(values) > 0 and values.strides == (0,)


def _merge(parts: list[Part], field: str, n_sources: int, dtype: type) -> tuple[str, np.ndarray]:
    """One value for all, one per source, or one per synapse (in the parts' order).

    Per source is possible when every part has one value and the parts' sources do
    not overlap (e.g. the excitatory and inhibitory populations of a network)."""
    values = [getattr(p, field) for p in parts]
    if all(is_uniform(v) for v in values):
        firsts = [v[0] for v in values]
        if all(f == firsts[0] for f in firsts):
            return "scalar", np.asarray(firsts[0], dtype=dtype)
        per_source = np.zeros(n_sources, dtype=dtype)
        spans = sorted((int(p.src.min()), int(p.src.max()), v) for p, v in zip(parts, firsts, strict=True))
        if all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)):
            # Disjoint source ranges (the usual case): whole ranges, no look-up per synapse.
            for lo, hi, value in spans:
                per_source[lo : hi + 1] = value
            return "source", per_source
        seen = np.zeros(n_sources, dtype=bool)
        for part, value in zip(parts, firsts, strict=True):
            if seen[part.src].any():
                break
            seen[part.src] = True
            per_source[part.src] = value
        else:
            return "source", per_source
    return "synapse", np.concatenate([np.asarray(v, dtype=dtype) for v in values])


def build_projection(
    parts: list[Part],
    n_sources: int,
    target_group: int,
    interval_ms: float,
) -> tuple[Layout, dict[str, np.ndarray]]:
    """CSR arrays of one projection (all spike connections into one target group)."""
    src = np.concatenate([p.src for p in parts])
    order, row_ptr = source_order(src, n_sources)
    counts = np.diff(row_ptr)
    degrees = counts[counts > 0]
    mean_deg = float(degrees.mean()) if len(degrees) else 1.0
    max_deg = int(degrees.max()) if len(degrees) else 1
    nnz = len(src)
    # One row per spike when degrees are even (little padding); else rows near the mean.
    chunk = max_deg if max_deg <= 1.5 * mean_deg else int(np.ceil(mean_deg))
    expected = nnz * _EXPECTED_RATE * interval_ms / 1000.0
    per_block = int(
        min(_MAX_EVENTS_PER_BLOCK, max(_MIN_EVENTS_PER_BLOCK, 2 ** np.ceil(np.log2(max(expected, 1)))))
    )
    chunk = max(1, min(chunk, per_block))
    # Rows may read up to `chunk` entries past a source's range. Small projections have
    # rows of a fixed length and are padded to a power of two, so that a network
    # differing only in its connections reuses the compiled program.
    if nnz <= _MAX_PADDED_SYNAPSES:
        chunk = min(_SMALL_CHUNK, per_block)
        pad = max(_MIN_PADDED_SYNAPSES, 1 << (nnz + chunk - 1).bit_length()) - nnz
    else:
        pad = chunk
    idx_t = np.int32 if nnz + chunk < 2**31 else np.int64
    tgt = np.concatenate([p.tgt for p in parts]).astype(np.int32, copy=False)
    data: dict[str, np.ndarray] = {
        "row_ptr": row_ptr.astype(idx_t),
        "tgt": _sorted_padded(tgt, order, pad, np.int32),
    }
    w_mode, w = _merge(parts, "weight", n_sources, np.float64)
    d_mode, d = _merge(parts, "delay", n_sources, np.int64)
    small = np.int16 if d.max(initial=0) < 2**15 else np.int32
    data["weight"] = _sorted_padded(w, order, pad, np.float64) if w_mode == "synapse" else w
    if d_mode == "synapse":
        data["delay"] = _sorted_padded(d, order, pad, small)
    else:
        data["delay"] = d.astype(small) if d_mode == "source" else d
    layout = Layout(
        target_group=target_group,
        chunk=chunk,
        rows_per_block=max(1, per_block // chunk),
        weight_mode=w_mode,
        delay_mode=d_mode,
    )
    return layout, data


def compact(flat: jax.Array, capacity: int) -> tuple[jax.Array, jax.Array]:
    """Positions of the non-zero entries of ``flat`` (first ``capacity`` of them) and their count."""
    from .native import native_compact  # CPU: one C++ pass, far less to compile than the scan below

    out = native_compact(flat, capacity)
    if out is not None:
        return out
    nonzero = flat != 0
    rank = jax.lax.associative_scan(jnp.add, nonzero.astype(jnp.int32))
    n = rank[-1] if flat.shape[0] else jnp.int32(0)
    slot = jnp.where(nonzero, rank - 1, capacity)
    pos = jnp.zeros(capacity, jnp.int32).at[slot].set(jnp.arange(flat.shape[0], dtype=jnp.int32), mode="drop")
    return pos, n


def deliver(
    ring: jax.Array,
    layout: Layout,
    data: dict[str, Any],
    t0: jax.Array,
    ring_len: int,
    width: int,
    spike_step: jax.Array,
    spike_src: jax.Array,
    spike_count: jax.Array,
    n_spikes: jax.Array,
) -> jax.Array:
    """Add the spikes of one interval into the flat ring buffer of the target group.

    ``ring`` has ``ring_len * width + 1`` entries; the last one absorbs padding.
    A spike emitted at step ``t0 + spike_step`` arrives in slot ``t0 + step + delay``.
    """
    from .native import native_deliver  # CPU: one C++ loop (None: use the XLA code below)

    out = native_deliver(
        ring, layout, data, t0, ring_len, width, spike_step, spike_src, spike_count, n_spikes
    )
    if out is not None:
        return out
    capacity = spike_src.shape[0]
    chunk, rows = layout.chunk, layout.rows_per_block
    trash = ring_len * width
    rp = data["row_ptr"]
    valid = jnp.arange(capacity) < n_spikes
    start = rp[spike_src]
    deg = jnp.where(valid, rp[spike_src + 1] - start, 0)
    n_rows = (deg + chunk - 1) // chunk
    rows_incl = jnp.cumsum(n_rows)
    rows_excl = rows_incl - n_rows
    total_rows = rows_incl[-1]
    lane = jnp.arange(chunk, dtype=start.dtype)

    def block(b: jax.Array, ring: jax.Array) -> jax.Array:
        r = b * rows + jnp.arange(rows, dtype=rows_incl.dtype)
        i = jnp.minimum(jnp.searchsorted(rows_incl, r, side="right", method="scan_unrolled"), capacity - 1)
        offset = (r - rows_excl[i]) * chunk
        syn = (start[i] + offset)[:, None] + lane[None, :]
        ok = (r < total_rows)[:, None] & ((offset[:, None] + lane[None, :]) < deg[i][:, None])
        tgt = data["tgt"][syn]
        if layout.weight_mode == "scalar":
            w = data["weight"] * spike_count[i].astype(jnp.float64)[:, None]
        elif layout.weight_mode == "source":
            w = (data["weight"][spike_src[i]] * spike_count[i])[:, None]
        else:
            w = data["weight"][syn] * spike_count[i][:, None]
        if layout.delay_mode == "scalar":
            d = data["delay"]
        elif layout.delay_mode == "source":
            d = data["delay"][spike_src[i]].astype(jnp.int64)[:, None]
        else:
            d = data["delay"][syn].astype(jnp.int64)
        slot = (t0 + spike_step[i][:, None] + d) % ring_len
        idx = jnp.where(ok, slot * width + tgt, trash)
        w = jnp.broadcast_to(w, idx.shape)
        return ring.at[idx.reshape(-1)].add(w.reshape(-1), mode="promise_in_bounds")

    n_blocks = (total_rows + rows - 1) // rows
    return jax.lax.fori_loop(0, n_blocks, block, ring)


# ------------------------------------------------------------------ plastic synapses
# Key of a plastic projection's model-wide values among its synapse values (``dynamic``).
SHARED = "__shared__"


@dataclass(frozen=True)
class PlasticLayout:
    """Static shape of a projection of plastic synapses, part of the jit key."""

    target_group: int
    max_degree: int
    synapse: Any  # the synapse model class (its ``transmit`` runs at every spike)
    n_targets: int  # neurons in the target group
    weighted: bool  # the targets take the weight (a parrot counts spikes only)
    record: int = 0  # capacity of the buffer of weight_recorder events (0: not recorded)


@dataclass
class PlasticPart:
    """Plastic synapses of one Connect call into one target group: the connection
    part, every per-synapse value of the model (``weight`` and the model's own), and
    where each synapse lives in the kernel's connection table (block, index)."""

    part: Part
    values: dict[str, np.ndarray]
    block: np.ndarray
    index: np.ndarray


def _shared_value(columns: list[np.ndarray]) -> Any:
    """The one value of columns that are all broadcasts of it (as Connect stores a
    scalar or SetDefaults a common property), else None."""
    if not all(is_uniform(c) for c in columns):
        return None
    first = columns[0][0]
    return first if all(c[0] == first for c in columns) else None


def build_plastic_projection(
    parts: list[PlasticPart], n_sources: int, target_group: int, synapse: Any, n_targets: int, weighted: bool
) -> tuple[PlasticLayout, dict[str, Any], dict[str, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CSR arrays of plastic synapses sorted by source: the fixed ones, the values the
    synapses change (``synapse.dynamic``) and each sorted synapse's (block, index)."""
    src = np.concatenate([p.part.src for p in parts])
    order, row_ptr = source_order(src, n_sources)
    counts = np.diff(row_ptr)
    fixed: dict[str, Any] = {
        "row_ptr": row_ptr,
        "tgt": _sorted_padded(np.concatenate([p.part.tgt for p in parts]), order, 1, np.int32),
        "delay": _sorted_padded(np.concatenate([p.part.delay for p in parts]), order, 1, np.int64),
    }
    delay = _shared_value([p.part.delay for p in parts])
    if delay is not None:
        fixed["delay"] = np.int64(delay)
    dynamic = {}
    for name in parts[0].values:
        shared = None if name in synapse.dynamic else _shared_value([p.values[name] for p in parts])
        if shared is not None:  # a value of all synapses (a common property) is kept once
            fixed[name] = np.float64(shared)
            continue
        column = _sorted_padded(np.concatenate([p.values[name] for p in parts]), order, 1, np.float64)
        (dynamic if name in synapse.dynamic else fixed)[name] = column
    home = (np.concatenate([p.block for p in parts])[order], np.concatenate([p.index for p in parts])[order])
    layout = PlasticLayout(target_group, max(1, int(counts.max(initial=1))), synapse, n_targets, weighted)
    return layout, fixed, dynamic, home


def deliver_plastic(
    ring: jax.Array,
    layout: PlasticLayout,
    fixed: dict[str, Any],
    dynamic: dict[str, jax.Array],
    t0: jax.Array,
    ring_len: int,
    width: int,
    h: float,
    spike_step: jax.Array,
    spike_src: jax.Array,
    spike_count: jax.Array,
    n_spikes: jax.Array,
    key: jax.Array,
    history: dict[str, jax.Array] | None = None,
    record: dict[str, jax.Array] | None = None,
) -> tuple[jax.Array, dict[str, jax.Array], jax.Array, dict[str, jax.Array] | None]:
    """Pass the interval's spikes, one after the other (by sender, then time), through their
    plastic synapses: each synapse updates its values and sends its weight, which is
    added into the ring buffer like a static synapse's. Returns the ring, the values,
    the lost-history flag and the record buffer.

    Spikes are taken one at a time so that a source spiking twice in an interval
    updates its synapses twice, in order. ``key`` (a JAX random key of this interval
    and projection) gives stochastic synapses one key per spike. Synapses that read
    their targets' spike ``history`` (STDP) get each target's kept spikes, oldest
    first; the returned flag says a synapse needed a spike the history no longer
    keeps. With a ``record`` buffer (weight_recorder), each spike appends one row per
    synapse lane: the synapse's position (-1 for padding lanes), the spike's stamp
    in steps and the weight sent; its ``full`` flag says rows did not fit. The padding
    entry (the last) absorbs lanes beyond a source's synapses.
    """
    from .native import native_stdp
    from .timeconv import DEFAULT_TICS_PER_MS, ms_per_tic, tics_per_ms, tics_per_step

    tics = tics_per_step(h)
    rp = fixed["row_ptr"]
    # Only spikes of sources with synapses here are taken, in NEST's delivery order of a
    # slice: by sender, then time (the order matters where synapses share state).
    n = jnp.minimum(n_spikes, spike_src.shape[0])
    src_ok = jnp.clip(spike_src, 0, rp.shape[0] - 2)
    relevant = (jnp.arange(spike_src.shape[0]) < n) & (rp[src_ok + 1] > rp[src_ok])
    order = jnp.lexsort((spike_step, spike_src, ~relevant))
    spike_src, spike_step, spike_count = spike_src[order], spike_step[order], spike_count[order]
    n_relevant = jnp.sum(relevant)
    # The native kernel counts 1000 tics per ms; another tic length takes the XLA path.
    native = tics_per_ms() == DEFAULT_TICS_PER_MS
    if native and layout.synapse.native_rule() == "stdp_pair" and record is None and history is not None:
        out = native_stdp(
            ring, layout, fixed, dynamic, history, t0, ring_len, width, tics,
            spike_step, spike_src, spike_count, n_relevant,
        )  # fmt: skip
        if out is not None:
            return (*out, record)
    lane = jnp.arange(layout.max_degree)
    pad = fixed["tgt"].shape[0] - 1
    trash = ring_len * width
    at = lambda v, idx: v[idx] if jnp.ndim(v) else v  # noqa: E731 - a value kept once is shared

    def one(i, carry):
        src = spike_src[i]
        start = rp[src]
        ok = lane < rp[src + 1] - start
        idx = jnp.where(ok, start + lane, pad)
        step = t0 + spike_step[i]
        t_spike = ((step + 1) * tics).astype(jnp.float64) * ms_per_tic()  # NEST's stamp in ms
        slot = ((step + at(fixed["delay"], idx)) % ring_len) * width + fixed["tgt"][idx]
        post = _history_of(history, fixed["tgt"][idx] % layout.n_targets) if history is not None else None

        def single(r, carry):
            # NEST passes each spike of a multiple spike through the synapse on its own.
            ring, dynamic, lost, record = carry
            # Model-wide values (common properties kept whole: tables, counts the synapses
            # change) are passed as they are, with which lanes are real synapses.
            shared = dynamic.get(SHARED)
            values = {
                name: at(v, idx)
                for name, v in {**fixed, **dynamic}.items()
                if name not in ("row_ptr", "tgt", SHARED)
            }
            if shared is not None:
                values.update(shared, lane_ok=ok)
            values["delay_ms"] = (values["delay"] * tics).astype(jnp.float64) * ms_per_tic()
            if post is not None:
                values["post"] = post
                # Spikes after the synapse's previous one (minus the dendritic delay) are read.
                t_read = values["t_lastspike"] - values["delay_ms"]
                lost = lost | jnp.any(ok & history_lost(post, t_read, t_spike - values["delay_ms"]))
            spike_key = jax.random.fold_in(jax.random.fold_in(key, i), r)
            new, sent, *passed = layout.synapse.transmit(values, t_spike, spike_key)
            passed = passed[0] if passed else 1.0
            dynamic = {
                name: v.at[idx].set(jnp.where(ok, new[name], v[idx]) if name in new else v[idx])
                for name, v in dynamic.items()
                if name != SHARED
            }
            if shared is not None:
                dynamic[SHARED] = {name: jnp.asarray(new.get(name, v), v.dtype) for name, v in shared.items()}
            weight = (sent if layout.weighted else 1.0) * passed
            ring = ring.at[jnp.where(ok, slot, trash)].add(jnp.where(ok, weight, 0.0))
            if record is not None:
                record = _append_record(record, jnp.where(ok & (passed > 0), idx, -1), step + 1, sent)
            return ring, dynamic, lost, record

        return jax.lax.fori_loop(0, spike_count[i], single, carry)

    return jax.lax.fori_loop(0, n_relevant, one, (ring, dynamic, jnp.bool_(False), record))


def new_record(capacity: int) -> dict[str, jax.Array]:
    """An empty buffer of weight_recorder rows."""
    return {
        "syn": jnp.full(capacity, -1, jnp.int32),
        "stamp": jnp.zeros(capacity, jnp.int64),
        "weight": jnp.zeros(capacity),
        "n": jnp.int64(0),
        "full": jnp.bool_(False),
    }


def _append_record(record: dict, syn: jax.Array, stamp: jax.Array, weight: jax.Array) -> dict:
    lanes = syn.shape[0]
    fits = record["n"] + lanes <= record["syn"].shape[0]
    at = jnp.where(fits, record["n"], 0)
    keep = lambda old, new: jnp.where(fits, jax.lax.dynamic_update_slice(old, new, (at,)), old)  # noqa: E731
    return {
        "syn": keep(record["syn"], syn.astype(jnp.int32)),
        "stamp": keep(record["stamp"], jnp.broadcast_to(stamp, (lanes,)).astype(jnp.int64)),
        "weight": keep(record["weight"], jnp.broadcast_to(weight, (lanes,)).astype(jnp.float64)),
        "n": record["n"] + jnp.where(fits, lanes, 0),
        "full": record["full"] | ~fits,
    }


def history_lost(post: dict[str, jax.Array], t1: jax.Array, t2: jax.Array) -> jax.Array:
    """Whether a synapse reading its target's spikes in (t1, t2] (and the last one
    before t2, for Kminus) needs a spike the history has dropped: the newest dropped
    one lies in the read range, or every kept one is too late to give Kminus at t2."""
    from .synapses.stdp_synapse import STDP_EPS

    read_dropped = post["dropped"] - t1 >= STDP_EPS
    none_before_t2 = t2 - post["t"][0] <= STDP_EPS
    return post["full"] & (read_dropped | none_before_t2)


def _history_of(history: dict[str, jax.Array], local: jax.Array) -> dict[str, jax.Array]:
    """The kept spikes of the neurons ``local``, oldest first: times, Kminus and the
    triplet Kminus as [M, len(local)], whether each entry exists, and whether older
    ones were dropped."""
    M = history["t"].shape[1]
    count = history["count"][local]
    age = jnp.arange(M - 1, -1, -1)[:, None]  # row j holds the (M-1-j)-th newest spike
    slot = (count[None, :] - 1 - age) % M
    cols = local[None, :]
    # The history is neuron-major ([n, M]); the view is [M, len(local)].
    per_neuron = {
        name: history[name][local] if jnp.ndim(history[name]) else history[name]
        for name in ("tau_minus_inv", "tau_minus_triplet_inv")
    }
    return {
        "t": history["t"][cols, slot],
        "K": history["K"][cols, slot],
        "K3": history["K3"][cols, slot],
        "valid": age < count[None, :],
        "full": count > M,
        "dropped": history["dropped"][local],
        **per_neuron,
    }
