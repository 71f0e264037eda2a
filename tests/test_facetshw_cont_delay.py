"""``stdp_facetshw_synapse_hom`` and ``cont_delay_synapse`` against NEST 3.10."""

from __future__ import annotations

import numpy as np
import pytest
from compare import run_both

FACETS = "stdp_facetshw_synapse_hom"
CONT = "cont_delay_synapse"


def _train(seed: int, n: int, mean_isi: float, start: float = 2.0) -> list[float]:
    """Spike times on the 0.1 ms grid with bursts (gaps of 0.3-2 ms) among longer gaps."""
    rng = np.random.default_rng(seed)
    gaps = np.where(rng.random(n) < 0.3, rng.uniform(0.3, 2.0, n), rng.exponential(mean_isi, n) + 0.3)
    return np.unique(np.round(start + np.cumsum(gaps), 1)).tolist()


def facets_network(nest, seed: int, delay: float, pieces: tuple[float, ...]) -> dict:
    """Three presynaptic parrots onto two target parrots, all-to-all through the model
    (readout every 7 ms per driver of 2 synapses, low thresholds so that the tables
    are used often, per-connection thresholds and weights); weight_recorder events, the
    connections' state and the model's synapse count after every run piece."""
    nest.resolution = 0.1
    wr = nest.Create("weight_recorder")
    common = {
        "weight_recorder": wr,
        "synapses_per_driver": 2,
        "driver_readout_time": 7.0,
        "Wmax": 45.0,
        "tau_plus": 15.0,
        "tau_minus_stdp": 25.0,
    }
    if seed % 2:
        common |= {"reset_pattern": [1, 0, 0, 1, 1, 1], "configbit_0": [0, 1, 1, 0]}
    nest.CopyModel(FACETS, "facets", common)
    sgs = [
        nest.Create("spike_generator", params={"spike_times": _train(seed + i, 40, 12.0)}) for i in range(5)
    ]
    pre, post = nest.Create("parrot_neuron", 3), nest.Create("parrot_neuron", 2)
    for i in range(3):
        nest.Connect(sgs[i], pre[i])
    for i in range(2):
        nest.Connect(sgs[3 + i], post[i])
    rng = np.random.default_rng(seed)
    nest.Connect(
        pre,
        post,
        "all_to_all",
        {
            "synapse_model": "facets",
            "weight": np.round(rng.uniform(5.0, 40.0, (2, 3)), 2),
            "delay": delay,
            "a_thresh_th": np.round(rng.uniform(1.0, 2.5, (2, 3)), 3),
            "a_thresh_tl": np.round(rng.uniform(1.0, 2.5, (2, 3)), 3),
        },
    )
    conns = nest.GetConnections(synapse_model="facets")
    keys = ["weight", "a_causal", "a_acausal", "init_flag", "synapse_id", "next_readout_time", "delay"]
    states = []
    for t in pieces:
        nest.Simulate(t)
        d = nest.GetDefaults("facets")
        states.append(
            (conns.get(keys), d["no_synapses"], d["readout_cycle_duration"], d["weight_per_lut_entry"])
        )
    events = {k: np.asarray(v) for k, v in wr.get("events").items()}
    return {"events": events, "states": states}


@pytest.mark.parametrize(("seed", "delay"), [(1, 1.0), (2, 2.3), (3, 0.5)])
def test_facetshw_matches_nest(seed: int, delay: float) -> None:
    """Weights sent (weight_recorder), every connection's state and the model's count."""
    ref, ours = run_both(facets_network, seed=seed, delay=delay, pieces=(40.0, 0.7, 260.0))
    ev_r, ev_o = ref["events"], ours["events"]
    assert len(ev_r["times"]) > 100
    weights = np.asarray(ev_r["weights"])
    assert len(np.unique(np.round(weights, 6))) > 4  # the tables changed the weights
    for key in ("senders", "targets", "times", "ports", "receptors"):
        np.testing.assert_array_equal(ev_o[key], ev_r[key], err_msg=key)
    np.testing.assert_allclose(ev_o["weights"], weights, rtol=1e-9)
    for (conn_r, n_r, cycle_r, lut_r), (conn_o, n_o, cycle_o, lut_o) in zip(
        ref["states"], ours["states"], strict=True
    ):
        assert (n_o, cycle_o, lut_o) == (n_r, cycle_r, lut_r)
        for key, values in conn_r.items():
            np.testing.assert_allclose(np.asarray(conn_o[key], float), np.asarray(values, float), rtol=1e-9)
    # Synapse ids beyond one driver: the first readouts lie in later driver slots.
    assert ref["states"][-1][1] == 6 and max(ref["states"][-1][0]["next_readout_time"]) > 21.0


