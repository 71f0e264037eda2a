"""STDP variants against NEST 3.10: ``stdp_pl_synapse_hom`` and the nearest-neighbour
models ``stdp_nn_symm_synapse``, ``stdp_nn_pre_centered_synapse`` and
``stdp_nn_restr_synapse``. Every weight_recorder event, the full connection status
after each run piece, the key sets and the parameter errors are compared."""

from __future__ import annotations

import numpy as np
import pytest
from compare import run_both

NN_MODELS = ("stdp_nn_symm_synapse", "stdp_nn_pre_centered_synapse", "stdp_nn_restr_synapse")
MODELS = ("stdp_pl_synapse_hom", *NN_MODELS)


def _train(rng: np.random.Generator, n: int, rate: float) -> list[float]:
    """Poisson-like times on the 0.1 ms grid; about a third of the intervals are bursts
    of 0.1-0.7 ms."""
    gaps = rng.exponential(1000.0 / rate, n)
    gaps = np.where(rng.random(n) < 0.3, rng.integers(1, 8, n) * 0.1, gaps)
    return sorted({round(float(t), 1) for t in 1.0 + np.cumsum(np.maximum(gaps, 0.1))})


def _trains(seed: int) -> tuple[list[float], list[float]]:
    """A presynaptic train and a postsynaptic one that follows or precedes each
    presynaptic spike by 0.1-5.9 ms (both orders, exact coincidences with the delays
    included), plus random postsynaptic spikes."""
    rng = np.random.default_rng(seed)
    pre = _train(rng, 60, 30.0)
    sign = rng.choice([-1.0, 1.0], len(pre))
    shift = rng.integers(1, 60, len(pre)) * 0.1
    post = [t + s * d for t, s, d in zip(pre, sign, shift, strict=True)] + _train(rng, 30, 15.0)
    return pre, sorted({round(t, 1) for t in post if t > 0.15})


def stdp_network(nest, model: str, cases: list[tuple[dict, dict]], seeds: tuple[int, ...]) -> dict:
    """Per case (common properties, per-connection values: a copy of the model each) and
    seed: a parrot relaying the presynaptic train and one relaying the postsynaptic
    train 3 ms late, both onto two parrots that fire the postsynaptic train (plastic
    connections on receptor 1, which parrots do not repeat), with delays 1 and 2.5 ms.
    All copies report to one weight_recorder; the whole connection status is read after
    each of three run pieces (one ending inside a slice)."""
    nest.resolution = 0.1
    wr = nest.Create("weight_recorder")
    for case, (common, params) in enumerate(cases):
        nest.CopyModel(model, f"under_test_{case}", {"weight_recorder": wr, **common})
        for seed in seeds:
            pre_t, post_t = _trains(seed + 10 * case)
            sg_pre = nest.Create("spike_generator", params={"spike_times": pre_t})
            sg_post = nest.Create("spike_generator", params={"spike_times": post_t})
            pre, post = nest.Create("parrot_neuron", 2), nest.Create("parrot_neuron", 2)
            nest.Connect(sg_pre, pre[0])
            nest.Connect(sg_post, pre[1], syn_spec={"delay": 3.0})
            nest.Connect(sg_post, post)
            for target, delay in zip(post, (1.0, 2.5), strict=True):
                syn = {"synapse_model": f"under_test_{case}", "weight": 40.0, "delay": delay, **params}
                nest.Connect(pre, target, syn_spec={**syn, "receptor_type": 1})
    states = []
    for t in (250.0, 0.3, 900.0):
        nest.Simulate(t)
        states.append([nest.GetConnections(synapse_model=f"under_test_{c}").get() for c in range(len(cases))])
    return {"events": {k: np.asarray(v) for k, v in wr.get("events").items()}, "states": states}


