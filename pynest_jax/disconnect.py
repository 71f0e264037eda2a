"""``Disconnect`` and ``SynapseCollection.disconnect``, with NEST 3.10's rules.

NEST removes, for each (source, target) pair it is asked about, the first
connection of the synapse model between them (in GetConnections order), and
raises ``InexistentConnection`` when there is none. It cannot find connections
from or to devices (they are stored apart), so those never disconnect. Only the
rules ``one_to_one`` and ``all_to_all`` disconnect; ``allow_autapses``,
``allow_multapses`` and ``make_symmetric`` are read but ignored.

Unlike NEST, which may have removed some connections when it meets a missing
one, nothing is removed unless every requested connection exists. The
remaining connections keep their state (plastic weights and traces); the
compiled network is rebuilt on the next simulation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .connect_input import CollocatedSynapses, check_spec_keys, spec_entry, syn_spec_dicts
from .connection_rules import check_conn_spec
from .delivery import is_uniform
from .errors import NESTErrors
from .nodecollection import NodeCollection, SynapseCollection

__all__ = ["Disconnect", "disconnect_synapses"]

_ARGUMENTS = "Arguments must be either a SynapseCollection or two NodeCollections"
_INEXISTENT = "Deletion of connection is not possible because it does not exist."


def _kernel() -> Any:
    from .kernel import KERNEL

    return KERNEL


def Disconnect(*args: Any, conn_spec: Any = None, syn_spec: Any = None) -> None:
    """Remove the connections of a SynapseCollection, or those from ``pre`` to ``post``
    (NodeCollections) by ``conn_spec`` (``one_to_one`` by default, or ``all_to_all``)
    of the model in ``syn_spec`` (``static_synapse`` by default)."""
    if len(args) == 1:
        synapses = args[0]
        if not isinstance(synapses, SynapseCollection):
            raise TypeError(_ARGUMENTS)
        if conn_spec is not None or syn_spec is not None:
            raise ValueError(
                "When disconnecting with a SynapseCollection, conn_spec and syn_spec cannot be specified"
            )
        disconnect_synapses(synapses)
        return
    if len(args) != 2:
        raise TypeError(_ARGUMENTS)
    conn_spec = "one_to_one" if conn_spec is None else conn_spec
    syn_spec = "static_synapse" if syn_spec is None else syn_spec
    if isinstance(conn_spec, str):
        conn_spec = {"rule": conn_spec}
    if isinstance(syn_spec, str):
        syn_spec = {"synapse_model": syn_spec}
    pre, post = args
    if not isinstance(pre, NodeCollection) or not isinstance(post, NodeCollection):
        raise TypeError(_ARGUMENTS)
    # PyNEST's kernel interface: a conn_spec without a rule means all_to_all (the
    # membership test and assignment fail for non-dicts just as there).
    conn = dict(conn_spec) if isinstance(conn_spec, dict) else conn_spec
    if "rule" not in conn:
        conn["rule"] = "all_to_all"
    if isinstance(syn_spec, CollocatedSynapses):
        if len(syn_spec) != 1:
            raise NESTErrors.BadProperty(
                "Disconnect() only accepts a single synapse specification, no collocated synapses."
            )
        syn_spec = syn_spec.syn_specs[0]
    (spec,) = syn_spec_dicts([syn_spec])
    n_pre, n_post = len(pre), len(post)
    check_conn_spec(conn, n_pre, n_post, connecting=False, full=False)
    entry = spec_entry(spec)
    rule = check_conn_spec(conn, n_pre, n_post, connecting=False)["rule"]
    check_spec_keys(spec, entry, "Disconnect")
    if rule == "one_to_one":
        src, tgt = pre.ids, post.ids
    elif rule == "all_to_all":
        src = np.tile(pre.ids, n_post)  # NEST walks the targets, and for each the sources
        tgt = np.repeat(post.ids, n_pre)
    else:
        raise NESTErrors.NotImplemented("This disconnection rule is not implemented.")
    blocks, index = _first_matches(entry.name, np.asarray(src, np.int64), np.asarray(tgt, np.int64))
    _remove(blocks, index)


def disconnect_synapses(synapses: SynapseCollection) -> None:
    """``SynapseCollection.disconnect``: as NEST, each entry removes the first connection
    of its model between its source and target."""
    k = _kernel()
    blocks, index = np.asarray(synapses._block, np.int64), np.asarray(synapses._index, np.int64)
    if not len(blocks):
        return
    src, tgt = np.empty(len(blocks), np.int64), np.empty(len(blocks), np.int64)
    models_arr = np.empty(len(blocks), dtype=object)
    for b in np.unique(blocks):
        sel = np.flatnonzero(blocks == b)
        blk = k.connections[int(b)] if 0 <= b < len(k.connections) else None
        idx = index[sel]
        # entries of a collection made before a Disconnect may point past the end
        if blk is None or np.any((idx < 0) | (idx >= len(blk.source))):
            raise NESTErrors.InexistentConnection(_INEXISTENT)
        src[sel], tgt[sel] = blk.source[idx], blk.target[idx]
        models_arr[sel] = blk.syn_model
    found_b, found_i = [], []
    for model in dict.fromkeys(models_arr.tolist()):
        sel = models_arr == model
        b, i = _first_matches(model, src[sel], tgt[sel])
        found_b.append(b)
        found_i.append(i)
    _remove(np.concatenate(found_b), np.concatenate(found_i))


def _first_matches(model: str, src: np.ndarray, tgt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(block, index) of the first connections of ``model`` for the requested pairs (a
    pair asked for m times takes the first m); InexistentConnection if any is missing."""
    k = _kernel()
    if not len(src):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # NEST only finds connections between nodes that have proxies (not devices).
    neuronal = np.array([g.cls.kind == "neuron" for g in k.groups], dtype=bool)
    parts = []
    for b, blk in enumerate(k.connections):
        if blk.syn_model != model or not len(blk.source):
            continue
        s, t = np.asarray(blk.source, np.int64), np.asarray(blk.target, np.int64)
        ok = neuronal[k.node_group[s - 1]] & neuronal[k.node_group[t - 1]]
        idx = np.flatnonzero(ok)
        parts.append((s[idx], t[idx], np.full(len(idx), b, np.int64), idx))
    if not parts:
        raise NESTErrors.InexistentConnection(_INEXISTENT)
    cs, ct, cb, ci = (np.concatenate(col) for col in zip(*parts, strict=True))
    width = np.int64(k.network_size + 1)
    keys = cs * width + ct
    order = np.lexsort((ci, cb, keys))  # by pair, then in GetConnections order
    sorted_keys = keys[order]
    wanted, counts = np.unique(src * width + tgt, return_counts=True)
    start = np.searchsorted(sorted_keys, wanted, side="left")
    stop = np.searchsorted(sorted_keys, wanted, side="right")
    if np.any(stop - start < counts):
        raise NESTErrors.InexistentConnection(_INEXISTENT)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.repeat(start, counts) + (np.arange(int(counts.sum())) - offsets)
    chosen = order[pos]
    return cb[chosen], ci[chosen]