def facets_defaults(nest, changes: list[dict]) -> dict:
    """GetDefaults after each SetDefaults (or the error it raised), and a connection's keys."""
    out = []
    for change in changes:
        try:
            nest.SetDefaults(FACETS, change)
            d = nest.GetDefaults(FACETS)
            out.append({k: np.asarray(v).tolist() for k, v in d.items() if k not in ("synapse_modelid",)})
        except Exception as err:  # noqa: BLE001 - the error class and message are compared
            out.append((type(err).__name__, str(err)))
    n = nest.Create("parrot_neuron", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": FACETS, "a_causal": 1.5, "synapse_id": 4})
    conn = nest.GetConnections()
    conn.set(synapse_id=7, next_readout_time=3.0, a_thresh_th=2.0)
    try:
        nest.Connect(n[0], n[1], syn_spec={"synapse_model": FACETS, "tau_plus": 3.0})
    except Exception as err:  # noqa: BLE001
        out.append((type(err).__name__, str(err)))
    return {"steps": out, "conn": {k: np.asarray(v).tolist() for k, v in conn.get().items()}}


def test_facetshw_defaults_and_errors() -> None:
    changes = [
        {},
        {"Wmax": 30.0},
        {"Wmax": 60.0, "weight_per_lut_entry": 1.5},
        {"no_synapses": 120},
        {"readout_cycle_duration": 3.0},
        {"no_synapses": 7, "readout_cycle_duration": 3.0, "synapses_per_driver": 3},
        {"driver_readout_time": 2.5, "tau_minus_stdp": 4.0},
        {"lookuptable_2": [3] * 16, "configbit_1": [1, 0, 0, 1], "reset_pattern": [0] * 6},
        {"lookuptable_0": [1] * 15},
        {"lookuptable_0": [1] * 15 + [16]},
        {"lookuptable_1": [-1] + [1] * 15},
        {"lookuptable_0": [1] * 8, "lookuptable_1": [1] * 8},
        {"configbit_0": [1, 0, 0]},
        {"configbit_1": [1, 0, 0, 0, 0]},
        {"reset_pattern": [1] * 5},
        {"no_synapses": 2.5},
    ]
    ref, ours = run_both(facets_defaults, changes=changes)
    assert ref == ours


# ------------------------------------------------------------------ cont_delay_synapse


def cont_delay_run(nest, h: float, how: str, delay: float) -> dict:
    """A parrot's spikes through the synapse onto an iaf_psc_alpha; the delay given to
    Connect, set on the connection afterwards, or set as the model's default (CopyModel).
    Reported delay, kernel delay extrema and the target's V_m."""
    nest.resolution = h
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 5.3, 5.4]})
    parrot = nest.Create("parrot_neuron")
    nest.Connect(sg, parrot)
    target = nest.Create("iaf_psc_alpha")
    model = CONT
    spec = {"weight": 100.0}
    if how == "connect":
        spec["delay"] = delay
    elif how == "defaults":
        model = "cont_copy"
        nest.CopyModel(CONT, model, {"delay": delay})
    nest.Connect(parrot, target, syn_spec={"synapse_model": model, **spec})
    conn = nest.GetConnections(synapse_model=model)
    if how == "set":
        conn.set(delay=delay)
    vm = nest.Create("voltmeter", params={"interval": h})
    nest.Connect(vm, target)
    nest.Simulate(12.0)
    return {
        "delay": conn.get("delay"),
        "defaults": nest.GetDefaults(model, "delay"),
        "extrema": nest.GetKernelStatus(["min_delay", "max_delay"]),
        "V_m": np.asarray(vm.get("events")["V_m"]),
    }


@pytest.mark.parametrize(
    ("h", "how", "delay"),
    [
        (0.1, "connect", 1.23),
        (0.1, "connect", 1.25),
        (0.1, "set", 1.23),
        (0.1, "set", 1.2),
        (0.1, "defaults", 1.37),
        (0.1, "set", 2.0),
        (0.01, "defaults", 1.2345),
        (0.01, "set", 1.057),
    ],
)
def test_cont_delay_matches_nest(h: float, how: str, delay: float) -> None:
    ref, ours = run_both(cont_delay_run, h=h, how=how, delay=delay)
    assert ours["delay"] == ref["delay"]
    assert ours["defaults"] == ref["defaults"]
    assert ours["extrema"] == ref["extrema"]
    np.testing.assert_allclose(ours["V_m"], ref["V_m"], rtol=1e-12, atol=1e-12)
    assert np.ptp(ref["V_m"]) > 1.0


def cont_delay_errors(nest) -> list:
    """BadDelay of the setter before and after Simulate, of SetDefaults and of Connect."""
    nest.resolution = 0.1
    out = []
    n = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": CONT, "delay": 2.0})
    conn = nest.GetConnections()
    attempts = [
        lambda d: conn.set(delay=d),
        lambda d: nest.SetDefaults(CONT, {"delay": d}),
        lambda d: nest.Connect(n[0], n[1], syn_spec={"synapse_model": CONT, "delay": d}),
    ]
    for phase in ("before", "after"):
        if phase == "after":
            nest.Simulate(1.0)
        for attempt in attempts:
            for d in (0.05, -1.0, -1.23, 0.0, 1.23, 2.57, 2.0):
                try:
                    attempt(d)
                    out.append((phase, d, "ok"))
                except Exception as err:  # noqa: BLE001 - the error class and message are compared
                    out.append((phase, d, type(err).__name__, str(err)))
    out.append(sorted(nest.GetDefaults(CONT)))
    return out


def test_cont_delay_errors_and_keys() -> None:
    ref, ours = run_both(cont_delay_errors)
    assert ours == ref