CASES = {
    "stdp_pl_synapse_hom": [
        ({}, {}),
        ({"lambda": 0.02, "alpha": 0.3, "mu": 0.6, "tau_plus": 15.0}, {"Kplus": 0.4}),
    ],
    "stdp_nn_symm_synapse": [({}, {}), ({}, {"mu_plus": 0.0, "mu_minus": 0.0, "lambda": 0.05, "Wmax": 45.0})],
    "stdp_nn_pre_centered_synapse": [
        ({}, {}),
        ({}, {"Kplus": 2.0, "lambda": 0.1, "Wmax": 50.0, "tau_plus": 10.0}),
    ],
    "stdp_nn_restr_synapse": [({}, {}), ({}, {"alpha": 1.5, "lambda": 0.08, "mu_plus": 0.5, "Wmax": 48.0})],
}


def _assert_status_equal(ref: dict, ours: dict) -> None:
    assert sorted(ours) == sorted(ref)
    for key, r in ref.items():
        o = ours[key]
        if key in ("port", "synapse_id"):
            # Known differences outside the synapse models: NEST numbers the ports of
            # GetConnections per model and thread (0, 1, 2, ...), pynest_jax per target;
            # a copied model's id counts NEST's models, not all of which pynest_jax has.
            continue
        if np.asarray(r).dtype.kind == "f":
            np.testing.assert_allclose(o, r, rtol=1e-9, atol=0, err_msg=key)
        else:
            assert list(np.asarray(o)) == list(np.asarray(r)), key


def _order(events: dict) -> np.ndarray:
    return np.lexsort((events["targets"], events["senders"], events["times"]))


@pytest.mark.parametrize("model", MODELS)
def test_recorded_weights_and_status_match_nest(model: str) -> None:
    ref, ours = run_both(stdp_network, model=model, cases=CASES[model], seeds=(1, 7))
    assert sorted(ours["events"]) == sorted(ref["events"])
    # Known difference outside the synapse models: with several plastic models, NEST
    # interleaves their events within a slice in another order; compared in time order.
    r, o = ({k: v[_order(ev)] for k, v in ev.items()} for ev in (ref["events"], ours["events"]))
    assert len(r["times"]) > 400
    for key in ("senders", "targets", "times", "receptors", "ports"):
        np.testing.assert_array_equal(o[key], r[key], err_msg=key)
    np.testing.assert_allclose(o["weights"], r["weights"], rtol=1e-9, atol=0)
    # The rule did act: the weights moved both up and down from the initial 40.
    steps = np.diff(r["weights"][(r["senders"] == r["senders"][0]) & (r["targets"] == r["targets"][0])])
    assert np.any(steps > 1e-6) and np.any(steps < -1e-6)
    for piece_ref, piece in zip(ref["states"], ours["states"], strict=True):
        for state_ref, state in zip(piece_ref, piece, strict=True):
            _assert_status_equal(state_ref, state)


