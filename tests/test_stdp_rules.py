"""STDP rules beyond stdp_synapse against NEST 3.10: vogels_sprekeler_synapse,
jonke_synapse and stdp_triplet_synapse. Every weight_recorder event and every
per-connection value after the run, key sets, and parameter errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compare import run_both


def _bursty_train(seed: int, n: int, mean_gap: float) -> list[float]:
    """Random times on the 0.1 ms grid; about a third of the intervals are burst
    intervals of 0.1-0.5 ms."""
    rng = np.random.default_rng(seed)
    gaps = np.where(rng.random(n) < 0.35, rng.integers(1, 6, n) * 0.1, rng.exponential(mean_gap, n))
    return sorted({round(float(t), 1) for t in 1.0 + np.cumsum(np.maximum(gaps, 0.1))})


def rule_network(
    nest: Any, model: str, seed: int, delay: float, conn: dict, common: dict, pieces: tuple[float, ...]
) -> dict:
    """Two presynaptic and two postsynaptic parrots relaying random bursty trains, all to
    all through the model (delays ``delay`` and ``delay + 0.7``); the plastic
    connections arrive on the parrots' receptor 1, so the postsynaptic trains stay
    those of their generators. The targets have their own tau_minus and
    tau_minus_triplet. A weight_recorder is set on the model with CopyModel."""
    nest.resolution = 0.1
    wr = nest.Create("weight_recorder")
    nest.CopyModel(model, "under_test", {"weight_recorder": wr, **common})
    pre = nest.Create("parrot_neuron", 2)
    post = nest.Create("parrot_neuron", 2, params={"tau_minus": 15.0, "tau_minus_triplet": 80.0})
    for i, nodes in enumerate((pre, post)):
        for j in range(2):
            times = _bursty_train(seed + 10 * i + j, 45, 9.0)
            nest.Connect(nest.Create("spike_generator", params={"spike_times": times}), nodes[j])
    delays = np.array([[delay, delay + 0.7], [delay + 0.7, delay]])
    # Without receptor_type (which NEST counts as a parameter: it then checks the signs)
    # the target parrots also repeat the plastic connections' spikes.
    conn = dict(conn)
    receptor = {} if conn.pop("repeat", False) else {"receptor_type": 1}
    nest.Connect(
        pre, post, "all_to_all", {"synapse_model": "under_test", "delay": delays, **receptor, **conn}
    )
    for t in pieces:
        nest.Simulate(t)
    conns = nest.GetConnections(synapse_model="under_test")
    return {"events": {k: np.asarray(v) for k, v in wr.get("events").items()}, "final": conns.get()}


# Per model: per-connection syn_spec entries and common (CopyModel) values of each case.
CASES: dict[str, list[tuple[str, dict, dict]]] = {
    "vogels_sprekeler_synapse": [
        ("inhibitory", {"weight": -0.5, "Wmax": -1.0, "eta": 0.02, "alpha": 0.25, "tau": 15.0}, {}),
        ("positive", {"weight": 0.3, "eta": 0.01, "alpha": 0.4, "Kplus": 0.5}, {}),
        # Only weight and delay given: NEST checks no sign; the first update takes the
        # sign of Wmax.
        ("sign-flip", {"weight": -0.4, "repeat": True}, {"eta": 0.02}),
    ],
    "jonke_synapse": [
        (
            "exponential",
            {"weight": 2.0},
            {
                "lambda": 0.05,
                "mu_plus": 0.2,
                "mu_minus": 0.1,
                "beta": 0.02,
                "alpha": 1.3,
                "tau_plus": 15.0,
                "Wmax": 3.0,
            },
        ),
        ("defaults", {"weight": 40.0, "Kplus": 0.2}, {"lambda": 0.5}),
    ],
    "stdp_triplet_synapse": [
        (
            "triplet",
            {
                "weight": 5.0,
                "Wmax": 8.0,
                "Aplus": 0.05,
                "Aplus_triplet": 0.03,
                "Aminus": 0.06,
                "Aminus_triplet": 0.02,
                "tau_plus": 12.0,
                "tau_plus_triplet": 70.0,
            },
            {},
        ),
        (
            "negative",
            {
                "weight": -5.0,
                "Wmax": -6.0,
                "Aplus": 0.02,
                "Aplus_triplet": 0.04,
                "Aminus": 0.03,
                "Aminus_triplet": 0.01,
                "Kplus_triplet": 1.5,
            },
            {},
        ),
    ],
}
PARAMS = [
    pytest.param(model, conn, common, id=f"{model}-{case}")
    for model, cases in CASES.items()
    for case, conn, common in cases
]


@pytest.mark.parametrize("delay", [1.0, 2.3])
@pytest.mark.parametrize("seed", [1, 5])
@pytest.mark.parametrize(("model", "conn", "common"), PARAMS)
def test_recorded_and_final_values_match_nest(
    model: str, conn: dict, common: dict, seed: int, delay: float
) -> None:
    ref, ours = run_both(
        rule_network,
        model=model,
        seed=seed,
        delay=delay,
        conn=conn,
        common=common,
        pieces=(120.3, 0.2, 300.0),
    )
    ev_ref, ev = ref["events"], ours["events"]
    assert len(ev_ref["weights"]) > 100
    for key in ("senders", "targets"):
        np.testing.assert_array_equal(ev[key], ev_ref[key])
    np.testing.assert_allclose(ev["times"], ev_ref["times"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ev["weights"], ev_ref["weights"], rtol=1e-9, atol=0)
    assert np.ptp(ev_ref["weights"]) > 0.05 * np.max(np.abs(ev_ref["weights"]))  # the rule did act
    # Connections by (source, target). Left out: "port" (NEST numbers a model's
    # connections after an unstable sort by source, see known_deviations.py) and
    # "synapse_id" (a copied model's id counts all registered models).
    final_ref, final = _by_pair(ref["final"]), _by_pair(ours["final"])
    assert list(final) == list(final_ref)
    for pair, values in final_ref.items():
        for key, value in values.items():
            if isinstance(value, str | int):
                assert final[pair][key] == value, (pair, key)
            else:
                assert final[pair][key] == pytest.approx(value, rel=1e-9, abs=0), (pair, key)


def _by_pair(table: dict) -> dict:
    rows = [dict(zip(table, row, strict=True)) for row in zip(*table.values(), strict=True)]
    return {
        (r["source"], r["target"]): {k: v for k, v in r.items() if k not in ("port", "synapse_id")}
        for r in sorted(rows, key=lambda r: (r["source"], r["target"]))
    }


def keys_of(nest: Any, model: str) -> dict:
    pre, post = nest.Create("parrot_neuron"), nest.Create("iaf_psc_alpha")
    nest.Connect(pre, post, syn_spec={"synapse_model": model})
    return {
        "defaults": sorted(nest.GetDefaults(model)),
        "conn": sorted(nest.GetConnections().get()),
        "aliases": sorted(m for m in nest.synapse_models if m.startswith(model)),
    }


@pytest.mark.parametrize("model", list(CASES))
def test_keys_match_nest(model: str) -> None:
    """Key sets of GetDefaults and the connection status. NEST 3.10 shows no ``sizeof``
    for stdp_triplet_synapse; pynest_jax shows one for every synapse model."""
    ref, ours = run_both(keys_of, model=model)
    no_sizeof = model == "stdp_triplet_synapse"
    for key in ("defaults", "conn"):
        assert ("sizeof" in ref[key]) != no_sizeof
        assert sorted(set(ours[key]) - ({"sizeof"} if no_sizeof else set())) == ref[key]
    assert ours["aliases"] == ref["aliases"]


def _error(fn: Any, *args: Any, **kw: Any) -> str | None:
    try:
        fn(*args, **kw)
    except Exception as exc:  # noqa: BLE001 - class and message are compared
        return f"{type(exc).__name__}: {exc}"
    return None


BAD = {
    "vogels_sprekeler_synapse": [
        {"weight": -1.0},
        {"weight": -1.0, "Wmax": -2.0},
        {"weight": 0.0, "Wmax": -1.0},
        {"Kplus": -0.5},
        {"Kplus": -1.0, "weight": -2.0, "Wmax": -1.0},
        {"weight": -0.0, "Wmax": 1.0},
    ],
    "jonke_synapse": [{"weight": -1.0}, {"Kplus": -1.0}, {"alpha": 2.0}, {"Wmax": 2.0}],
    "stdp_triplet_synapse": [
        {"weight": -1.0},
        {"weight": -1.0, "Wmax": -2.0},
        {"Kplus": -0.5},
        {"Kplus_triplet": -0.5},
        {"Kplus": -1.0, "Kplus_triplet": -1.0},
    ],
}
# NEST checks the sign of weight against Wmax in Connect only when syn_spec sets
# more than weight and delay; pynest_jax's Connect does not tell the model which keys
# were given, so it never checks the sign there.
SIGN_AT_CONNECT = {
    "vogels_sprekeler_synapse": [{"tau": 5.0, "weight": -1.0}, {"Kplus": -1.0, "weight": 2.0, "Wmax": -1.0}],
    "jonke_synapse": [],
    "stdp_triplet_synapse": [
        {"weight": 0.0, "Wmax": -1.0},
        {"Kplus": -1.0, "Kplus_triplet": -1.0, "weight": -1.0},
    ],
}


def errors_of(nest: Any, model: str, cases: list[dict]) -> dict:
    """Each bad value in Connect's syn_spec, SetDefaults, CopyModel and conn.set."""
    out: dict[str, Any] = {}
    for bad in cases:
        nest.ResetKernel()
        pre, post = nest.Create("parrot_neuron"), nest.Create("iaf_psc_alpha")
        out[f"connect {bad}"] = _error(nest.Connect, pre, post, syn_spec={"synapse_model": model, **bad})
        out[f"copymodel {bad}"] = _error(nest.CopyModel, model, "copied", bad)
        out[f"setdefaults {bad}"] = _error(nest.SetDefaults, model, bad)
        nest.Connect(pre, post, syn_spec={"synapse_model": model})
        # NEST prefixes conn.set's message with the connection; pynest_jax does not.
        error = _error(nest.GetConnections().set, bad)
        out[f"set {bad}"] = error and f"{error.split(':')[0]}: {error.split(': ')[-1]}"
    return out


@pytest.mark.parametrize("model", list(CASES))
def test_parameter_errors_match_nest(model: str) -> None:
    """Error class and message (and which check comes first) as in NEST."""
    ref, ours = run_both(errors_of, model=model, cases=BAD[model])
    assert any(ref.values())
    assert ours == ref


@pytest.mark.parametrize("model", ["vogels_sprekeler_synapse", "stdp_triplet_synapse"])
def test_sign_checked_at_connect_with_more_than_weight(model: str) -> None:
    ref, ours = run_both(errors_of, model=model, cases=SIGN_AT_CONNECT[model])
    assert all(v for k, v in ref.items() if k.startswith("connect"))
    assert ours == ref


def test_several_common_keys_named_as_nest() -> None:
    """NEST names the first common property in sorted key order in Connect's error, and
    all unaccessed keys in conn.set's."""
    ref, ours = run_both(errors_of, model="jonke_synapse", cases=[{"beta": 1.0, "alpha": 2.0}])
    assert ref["connect {'beta': 1.0, 'alpha': 2.0}"].endswith(
        '"alpha" can only be set via SetDefaults() or CopyModel().'
    )
    assert ours == ref
