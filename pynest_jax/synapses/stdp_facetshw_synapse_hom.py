"""``stdp_facetshw_synapse_hom``: STDP with the constraints of the FACETS hardware (Pfeil et al. 2012).

Each connection accumulates causal and acausal spike-pair charges (``a_causal``,
``a_acausal``) with a reduced symmetric nearest-neighbour pairing: when a
presynaptic spike stamped t passes and the target fired since the previous
presynaptic spike (seen through the dendritic delay d), ``a_causal`` gains
exp(-(first such target spike + d - previous presynaptic spike) / tau_plus)
and ``a_acausal`` gains exp(-(t - (last such target spike + d)) / tau_minus_stdp).

The weight is 4-bit: it changes only when the synapse is read out, i.e. at a
presynaptic spike later than its ``next_readout_time``, *before* the charges of
that spike are added. The readout rounds the weight to a look-up-table index
(``weight_per_lut_entry`` = Wmax / 15), evaluates the charges against the
thresholds ``a_thresh_th``/``a_thresh_tl`` with both sets of configuration bits,
picks ``lookuptable_0``/``_1``/``_2`` (or keeps the index) and resets charges per
``reset_pattern``; then ``next_readout_time`` advances by whole
``readout_cycle_duration`` past t and the weight is the index times
``weight_per_lut_entry``.

At its first presynaptic spike a connection (``init_flag`` false) takes the
synapse id ``no_synapses``, the model's count grows by one (the common
``readout_cycle_duration`` becomes whole drivers of ``synapses_per_driver``
times ``driver_readout_time``) and its first readout is at
int(id / synapses_per_driver) * driver_readout_time. The count and the cycle are
shared by all connections of the model (``shared``): they pass from spike to
spike in NEST's delivery order. pynest_jax keeps one count per target group of
the model's connections, which is NEST's only while a model's connections reach
one group of identical target neurons (NEST: one count per model).

Deliberate differences: NEST hangs when a readout cycle of 0 is needed
(``synapses_per_driver`` or ``driver_readout_time`` made it 0) and reads outside
the tables for weights outside [0, Wmax]; here the readout time then stays put
and the table index is clipped to [0, 15].
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ..errors import NESTErrors
from ..models.base import Prop
from .base import SynapseModel, register_synapse
from .stdp_synapse import first_read_time, history_window

LUT_SIZE = 16


def _cycle(no_synapses, per_driver, driver_time):
    """NEST's readout cycle: whole drivers needed for ``no_synapses`` times a driver's time."""
    return jnp.trunc((no_synapses - 1.0) / per_driver + 1.0) * driver_time


def _eval(p: dict, bits: str, a_c, a_a):
    """The evaluation bit of one set of configuration bits (charges against thresholds)."""
    cb = p[bits]
    left = (p["a_thresh_tl"] + cb[2] * a_c + cb[1] * a_a) / (1.0 + cb[2] + cb[1])
    right = (p["a_thresh_th"] + cb[0] * a_c + cb[3] * a_a) / (1.0 + cb[0] + cb[3])
    return left > right


def _round_half_away(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _vector(value, name: str, length: int | None, message: str) -> list[int]:
    """A list of integers from SetDefaults, as NEST reads it."""
    arr = np.asarray(value)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        kind = "std::vector<double, std::allocator<double> >" if arr.ndim == 1 else "double"
        raise NESTErrors.TypeMismatch(
            f"Expected datatype: Failed to cast '{name}' from {kind} to type "
            "std::vector<long, std::allocator<long> >"
        )
    out = [int(x) for x in arr]
    if length is not None and len(out) != length:
        raise NESTErrors.BadProperty(message)
    return out


@register_synapse
class stdp_facetshw_synapse_hom(SynapseModel):
    name = "stdp_facetshw_synapse_hom"
    aliases = ("_hpc", "_lbl")
    params = {
        "weight": Prop(1.0, ""),
        "delay": Prop(1.0, "ms"),
        "a_causal": Prop(0.0, ""),
        "a_acausal": Prop(0.0, ""),
        "a_thresh_th": Prop(21.835, ""),
        "a_thresh_tl": Prop(21.835, ""),
        "init_flag": Prop(False, "", bool),
        "synapse_id": Prop(0, "", int),
        "next_readout_time": Prop(0.0, "ms"),
        "t_lastspike": Prop(0.0, "ms", hidden=True),
    }
    common = {
        "tau_plus": Prop(20.0, "ms"),
        "tau_minus_stdp": Prop(20.0, "ms"),
        "Wmax": Prop(100.0, ""),
        "weight_per_lut_entry": Prop(100.0 / (LUT_SIZE - 1), ""),
        "no_synapses": Prop(0, "", int),
        "synapses_per_driver": Prop(50, "", int),
        "driver_readout_time": Prop(15.0, "ms"),
        "readout_cycle_duration": Prop(0.0, "ms"),
        "lookuptable_0": Prop([2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 15], "", "vector"),
        "lookuptable_1": Prop([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13], "", "vector"),
        "lookuptable_2": Prop(list(range(LUT_SIZE)), "", "vector"),
        "configbit_0": Prop([0, 0, 1, 0], "", "vector"),
        "configbit_1": Prop([0, 1, 0, 0], "", "vector"),
        "reset_pattern": Prop([1] * 6, "", "vector"),
    }
    dynamic = (
        "weight",
        "a_causal",
        "a_acausal",
        "init_flag",
        "synapse_id",
        "next_readout_time",
        "t_lastspike",
    )
    # Common properties the synapses change while spikes pass (one value per model).
    shared = ("no_synapses", "readout_cycle_duration")
    reads_history = True
    sizeof = None  # NEST 3.10 shows no sizeof for this model (nor for its _hpc variant)
    conn_bytes = 104

    @classmethod
    def update_defaults(cls, old: dict, given: dict) -> dict:
        """NEST's SetDefaults of the common properties, in its order (derived values
        follow: ``weight_per_lut_entry`` from ``Wmax``, ``readout_cycle_duration`` from
        the count and the driver); ``old`` holds every current default, ``given`` the
        values set. Returns the changed defaults; raises NEST's errors."""
        new = dict(old)
        for key in ("tau_plus", "tau_minus_stdp"):
            if key in given:
                new[key] = float(given[key])
        if "Wmax" in given:
            new["Wmax"] = float(given["Wmax"])
            new["weight_per_lut_entry"] = new["Wmax"] / (len(new["lookuptable_0"]) - 1)
        for key in ("weight_per_lut_entry", "readout_cycle_duration"):
            if key in given:
                new[key] = float(given[key])
        for key in ("no_synapses", "synapses_per_driver", "driver_readout_time"):
            if key in given:
                value = given[key]
                if key != "driver_readout_time" and not float(value).is_integer():
                    raise NESTErrors.TypeMismatch(
                        f"Expected datatype: Failed to cast '{key}' from double to type long"
                    )
                new[key] = float(value) if key == "driver_readout_time" else int(value)
                new["readout_cycle_duration"] = float(
                    _cycle(new["no_synapses"], new["synapses_per_driver"], new["driver_readout_time"])
                )
        for i, other in ((0, 1), (1, 0), (2, 0)):
            key = f"lookuptable_{i}"
            if key in given:
                new[key] = _vector(given[key], key, None, "")
                if len(new[key]) != len(new[f"lookuptable_{other}"]):
                    raise NESTErrors.BadProperty("Look-up table has not 2^4 entries!")
                if any(x < 0 or x > LUT_SIZE - 1 for x in new[key]):
                    raise NESTErrors.BadProperty("Look-up table entries must be integers in [0,15]")
        for key, n, msg in (
            ("configbit_0", 4, "Wrong number of configuration bits (!=4)."),
            ("configbit_1", 4, "Wrong number of configuration bits (!=4)."),
            ("reset_pattern", 6, "Wrong number of reset bits (!=6)."),
        ):
            if key in given:
                new[key] = _vector(given[key], key, n, msg)
        return new

    @classmethod
    def transmit(cls, p, t_spike, key):
        ok = p["lane_ok"]
        # A connection's first spike gives it the next synapse id, in delivery order.
        first = ok & (p["init_flag"] == 0.0)
        inits = jnp.cumsum(first)
        count = p["no_synapses"] + inits
        per_driver, driver_time = p["synapses_per_driver"], p["driver_readout_time"]
        syn_id = jnp.where(first, count - 1.0, p["synapse_id"])
        readout = jnp.where(first, jnp.trunc(syn_id / per_driver) * driver_time, p["next_readout_time"])
        cycle = jnp.where(inits > 0, _cycle(count, per_driver, driver_time), p["readout_cycle_duration"])

        # Readout: discretise, evaluate the charges, look the new index up, reset charges.
        a_c, a_a = p["a_causal"], p["a_acausal"]
        due = ok & (t_spike > readout)
        index = _round_half_away(p["weight"] / p["weight_per_lut_entry"])
        e0, e1 = _eval(p, "configbit_0", a_c, a_a), _eval(p, "configbit_1", a_c, a_a)
        # Table 0 for (1, 0), 1 for (0, 1), 2 for (1, 1); (0, 0) keeps the index.
        table = jnp.where(e0 & ~e1, 0, jnp.where(~e0 & e1, 1, 2))
        change = due & (e0 | e1)
        luts = jnp.stack([p["lookuptable_0"], p["lookuptable_1"], p["lookuptable_2"]])
        looked = luts[table, jnp.clip(index, 0, LUT_SIZE - 1).astype(jnp.int32)]
        index = jnp.where(change, looked, index)
        reset = p["reset_pattern"] != 0
        a_c = jnp.where(change & reset[2 * table], 0.0, a_c)
        a_a = jnp.where(change & reset[2 * table + 1], 0.0, a_a)

        def later(r):
            return r + jnp.where(due & (cycle > 0) & (t_spike > r), cycle, 0.0)

        readout = jax.lax.while_loop(
            lambda r: jnp.any(due & (cycle > 0) & (t_spike > r)), later, jnp.where(due, readout, readout)
        )
        w = jnp.where(due, index * p["weight_per_lut_entry"], p["weight"])

        # Charges of the target spikes since the previous presynaptic spike.
        post, d, t_last = p["post"], p["delay_ms"], p["t_lastspike"]
        first_row, n_read = history_window(post, t_last - d, t_spike - d)
        lanes = jnp.arange(post["t"].shape[1])
        t_first = first_read_time(post, first_row)
        t_newest = post["t"][jnp.maximum(first_row + n_read - 1, 0), lanes]
        seen = n_read > 0
        a_c = jnp.where(seen, a_c + jnp.exp((t_last - (t_first + d)) / p["tau_plus"]), a_c)
        a_a = jnp.where(seen, a_a + jnp.exp(((t_newest + d) - t_spike) / p["tau_minus_stdp"]), a_a)

        new = {
            "weight": w,
            "a_causal": a_c,
            "a_acausal": a_a,
            "init_flag": jnp.where(ok, 1.0, p["init_flag"]),
            "synapse_id": syn_id,
            "next_readout_time": readout,
            "t_lastspike": jnp.broadcast_to(t_spike, w.shape),
            "no_synapses": count[-1],
            "readout_cycle_duration": cycle[-1],
        }
        return new, w