def _error(fn) -> tuple[str, str] | None:
    """The class and reason of the error ``fn`` raises. The reason is the message after
    its last ': ', since NEST prefixes conn.set errors with the connection and names the
    internal function in unknown-key errors."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - class and message are compared
        return type(exc).__name__, str(exc).rsplit(": ", 1)[-1]
    return None


# Bad values per model: for SetDefaults, for Connect's syn_spec and for conn.set.
BAD = {
    "stdp_pl_synapse_hom": (
        [{"tau_plus": 0.0}, {"tau_plus": -2.0}, {"Wmax": 5.0}, {"mu_plus": 1.0}],
        [{"tau_plus": 5.0}, {"lambda": 0.2}, {"Wmax": 5.0}],
        [{"tau_plus": 5.0}, {"alpha": 2.0}],
    ),
    "stdp_nn_symm_synapse": (
        [{"weight": -1.0}, {"weight": -0.0}, {"Wmax": -0.0}, {"Kplus": 1.0}, {"mu": 0.3}],
        [{"Kplus": 1.0}, {"mu": 0.3}],
        [{"weight": -0.0}, {"Wmax": -5.0}, {"Kplus": 1.0}],
    ),
    "stdp_nn_pre_centered_synapse": (
        [{"weight": -1.0}, {"Wmax": -5.0}, {"Kplus": -0.5}, {"mu": 0.3}],
        [{"Kplus": -0.5}, {"mu": 0.3}],
        [{"weight": -1.0}, {"Kplus": -0.5}],
    ),
    "stdp_nn_restr_synapse": (
        [{"weight": -1.0}, {"Wmax": -5.0}, {"Kplus": 1.0}],
        [{"Kplus": 1.0}],
        [{"Wmax": -5.0}, {"Kplus": 1.0}],
    ),
}
# Accepted values that other STDP models refuse (0 or -0.0 as a positive sign, no Kplus check).
GOOD = {
    "stdp_pl_synapse_hom": [{"weight": -1.0}, {"Kplus": -0.5}, {"lambda": -1.0}],
    "stdp_nn_symm_synapse": [{"Wmax": 0.0}, {"weight": -1.0, "Wmax": -5.0}, {"tau_plus": -1.0}],
    "stdp_nn_pre_centered_synapse": [{"weight": -0.0}, {"Wmax": -0.0}, {"weight": -1.0, "Wmax": -5.0}],
    "stdp_nn_restr_synapse": [{"weight": -0.0}, {"Wmax": -0.0}, {"alpha": -1.0}],
}


def keys_and_errors(nest, model: str) -> dict:
    pre, post = nest.Create("parrot_neuron"), nest.Create("parrot_neuron")
    nest.Connect(pre, post, syn_spec={"synapse_model": model})
    conn = nest.GetConnections()
    status = conn.get()
    defaults = nest.GetDefaults(model)
    out = {
        "defaults": sorted(defaults),
        "conn": sorted(status),
        "values": {k: defaults[k] for k in defaults if isinstance(defaults[k], float)},
        "conn values": {k: status[k] for k in status if isinstance(status[k], float)},
    }
    set_defaults, connect, conn_set = BAD[model]
    # Each SetDefaults on its own copy: NEST keeps an invalid value it refused.
    for i, bad in enumerate(set_defaults):
        nest.CopyModel(model, f"bad_{i}")
        out[f"SetDefaults {bad}"] = _error(lambda: nest.SetDefaults(f"bad_{i}", bad))  # noqa: B023
    for i, good in enumerate(GOOD[model]):
        nest.CopyModel(model, f"good_{i}")
        out[f"accepted {good}"] = _error(lambda: nest.SetDefaults(f"good_{i}", good))  # noqa: B023
        out[f"accepted {good} defaults"] = [nest.GetDefaults(f"good_{i}")[k] for k in good]
    for bad in connect:
        spec = {"synapse_model": model, **bad}
        out[f"Connect {bad}"] = _error(lambda: nest.Connect(pre, post, syn_spec=spec))  # noqa: B023
    for bad in conn_set:  # each on a new connection, for the same reason
        a, b = nest.Create("parrot_neuron"), nest.Create("parrot_neuron")
        nest.Connect(a, b, syn_spec={"synapse_model": model})
        fresh = nest.GetConnections(a, b)
        out[f"set {bad}"] = _error(lambda: fresh.set(bad))  # noqa: B023
    return out


@pytest.mark.parametrize("model", MODELS)
def test_keys_defaults_and_errors_match_nest(model: str) -> None:
    ref, ours = run_both(keys_and_errors, model=model)
    assert ours == ref
    assert any(v is not None for k, v in ref.items() if k.startswith(("SetDefaults", "Connect", "set ")))


@pytest.mark.parametrize("model", MODELS)
def test_variants_are_registered(model: str) -> None:
    """The model and its _hpc and _lbl variants exist in both simulators."""
    import nest as real_nest

    import pynest_jax

    for suffix in ("", "_hpc", "_lbl"):
        assert model + suffix in real_nest.synapse_models
        assert model + suffix in pynest_jax.synapse_models
