"""The engine: the kernel compiled into device arrays and one jitted interval step.

Time advances in *intervals* of ``D`` steps, ``D`` being the smallest delay
of any spike connection (NEST's min_delay). Within an interval every
population group updates independently (one vectorised update per group and
step, inside ``lax.scan``); spikes emitted in an interval cannot arrive before
the next one, so they are gathered once per interval (fixed capacity, with
overflow detection and a redo at larger capacity) and only the outgoing
synapses of the neurons that spiked are touched when they are written into
the targets' ring buffers. ``Simulate`` runs many intervals per jitted call
(``lax.fori_loop`` with a traced trip count, so any duration reuses one
compiled function).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .delivery import (
    SHARED,
    Layout,
    Part,
    PlasticLayout,
    PlasticPart,
    build_plastic_projection,
    build_projection,
    compact,
    deliver,
    deliver_plastic,
    history_lost,
    is_uniform,
    new_record,
)
from .errors import NESTErrors
from .kernel import LAST_SPIKE
from .models.base import StepContext
from .synapses.stdp_synapse import STDP_EPS
from .timeconv import ms_per_tic, ms_to_steps, tics_per_step

jax.config.update("jax_enable_x64", True)

# Firing rate (spikes/s) that the initial spike buffers can hold; they grow on overflow.
_INITIAL_RATE = 200.0
# Intervals per jitted call: bounds recording buffers and sets the progress granularity.
_MAX_INTERVALS_PER_CALL = 1024


@dataclass(frozen=True)
class Plan:
    """Everything static about a compiled network: the key of the jit cache."""

    h: float
    group_cls: tuple  # model class per group
    group_n: tuple[int, ...]  # rounded up to a size bucket for padded groups
    padded: tuple[bool, ...]  # group whose neurons beyond the real count are padding
    group_channels: tuple[int, ...]  # ring-buffer channels per group (0: no ring)
    spiking: tuple[bool, ...]  # group emits spikes into the global spike vector
    n_spiking: int
    D: int
    L: int
    projections: tuple[Layout, ...]
    plastic: tuple[PlasticLayout, ...]  # projections of synapses that change with spikes
    history_groups: tuple[int, ...]  # groups whose spike history plastic synapses read
    history_len: int  # spikes kept per neuron
    stim_sets: tuple[tuple[int, int], ...]  # (stimulator group, target group)
    # Per stimulator set: the first ring index of its targets when they are one ascending
    # run and the delay is uniform (written as a window, without a scatter), else -1.
    stim_windows: tuple[int, ...]
    spike_capacity: int
    rec_capacity: int  # spikes recorded per interval
    rec_buffer: int  # spikes recorded per call
    recording: bool  # some spike recorder listens
    samplers: tuple[tuple[tuple[int, str], ...], ...]  # per multimeter: (group, variable) blocks
    sample_buffer: int
    max_intervals: int
    # Volume transmitters: their group (-1: none), per plastic projection the transmitter
    # (local index, -1: none) whose dopamine spikes its synapses read, and the entries
    # of each transmitter's list of spikes since its last trigger.
    vt_group: int = -1
    dopamine: tuple[int, ...] = ()
    dopa_capacity: int = 1


class Engine:
    """Device-side image of the kernel's network, rebuilt when the network changes."""

    def __init__(self, kernel: Any) -> None:
        self.k = kernel
        self.h = kernel.h
        self._build()
        self.params_dirty = True
        self.state_on_device = False

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        k = self.k
        groups = k.groups
        h = self.h
        self.spiking = [g.cls.kind in ("neuron", "spike_source") for g in groups]
        # Small neuron groups are padded to a size bucket, so that a network differing only
        # in its population sizes reuses the compiled program; padding neurons update
        # like the group's last neuron but never spike, and nothing connects to them.
        self.padded = [
            g.cls.kind == "neuron" and not getattr(g.cls, "collects_spikes", False) and g.n <= _MAX_PADDED
            for g in groups
        ]
        self.n_dev = [_bucket(g.n) if pad else g.n for g, pad in zip(groups, self.padded, strict=True)]
        self.sidx_offset = []
        off = 0
        for nd, sp in zip(self.n_dev, self.spiking, strict=True):
            self.sidx_offset.append(off)
            off += nd if sp else 0
        self.n_spiking = off
        gid_sidx = np.full(k.network_size + 1, -1, dtype=np.int32)
        sidx_gid = np.zeros(self.n_spiking, dtype=np.int64)  # 0: a padding neuron
        for gi, g in enumerate(groups):
            if self.spiking[gi]:
                sl = self.sidx_offset[gi] + np.arange(g.n)
                gid_sidx[g.gids] = sl
                sidx_gid[sl] = g.gids
        self.gid_sidx, self.sidx_gid = gid_sidx, sidx_gid
        self.channels = [g.cls.n_channels(g.params) if g.cls.kind == "neuron" else 0 for g in groups]

        def per_group(flag) -> np.ndarray:
            return np.array([bool(flag(g.cls)) for g in groups] + [False], dtype=bool)

        # Spike sources that deliver like stimulators (one value per connection and
        # step, e.g. a spike_generator's weighted spikes) go through the stimulator path.
        is_spiking = per_group(
            lambda c: c.kind in ("neuron", "spike_source") and not getattr(c, "delivers_as_stimulus", False)
        )
        is_stim = per_group(lambda c: c.kind == "stimulator" or getattr(c, "delivers_as_stimulus", False))
        is_neuron = per_group(lambda c: c.kind == "neuron")
        is_recorder = per_group(lambda c: c.kind == "recorder")

        # Every Connect call is cut into pieces whose sources lie in one group and whose
        # targets lie in one group (usually the whole call), so that one value for all
        # (weight, delay) stays one value and only spike connections are sorted.
        spike_parts: dict[int, list[Part]] = {}
        plastic_parts: dict[tuple[int, str], list[PlasticPart]] = {}
        others = []
        min_delays, max_delays = [], []
        for b, blk in enumerate(k.connections):
            if not len(blk.source):
                continue
            syn_cls = k.synapse_models[blk.syn_model].cls
            steps = _steps_of(blk.delay, h)
            for si, gi, sel in _pieces(
                _node_groups(k.node_group, blk.source), _node_groups(k.node_group, blk.target), len(groups)
            ):
                src_p, tgt_p, w_p, d_p, r_p = (
                    x[sel] for x in (blk.source, blk.target, blk.weight, steps, blk.receptor)
                )
                min_delays.append(d_p.min())
                if is_spiking[si] and is_neuron[gi]:
                    g = groups[gi]
                    chan = _uniform_apply(lambda r, w, g=g: g.cls.spike_channel(r, w), r_p, w_p)
                    # int32 ring offsets: a group's ring row is far below 2**31 entries.
                    local = _local_index(g.gids, tgt_p, k.node_local)
                    part = Part(
                        src=_local_index(groups[si].gids, src_p, k.node_local) + self.sidx_offset[si],
                        tgt=chan.astype(np.int32) * np.int32(self.n_dev[gi]) + local,
                        weight=w_p if g.cls.spike_weighted else np.broadcast_to(1.0, w_p.shape),
                        delay=d_p,
                    )
                    if syn_cls.plastic():
                        entry = k.synapse_models[blk.syn_model]
                        shape = w_p.shape
                        common = {
                            c: np.broadcast_to(float(entry.default(c)), shape)
                            for c in syn_cls.common
                            if c not in _model_wide(syn_cls, entry)
                        }
                        values = {**common, "weight": w_p, **{name: v[sel] for name, v in blk.extra.items()}}
                        index = np.arange(len(blk.source))[sel]
                        plastic_parts.setdefault((gi, blk.syn_model), []).append(
                            PlasticPart(part, values, np.full(len(index), b), index)
                        )
                    else:
                        spike_parts.setdefault(gi, []).append(part)
                    max_delays.append(d_p.max())
                else:
                    others.append((src_p, tgt_p, np.asarray(w_p, float), np.asarray(d_p), np.asarray(r_p)))
                    if is_stim[si] and is_neuron[gi]:
                        max_delays.append(d_p.max())
        if others:
            src, tgt, w, dsteps, rec = (np.concatenate(cols) for cols in zip(*others, strict=True))
        else:
            src = tgt = dsteps = rec = np.zeros(0, np.int64)
            w = np.zeros(0)
        sg, tg = k.node_group[src - 1], k.node_group[tgt - 1]
        spike_src = per_group(lambda c: c.kind in ("neuron", "spike_source"))[sg]
        stim_conn = is_stim[sg] & is_neuron[tg]
        rec_conn = is_recorder[tg]
        # Multimeters sample neurons, and stimulators that have recordables (a generator's I).
        is_sampled = per_group(lambda c: c.kind == "neuron" or (c.kind == "stimulator" and c.recordables))
        sample_conn = is_recorder[sg] & is_sampled[tg]

        spike_delays = [int(p.delay.min()) for parts in spike_parts.values() for p in parts]
        spike_delays += [int(p.part.delay.min()) for parts in plastic_parts.values() for p in parts]
        self.D = min(spike_delays) if spike_delays else max(1, int(ms_to_steps(1.0, h)))
        # NEST's min_delay counts every connection; it sets when multimeters get their data.
        self.D_nest = int(min(min_delays)) if min_delays else 1
        if k.delay_extrema_tics is not None:  # a script's min_delay is NEST's slice length
            self.D_nest = max(1, int(k.delay_extrema_tics[0] // tics_per_step(h)))
        if any(_uses_vt(k.synapse_models[m].cls) for _, m in plastic_parts):
            # A volume transmitter triggers its synapses at the end of NEST's slices, between
            # the delivery of the previous slice's spikes and the next: intervals are slices.
            self.D = self.D_nest
        elif self.n_spiking <= _MAX_PADDED and not plastic_parts:
            # A small network's program is reused by networks whose delays differ a little:
            # any interval no longer than the smallest delay is exact (plastic synapses
            # see spikes at NEST's slice boundaries: their intervals stay the slices).
            self.D = _interval_bucket(self.D)
        dmax = int(max(max_delays)) if max_delays else 1
        # A multiple of D, so that an interval's rows are contiguous in the ring.
        intervals = -(-(dmax + self.D) // self.D)
        self.L = self.D * (_pow2(intervals) if self.n_spiking <= _MAX_PADDED else intervals)

        # Spike projections: one per target group, CSR over the spike index of the source.
        self.proj_data = []
        proj_static = []
        for gi, parts in sorted(spike_parts.items()):
            layout, data = build_projection(parts, self.n_spiking, gi, self.D * h)
            self.proj_data.append(data)
            proj_static.append(layout)

        # Plastic projections: one per (target group, synapse model), with the values
        # the synapses change carried from interval to interval.
        self.plastic_data, self.plastic_dynamic, self.plastic_home = [], [], []
        self.plastic_models: list[str] = []
        # Per recorded plastic projection: (weight_recorder gid, per-synapse event columns).
        self.weight_events: dict[int, tuple[int, dict[str, np.ndarray]]] = {}
        plastic_static = []
        history_groups = sorted(
            {gi for gi, syn_model in plastic_parts if k.synapse_models[syn_model].cls.reads_history}
        )
        for (gi, syn_model), parts in sorted(plastic_parts.items()):
            syn_cls = k.synapse_models[syn_model].cls
            layout, data, dynamic, home = build_plastic_projection(
                parts, self.n_spiking, gi, syn_cls, self.n_dev[gi], groups[gi].cls.spike_weighted
            )
            wide = _model_wide(syn_cls, k.synapse_models[syn_model])
            if wide:
                dynamic[SHARED] = wide
            self.plastic_models.append(syn_model)
            recorder = int(k.synapse_models[syn_model].defaults.get("weight_recorder", 0))
            if recorder:
                layout = _replace_layout(layout, record=_RECORD_ROWS)
                self.weight_events[len(plastic_static)] = (recorder, self._event_meta(syn_model, *home))
            plastic_static.append(layout)
            self.plastic_data.append(data)
            self.plastic_dynamic.append(dynamic)
            self.plastic_home.append(home)
        vt_group = next((gi for gi, g in enumerate(groups) if getattr(g.cls, "collects_spikes", False)), -1)
        dopamine = tuple(
            int(k.node_local[int(k.synapse_models[m].default("volume_transmitter")) - 1])
            if _uses_vt(k.synapse_models[m].cls)
            else -1
            for _, m in sorted(plastic_parts)
        )

        # Stimulator connections, one set per (stimulator group, target group).
        self.stim_data = []
        stim_static = []
        stim_windows = []
        for si, sgp in enumerate(groups):
            if not is_stim[si]:
                continue
            for gi, g in enumerate(groups):
                m = stim_conn & (sg == si) & (tg == gi)
                if not m.any():
                    continue
                local = k.node_local[tgt[m] - 1]
                width = self.n_dev[gi]
                if sgp.cls.emits == "current":
                    chan = g.cls.current_channel(rec[m])
                else:
                    chan = g.cls.spike_channel(rec[m], w[m])
                sdata = {
                    "src": k.node_local[src[m] - 1],
                    "tgt": chan.astype(np.int64) * width + local,
                    "weight": _scalar_if_uniform(
                        w[m] if g.cls.spike_weighted or sgp.cls.emits == "current" else np.ones(m.sum())
                    ),
                    "delay": _scalar_if_uniform(dsteps[m]),
                }
                window = -1
                if getattr(sgp.cls, "delivers_as_stimulus", False):
                    # Spikes whose own weight is negative flip the sign of the event weight.
                    sdata["tgt_neg"] = g.cls.spike_channel(rec[m], -w[m]).astype(np.int64) * width + local
                elif (
                    len(local) > _MAX_PADDED
                    and sdata["delay"].ndim == 0
                    and np.all(np.diff(sdata["tgt"]) == 1)
                ):
                    window = int(sdata["tgt"][0])
                if window < 0:
                    # A target past the ring's end from any slot: dropped.
                    sdata = _pad_connections(sdata, self.L * self.channels[gi] * width + 1)
                self.stim_data.append(sdata)
                stim_static.append((si, gi))
                stim_windows.append(window)

        # Spike-emitting stimulators connected to a spike recorder (NEST draws a separate
        # train for every such connection): each connection is a virtual spike source,
        # numbered after the real ones, whose draws are recorded like spikes.
        virtual_gid = []
        virtual_of: dict[int, list[int]] = {}
        for si, sgp in enumerate(groups):
            if not (sgp.cls.kind == "stimulator" and sgp.cls.emits == "spike"):
                continue
            m = (sg == si) & rec_conn
            if not m.any():
                continue
            self.stim_data.append({"src": k.node_local[src[m] - 1]})
            stim_static.append((si, -1))
            stim_windows.append(-1)
            first = self.n_spiking + len(virtual_gid)
            for r_gid in np.unique(tgt[m]):
                virtual_of.setdefault(int(r_gid), []).extend(first + np.nonzero(tgt[m] == r_gid)[0])
            virtual_gid.extend(src[m].tolist())
        self.stim_static = stim_static
        self.sidx_gid = np.concatenate([sidx_gid, np.asarray(virtual_gid, dtype=np.int64)])

        # Spike recorders: which spike indices they listen to (demultiplexed on the host).
        self.rec_mask = np.zeros(self.n_spiking, dtype=bool)
        self.recorder_sources: dict[int, np.ndarray] = {}
        for r_gid in np.unique(tgt[rec_conn]) if rec_conn.any() else []:
            m = rec_conn & (tgt == r_gid) & spike_src
            sidx = gid_sidx[src[m]]
            self.recorder_sources[int(r_gid)] = np.unique(
                np.concatenate([sidx, virtual_of.get(int(r_gid), [])])
            )
            self.rec_mask[sidx] = True
        n_virtual = len(virtual_gid)

        # Multimeters: the values they sample, grouped by target group.
        samplers = []
        self.sampler_info = []
        for m_gid in np.unique(src[sample_conn]) if sample_conn.any() else []:
            mg = groups[k.node_group[m_gid - 1]]
            mi = int(k.node_local[m_gid - 1])
            variables = list(mg.params["record_from"][mi])
            if not variables:  # NEST's data loggers record nothing then
                continue
            targets = tgt[sample_conn & (src == m_gid)]
            blocks_ = []
            gather = []
            for gi in np.unique(k.node_group[targets - 1]):
                tg_gids = targets[k.node_group[targets - 1] == gi]
                loc = k.node_local[tg_gids - 1]
                for var in variables:
                    if var not in groups[gi].cls.recordables_of(groups[gi].params, int(loc[0])):
                        raise NESTErrors.IllegalConnection(
                            f"Creation of connection is not possible because the recordable {var} "
                            f"is not available in {groups[gi].model_names[int(loc[0])]}."
                        )
                    blocks_.append((int(gi), var))
                    gather.append((tg_gids, loc))
            samplers.append(tuple(blocks_))
            self.sampler_info.append(
                {"gid": int(m_gid), "variables": variables, "gather": gather, "blocks": blocks_}
            )
        self.sampler_locals = [_pad_sampled([loc for _, loc in info["gather"]]) for info in self.sampler_info]

        # The recorded real sources, padded to a size bucket with an index past every spike
        # column (a column of zeros), then the virtual ones.
        recorded = np.nonzero(self.rec_mask)[0]
        recorded = np.concatenate([recorded, np.full(_bucket(len(recorded)) - len(recorded), self.n_spiking)])
        n_rec_sources = len(recorded) + n_virtual
        self.plan = Plan(
            h=h,
            group_cls=tuple(g.cls for g in groups),
            group_n=tuple(self.n_dev),
            padded=tuple(self.padded),
            group_channels=tuple(self.channels),
            spiking=tuple(self.spiking),
            n_spiking=self.n_spiking,
            D=self.D,
            L=self.L,
            projections=tuple(proj_static),
            plastic=tuple(plastic_static),
            history_groups=tuple(history_groups),
            history_len=max(
                [_HISTORY_LEN] + [h["t"].shape[1] for gi, h in k.post_history.items() if gi in history_groups]
            ),
            stim_sets=tuple(stim_static),
            stim_windows=tuple(stim_windows),
            spike_capacity=_capacity(self.n_spiking, self.D, h),
            rec_capacity=_capacity(n_rec_sources, self.D, h),
            rec_buffer=_pow2(_capacity(n_rec_sources, self.D, h) * _MAX_INTERVALS_PER_CALL // 4),
            recording=bool(self.rec_mask.any()) or n_virtual > 0,
            samplers=tuple(samplers),
            sample_buffer=(_MAX_INTERVALS_PER_CALL + 1) * self.D if samplers else 1,
            max_intervals=_MAX_INTERVALS_PER_CALL,
            vt_group=vt_group,
            dopamine=dopamine,
            dopa_capacity=self._dopa_capacity(vt_group),
        )
        self.proj_dev = [jax.tree.map(jnp.asarray, p) for p in self.proj_data]
        self.plastic_dev = [jax.tree.map(jnp.asarray, p) for p in self.plastic_data]
        self.syn_dyn = [jax.tree.map(jnp.asarray, d) for d in self.plastic_dynamic]
        self.pending = self._initial_pending()
        self.dopa = self._initial_dopamine()
        self.stim_dev = [jax.tree.map(jnp.asarray, s) for s in self.stim_data]
        # Spike indices searched for recorded spikes: real sources first, then virtual ones.
        rec_idx = np.concatenate([recorded, self.n_spiking + np.arange(n_virtual)])
        self.rec_idx_dev = jnp.asarray(rec_idx.astype(np.int32))
        self.real_n = jnp.asarray(np.array([g.n for g in groups], dtype=np.int32))
        self.stim_conn_state = [
            jax.tree.map(jnp.asarray, groups[si].cls.conn_state(len(d["src"])))
            for (si, _), d in zip(stim_static, self.stim_data, strict=True)
        ]
        # Flat ring buffers [L * C * n + 1]; the last entry absorbs padded events.
        self.ring = [self._initial_ring(gi, c) for gi, c in enumerate(self.channels)]
        self.sampler_params = [None] * len(self.sampler_info)

    # ----------------------------------------------------------- host <-> device
    def mark_params_dirty(self) -> None:
        self.params_dirty = True

    def _upload(self) -> None:
        k = self.k
        if self.params_dirty:
            self.dev_params = [
                jax.tree.map(
                    _shared_if_uniform if g.cls.kind == "neuron" else jnp.asarray,
                    g.cls.device_params(_pad_columns(g.params, n_dev), self.h),
                )
                for g, n_dev in zip(k.groups, self.n_dev, strict=True)
            ]
            old = getattr(self, "dev_state", None)
            self.dev_state = [
                jax.tree.map(
                    jnp.asarray,
                    g.cls.device_state(
                        _pad_columns(g.params, n_dev),
                        _pad_columns(
                            {
                                name: _dense(v)
                                for name, v in g.state.items()
                                if name == LAST_SPIKE or g.cls.state[name].dtype != str
                            },
                            n_dev,
                        ),
                    ),
                )
                for g, n_dev in zip(k.groups, self.n_dev, strict=True)
            ]
            for gi in self.plan.history_groups:
                kept = old[gi].get(HISTORY) if old is not None else None
                self.dev_state[gi][HISTORY] = kept if kept is not None else self._initial_history(gi)
            self.sampler_params = []
            for info in self.sampler_info:
                mg = k.groups[k.node_group[info["gid"] - 1]]
                mi = int(k.node_local[info["gid"] - 1])
                self.sampler_params.append(mg.cls.sampling_window(mg.params, mi, self.h))
            self.params_dirty = False
            self.state_on_device = True

    def _initial_ring(self, gi: int, channels: int) -> jax.Array:
        """A fresh ring buffer, holding the input a previous engine had not yet delivered."""
        g, n_dev = self.k.groups[gi], self.n_dev[gi]
        ring = np.zeros(self.L * channels * n_dev + 1)
        pending = g.pending_input
        if pending is not None and channels:
            ahead = min(pending.shape[0], self.L)
            view = ring[:-1].reshape(self.L, channels, n_dev)
            rows = (self.k.time_steps + np.arange(ahead)) % self.L
            c, n = min(channels, pending.shape[1]), min(g.n, pending.shape[2])
            view[rows, :c, :n] = pending[:ahead, :c, :n]
        g.pending_input = None
        return jnp.asarray(ring)

    def _initial_pending(self) -> dict[str, jax.Array]:
        """Spikes whose plastic synapses have not yet seen them (NEST passes a slice's
        spikes through the synapses at the start of the next slice), restored from
        the previous engine."""
        K = self.plan.spike_capacity
        out = {
            "t0": np.int64(-1),
            "step": np.zeros(K, np.int32),
            "src": np.zeros(K, np.int32),
            "cnt": np.zeros(K, np.int32),
            "n": np.int64(0),
        }
        saved = self.k.pending_spikes
        if saved is not None and self.plan.plastic:
            t0, steps, gids, counts = saved
            keep = self.gid_sidx[gids] >= 0
            n = min(int(keep.sum()), K)
            out["t0"] = np.int64(t0)
            out["step"][:n] = steps[keep][:n]
            out["src"][:n] = self.gid_sidx[gids[keep]][:n]
            out["cnt"][:n] = counts[keep][:n]
            out["n"] = np.int64(n)
        self.k.pending_spikes = None
        return {k: jnp.asarray(v) for k, v in out.items()}

    def _dopa_capacity(self, vt_group: int) -> int:
        """Entries a transmitter's dopamine list needs: one per step between triggers
        and the leading one (grown when a transmitter's interval changes)."""
        if vt_group < 0:
            return 1
        every = np.abs(np.asarray(self.k.groups[vt_group].params["deliver_interval"], dtype=np.int64))
        kept = max((len(t) for t, _ in self.k.dopamine_spikes.values()), default=0)
        return max(int(self.D * max(1, int(every.max(initial=1))) + 1), kept)

    def _initial_dopamine(self) -> dict[str, jax.Array]:
        """Each volume transmitter's dopamine spikes since its last trigger, headed by an
        entry (time of the trigger, multiplicity 0), restored from the previous engine."""
        gi = self.plan.vt_group
        if gi < 0:
            return {}
        g = self.k.groups[gi]
        cap = self.plan.dopa_capacity
        out = {"t": np.zeros((g.n, cap)), "m": np.zeros((g.n, cap)), "n": np.ones(g.n, np.int64)}
        for i, gid in enumerate(g.gids):
            saved = self.k.dopamine_spikes.get(int(gid))
            if saved is not None:
                n = min(len(saved[0]), cap)
                out["t"][i, :n], out["m"][i, :n], out["n"][i] = saved[0][:n], saved[1][:n], n
        return {name: jnp.asarray(v) for name, v in out.items()}

    def _initial_history(self, gi: int) -> dict[str, jax.Array]:
        """A group's spike history as plastic synapses read it (NEST's archiving node):
        the last ``history_len`` spike times (ms) of each neuron (neuron-major, a ring
        of ``history_len`` entries per neuron) with the traces Kminus
        (``tau_minus``) and the triplet Kminus (``tau_minus_triplet``) just after each,
        and the number of spikes so far; restored from the kernel when the previous
        engine kept one for these neurons; ``dropped``: the newest spike time each
        neuron's ring has overwritten. ``need`` (set at each call) is the earliest
        time a synapse onto each neuron may still read; ``overflow`` says a spike would
        have replaced an entry still needed (the history then grows)."""
        g = self.k.groups[gi]
        M, n = self.plan.history_len, self.n_dev[gi]
        hist = {
            "t": np.zeros((n, M)),
            "K": np.zeros((n, M)),
            "K3": np.zeros((n, M)),
            "count": np.zeros(n, np.int64),
            "dropped": np.full(n, -np.inf),
            "need": np.full(n, -np.inf),
            "overflow": np.bool_(False),
            "tau_minus_inv": 1.0 / _pad_rows(np.asarray(g.params["tau_minus"], dtype=float), n),
            "tau_minus_triplet_inv": 1.0
            / _pad_rows(np.asarray(g.params["tau_minus_triplet"], dtype=float), n),
        }
        saved = self.k.post_history.get(gi)
        if saved is not None:
            saved = _relayout_history(saved, M)
            m = min(n, saved["t"].shape[0])
            for name in ("t", "K", "K3", "count", "dropped"):
                hist[name][:m] = saved[name][:m]
        return {name: jnp.asarray(v) for name, v in hist.items()}

    def _grow_history(self) -> None:
        """Double the spikes kept per neuron (up to _MAX_HISTORY_LEN), keeping each
        neuron's newest entries."""
        plan = self.plan
        M = plan.history_len * 2
        if M > _MAX_HISTORY_LEN:
            raise NESTErrors.KernelException(
                f"A plastic synapse may still need one of its target's last {plan.history_len} spikes "
                "(a presynaptic neuron was silent while its target fired that often); pynest_jax keeps at "
                f"most {plan.history_len} spikes per neuron."
            )
        for gi in plan.history_groups:
            hist = {name: np.asarray(v) for name, v in self.dev_state[gi][HISTORY].items()}
            self.dev_state[gi][HISTORY] = {
                name: jnp.asarray(v) for name, v in {**hist, **_relayout_history(hist, M)}.items()
            }
        self.plan = _replace(plan, history_len=M)

    def save_pending_input(self) -> None:
        """Keep the ring buffers' contents, relative to the current step, in the groups,
        and the spikes plastic synapses have not seen yet (and the volume transmitters'
        dopamine spikes) in the kernel."""
        if self.dopa:
            counts = np.asarray(self.dopa["n"])
            t, m = np.asarray(self.dopa["t"]), np.asarray(self.dopa["m"])
            gids = self.k.groups[self.plan.vt_group].gids
            self.k.dopamine_spikes = {
                int(gid): (t[i, : counts[i]], m[i, : counts[i]]) for i, gid in enumerate(gids)
            }
        self.k.post_history = {
            gi: {name: np.asarray(v) for name, v in self.dev_state[gi][HISTORY].items()}
            for gi in self.plan.history_groups
            if HISTORY in self.dev_state[gi]
        }
        n = int(self.pending["n"])
        if n:
            sidx = np.asarray(self.pending["src"])[:n]
            self.k.pending_spikes = (
                int(self.pending["t0"]),
                np.asarray(self.pending["step"])[:n],
                self.sidx_gid[sidx],
                np.asarray(self.pending["cnt"])[:n],
            )
        now = self.k.time_steps
        for g, c, ring, n_dev in zip(self.k.groups, self.channels, self.ring, self.n_dev, strict=True):
            if not c:
                continue
            view = np.asarray(ring)[:-1].reshape(self.L, c, n_dev)[:, :, : g.n]
            g.pending_input = view[(now + np.arange(self.L)) % self.L]

    def sync_to_host(self) -> None:
        """Write the device state back into the kernel's host arrays."""
        if not self.state_on_device:
            return
        for g, st, n_dev in zip(self.k.groups, self.dev_state, self.n_dev, strict=True):
            for name, v in st.items():
                if name == HISTORY:
                    continue
                v = np.array(v)
                if n_dev != g.n and v.ndim:
                    v = v[: g.n]
                g.state[name] = _per_node(v) if _is_vector(g.cls, name) else v
        for dyn, (blocks, index), model in zip(
            self.syn_dyn, self.plastic_home, self.plastic_models, strict=True
        ):
            values = {name: np.asarray(v)[: len(index)] for name, v in dyn.items() if name != SHARED}
            entry = self.k.synapse_models[model]
            for name in getattr(entry.cls, "shared", ()):
                if SHARED in dyn:  # common properties the synapses changed
                    entry.defaults[name] = entry.cls.common[name].dtype(np.asarray(dyn[SHARED][name]))
            for b in np.unique(blocks):
                blk = self.k.connections[b]
                blk.make_writable()
                sel = blocks == b
                for name, v in values.items():
                    (blk.weight if name == "weight" else blk.extra[name])[index[sel]] = v[sel]
        self.state_on_device = False
        self.params_dirty = True

    def prepare(self) -> None:
        """NEST's Prepare: every model's ``pre_run`` hook, e.g. an oscillator restarting
        its phase at the current time or a recorder opening its file."""
        self._upload()
        for gi, g in enumerate(self.k.groups):
            hook = getattr(g.cls, "pre_run", None)
            if hook is not None:
                self.dev_state[gi] = hook(g, self.dev_params[gi], self.dev_state[gi], self.k)

    # -------------------------------------------------------------------- run
    def run(self, steps: int) -> None:
        """Advance the network by ``steps`` steps from the kernel's current time."""
        k = self.k
        self._upload()
        if self.plan.vt_group >= 0 and np.any(k.groups[self.plan.vt_group].params["deliver_interval"] == 0):
            raise NESTErrors.KernelException(
                "A volume_transmitter has deliver_interval 0 (NEST 3.10 dies of a floating point exception)."
            )
        need = self._dopa_capacity(self.plan.vt_group)
        if need > self.plan.dopa_capacity:  # a transmitter's deliver_interval grew
            self.dopa = _pad_lists(self.dopa, need - self.plan.dopa_capacity)
            self.plan = _replace(self.plan, dopa_capacity=need)
        start = k.time_steps
        end = start + steps
        D = self.D
        first_interval = start // D
        last_interval = (end - 1) // D
        key = jax.random.key(int(k.status["rng_seed"]))
        wall0 = time.time()
        timers = k.timers
        timers.update(local_spike_counter=0, min_update_time=np.inf, max_update_time=-np.inf)
        compiling_call = None
        iv = first_interval
        while iv <= last_interval:
            chunk_start = time.perf_counter()
            n_iv = min(self.plan.max_intervals, last_interval - iv + 1)
            lo = max(start, iv * D)
            hi = min(end, (iv + n_iv) * D)
            while True:
                carry = (
                    self.dev_state,
                    self.ring,
                    self.stim_conn_state,
                    self.syn_dyn,
                    self.pending,
                    self.dopa,
                )
                compiled = self.plan not in _CACHE
                fn = _compiled(self.plan)
                out = fn(
                    self.dev_params,
                    self.real_n,
                    (self.proj_dev, self.plastic_dev),
                    self.stim_dev,
                    self.rec_idx_dev,
                    self.sampler_locals,
                    self.sampler_params,
                    key,
                    carry,
                    np.int64(iv),
                    np.int64(n_iv),
                    np.int64(lo),
                    np.int64(hi),
                )
                new_carry, (spk_rec, weight_rec, sent), samples, flags = out
                flags = np.asarray(flags)
                if not flags.any():
                    break
                self._grow(flags)
            timers["local_spike_counter"] += int(sent)
            # NEST's update times are per slice; a call that compiled counts only when
            # no other call was made.
            per_interval = (time.perf_counter() - chunk_start) / n_iv
            if compiled:
                compiling_call = per_interval
            else:
                timers["min_update_time"] = min(timers["min_update_time"], per_interval)
                timers["max_update_time"] = max(timers["max_update_time"], per_interval)
            over_limit = not compiled and per_interval > k.status["update_time_limit"]
            self.dev_state, self.ring, self.stim_conn_state, self.syn_dyn, self.pending, self.dopa = new_carry
            self._collect_spikes(spk_rec)
            self._collect_weights(weight_rec)
            self._collect_samples(samples, hi)
            if k.status["print_time"]:
                _print_progress(hi, start, end, self.h, time.time() - wall0)
            iv += n_iv
            if over_limit:
                k.time_steps = hi
                raise NESTErrors.KernelException("Update time limit exceeded.")
        if np.isinf(timers["min_update_time"]) and compiling_call is not None:
            timers.update(min_update_time=compiling_call, max_update_time=compiling_call)
        if k.status["print_time"]:
            sys.stdout.write("\n")
        if self.plan.plastic:
            # NEST has passed the spikes of every slice but the last through the synapses.
            self._flush_plastic(((end - 1) // self.D_nest) * self.D_nest, key)
        k.time_steps = end

    def _event_meta(self, syn_model: str, blocks: np.ndarray, index: np.ndarray) -> dict[str, np.ndarray]:
        """Sender, target, receptor and port of each synapse of a projection (in its
        sorted order); the port is NEST's connection index: the synapse's position
        among all connections of this model sorted by source (stably)."""
        k = self.k
        model_blocks = [b for b, blk in enumerate(k.connections) if blk.syn_model == syn_model]
        sizes = [len(k.connections[b].source) for b in model_blocks]
        offset = dict(zip(model_blocks, np.cumsum([0, *sizes]), strict=False))
        src_all = np.concatenate([k.connections[b].source for b in model_blocks])
        rank = np.empty(len(src_all), np.int64)
        rank[np.argsort(src_all, kind="stable")] = np.arange(len(src_all))
        pos = np.array([offset[b] for b in blocks], dtype=np.int64) + index
        cols = {"senders": src_all[pos]}
        cols["targets"] = np.concatenate([k.connections[b].target for b in model_blocks])[pos]
        cols["receptors"] = np.concatenate(
            [np.broadcast_to(k.connections[b].receptor, k.connections[b].source.shape) for b in model_blocks]
        )[pos]
        cols["ports"] = rank[pos]
        return cols

    def _collect_weights(self, records: list) -> None:
        """Hand the weight_recorder rows of a call to their recorders."""
        k = self.k
        for j, (gid, meta) in self.weight_events.items():
            rec = records[j]
            n = int(rec["n"])
            syn = np.asarray(rec["syn"])[:n]
            keep = syn >= 0
            syn = syn[keep]
            stamps = np.asarray(rec["stamp"])[:n][keep]
            values = {name: col[syn] for name, col in meta.items() if name != "senders"}
            values["weights"] = np.asarray(rec["weight"])[:n][keep]
            # NEST delivers a slice's spikes by sender, then time; a spike's synapses by port.
            senders = meta["senders"][syn]
            order = np.lexsort((values["ports"], stamps, senders, (stamps - 1) // self.D_nest))
            stamps, senders = stamps[order], senders[order]
            values = {name: v[order] for name, v in values.items()}
            g = k.groups[k.node_group[gid - 1]]
            i = int(k.node_local[gid - 1])
            g.cls.add_weights(g, i, stamps, {"senders": senders, **values}, self.h)

    def _flush_plastic(self, upto: int, key: jax.Array) -> None:
        """Pass the pending spikes emitted before step ``upto`` through the plastic synapses."""
        fn = _FLUSH.get(self.plan)
        if fn is None:
            fn = _FLUSH[self.plan] = jax.jit(_make_flush(self.plan))
        self.ring, self.syn_dyn, self.pending, lost, records = fn(
            self.ring,
            self.syn_dyn,
            self.pending,
            self.dev_state,
            self.plastic_dev,
            key,
            np.int64(upto),
            self.dopa,
        )
        if bool(lost):
            self._grow(np.array([False, False, False, True, False, False, False]))
        if any(bool(records[j]["full"]) for j in self.weight_events):
            raise NESTErrors.KernelException("Too many weight_recorder events in one step for pynest_jax.")
        self._collect_weights(records)

    def _grow(self, flags: np.ndarray) -> None:
        plan = self.plan
        if flags[6]:  # the call is redone with a longer history (an entry lost after the
            # overflow, flag 3, is then kept)
            self._grow_history()
            plan = self.plan
        elif flags[3]:
            raise NESTErrors.KernelException(
                f"A plastic synapse needs a postsynaptic spike older than the last {plan.history_len} "
                "its target keeps (the target fired more often between two presynaptic spikes); "
                "pynest_jax cannot simulate this yet."
            )
        if os.environ.get("PYNEST_JAX_DEBUG"):
            print("pynest_jax: growing capacities", flags, file=sys.stderr)
        changes = {}
        if flags[0]:
            changes["spike_capacity"] = plan.spike_capacity * 4
        if flags[1]:
            changes["rec_capacity"] = plan.rec_capacity * 4
        if flags[2]:
            changes["rec_buffer"] = plan.rec_buffer * 4
        if flags[5]:
            changes["dopa_capacity"] = plan.dopa_capacity * 2
            self.dopa = _pad_lists(self.dopa, plan.dopa_capacity)
        if flags[4]:
            changes["plastic"] = tuple(
                _replace_layout(lay, record=lay.record * 4) if lay.record else lay for lay in plan.plastic
            )
        self.plan = _replace(plan, **changes)
        grow = self.plan.spike_capacity - plan.spike_capacity
        if grow:
            self.pending = {k: jnp.pad(v, (0, grow)) if v.ndim else v for k, v in self.pending.items()}

    def _collect_spikes(self, spk_rec: tuple) -> None:
        if not self.recorder_sources:
            return
        steps, sidx, counts, n = (np.asarray(a) for a in spk_rec[:4])
        n = int(n)
        steps, sidx, counts = steps[:n], sidx[:n], counts[:n]
        # Offsets (ms) of precise spike times, when some recorded model has them.
        offsets = np.asarray(spk_rec[4])[:n] if len(spk_rec) > 4 else None
        if counts.max(initial=1) > 1:  # NEST records one event per spike of a multiple spike
            steps, sidx = np.repeat(steps, counts), np.repeat(sidx, counts)
            offsets = None if offsets is None else np.repeat(offsets, counts)
        k = self.k
        for r_gid, sources in self.recorder_sources.items():
            g = k.groups[k.node_group[r_gid - 1]]
            i = int(k.node_local[r_gid - 1])
            sel = np.isin(sidx, sources)
            kw = {} if offsets is None else {"offsets": offsets[sel]}
            g.cls.add_spikes(g, i, steps[sel] + 1, self.sidx_gid[sidx[sel]], self.h, **kw)

    def _collect_samples(self, samples: list, end: int) -> None:
        # NEST passes a multimeter the data of a min-delay slice during the next
        # slice: only stamps up to the start of the last slice run are visible.
        horizon = ((end - 1) // self.D_nest) * self.D_nest
        k = self.k
        for info, (buf, stamps, n) in zip(self.sampler_info, samples, strict=True):
            n = int(n)
            width = sum(len(loc) for _, loc in info["gather"])  # the rest samples padding
            buf, stamps = np.asarray(buf)[:n, :width], np.asarray(stamps)[:n]
            g = k.groups[k.node_group[info["gid"] - 1]]
            i = int(k.node_local[info["gid"] - 1])
            g.cls.add_samples(g, i, stamps, buf, info, self.h, horizon, self.D_nest)


def _replace_layout(layout: PlasticLayout, **changes: Any) -> PlasticLayout:
    d = {f: getattr(layout, f) for f in layout.__dataclass_fields__}
    d.update(changes)
    return PlasticLayout(**d)


def _replace(plan: Plan, **changes: Any) -> Plan:
    d = {f: getattr(plan, f) for f in plan.__dataclass_fields__}
    d.update(changes)
    return Plan(**d)


def _capacity(n: int, steps: int, h: float) -> int:
    """Initial spike capacity of an interval: room for every node firing at 200 spikes/s."""
    return min(_pow2(n * steps), _pow2(max(64, int(n * steps * h * _INITIAL_RATE / 1000.0))))


# Scatter whole rows [D, n] into a flat buffer at D start offsets.
_ROW_WINDOWS = jax.lax.ScatterDimensionNumbers(
    update_window_dims=(1,), inserted_window_dims=(), scatter_dims_to_operand_dims=(0,)
)


def _row(values: jax.Array) -> jax.Array:
    """A per-connection array as a row [1, n]; a scalar stays a scalar."""
    return values[None, :] if values.ndim else values


def _scalar_if_uniform(values: np.ndarray) -> np.ndarray:
    """One value for all connections of a stimulator set becomes a scalar."""
    return values[:1].reshape(()) if len(values) and np.all(values == values[0]) else values


def _model_wide(syn_cls: Any, entry: Any) -> dict[str, np.ndarray]:
    """Common properties a plastic synapse gets whole rather than per synapse: tables
    (list values) and those its synapses change (``shared``, one value per model)."""
    return {
        c: np.asarray(entry.default(c), dtype=np.float64)
        for c in syn_cls.common
        if c in getattr(syn_cls, "shared", ()) or np.ndim(entry.default(c))
    }


def _steps_of(delay_ms: np.ndarray, h: float) -> np.ndarray:
    return _uniform_apply(lambda d: ms_to_steps(d, h), delay_ms)


def _uniform_apply(fn: Any, *arrays: np.ndarray) -> np.ndarray:
    """``fn`` elementwise; when every input is one value for all, computed once and broadcast."""
    if all(is_uniform(a) for a in arrays):
        return np.broadcast_to(np.asarray(fn(*(a[:1].copy() for a in arrays)))[0], arrays[0].shape)
    return np.asarray(fn(*(np.asarray(a) for a in arrays)))


def _local_index(group_gids: np.ndarray, gids: np.ndarray, node_local: np.ndarray) -> np.ndarray:
    """Index within their group (int32) of node ids that all lie in that group: a
    subtraction when the group's ids are one contiguous run, else a look-up."""
    first = int(group_gids[0])
    if int(group_gids[-1]) - first == len(group_gids) - 1:
        return (gids - np.asarray(first, dtype=gids.dtype)).astype(np.int32, copy=False)
    return node_local[gids - 1].astype(np.int32)


def _node_groups(node_group: np.ndarray, gids: np.ndarray) -> np.ndarray:
    """Group of each node id: one value when every node in the ids' range lies in
    one group (no look-up per connection), else one per id."""
    lo, hi = int(gids.min()), int(gids.max())
    span = node_group[lo - 1 : hi]
    if np.all(span == span[0]):
        return np.asarray(span[:1])
    return node_group[gids - 1]


def _pieces(src_group: np.ndarray, tgt_group: np.ndarray, n_groups: int):
    """(source group, target group, selection) for the connections of one Connect call;
    a group array of one entry stands for all connections."""
    if src_group.min() == src_group.max() and tgt_group.min() == tgt_group.max():
        yield int(src_group[0]), int(tgt_group[0]), slice(None)
        return
    n = max(len(src_group), len(tgt_group))
    src_group, tgt_group = np.broadcast_to(src_group, n), np.broadcast_to(tgt_group, n)
    code = src_group.astype(np.int64) * n_groups + tgt_group
    for c in np.unique(code):
        yield int(c // n_groups), int(c % n_groups), code == c


def _shared_if_uniform(values: Any) -> jax.Array:
    """A per-neuron constant that is the same for the whole group becomes one scalar:
    the step then streams fewer arrays (a neuron update broadcasts it)."""
    arr = np.asarray(values)
    if arr.ndim == 1 and len(arr) > 1 and np.all(arr == arr[0]):
        return jnp.asarray(arr[0])
    return jnp.asarray(arr)


def _is_vector(cls: Any, name: str) -> bool:
    prop = cls.state.get(name)
    return prop is not None and prop.dtype == "vector"


def _pow2(x: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(1, x))))


def _bucket(n: int) -> int:
    """The size a small array is padded to (a power of two); larger ones keep theirs,
    where padding would cost more time per step than a compilation."""
    return _pow2(n) if 0 < n <= _MAX_PADDED else n


def _interval_bucket(d: int) -> int:
    """The largest of 1, 2, 3, 4, 6, 8, 12, 16, ... (powers of two and 1.5 times them)
    not above ``d``: at most a third more intervals than ``d`` steps each."""
    p = 1 << (max(1, d).bit_length() - 1)
    return p * 3 // 2 if p >= 2 and p * 3 // 2 <= d else p


def _pad_rows(v: np.ndarray, n: int) -> np.ndarray:
    """``v`` (one row per node) with its last row repeated up to ``n`` rows."""
    v = np.asarray(v)
    if v.ndim == 0 or len(v) >= n or not len(v):
        return v
    return np.concatenate([v, np.repeat(v[-1:], n - len(v), axis=0)])


def _pad_columns(values: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Per-node host arrays of a group padded to its device size ``n``."""
    return {name: _pad_rows(v, n) for name, v in values.items()}


def _pad_connections(sdata: dict[str, np.ndarray], dropped: int) -> dict[str, np.ndarray]:
    """A stimulator set's connections padded to a size bucket: padding connections have
    the target offset ``dropped``, outside the ring, so their contribution is dropped."""
    n = len(sdata["src"])
    size = _bucket(n)
    if size == n:
        return sdata
    out = dict(sdata)
    out["src"] = _pad_rows(sdata["src"], size)
    for name in ("tgt", "tgt_neg"):
        if name in sdata:
            out[name] = np.concatenate([sdata[name], np.full(size - n, dropped, np.int64)])
    for name in ("weight", "delay"):
        if np.ndim(sdata[name]):
            out[name] = _pad_rows(sdata[name], size)
    return out


def _pad_sampled(locals_: list[np.ndarray]) -> list[jax.Array]:
    """A multimeter's local indices per block, the last block padded (repeating its last
    index) so that the sampled width is a size bucket."""
    width = sum(len(loc) for loc in locals_)
    locals_ = list(locals_)
    locals_[-1] = _pad_rows(locals_[-1], len(locals_[-1]) + _bucket(width) - width)
    return [jnp.asarray(loc) for loc in locals_]


def _dense(v: np.ndarray) -> np.ndarray:
    """Per-node vectors as one [n, width] array, shorter ones padded with zeros."""
    if v.dtype == object:
        rows = [np.asarray(x, dtype=float).ravel() for x in v]
        out = np.zeros((len(rows), max((len(r) for r in rows), default=0)))
        for i, r in enumerate(rows):
            out[i, : len(r)] = r
        return out
    return v


def _per_node(a: np.ndarray) -> np.ndarray:
    """The inverse of ``_dense``: one vector per node, as the kernel stores vector state."""
    out = np.empty(len(a), dtype=object)
    for i in range(len(a)):
        out[i] = a[i].copy()
    return out


def _print_progress(now: int, start: int, end: int, h: float, wall: float) -> None:
    frac = (now - start) / max(1, end - start)
    t = now * h
    sim = (now - start) * h
    rtf = (sim / 1000.0) / wall if wall > 0 else 0.0
    sys.stdout.write(f"\r[ {frac * 100:5.1f}% ] Model time: {t:.1f} ms, Real-time factor: {rtf:.4f}")
    sys.stdout.flush()


# Compiled network programs kept in memory, the least recently used dropped first: a
# process that builds many different networks keeps a bounded amount of code.
_MAX_PROGRAMS = 32
_CACHE: OrderedDict[Plan, Any] = OrderedDict()
# Groups and connection sets up to this size are padded to a power of two.
_MAX_PADDED = 1024

# Reserved entry of a group's device state: its spike history (see _record_history).
HISTORY = "__spike_history"
# Spikes each neuron keeps in its history for plastic synapses at first, and at most
# (the history doubles when a spike would replace an entry a synapse may still read).
_HISTORY_LEN = 32
_MAX_HISTORY_LEN = 4096
# Initial rows of a weight_recorder buffer per plastic projection and call (grown on overflow).
_RECORD_ROWS = 1 << 14
# Spikes of one step archived (a multiple spike, e.g. a parrot repeating coincident input).
_MAX_ARCHIVED = 4


def _compiled(plan: Plan):
    fn = _CACHE.pop(plan, None)
    if fn is None:
        fn = jax.jit(_make_chunk(plan))
    _CACHE[plan] = fn
    # A plan's function holds one executable per argument signature (a new one: none yet).
    while len(_CACHE) > 1 and sum(max(1, f._cache_size()) for f in _CACHE.values()) > _MAX_PROGRAMS:
        old, _ = _CACHE.popitem(last=False)
        _FLUSH.pop(old, None)
    return fn


_FLUSH: dict[Plan, Any] = {}


def release_compiled() -> None:
    """Drop every compiled network step (they are compiled again when needed). A
    process that compiles thousands of networks (the test suite) otherwise keeps all
    their code mapped, and XLA:CPU crashed once it held too many."""
    _CACHE.clear()
    _FLUSH.clear()
    jax.clear_caches()


def _deliver_pending(plan, plastic, rings, syn, pend, n_due, key, tag, states, records, dopa):
    """Pass the first ``n_due`` pending spikes through every plastic projection; returns
    the rings, the synapse values, whether a needed history entry was gone, and the
    weight_recorder rows. Synapses of a volume transmitter read its dopamine spikes."""
    rings, syn, records = list(rings), list(syn), list(records)
    lost = jnp.bool_(False)
    for j, (layout, pd) in enumerate(zip(plan.plastic, plastic, strict=True)):
        if plan.dopamine and plan.dopamine[j] >= 0:
            pd = {**pd, "dopamine": _dopamine_of(dopa, plan.dopamine[j])}
        gi = layout.target_group
        width = plan.group_channels[gi] * plan.group_n[gi]
        rings[gi], syn[j], lost_j, records[j] = deliver_plastic(
            rings[gi],
            layout,
            pd,
            syn[j],
            pend["t0"],
            plan.L,
            width,
            plan.h,
            pend["step"],
            pend["src"],
            pend["cnt"],
            n_due,
            jax.random.fold_in(jax.random.fold_in(key, pend["t0"]), tag + j),
            states[gi].get(HISTORY),
            records[j],
        )
        lost = lost | lost_j
    return rings, syn, lost, records


def _uses_vt(cls: Any) -> bool:
    """Whether a synapse model reads the dopamine spikes of a volume transmitter."""
    return bool(getattr(cls, "uses_volume_transmitter", False))


class _SharedByAll(dict):
    """Values every synapse of a projection reads alike (a transmitter's dopamine list):
    like a common property kept once (``ndim`` 0), ``deliver_plastic`` hands it to each
    synapse unindexed."""

    ndim = 0


def _pad_lists(dopa: dict, by: int) -> dict:
    """The transmitters' dopamine lists with room for ``by`` more entries each."""
    return {name: jnp.pad(v, ((0, 0), (0, by))) if v.ndim == 2 else v for name, v in dopa.items()}


def _dopamine_of(dopa: dict, v: int) -> _SharedByAll:
    """Transmitter ``v``'s dopamine list: times (ms), multiplicities and its length."""
    return _SharedByAll(t=dopa["t"][v], m=dopa["m"][v], n=dopa["n"][v])


def _volume_transmitters(plan, params, plastic, syn, states, dopa, rows, t0, active):
    """The volume transmitters' part of an interval (a NEST slice): the spikes that
    arrived in its active steps join each transmitter's list; a transmitter whose
    ``deliver_interval``-th slice ends here makes all its synapses catch up to the end of
    the slice and restarts its list with (that time, 0). Returns the lists, the synapse
    values, whether a needed history entry was gone and whether a list overflowed."""
    D, tics = plan.D, tics_per_step(plan.h)
    mult = jnp.where(active[:, None], rows, 0.0)  # [D, transmitters]: one input channel
    arrived = mult > 0
    cap = dopa["t"].shape[1]
    slot = jnp.where(arrived, dopa["n"][None, :] + jnp.cumsum(arrived, axis=0) - 1, cap)
    full = jnp.any(arrived & (slot >= cap))
    cols = jnp.broadcast_to(jnp.arange(mult.shape[1])[None, :], slot.shape)
    stamps = ((t0 + jnp.arange(D, dtype=jnp.int64) + 1) * tics).astype(jnp.float64) * ms_per_tic()
    t = dopa["t"].at[cols, slot].set(jnp.broadcast_to(stamps[:, None], slot.shape), mode="drop")
    m = dopa["m"].at[cols, slot].set(mult, mode="drop")
    n = dopa["n"] + jnp.sum(arrived, axis=0)
    t_end = t0 + D
    every = jnp.broadcast_to(params[plan.vt_group]["deliver_interval"], n.shape).astype(jnp.int64)
    # The slice must end in this run (a split interval triggers in its second part).
    due = active[-1] & (t_end % (every * D) == 0)
    t_trig = (t_end * tics).astype(jnp.float64) * ms_per_tic()
    syn = list(syn)
    lost = jnp.bool_(False)
    for j, v in enumerate(plan.dopamine):
        if v < 0:
            continue
        layout = plan.plastic[j]
        history = states[layout.target_group].get(HISTORY)
        lists = _SharedByAll(t=t[v], m=m[v], n=n[v])

        def trigger(dyn, layout=layout, fixed=plastic[j], history=history, lists=lists):
            return _trigger_synapses(layout, fixed, dyn, history, lists, t_trig, tics)

        syn[j], lost_j = jax.lax.cond(due[v], trigger, lambda dyn: (dyn, jnp.bool_(False)), syn[j])
        lost = lost | lost_j
    restart = due[:, None] & (jnp.arange(cap)[None, :] == 0)
    dopa = {
        "t": jnp.where(restart, t_trig, t),
        "m": jnp.where(restart, 0.0, m),
        "n": jnp.where(due, 1, n),
    }
    return dopa, syn, lost, full


def _trigger_synapses(layout, fixed, dyn, history, lists, t_trig, tics):
    """Every synapse of a projection catches up to t_trig (the synapse model's
    ``trigger``, vectorised over all of them); the padding entry stays as it is."""
    from .delivery import _history_of

    n_syn = fixed["tgt"].shape[0]
    values = {name: v for name, v in {**fixed, **dyn}.items() if name not in ("row_ptr", "tgt")}
    values["delay_ms"] = (values["delay"] * tics).astype(jnp.float64) * ms_per_tic()
    values["post"] = post = _history_of(history, fixed["tgt"] % layout.n_targets)
    values["dopamine"] = lists
    real = jnp.arange(n_syn) < n_syn - 1
    stale = history_lost(post, values["t_lastspike"] - values["delay_ms"], t_trig - values["delay_ms"])
    new = layout.synapse.trigger(values, t_trig)
    dyn = {name: jnp.where(real, new[name], v) if name in new else v for name, v in dyn.items()}
    return dyn, jnp.any(real & stale)


def _make_flush(plan: Plan):
    """Pass the pending spikes emitted before a step through their plastic synapses
    (a prefix of the pending list, which is in time order); the rest stays pending."""

    def flush(rings, syn, pend, states, plastic, key, upto, dopa):
        rings, syn = list(rings), list(syn)
        K = pend["step"].shape[0]
        due = (jnp.arange(K) < pend["n"]) & (pend["t0"] + pend["step"] < upto) & (pend["t0"] >= 0)
        n_due = jnp.sum(due)
        records = [new_record(layout.record) if layout.record else None for layout in plan.plastic]
        rings, syn, lost, records = _deliver_pending(
            plan, plastic, rings, syn, pend, n_due, key, 2000, states, records, dopa
        )
        rest = {name: jnp.roll(pend[name], -n_due) for name in ("step", "src", "cnt")}
        return rings, syn, {**pend, **rest, "n": pend["n"] - n_due}, lost, records

    return flush


def _make_chunk(plan: Plan):
    """Build the function that advances the network by a run of intervals."""
    D, L = plan.D, plan.L
    K = plan.spike_capacity
    KR = plan.rec_capacity
    S = plan.n_spiking
    n_groups = len(plan.group_cls)
    updating = [gi for gi in range(n_groups) if plan.group_cls[gi].kind in ("neuron", "spike_source")]
    # Models with precise spike times (iaf_chxk_2008) keep the offset (ms) of this step's
    # spike in a state entry; recorders get it with the spike.
    offset_state = {gi: getattr(plan.group_cls[gi], "spike_offset_state", None) for gi in updating}
    precise = plan.recording and any(offset_state[gi] for gi in updating if plan.spiking[gi])
    sampled_stimulators = sorted(
        {gi for blocks in plan.samplers for gi, _ in blocks if plan.group_cls[gi].kind == "stimulator"}
    )
    # NEST's local_spike_counter counts the spikes neurons send (devices deliver locally).
    sent_by_neuron = np.concatenate(
        [
            np.full(plan.group_n[gi], plan.group_cls[gi].kind == "neuron")
            for gi in updating
            if plan.spiking[gi]
        ]
        or [np.zeros(0, bool)]
    )

    def stimulate(params, stim, key, states, rings, cstates, t0, lo, hi):
        """Stimulator output of a whole interval, written into the ring buffers at once.

        Stimulators do not depend on the network, and a contribution emitted in
        step s lands in slot s + delay >= s + 1, which is read only in that later
        step, so writing the interval's contributions up front is exact.
        """
        steps = t0 + jnp.arange(D, dtype=jnp.int64)
        active = (steps >= lo) & (steps < hi)
        new_c, recorded = [], []
        states, rings = list(states), list(rings)
        for j, (si, gi) in enumerate(plan.stim_sets):
            cls = plan.group_cls[si]
            sd = stim[j]
            k = jax.random.fold_in(jax.random.fold_in(key, t0), j)
            st, cs, val = cls.emit_block(
                params[si], states[si], cstates[j], sd["src"], steps, active, k, plan.h
            )
            states[si] = st
            new_c.append(cs)
            if gi < 0:  # recorded by a spike recorder: the draws are the recorded spikes
                count = val[0] if isinstance(val, tuple) else val
                recorded.append(jnp.where(active[:, None], count, 0).astype(jnp.int32))
                continue
            width = plan.group_channels[gi] * plan.group_n[gi]
            first = plan.stim_windows[j]
            if first >= 0:  # one ascending run of targets, one delay: add whole rows
                contrib = jnp.where(active[:, None], _row(sd["weight"]) * val, 0.0)
                starts = ((steps + sd["delay"]) % L) * width + first
                rings[gi] = jax.lax.scatter_add(
                    rings[gi], starts[:, None], contrib, _ROW_WINDOWS, mode="promise_in_bounds"
                )
                continue
            slot = ((steps[:, None] + _row(sd["delay"])) % L) * width
            if isinstance(val, tuple):  # (spike count, positive and negative weighted sums)
                count, pos, neg = val
                if plan.group_cls[gi].spike_weighted:
                    parts = ((pos, sd["tgt"]), (neg, sd["tgt_neg"]))
                else:
                    parts = ((count, sd["tgt"]),)
            else:
                parts = ((val, sd["tgt"]),)
            for v, tgt in parts:
                contrib = jnp.where(active[:, None], _row(sd["weight"]) * v, 0.0)
                idx = slot + tgt[None, :]
                rings[gi] = rings[gi].at[idx.reshape(-1)].add(contrib.reshape(-1), mode="drop")
        virtual = jnp.concatenate(recorded, axis=1) if recorded else None
        return states, rings, new_c, virtual

    def step(params, real_n, samp_loc, samp_par, key, states, s, inputs, stim_out):
        """One update of every group; ``inputs[gi]`` is the ring-buffer row of step s."""
        ctx_key = jax.random.fold_in(key, s)
        spikes, offsets = [], []
        states = list(states)
        for gi in updating:
            cls = plan.group_cls[gi]
            n, C = plan.group_n[gi], plan.group_channels[gi]
            x = inputs[gi].reshape(C, n) if C else jnp.zeros((0, n))
            ctx = StepContext(step=s, h=plan.h, key=jax.random.fold_in(ctx_key, gi))
            own = {name: v for name, v in states[gi].items() if name != HISTORY}
            new, spk = cls.update(params[gi], own, x, ctx)
            if plan.padded[gi]:
                spk = jnp.where(jnp.arange(n) < real_n[gi], spk, 0)
            if LAST_SPIKE in states[gi]:
                new[LAST_SPIKE] = jnp.where(spk > 0, s + 1, states[gi][LAST_SPIKE])
            if HISTORY in states[gi]:
                new[HISTORY] = _record_history(states[gi][HISTORY], spk, s, plan.h)
            states[gi] = new
            if plan.spiking[gi]:
                spikes.append(spk.astype(jnp.int32))
                if precise:
                    name = offset_state[gi]
                    offsets.append(new[name] if name else jnp.zeros(n))
        # Multimeters sample the state after this step, stamped s + 1.
        samples = []
        for m, blocks in enumerate(plan.samplers):
            vals = jnp.concatenate(
                [
                    (
                        stim_out[gi]
                        if gi in stim_out
                        else plan.group_cls[gi].recordable(params[gi], states[gi], var)
                    )[samp_loc[m][b]]
                    for b, (gi, var) in enumerate(blocks)
                ]
            )
            samples.append((vals, _sample_due(s + 1, samp_par[m])))
        spk = jnp.concatenate(spikes) if spikes else jnp.zeros((0,), jnp.int32)
        if precise:
            spk = (spk, jnp.concatenate(offsets))
        return states, (spk, samples)

    def interval(params, real_n, projs, stim, rec_idx, samp_loc, samp_par, key, carry, t0, lo, hi):
        states, rings, cstates, syn, pend, dopa, wrec, samp, rec, sent, flags = carry
        proj, plastic = projs
        rings = list(rings)
        if plan.plastic:
            # NEST passes a slice's spikes through its synapses at the start of the next
            # slice: plastic synapses see the previous interval's spikes now, before
            # this interval's input rows are read.
            due = (pend["t0"] >= 0) & (pend["t0"] < t0)
            n_due = jnp.where(due, pend["n"], 0)
            rings, syn, lost, wrec = _deliver_pending(
                plan, plastic, rings, syn, pend, n_due, key, 1000, states, wrec, dopa
            )
            flags = flags.at[3].max(lost)
            for record in wrec:
                if record is not None:
                    flags = flags.at[4].max(record["full"])
            pend = {**pend, "n": jnp.where(due, 0, pend["n"]), "t0": jnp.where(due, -1, pend["t0"])}
        virtual = None
        if plan.stim_sets:
            states, rings, cstates, virtual = stimulate(params, stim, key, states, rings, cstates, t0, lo, hi)
        # The interval's ring-buffer rows are read-only during its steps (spikes of this
        # interval land in later ones), so they are sliced once and cleared once.
        # Rows of steps outside [lo, hi) stay for the run that will do those steps.
        steps = t0 + jnp.arange(D, dtype=jnp.int64)
        active = (steps >= lo) & (steps < hi)
        first_slot = t0 % L
        rows = []
        for gi in range(n_groups):
            width = plan.group_channels[gi] * plan.group_n[gi]
            block = jax.lax.dynamic_slice(rings[gi], (first_slot * width,), (D * width,)).reshape(D, width)
            rows.append(block)
            kept = jnp.where(active[:, None], 0.0, block).reshape(-1)
            rings[gi] = jax.lax.dynamic_update_slice(rings[gi], kept, (first_slot * width,))

        # A sampled stimulator's output (its recordable I) in each step of the interval.
        stim_out = {}
        for gi in sampled_stimulators:
            cls = plan.group_cls[gi]
            local = jnp.arange(plan.group_n[gi])
            stim_out[gi] = cls.emit_block(params[gi], states[gi], {}, local, steps, active, key, plan.h)[2]

        # Only the steps of the run: one step body in the program, whether the interval
        # is whole (the common case) or split between two runs. The outputs of steps
        # outside the run stay zero (no spike, no sample due).
        def at(i):
            return [r[i] for r in rows], {gi: v[i] for gi, v in stim_out.items()}

        def body(i, carry):
            st, outs = carry
            st, out = step(params, real_n, samp_loc, samp_par, key, st, t0 + i, *at(i))
            return st, jax.tree.map(lambda buf, v: buf.at[i].set(v), outs, out)

        shapes = jax.eval_shape(
            lambda st: step(params, real_n, samp_loc, samp_par, key, st, t0, *at(0))[1], states
        )
        outs = jax.tree.map(lambda x: jnp.zeros((D, *x.shape), x.dtype), shapes)
        first, last = jnp.clip(lo - t0, 0, D), jnp.clip(hi - t0, 0, D)
        states, (spk_buf, sampled) = jax.lax.fori_loop(first, last, body, (list(states), outs))
        if precise:
            spk_buf, off_buf = spk_buf
        if sent_by_neuron.any():
            sent = sent + jnp.sum(jnp.where(sent_by_neuron[None, :], spk_buf, 0), dtype=jnp.int64)
        if plan.vt_group >= 0:
            # The volume transmitters' update: this slice's arrivals join their lists, and at
            # the end of every deliver_interval-th slice their synapses catch up.
            dopa, syn, lost, full = _volume_transmitters(
                plan, params, plastic, syn, states, dopa, rows[plan.vt_group], t0, active
            )
            flags = flags.at[3].max(lost)
            flags = flags.at[5].max(full)
        samp = [_append_samples(samp[m], vals, due, steps + 1) for m, (vals, due) in enumerate(sampled)]
        flat = spk_buf.reshape(-1)  # [D * S], step-major
        if S and (plan.projections or plan.plastic):
            pos, n_found = compact(flat, K)
            gstep, gsrc, gcnt = pos // S, pos % S, flat[pos]
            rings = list(rings)
            for layout, pd in zip(plan.projections, proj, strict=True):
                gi = layout.target_group
                width = plan.group_channels[gi] * plan.group_n[gi]
                rings[gi] = deliver(rings[gi], layout, pd, t0, L, width, gstep, gsrc, gcnt, n_found)
            flags = flags.at[0].max(n_found > K)
            if plan.plastic:
                # This interval's spikes wait for the next one; an interval split between
                # two runs appends to the spikes of its first part.
                base = jnp.where(pend["t0"] == t0, pend["n"], 0)
                new = {"step": gstep, "src": gsrc, "cnt": gcnt}
                pend = {
                    "t0": jnp.asarray(t0, jnp.int64),
                    "n": base + n_found,
                    **{
                        name: jax.lax.dynamic_update_slice(
                            jnp.concatenate([pend[name], jnp.zeros_like(pend[name])]),
                            new[name].astype(pend[name].dtype),
                            (base,),
                        )[:K]
                        for name in new
                    },
                }
                flags = flags.at[0].max(base + n_found > K)
        if plan.recording:
            # Only the columns of recorded nodes are searched for spikes (the virtual
            # sources, stimulator trains sent to recorders, come after the real ones).
            R = rec_idx.shape[0]
            real = rec_idx[: R - (0 if virtual is None else virtual.shape[1])]
            columns = [jnp.take(spk_buf, real, axis=1, mode="fill", fill_value=0)]
            if virtual is not None:
                columns.append(virtual)
            recorded = jnp.concatenate(columns, axis=1).reshape(-1)
            pos, n_rec = compact(recorded, KR)
            r_steps, r_src, r_cnt, r_n = rec[:4]
            if precise:
                off_cols = [jnp.take(off_buf, real, axis=1, mode="fill", fill_value=0)]
                if virtual is not None:
                    off_cols.append(jnp.zeros(virtual.shape))
                r_off = jnp.concatenate(off_cols, axis=1).reshape(-1)[pos]
                r_off = (jax.lax.dynamic_update_slice(rec[4], r_off, (r_n,)),)
            r_steps = jax.lax.dynamic_update_slice(r_steps, t0 + pos // R, (r_n,))
            r_src = jax.lax.dynamic_update_slice(r_src, rec_idx[pos % R].astype(r_src.dtype), (r_n,))
            r_cnt = jax.lax.dynamic_update_slice(r_cnt, recorded[pos].astype(r_cnt.dtype), (r_n,))
            r_n = r_n + jnp.minimum(n_rec, KR)
            rec = (r_steps, r_src, r_cnt, r_n) + (r_off if precise else ())
            flags = flags.at[1].max(n_rec > KR)
            flags = flags.at[2].max(r_n > plan.rec_buffer)
        return list(states), rings, cstates, syn, pend, dopa, wrec, samp, rec, sent, flags

    def chunk(params, real_n, proj, stim, rec_idx, samp_loc, samp_par, key, carry, first, n_iv, lo, hi):
        states, rings, cstates, syn, pend, dopa = carry
        rb = plan.rec_buffer + KR
        rec = (jnp.zeros(rb, jnp.int64), jnp.zeros(rb, jnp.int32), jnp.zeros(rb, jnp.int32), jnp.int64(0))
        rec += (jnp.zeros(rb),) if precise else ()
        samp = [
            (
                jnp.zeros((plan.sample_buffer, sum(int(x.shape[0]) for x in samp_loc[m])), jnp.float64),
                jnp.zeros(plan.sample_buffer, jnp.int64),
                jnp.int64(0),
            )
            for m in range(len(plan.samplers))
        ]
        flags = jnp.zeros(7, dtype=bool)
        states = _set_history_needs(plan, proj[1], syn, states)
        wrec = [new_record(layout.record) if layout.record else None for layout in plan.plastic]

        def cond(c):
            j, c = c
            return (j < n_iv) & ~jnp.any(c[-1])

        def body(c):
            j, c = c
            t0 = (first + j) * D
            return j + 1, interval(
                params, real_n, proj, stim, rec_idx, samp_loc, samp_par, key, c, t0, lo, hi
            )

        # Stop at the first overflow: the caller grows the buffers and redoes the call.
        sent = jnp.int64(0)
        c = (list(states), list(rings), list(cstates), list(syn), pend, dopa, wrec, samp, rec, sent, flags)
        _, (states, rings, cstates, syn, pend, dopa, wrec, samp, rec, sent, flags) = jax.lax.while_loop(
            cond, body, (jnp.int64(0), c)
        )
        for gi in plan.history_groups:
            flags = flags.at[6].max(states[gi][HISTORY]["overflow"])
        return (states, rings, cstates, syn, pend, dopa), (rec, wrec, sent), samp, flags

    return chunk


def _set_history_needs(plan: Plan, plastic: list, syn: list, states: list) -> list:
    """Give each history its neurons' ``need``: the earliest time (ms) from which a
    synapse onto the neuron may still read its spikes, the synapse's previous spike
    minus its dendritic delay (a lower bound for the whole call: it only grows)."""
    states = list(states)
    for gi in plan.history_groups:
        need = jnp.full(plan.group_n[gi], jnp.inf)
        for layout, fixed, dyn in zip(plan.plastic, plastic, syn, strict=True):
            if layout.target_group != gi or not layout.synapse.reads_history:
                continue
            delay_ms = (jnp.asarray(fixed["delay"]) * tics_per_step(plan.h)).astype(
                jnp.float64
            ) * ms_per_tic()
            t1 = dyn["t_lastspike"] - delay_ms
            local = fixed["tgt"] % layout.n_targets
            need = need.at[local[:-1]].min(t1[:-1])  # the last entry is padding
        states[gi] = {
            **states[gi],
            HISTORY: {**states[gi][HISTORY], "need": need, "overflow": jnp.bool_(False)},
        }
    return states


def _relayout_history(hist: dict, M: int) -> dict[str, np.ndarray]:
    """A history (host arrays) with ``M`` entries per neuron: the newest ones kept, each
    in its ring slot (spike number modulo M)."""
    count = np.asarray(hist["count"])
    n, M_old = hist["t"].shape
    out = {name: np.zeros((n, M)) for name in ("t", "K", "K3")}
    for age in range(min(M, M_old)):
        k = count - 1 - age
        rows = np.nonzero(k >= 0)[0]
        for name in out:
            out[name][rows, k[rows] % M] = np.asarray(hist[name])[rows, k[rows] % M_old]
    return {**out, "count": count, "dropped": np.asarray(hist["dropped"])}


def _record_history(hist: dict, spikes: jax.Array, s: jax.Array, h: float) -> dict:
    """Archive this step's spikes (stamped s + 1) as NEST does: every spike of a
    multiple spike is its own entry, and both traces (Kminus and the triplet
    Kminus) decay from the previous entry and jump by 1 at each. Up to
    _MAX_ARCHIVED spikes of one step are kept."""
    t = ((s + 1) * tics_per_step(h)).astype(jnp.float64) * ms_per_tic()
    n, M = hist["t"].shape
    rows = jnp.arange(n)
    for k in range(_MAX_ARCHIVED):
        fired = spikes > k
        last = (hist["count"] - 1) % M
        t_prev = jnp.where(hist["count"] > 0, hist["t"][rows, last], -1.0)
        slot = jnp.where(fired, hist["count"] % M, M)  # M: out of range, dropped
        # Replacing an entry a synapse may still read (see _set_history_needs) makes the
        # caller grow the history and redo the call.
        replaced = hist["t"][rows, hist["count"] % M]
        replacing = fired & (hist["count"] >= M)
        still_needed = replacing & (replaced - hist["need"] >= STDP_EPS)
        hist = {
            **hist,
            "overflow": hist["overflow"] | jnp.any(still_needed),
            "dropped": jnp.where(replacing, replaced, hist["dropped"]),
        }
        traces = {}
        for trace, tau_inv in (("K", "tau_minus_inv"), ("K3", "tau_minus_triplet_inv")):
            k_prev = jnp.where(hist["count"] > 0, hist[trace][rows, last], 0.0)
            k_new = k_prev * jnp.exp((t_prev - t) * hist[tau_inv]) + 1.0
            traces[trace] = hist[trace].at[rows, slot].set(k_new, mode="drop")
        hist = {
            **hist,
            **traces,
            "t": hist["t"].at[rows, slot].set(t, mode="drop"),
            "count": hist["count"] + fired,
        }
    return hist


def _append_samples(buf_state, vals, due, stamps):
    """Append the due rows of one interval's samples to a multimeter's buffer."""
    buf, stamp_buf, cnt = buf_state
    order = jnp.argsort(~due, stable=True)
    buf = jax.lax.dynamic_update_slice(buf, vals[order], (cnt, 0))
    stamp_buf = jax.lax.dynamic_update_slice(stamp_buf, stamps[order], (cnt,))
    return buf, stamp_buf, cnt + jnp.sum(due).astype(cnt.dtype)


def _sample_due(stamp, par):
    """Whether a multimeter samples at this time stamp (in steps)."""
    interval, offset, t_min, t_max = par["interval"], par["offset"], par["t_min"], par["t_max"]
    return ((stamp - offset) % interval == 0) & (stamp > t_min) & (stamp <= t_max)