def _take(values: np.ndarray, keep: np.ndarray, n_keep: int) -> np.ndarray:
    """The kept entries of a connection column; one value for all stays a broadcast view."""
    if is_uniform(values):
        return np.broadcast_to(values[:1].copy()[0], (n_keep,))
    return np.asarray(values)[keep]


def _remove(blocks: np.ndarray, index: np.ndarray) -> None:
    """Delete connections from their blocks (emptied blocks stay, so that the block
    numbers of other SynapseCollections keep their meaning)."""
    if not len(blocks):
        return
    k = _kernel()
    k.invalidate()  # plastic state comes back from the device first
    for b in np.unique(blocks):
        blk = k.connections[int(b)]
        keep = np.ones(len(blk.source), dtype=bool)
        keep[index[blocks == b]] = False
        n_keep = int(keep.sum())
        # NEST's has_connections stays set once a node got spike input.
        k.removed_connections.append((np.asarray(blk.source)[~keep], np.asarray(blk.target)[~keep]))
        blk.source = np.asarray(blk.source)[keep]
        blk.target = np.asarray(blk.target)[keep]
        blk.weight = _take(blk.weight, keep, n_keep)
        blk.delay = _take(blk.delay, keep, n_keep)
        blk.receptor = _take(blk.receptor, keep, n_keep)
        blk.extra = {name: _take(values, keep, n_keep) for name, values in blk.extra.items()}
