"""Plastic synapses against NEST 3.10: the per-synapse state after every run, and the
target's membrane potential, which carries every weight the synapses sent."""

from __future__ import annotations

import numpy as np
import pytest
from compare import run_both

MODEL = "tsodyks2_synapse"


def _train(seed: int, n: int = 40) -> list[float]:
    """Random presynaptic times on the 0.1 ms grid with bursts (intervals down to 0.1 ms)."""
    rng = np.random.default_rng(seed)
    gaps = np.where(rng.random(n) < 0.3, rng.integers(1, 6, n) * 0.1, rng.exponential(8.0, n))
    return sorted({round(float(t), 1) for t in 1.0 + np.cumsum(np.maximum(gaps, 0.1))})


def pair_network(nest, seed: int, delay: float, params: dict, pieces: tuple[float, ...]) -> dict:
    """spike_generator -> parrot -> (plastic synapse) -> iaf_psc_alpha; two targets with
    different delays. The state is read after every Simulate piece."""
    nest.resolution = 0.1
    sg = nest.Create("spike_generator", params={"spike_times": _train(seed)})
    pre = nest.Create("parrot_neuron")
    post = nest.Create("iaf_psc_alpha", 2)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(sg, pre)
    syn = {"synapse_model": MODEL, "weight": 300.0, **params}
    nest.Connect(pre, post[0], syn_spec={**syn, "delay": delay})
    nest.Connect(pre, post[1], syn_spec={**syn, "delay": delay + 1.3})
    nest.Connect(mm, post)
    conns = nest.GetConnections(pre, post)
    states = []
    for t in pieces:
        nest.Simulate(t)
        states.append({k: list(conns.get(k)) for k in ("u", "x", "weight", "U", "tau_rec", "tau_fac")})
    events = mm.get("events")
    return {"V": np.asarray(events["V_m"]), "senders": np.asarray(events["senders"]), "states": states}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"U": 0.2, "u": 0.2, "tau_fac": 100.0, "tau_rec": 50.0},
        {"U": 0.7, "u": 0.1, "x": 0.4, "tau_fac": 5.0, "tau_rec": 200.0},
    ],
    ids=["depressing", "facilitating", "initial-state"],
)
def test_state_and_sent_weights_match_nest(seed: int, params: dict) -> None:
    ref, ours = run_both(pair_network, seed=seed, delay=1.0, params=params, pieces=(37.3, 0.1, 150.0))
    for r, o in zip(ref["states"], ours["states"], strict=True):
        for key in r:
            np.testing.assert_allclose(o[key], r[key], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(ours["senders"], ref["senders"])
    np.testing.assert_allclose(ours["V"], ref["V"], rtol=0, atol=1e-9)
    assert np.ptp(ref["V"]) > 1.0  # the synapses did drive the targets


def set_between_runs(nest) -> dict:
    """u and x set on the connections between two runs take effect, as in NEST."""
    out = pair_network(nest, seed=4, delay=2.0, params={"tau_fac": 20.0}, pieces=(30.0,))
    conns = nest.GetConnections(synapse_model=MODEL)
    conns.set({"u": [0.9, 0.3], "x": 0.5})
    nest.Simulate(60.0)
    return {**out, "after": {k: list(conns.get(k)) for k in ("u", "x")}}


def test_set_between_runs_matches_nest() -> None:
    ref, ours = run_both(set_between_runs)
    for key in ("u", "x"):
        np.testing.assert_allclose(ours["after"][key], ref["after"][key], rtol=1e-12)


def keys_and_errors(nest) -> dict:
    pre, post = nest.Create("parrot_neuron"), nest.Create("iaf_psc_alpha")
    nest.Connect(pre, post, syn_spec={"synapse_model": MODEL})
    out = {
        "defaults": sorted(nest.GetDefaults(MODEL)),
        "conn": sorted(nest.GetConnections().get()),
    }
    for bad in ({"U": 1.5}, {"u": -0.1}, {"tau_rec": 0.0}, {"tau_fac": -1.0}):
        try:
            nest.Connect(pre, post, syn_spec={"synapse_model": MODEL, **bad})
            out[str(bad)] = None
        except Exception as exc:  # noqa: BLE001 - the class name is compared
            out[str(bad)] = type(exc).__name__
    return out


def test_keys_and_errors_match_nest() -> None:
    ref, ours = run_both(keys_and_errors)
    assert ours == ref


def invalid_set(nest) -> dict:
    """An invalid value in conn.set raises BadProperty and changes nothing."""
    pre, post = nest.Create("parrot_neuron"), nest.Create("iaf_psc_alpha", 2)
    nest.Connect(pre, post, syn_spec={"synapse_model": MODEL})
    conns = nest.GetConnections()
    try:
        conns.set({"x": 0.3, "u": [0.2, 1.5]})
        error = None
    except Exception as exc:  # noqa: BLE001 - the class name is compared
        error = type(exc).__name__
    return {"error": error, "u": list(conns.get("u"))}


def test_invalid_set_matches_nest() -> None:
    """Same error class as NEST. NEST has by then changed the first connection and
    stored the invalid value in the second ([0.2, 1.5]); we deliberately change nothing."""
    ref, ours = run_both(invalid_set)
    assert ours["error"] == ref["error"] == "BadProperty"
    assert ref["u"] == [0.2, 1.5]
    assert ours["u"] == [0.5, 0.5]


# ------------------------------------------------------------------ stdp_synapse
def _poisson_train(seed: int, n: int, rate: float, start: float = 1.0) -> list[float]:
    rng = np.random.default_rng(seed)
    return sorted({round(float(t), 1) for t in start + np.cumsum(rng.exponential(1000.0 / rate, n))})


def stdp_pair(
    nest, seed: int, delay: float, params: dict, post_model: str, model: str = "stdp_synapse"
) -> dict:
    """Random pre and post trains relayed by parrots; the plastic synapse drives a parrot
    (which repeats its input, as in NEST's own STDP tests) or an iaf_psc_alpha kept
    near threshold. Weight and Kplus are read after every run piece."""
    nest.resolution = 0.1
    sg_pre = nest.Create("spike_generator", params={"spike_times": _poisson_train(seed, 80, 25.0)})
    sg_post = nest.Create("spike_generator", params={"spike_times": _poisson_train(seed + 100, 80, 25.0)})
    pre = nest.Create("parrot_neuron")
    post = nest.Create(post_model)
    nest.Connect(sg_pre, pre)
    if post_model == "parrot_neuron":
        nest.Connect(sg_post, post)
    else:
        nest.Connect(sg_post, post, syn_spec={"weight": 2000.0})
    if model == "stdp_synapse":
        syn = {"synapse_model": model, "weight": 40.0, "delay": delay, **params}
    else:  # the plasticity parameters of a _hom model are common to its connections
        nest.CopyModel(model, "stdp_under_test", params)
        syn = {"synapse_model": "stdp_under_test", "weight": 40.0, "delay": delay}
    nest.Connect(pre, post, syn_spec=syn)
    conn = nest.GetConnections(pre, post)
    out = []
    for t in (300.0, 0.7, 1200.0, 1000.0):
        nest.Simulate(t)
        out.append((conn.get("weight"), conn.get("Kplus")))
    return {"values": out, "post_events": int(nest.GetStatus(post, "t_spike")[0] > 0)}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("delay", [1.0, 2.5])
@pytest.mark.parametrize(
    "params",
    [{}, {"mu_plus": 0.0, "mu_minus": 0.0, "lambda": 0.05, "alpha": 1.2}, {"Wmax": 45.0, "lambda": 0.1}],
    ids=["multiplicative", "additive", "bounded"],
)
@pytest.mark.parametrize("post_model", ["parrot_neuron", "iaf_psc_alpha"])
@pytest.mark.parametrize("model", ["stdp_synapse", "stdp_synapse_hom"])
def test_stdp_weights_match_nest(seed: int, delay: float, params: dict, post_model: str, model: str) -> None:
    ref, ours = run_both(stdp_pair, seed=seed, delay=delay, params=params, post_model=post_model, model=model)
    for (w_ref, k_ref), (w, k) in zip(ref["values"], ours["values"], strict=True):
        assert w == pytest.approx(w_ref, rel=1e-9)
        assert k == pytest.approx(k_ref, rel=1e-9)
    assert ref["values"][-1][0] != ref["values"][0][0]  # the weight did change


def stdp_errors(nest) -> dict:
    pre, post = nest.Create("parrot_neuron"), nest.Create("iaf_psc_alpha")
    out = {"defaults": sorted(nest.GetDefaults("stdp_synapse"))}
    for bad in ({"weight": -1.0}, {"Kplus": -0.5}, {"weight": -1.0, "Wmax": -5.0}):
        try:
            nest.Connect(pre, post, syn_spec={"synapse_model": "stdp_synapse", **bad})
            out[str(bad)] = None
        except Exception as exc:  # noqa: BLE001 - the class name is compared
            out[str(bad)] = type(exc).__name__
    out["conn"] = sorted(nest.GetConnections().get())
    return out


def test_stdp_keys_and_errors_match_nest() -> None:
    ref, ours = run_both(stdp_errors)
    assert ours == ref


# ------------------------------------------------------------------ weight_recorder
def recorded_weights(nest, model: str, seed: int, pieces: tuple[float, ...]) -> dict:
    """Two presynaptic parrots onto two targets through a plastic model that reports to a
    weight_recorder (set with CopyModel); the events after runs split inside slices."""
    nest.resolution = 0.1
    wr = nest.Create("weight_recorder")
    nest.CopyModel(model, "recorded", {"weight_recorder": wr})
    sgs = [
        nest.Create("spike_generator", params={"spike_times": _poisson_train(seed + i, 30, 40.0)})
        for i in range(3)
    ]
    pre, post = nest.Create("parrot_neuron", 2), nest.Create("parrot_neuron", 2)
    nest.Connect(sgs[0], pre[0])
    nest.Connect(sgs[1], pre[1])
    nest.Connect(sgs[2], post)
    nest.Connect(pre, post, syn_spec={"synapse_model": "recorded", "weight": 10.0, "delay": 2.0})
    for t in pieces:
        nest.Simulate(t)
    return {key: np.asarray(v) for key, v in wr.get("events").items()} | {"n": wr.get("n_events")}


@pytest.mark.parametrize("model", ["stdp_synapse", "tsodyks2_synapse", "stdp_synapse_hom"])
@pytest.mark.parametrize("seed", [1, 7])
def test_weight_recorder_matches_nest(model: str, seed: int) -> None:
    """Every event: sender, target, time, weight sent, receptor and port, in NEST's order."""
    ref, ours = run_both(recorded_weights, model=model, seed=seed, pieces=(2.5, 100.0, 333.3))
    assert set(ours) == set(ref)
    assert ref["n"] == ours["n"] > 50
    for key in ("senders", "targets", "ports", "receptors"):
        np.testing.assert_array_equal(ours[key], ref[key])
    np.testing.assert_allclose(ours["times"], ref["times"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["weights"], ref["weights"], rtol=1e-12)


def long_history(nest, model: str) -> dict:
    """A presynaptic parrot silent for 700 ms while its target fires about 300 times:
    the synapse then reads all those spikes (pynest_jax grows the history it keeps)."""
    nest.resolution = 0.1
    sg = nest.Create("spike_generator", params={"spike_times": [5.0, 8.0, 708.0, 709.5]})
    pre = nest.Create("parrot_neuron")
    post = nest.Create("iaf_psc_alpha", params={"I_e": 1200.0, "tau_minus": 30.0})
    nest.Connect(sg, pre)
    nest.Connect(pre, post, syn_spec={"synapse_model": model, "weight": 20.0, "delay": 1.5})
    conn = nest.GetConnections(pre, post)
    out = []
    for t in (400.0, 400.0):
        nest.Simulate(t)
        out.append(conn.get(["weight", "Kplus"]))
    return {"values": out, "post_spikes": int(nest.GetStatus(post, "t_spike")[0] > 0)}


@pytest.mark.parametrize("model", ["stdp_synapse", "stdp_triplet_synapse"])
def test_history_grows_past_32_spikes(model: str) -> None:
    ref, ours = run_both(long_history, model=model)
    for r, o in zip(ref["values"], ours["values"], strict=True):
        assert o["weight"] == pytest.approx(r["weight"], rel=1e-9)
        assert o["Kplus"] == pytest.approx(r["Kplus"], rel=1e-9)
    assert ref["values"][1]["weight"] != ref["values"][0]["weight"]  # the ~300 spikes were read
