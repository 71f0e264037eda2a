"""Standard scenarios, written against the PyNEST API.

A ``Run`` is one simulation that ``build`` sets up with the same PyNEST calls
in either simulator (it receives the module, ``nest`` or ``pynest_jax``); it
returns what its recorders saw, grouped by scenario. Several scenarios of a
model share one run when they are independent (each has its own neurons), so
one network is compiled per model and resolution. Everything a run needs that
depends on the model (receptor ports, a weight that gives a PSP of about
2 mV, the rheobase, valid random parameters) is measured beforehand in NEST,
the reference, by ``neuron_setup``.

A build returns a dict with

* ``groups``: scenario -> node ids whose recordings belong to it,
* ``traces``: multimeter ``events``, ``spikes``: spike recorder ``events``,
* ``exact``: scenario -> {what: value} compared for equality (connections),
* ``layout``: scenario -> list of recorder ``events`` compared event by event,
* ``samples``: scenario -> {quantity: array} for statistical comparison.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Build = Callable[[Any, tuple[str, ...]], dict[str, Any]]

RESOLUTIONS: tuple[float, ...] = (0.1, 0.01)
T_NEURON = 100.0  # ms simulated by the neuron scenarios
PSP_TARGET = 2.0  # mV, size of a unit input
# Largest current (pA) of the rheobase search: stiff models (ht_neuron) stall NEST's solver beyond.
RHEOBASE_MAX = 3000.0
SEED = 20240531  # rng_seed of both simulators

NEURON_SCENARIOS: tuple[str, ...] = (
    "rest",
    "dc_just_above_rheobase",
    "dc_well_above_rheobase",
    "spike_input_all_ports",
    "input_during_refractoriness",
    "randomised",
)

EX_TIMES = (2.0, 5.0, 5.5, 12.3, 20.0, 30.0, 31.0, 32.0, 33.0, 34.0, 50.0, 55.0, 80.4)
IN_TIMES = (7.0, 20.0, 20.1, 45.0, 60.0, 85.0)
KICK_TIMES = (10.0, 40.0, 70.0)
REFRACTORY_TIMES = (10.4, 10.8, 11.3, 40.5, 41.0, 70.2, 71.5)
DELAYS = (0.5, 1.0, 2.3)

# Parameters that give a model several receptor ports (NEST's default is one or none).
BASE_PARAMS: dict[str, dict[str, Any]] = {
    "iaf_psc_alpha_multisynapse": {"tau_syn": [2.0, 0.5, 5.0]},
    "iaf_psc_exp_multisynapse": {"tau_syn": [2.0, 0.5, 5.0]},
    "aeif_cond_alpha_multisynapse": {"E_rev": [0.0, -85.0, 0.0], "tau_syn": [0.5, 2.0, 5.0]},
    "aeif_cond_beta_multisynapse": {
        "E_rev": [0.0, -85.0, 0.0],
        "tau_rise": [0.2, 0.5, 1.0],
        "tau_decay": [2.0, 5.0, 10.0],
    },
    "gif_psc_exp_multisynapse": {"tau_syn": [2.0, 0.5, 5.0]},
    "gif_cond_exp_multisynapse": {"E_rev": [0.0, -85.0, 0.0], "tau_syn": [0.5, 2.0, 5.0]},
}

# Per-port parameters whose length is the number of receptor ports (1..n).
_PORT_VECTORS = ("tau_syn", "tau_syn_fast", "tau_decay", "E_rev")

# Status entries never perturbed in the randomised scenario (bookkeeping, plasticity traces).
_NOT_RANDOMISED = {
    "Ca",
    "beta_Ca",
    "tau_Ca",
    "post_trace",
    "tau_minus",
    "tau_minus_triplet",
    "ignore_and_spike_interval",
    "ignore_and_spike_offset",
    "V_min",
    "I_e",
    "V_m",
}


@dataclass
class Run:
    """One simulation measuring some scenarios of one model."""

    model: str
    scenarios: tuple[str, ...]
    resolution: float | None
    build: Build
    category: str  # tolerance category
    kind: str = "deterministic"  # or "statistical", "layout"
    measure: Callable[..., None] | None = None  # custom measurement (statistical runs)
    split: bool = False  # build accepts a subset of scenarios (to attribute an error)
    notes: tuple[str, ...] = ()  # what the set-up found out (e.g. no rheobase)


def model_seed(name: str) -> int:
    """A seed that depends only on the model name (``hash`` is salted per process)."""
    return zlib.crc32(name.encode())


def kernel(nest: Any, h: float, seed: int = SEED) -> None:
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h, "rng_seed": seed})


def ids(nc: Any) -> list[int]:
    return [int(i) for i in nc.tolist()]


def _events(rec: Any) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in rec.get("events").items()}


# ------------------------------------------------------------------ neuron set-up


@dataclass
class Port:
    receptor: int
    negative: bool  # accepts negative weights (sign selects excitation/inhibition)
    scale: float  # weight of one unit input (about PSP_TARGET mV)
    excitatory: bool


@dataclass
class NeuronSetup:
    """What the neuron scenarios need to know about a model, measured in NEST."""

    model: str
    base: dict[str, Any]
    ports: list[Port]
    current_receptor: int | None
    use_ie: bool
    rheobase: float | None
    random_params: list[dict[str, Any]] = field(default_factory=list)
    random_inputs: list[list[tuple[tuple[float, ...], int, float, float]]] = field(default_factory=list)
    random_ie: list[float] = field(default_factory=list)
    sends_spikes: bool = True
    notes: list[str] = field(default_factory=list)


def real_nest() -> Any:
    """NEST 3.10, quiet."""
    import nest

    nest.verbosity = nest.VerbosityLevel.ERROR
    return nest


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [float(x) for x in v]
    if isinstance(v, tuple | list):
        return [float(x) for x in v]
    return v


def _accepts(
    nest: Any,
    model: str,
    params: dict,
    h: float,
    source: str | None = None,
    syn: dict | None = None,
    sim: float = 2.0,
) -> bool:
    """Whether NEST creates the node with these parameters (and the connection) and simulates it."""
    kernel(nest, h)
    try:
        n = nest.Create(model, params=params)
        if source is not None:
            src_params = {"spike_times": [1.0]} if source == "spike_generator" else {"amplitude": 1.0}
            src = nest.Create(source, params=src_params)
            nest.Connect(src, n, syn_spec=syn or {})
        nest.Simulate(sim)
    except Exception:
        return False
    return True


def neuron_setup(
    model: str, h: float = 0.1, params: dict[str, Any] | None = None, fixed: frozenset[str] = frozenset()
) -> NeuronSetup:
    """Probe NEST for the model's ports, unit weights, rheobase and random parameters
    (``params`` are added to the model's base parameters; ``fixed`` ones are not randomised)."""
    nest = real_nest()
    base = {**BASE_PARAMS.get(model, {}), **(params or {})}
    kernel(nest, h)
    status = nest.Create(model, params=base).get()
    receptor_types = status.get("receptor_types")
    if isinstance(receptor_types, dict) and receptor_types:
        candidates = sorted({int(v) for v in receptor_types.values()})
    elif status.get("n_synapses"):
        candidates = list(range(1, int(status["n_synapses"]) + 1))
    else:
        candidates = [0]
    # Named receptors (AMPA, GABA_A, soma_exc, ...) set the sign of the input themselves;
    # a negative weight there would be a negative conductance, so only positive ones are used.
    ports = _spike_ports(nest, model, base, h, candidates, signed=not receptor_types)
    if not ports and candidates == [0]:  # ports 1..n, one per entry of a per-port parameter
        width = max((len(v) for k, v in status.items() if k in _PORT_VECTORS and _is_vector(v)), default=0)
        ports = _spike_ports(nest, model, base, h, list(range(1, width + 1)))
    current_receptor = None
    curr = [0] + sorted(int(v) for k, v in (receptor_types or {}).items() if "curr" in str(k))
    for r in curr:
        if _accepts(nest, model, base, h, "dc_generator", {"receptor_type": r}):
            current_receptor = r
            break
    recordables = list(status.get("recordables") or [])
    setup = NeuronSetup(model, base, [], current_receptor, "I_e" in status, None)
    setup.sends_spikes = _sends_spikes(nest, model, base, h)
    if not setup.sends_spikes:
        setup.notes.append("the model sends no spikes")
    setup.ports = _calibrate(nest, model, base, ports, "V_m" in recordables, h)
    if setup.use_ie or current_receptor is not None:
        setup.rheobase = _rheobase(nest, setup, h)
    if setup.rheobase is None:
        setup.notes.append("no rheobase found")
    _randomise(nest, setup, status, h, fixed)
    return setup


def _spike_ports(
    nest: Any, model: str, base: dict, h: float, candidates: Sequence[int], signed: bool = True
) -> list[tuple[int, bool]]:
    """The receptors that accept spikes, and whether each takes negative weights."""
    ports = []
    for r in candidates:
        if _accepts(nest, model, base, h, "spike_generator", {"weight": 1.0, "receptor_type": r}):
            neg = signed and _accepts(
                nest, model, base, h, "spike_generator", {"weight": -1.0, "receptor_type": r}
            )
            ports.append((r, neg))
    return ports


def _sends_spikes(nest: Any, model: str, base: dict, h: float) -> bool:
    kernel(nest, h)
    n = nest.Create(model, params=base)
    try:
        nest.Connect(n, nest.Create("spike_recorder"))
    except Exception:
        return False
    return True


def _calibrate(
    nest: Any, model: str, base: dict, ports: list[tuple[int, bool]], has_vm: bool, h: float
) -> list[Port]:
    """Weight of a unit input per port: a single spike of it moves V_m by about PSP_TARGET mV."""
    if not ports:
        return []
    if not has_vm:
        return [Port(r, neg, 1.0, True) for r, neg in ports]
    kernel(nest, h)
    rest = nest.Create(model, params=base)
    test = nest.Create(model, len(ports), params=[dict(base) for _ in ports])
    sg = nest.Create("spike_generator", params={"spike_times": [5.0]})
    for i, (r, _) in enumerate(ports):
        nest.Connect(sg, test[i], syn_spec={"weight": 1.0, "receptor_type": r})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": h})
    nest.Connect(mm, rest + test)
    nest.Simulate(60.0)
    ev = _events(mm)
    v_rest = ev["V_m"][ev["senders"] == ids(rest)[0]]
    out = []
    for i, (r, neg) in enumerate(ports):
        dv = ev["V_m"][ev["senders"] == ids(test)[i]] - v_rest
        peak = float(dv[np.argmax(np.abs(dv))]) if len(dv) else 0.0
        scale = PSP_TARGET / abs(peak) if abs(peak) > 1e-9 else 1.0
        out.append(Port(r, neg, float(np.clip(scale, 1e-3, 1e5)), peak >= 0.0))
    return out


def _drive_fires(nest: Any, setup: NeuronSetup, currents: Sequence[float], h: float, t: float) -> np.ndarray:
    """Which of these constant currents (from time 0) make the neuron fire within ``t`` ms."""
    kernel(nest, h)
    n = nest.Create(setup.model, len(currents), params=[dict(setup.base) for _ in currents])
    if setup.use_ie:
        n.set([{"I_e": float(c)} for c in currents])
    else:
        dc = nest.Create("dc_generator", len(currents), params=[{"amplitude": float(c)} for c in currents])
        nest.Connect(dc, n, "one_to_one", syn_spec={"receptor_type": setup.current_receptor})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(t)
    fired = set(int(s) for s in _events(sr)["senders"])
    return np.array([g in fired for g in ids(n)])


def _rheobase(nest: Any, setup: NeuronSetup, h: float) -> float | None:
    """Smallest constant current (pA, up to RHEOBASE_MAX) that makes the neuron fire
    within T_NEURON ms, by a logarithmic then a linear grid search (to about 0.4%)."""
    try:
        if _drive_fires(nest, setup, [0.0], h, T_NEURON)[0]:
            return 0.0
        grid = np.geomspace(0.01, RHEOBASE_MAX, 61)
        fired = _drive_fires(nest, setup, grid, h, T_NEURON)
        if not fired.any():
            return None
        i = int(np.argmax(fired))
        lo = grid[i - 1] if i > 0 else 0.0
        fine = np.linspace(lo, grid[i], 65)
        fired = _drive_fires(nest, setup, fine, h, T_NEURON)
        return float(fine[int(np.argmax(fired))])
    except Exception:
        return None


# Where a parameter is 0 (escape noise, adaptation, reversal potentials, initial
# conductances), a relative change would keep it 0: it is drawn from a range of its
# unit instead, wide enough to change the dynamics (kept only if NEST accepts it).
ZERO_RANGES: dict[str, tuple[float, float]] = {
    "mV": (-5.0, 5.0),
    "ms": (0.2, 2.0),
    "pA": (-50.0, 50.0),
    "pA/ms": (-50.0, 50.0),
    "nS": (0.5, 5.0),
    "nS/ms": (0.5, 5.0),
    "1/ms": (0.01, 0.2),
    "": (0.05, 0.5),
}


def _perturb(v: Any, rng: np.random.Generator, unit: str | None = None) -> Any:
    """A value near ``v``: within a factor e^(+-0.25) (e^(+-0.1) for negative values);
    drawn from ``ZERO_RANGES[unit]`` where ``v`` is 0 (kept 0 for other units)."""
    if isinstance(v, list | tuple | np.ndarray):
        return [_perturb(float(x), rng, unit) for x in v]
    v = float(v)
    if v == 0.0:
        return float(rng.uniform(*ZERO_RANGES[unit])) if unit in ZERO_RANGES else v
    if abs(v) > 1e100:  # a stand-in for infinity
        return v
    spread = 0.25 if v > 0 else 0.1
    return float(v * np.exp(rng.uniform(-spread, spread)))


def _is_number(v: Any) -> bool:
    return isinstance(v, float | np.floating) and np.isfinite(v)


def _is_vector(v: Any) -> bool:
    if isinstance(v, list | tuple | np.ndarray) and len(v) > 0:
        return all(isinstance(x, float | np.floating) and np.isfinite(x) for x in v)
    return False


def _randomise(
    nest: Any, setup: NeuronSetup, status: dict, h: float, fixed: frozenset[str] = frozenset(), n: int = 3
) -> None:
    """Three neurons with parameters drawn around NEST's defaults (each change kept only
    if NEST accepts it; ``fixed`` ones, e.g. those that switch noise off, kept), a random
    initial V_m and I_e, and random spike input."""
    from ..models.base import MODELS

    rng = np.random.default_rng(model_seed(setup.model))
    cls = MODELS.get(setup.model)
    declared = {} if cls is None else {**cls.params, **cls.state}
    keys = sorted(
        k
        for k, v in status.items()
        if k not in _NOT_RANDOMISED | fixed
        and (cls is None or k in declared)
        and (_is_number(v) or _is_vector(v))
    )
    for _ in range(n):
        p = dict(setup.base)
        for k in keys:
            unit = getattr(declared.get(k), "unit", None)
            value = _perturb(p.get(k, status[k]), rng, unit)
            if _accepts(nest, setup.model, {**p, k: value}, h, sim=0.0):
                p[k] = value
        if "V_m" in status:
            lo = float(p.get("V_reset", status.get("V_reset", status["V_m"] - 5.0)))
            hi = float(p.get("V_th", status.get("V_th", status["V_m"] + 10.0)))
            v_m = float(rng.uniform(min(lo, hi), max(lo, hi)))
            if _accepts(nest, setup.model, {**p, "V_m": v_m}, h, sim=0.0):
                p["V_m"] = v_m
        if not _accepts(nest, setup.model, p, h, sim=1.0):
            p = dict(setup.base)
        setup.random_params.append({k: _jsonable(v) for k, v in p.items()})
        rh = setup.rheobase
        setup.random_ie.append(float(rng.uniform(0.3, 1.5) * rh) if rh else 0.0)
        inputs = []
        for port in setup.ports:
            signs = (1.0, -1.0) if port.negative else (1.0,)
            for sign in signs:
                k = rng.poisson(0.08 * (T_NEURON - 5.0))
                times = np.unique(np.round(rng.uniform(1.0, T_NEURON - 5.0, size=k), 1))
                weight = sign * port.scale * float(rng.uniform(0.5, 4.0))
                delay = float(rng.integers(1, 31)) / 10.0
                inputs.append((tuple(float(t) for t in times), port.receptor, weight, delay))
        setup.random_inputs.append(inputs)


# ------------------------------------------------------------------ neuron scenarios


def _dc(
    nest: Any,
    target: Any,
    amplitude: float,
    receptor: int,
    start: float = 0.0,
    stop: float | None = None,
    delay: float = 1.0,
) -> None:
    params = {"amplitude": float(amplitude), "start": start}
    if stop is not None:
        params["stop"] = stop
    dc = nest.Create("dc_generator", params=params)
    nest.Connect(dc, target, syn_spec={"receptor_type": receptor, "delay": delay})


def neuron_build(setup: NeuronSetup, h: float) -> Build:
    """The neuron scenarios of ``setup.model`` at resolution ``h``, as one network."""

    def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
        kernel(nest, h)
        model, base = setup.model, setup.base
        groups: dict[str, Any] = {}
        rh = setup.rheobase
        just = 1.02 * rh if rh else 1.0
        well = 3.0 * rh if rh else 100.0
        rec = setup.current_receptor
        if "rest" in only:
            groups["rest"] = nest.Create(model, params=base)
        if "dc_just_above_rheobase" in only and rh is not None:
            if setup.use_ie:
                groups["dc_just_above_rheobase"] = nest.Create(model, params={**base, "I_e": just})
            else:
                groups["dc_just_above_rheobase"] = n = nest.Create(model, params=base)
                _dc(nest, n, just, rec)
        if "dc_well_above_rheobase" in only and rh is not None:
            groups["dc_well_above_rheobase"] = n = nest.Create(model, params=base)
            _dc(nest, n, well, rec, start=5.0, stop=T_NEURON - 20.0)
        if "spike_input_all_ports" in only and setup.ports:
            groups["spike_input_all_ports"] = n = nest.Create(model, params=base)
            sg_ex = nest.Create("spike_generator", params={"spike_times": list(EX_TIMES)})
            sg_in = nest.Create("spike_generator", params={"spike_times": list(IN_TIMES)})
            for k, port in enumerate(setup.ports):
                for j, delay in enumerate(DELAYS):
                    w = port.scale * (1.0 + 0.5 * j) * (1.0 + 0.2 * k)
                    nest.Connect(
                        sg_ex, n, syn_spec={"weight": w, "delay": delay, "receptor_type": port.receptor}
                    )
                    if port.negative:
                        nest.Connect(
                            sg_in,
                            n,
                            syn_spec={
                                "weight": -1.5 * w,
                                "delay": delay + 0.5,
                                "receptor_type": port.receptor,
                            },
                        )
        if "input_during_refractoriness" in only and setup.ports:
            groups["input_during_refractoriness"] = n = nest.Create(model, params=base)
            kick_port = next((p for p in setup.ports if p.excitatory), setup.ports[0])
            sg_kick = nest.Create("spike_generator", params={"spike_times": list(KICK_TIMES)})
            sg_refr = nest.Create("spike_generator", params={"spike_times": list(REFRACTORY_TIMES)})
            nest.Connect(
                sg_kick,
                n,
                syn_spec={
                    "weight": 20.0 * kick_port.scale,
                    "delay": 1.0,
                    "receptor_type": kick_port.receptor,
                },
            )
            for port in setup.ports:
                nest.Connect(
                    sg_refr,
                    n,
                    syn_spec={"weight": 2.0 * port.scale, "delay": 1.0, "receptor_type": port.receptor},
                )
                if port.negative:
                    nest.Connect(
                        sg_refr,
                        n,
                        syn_spec={"weight": -1.25 * port.scale, "delay": 1.5, "receptor_type": port.receptor},
                    )
        if "randomised" in only and setup.random_params:
            params = [dict(p) for p in setup.random_params]
            if setup.use_ie:
                for p, ie in zip(params, setup.random_ie, strict=True):
                    p["I_e"] = ie
            groups["randomised"] = n = nest.Create(model, len(params), params=params)
            for i, inputs in enumerate(setup.random_inputs):
                if not setup.use_ie and rec is not None and setup.random_ie[i]:
                    _dc(nest, n[i], setup.random_ie[i], rec)
                for times, receptor, weight, delay in inputs:
                    if not times:
                        continue
                    sg = nest.Create("spike_generator", params={"spike_times": list(times)})
                    nest.Connect(
                        sg, n[i], syn_spec={"weight": weight, "delay": delay, "receptor_type": receptor}
                    )
        return _record_neurons(nest, groups, h, T_NEURON, setup.sends_spikes)

    return build


def _record_neurons(
    nest: Any, groups: dict[str, Any], h: float, t: float, spikes: bool = True
) -> dict[str, Any]:
    """Multimeter on every recordable at every step, spike recorder, simulate ``t`` ms."""
    out: dict[str, Any] = {"groups": {k: ids(v) for k, v in groups.items()}, "traces": [], "spikes": []}
    if not groups:
        return out
    first = next(iter(groups.values()))
    recordables = list(first[0].get().get("recordables") or [])
    sr = nest.Create("spike_recorder")
    mm = None
    if recordables:
        mm = nest.Create("multimeter", params={"record_from": recordables, "interval": h})
    for g in groups.values():
        if mm is not None:
            nest.Connect(mm, g)
        if spikes:
            nest.Connect(g, sr)
    nest.Simulate(t)
    out["spikes"].append(_events(sr))
    if mm is not None:
        out["traces"].append(_events(mm))
    return out


def neuron_runs(
    model: str,
    category: str,
    resolutions: Sequence[float] = RESOLUTIONS,
    scenarios: Sequence[str] = NEURON_SCENARIOS,
    params: dict[str, Any] | None = None,
    prefix: str = "",
    label: str = "",
    fixed: frozenset[str] = frozenset(),
) -> list[Run]:
    """The neuron scenarios; ``params`` are added to the base parameters of every neuron,
    ``prefix`` is put before the scenario names and ``label`` before the set-up's notes;
    ``fixed`` parameters are not randomised."""
    setup = neuron_setup(model, params=params, fixed=fixed)
    return [
        Run(
            model,
            tuple(prefix + s for s in scenarios),
            h,
            _prefixed(neuron_build(setup, h), prefix),
            category,
            split=True,
            notes=tuple(label + n for n in setup.notes),
        )
        for h in resolutions
    ]


def _prefixed(build: Build, prefix: str) -> Build:
    """A build whose scenario names carry ``prefix``."""
    if not prefix:
        return build

    def run(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
        out = build(nest, tuple(s.removeprefix(prefix) for s in only if s.startswith(prefix)))
        out["groups"] = {prefix + k: v for k, v in out["groups"].items()}
        return out

    return run


# ------------------------------------------------------------------ rate neurons (D)


def rate_runs(model: str, category: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """Rate neurons without noise: at rest, with a constant drive, and with rate input
    from a linear rate neuron over instantaneous and delayed rate connections."""
    nest = real_nest()
    kernel(nest, 0.1)
    d = nest.GetDefaults(model)
    quiet = {k: 0.0 for k in ("sigma",) if k in d}
    drive = {**quiet, **({"mu": 0.5} if "mu" in d else {})}

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            groups = {}
            if "rest" in only:
                groups["rest"] = nest.Create(model, params=quiet)
            if "constant_drive" in only:
                groups["constant_drive"] = nest.Create(model, params=drive)
            if "rate_input" in only:
                groups["rate_input"] = n = nest.Create(model, params=quiet)
                src = nest.Create("lin_rate_ipn", params={"mu": 1.0, "sigma": 0.0})
                nest.Connect(
                    src, n, syn_spec={"synapse_model": "rate_connection_instantaneous", "weight": 0.5}
                )
                nest.Connect(
                    src,
                    n,
                    syn_spec={"synapse_model": "rate_connection_delayed", "weight": -0.3, "delay": 1.0},
                )
            out: dict[str, Any] = {
                "groups": {k: ids(v) for k, v in groups.items()},
                "traces": [],
                "spikes": [],
            }
            mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": h})
            for g in groups.values():
                nest.Connect(mm, g)
            nest.Simulate(50.0)
            out["traces"].append(_events(mm))
            return out

        return build

    scen = ("rest", "constant_drive", "rate_input")
    return [Run(model, scen, h, make(h), category, split=True) for h in resolutions]


# ------------------------------------------------------------------ current generators

CURRENT_GENERATOR_PARAMS: dict[str, dict[str, dict[str, Any]]] = {
    "dc_generator": {
        "constant": {"amplitude": 420.0},
        "window": {"amplitude": 900.0, "start": 12.3, "stop": 61.7, "origin": 5.0},
        "negative": {"amplitude": -200.0, "start": 20.0},
    },
    "ac_generator": {
        "offset_sine": {"amplitude": 300.0, "offset": 300.0, "frequency": 40.0, "phase": 30.0},
        "window": {
            "amplitude": 600.0,
            "offset": 100.0,
            "frequency": 7.5,
            "phase": 90.0,
            "start": 10.0,
            "stop": 80.0,
        },
        "slow": {"amplitude": 800.0, "frequency": 3.0},
    },
    "step_current_generator": {
        "steps": {
            "amplitude_times": [5.0, 20.0, 20.5, 60.0],
            "amplitude_values": [400.0, -100.0, 900.0, 0.0],
        },
        "window": {
            "amplitude_times": [1.0, 30.0, 55.5],
            "amplitude_values": [700.0, 200.0, 1000.0],
            "start": 10.0,
            "stop": 70.0,
            "origin": 2.0,
        },
        "offgrid": {
            "amplitude_times": [3.04, 17.77, 40.01],
            "amplitude_values": [500.0, 1200.0, -50.0],
            "allow_offgrid_times": True,
        },
    },
}


def current_generator_runs(model: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """The generator drives one iaf_psc_alpha per parameter set (and all of them drive a
    shared one); compares the neurons' recordables and spikes. A multimeter recording
    the generators' own ``I`` is a scenario of its own."""
    configs = CURRENT_GENERATOR_PARAMS.get(model, {"defaults": {}})

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            groups: dict[str, list[int]] = {}
            shared = nest.Create("iaf_psc_alpha", params={"V_th": -50.0})
            mm = nest.Create(
                "multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": h}
            )
            sr = nest.Create("spike_recorder")
            nest.Connect(mm, shared)
            nest.Connect(shared, sr)
            gens = []
            for i, label in enumerate(sorted(configs)):
                gen = nest.Create(model, params=configs[label])
                gens.append(gen)
                n = nest.Create("iaf_psc_alpha")
                nest.Connect(gen, n, syn_spec={"delay": 1.0 + 0.5 * i})
                nest.Connect(gen, shared, syn_spec={"delay": 2.0})
                nest.Connect(mm, n)
                nest.Connect(n, sr)
                groups[label] = ids(n)
            groups["shared_target"] = ids(shared)
            traces = [mm]
            if "recorded_I" in only:
                mm_gen = nest.Create("multimeter", params={"record_from": ["I"], "interval": h})
                for gen in gens:
                    nest.Connect(mm_gen, gen)
                groups["recorded_I"] = [i for gen in gens for i in ids(gen)]
                traces.append(mm_gen)
            nest.Simulate(100.0)
            groups = {k: v for k, v in groups.items() if k in only}
            return {"groups": groups, "traces": [_events(m) for m in traces], "spikes": [_events(sr)]}

        return build

    scen = (*sorted(configs), "shared_target", "recorded_I")
    return [Run(model, scen, h, make(h), "B", split=True) for h in resolutions]


# ------------------------------------------------------------------ spike sources

_SPIKE_TRAINS: dict[str, dict[str, Any]] = {
    "times": {"spike_times": [1.0, 2.0, 2.0, 5.3, 10.0, 10.1, 33.3, 60.0, 89.9]},
    "window": {
        "spike_times": [1.0, 4.0, 8.0, 15.0, 22.2, 40.0, 75.0],
        "start": 3.0,
        "stop": 50.0,
        "origin": 10.0,
    },
    "multiplicities": {"spike_times": [3.0, 7.5, 12.0, 50.0], "spike_multiplicities": [2, 1, 3, 4]},
    "offgrid": {"spike_times": [1.04, 5.55, 9.99, 20.01, 44.44], "allow_offgrid_times": True},
}
# Parameter sets per spike source (each drives a parrot_neuron and an iaf_psc_alpha).
SPIKE_SOURCE_PARAMS: dict[str, dict[str, dict[str, Any]]] = {
    "spike_generator": {
        **_SPIKE_TRAINS,
        "window": {**_SPIKE_TRAINS["window"], "spike_weights": [1.0, -2.0, 0.5, 3.0, -1.0, 2.5, 1.5]},
    },
    "spike_train_injector": {k: v for k, v in _SPIKE_TRAINS.items() if k != "window"},
}


def spike_source_runs(model: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """Each parameter set drives a parrot_neuron and an iaf_psc_alpha (weight 300 pA);
    compares the spikes of source and parrot and the neuron's recordables."""
    configs = SPIKE_SOURCE_PARAMS[model]

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            groups = {}
            mm = nest.Create(
                "multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": h}
            )
            sr = nest.Create("spike_recorder")
            for label in sorted(configs):
                if label not in only:
                    continue
                sg = nest.Create(model, params=configs[label])
                parrot = nest.Create("parrot_neuron")
                n = nest.Create("iaf_psc_alpha")
                nest.Connect(sg, parrot, syn_spec={"delay": 1.0})
                nest.Connect(sg, n, syn_spec={"weight": 300.0, "delay": 1.5})
                nest.Connect(mm, n)
                nest.Connect(parrot + n, sr)
                nest.Connect(sg, sr)
                groups[label] = ids(sg) + ids(parrot) + ids(n)
            nest.Simulate(100.0)
            return {"groups": groups, "traces": [_events(mm)], "spikes": [_events(sr)]}

        return build

    return [Run(model, tuple(sorted(configs)), h, make(h), "B", split=True) for h in resolutions]


def parrot_runs(model: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """A parrot repeats spikes (with multiplicity, ignoring weights) on receptor 0, not on
    receptor 1; parrots in a chain; a parrot drives an iaf_psc_alpha."""

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            groups = {}
            sr = nest.Create("spike_recorder")
            mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": h})
            times = [1.0, 2.0, 2.0, 4.5, 9.9, 10.0, 30.0, 30.1, 77.7]
            sg = nest.Create(
                "spike_generator",
                params={"spike_times": times, "spike_multiplicities": [1, 2, 1, 3, 1, 1, 1, 2, 1]},
            )
            if "repeat" in only:
                p = nest.Create(model)
                nest.Connect(sg, p, syn_spec={"weight": -3.0, "delay": 1.0})
                nest.Connect(p, sr)
                groups["repeat"] = ids(p)
            if "ignored_port" in only:
                p = nest.Create(model)
                nest.Connect(sg, p, syn_spec={"receptor_type": 1, "delay": 1.0})
                sg2 = nest.Create("spike_generator", params={"spike_times": [50.0, 60.0]})
                nest.Connect(sg2, p, syn_spec={"delay": 2.0})
                nest.Connect(p, sr)
                groups["ignored_port"] = ids(p)
            if "chain_to_neuron" in only:
                chain = nest.Create(model, 3)
                nest.Connect(sg, chain[0], syn_spec={"delay": 0.5})
                nest.Connect(chain[0], chain[1], syn_spec={"delay": 1.3})
                nest.Connect(chain[1], chain[2], syn_spec={"delay": 2.0, "weight": 0.0})
                n = nest.Create("iaf_psc_alpha")
                nest.Connect(chain[2], n, syn_spec={"weight": 800.0, "delay": 1.0})
                nest.Connect(chain + n, sr)
                nest.Connect(mm, n)
                groups["chain_to_neuron"] = ids(chain) + ids(n)
            nest.Simulate(100.0)
            return {"groups": groups, "traces": [_events(mm)], "spikes": [_events(sr)]}

        return build

    scen = ("repeat", "ignored_port", "chain_to_neuron")
    return [Run(model, scen, h, make(h), "B", split=True) for h in resolutions]


# ------------------------------------------------------------------ recorders


def _firing_network(nest: Any) -> tuple[Any, Any]:
    """Four iaf_psc_alpha firing regularly at different rates and a parrot repeating a spike train."""
    n = nest.Create("iaf_psc_alpha", 4, params=[{"I_e": 400.0 + 150.0 * i} for i in range(4)])
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 2.0, 13.7, 40.0, 41.0, 90.0]})
    parrot = nest.Create("parrot_neuron")
    nest.Connect(sg, parrot)
    return n, parrot


RECORDER_CONFIGS: dict[str, dict[str, dict[str, Any]]] = {
    "weight_recorder": {
        "defaults": {},
        "window_origin": {"start": 20.0, "stop": 70.0, "origin": 5.0},
        "time_in_steps": {"time_in_steps": True},
    },
    "spike_recorder": {
        "defaults": {},
        "window_origin": {"start": 20.0, "stop": 70.0, "origin": 5.0},
        "time_in_steps": {"time_in_steps": True},
    },
    "multimeter": {
        "every_step": {"record_from": ["V_m", "I_syn_ex", "I_syn_in"]},
        "interval_offset_window": {
            "record_from": ["V_m"],
            "interval": 0.5,
            "offset": 0.3,
            "start": 10.0,
            "stop": 60.0,
            "origin": 2.0,
        },
        "time_in_steps": {"record_from": ["I_syn_ex", "V_m"], "interval": 1.0, "time_in_steps": True},
    },
    "voltmeter": {
        "defaults": {},
        "interval_window": {"interval": 0.2, "start": 30.0, "stop": 50.0},
    },
}


def recorder_runs(model: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """The recorder, in several configurations, records a small firing network; the
    events are compared entry by entry (spike events after sorting by time and sender,
    sampled events in recorded order; a weight_recorder gets the weights of STDP
    synapses among the network's neurons)."""
    configs = RECORDER_CONFIGS.get(model, {"defaults": {}})

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            n, parrot = _firing_network(nest)
            recs = {}
            for label in sorted(configs):
                if label not in only:
                    continue
                params = dict(configs[label])
                if model == "multimeter" and label == "every_step":
                    params["interval"] = h
                rec = nest.Create(model, params=params)
                if model in ("multimeter", "voltmeter"):
                    nest.Connect(rec, n)
                elif model == "weight_recorder":  # STDP synapses among the neurons report to it
                    nest.CopyModel("stdp_synapse", f"reported_{label}", {"weight_recorder": rec})
                    syn = {"synapse_model": f"reported_{label}", "weight": 5.0, "delay": 1.5}
                    nest.Connect(n + parrot, n, "all_to_all", syn)
                else:
                    nest.Connect(n + parrot, rec)
                recs[label] = rec
            nest.Simulate(100.0)
            layout = {label: [_events(rec)] for label, rec in recs.items()}
            counts = {label: {"n_events": int(rec.get("n_events"))} for label, rec in recs.items()}
            return {"groups": {}, "layout": layout, "exact": counts, "traces": [], "spikes": []}

        return build

    return [
        Run(model, tuple(sorted(configs)), h, make(h), "B", kind="layout", split=True) for h in resolutions
    ]


# ------------------------------------------------------------------ synapses


# Wmax of the synapse scenario's plastic synapses: above its initial weights (50 to 900 pA).
PLASTIC_WMAX = 1000.0
# Target neuron of the synapse network where the synapse model needs a particular one.
SYNAPSE_TARGET: dict[str, str] = {
    "clopath_synapse": "aeif_psc_delta_clopath",
}
# Defaults that make a stochastic synapse deterministic in the network scenario (every
# spike transmitted; all quantal sites recover between spikes and all release).
SYNAPSE_DETERMINISTIC: dict[str, dict[str, Any]] = {
    "bernoulli_synapse": {"p_transmit": 1.0},
    "quantal_stp_synapse": {"U": 1.0, "u": 1.0, "tau_rec": 1e-3, "n": 2, "a": 2},
}


def synapse_runs(
    name: str, per_conn: Sequence[str], common: Sequence[str], resolutions: Sequence[float] = RESOLUTIONS
) -> list[Run]:
    """A small network through the synapse model: four iaf_psc_alpha firing regularly
    and a parrot repeating a spike train project all-to-all onto three target neurons
    (per-connection weights and delays), with one recurrent projection among the
    targets; compares the targets' recordables and spikes, the connection table
    (``per_conn`` entries of every connection, i.e. weights after plasticity) and the
    model's ``common`` properties. A weight shared by all connections (``_hom_w``) is
    set with CopyModel; negative weights are used only for static synapses. A
    stochastic synapse runs with the defaults of ``SYNAPSE_DETERMINISTIC``; a synapse
    with a weight bound runs with ``Wmax`` = ``PLASTIC_WMAX``, so that every weight
    starts and stays inside (0, Wmax) and the plasticity, not the clipping, is measured."""
    base = name.removesuffix("_hpc").removesuffix("_lbl")
    target = SYNAPSE_TARGET.get(base, "iaf_psc_alpha")
    signed = base.startswith("static")

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            model = name
            rng = np.random.default_rng(model_seed(base))
            hom_w = "weight" in common
            defaults = {**SYNAPSE_DETERMINISTIC.get(base, {}), **({"weight": 350.0} if hom_w else {})}
            if "Wmax" in nest.GetDefaults(name):
                defaults["Wmax"] = PLASTIC_WMAX
            pre = nest.Create("iaf_psc_alpha", 4, params=[{"I_e": 380.0 + 60.0 * i} for i in range(4)])
            sg = nest.Create("spike_generator", params={"spike_times": [3.0, 15.0, 15.5, 16.0, 40.0]})
            parrot = nest.Create("parrot_neuron")
            nest.Connect(sg, parrot)
            post = nest.Create(target, 3, params={"I_e": 200.0} if target == "iaf_psc_alpha" else {})
            if base == "stdp_dopamine_synapse":  # dopamine spikes reach the synapses via a volume transmitter
                defaults["volume_transmitter"] = vt = nest.Create("volume_transmitter")
                dopa = nest.Create("parrot_neuron")
                nest.Connect(sg, dopa, syn_spec={"delay": 2.0})
                nest.Connect(dopa, vt)
            if defaults:
                model = "syn_under_test"
                nest.CopyModel(name, model, defaults)

            def spec(weight: Any, delay: Any) -> dict[str, Any]:
                out = {"synapse_model": model, "delay": delay}
                if not hom_w:
                    out["weight"] = weight
                return out

            delays = np.round(rng.uniform(0.5, 4.0, size=(3, 4)), 1)
            weights = np.round(rng.uniform(-300.0 if signed else 50.0, 800.0, size=(3, 4)), 3)
            nest.Connect(pre, post, "all_to_all", spec(weights, delays))
            nest.Connect(parrot, post, "all_to_all", spec(900.0, 1.0))
            nest.Connect(post[0], post[1:], "all_to_all", spec(-500.0 if signed else 500.0, 2.0))
            recordables = [
                r for r in post[0].get("recordables") if r in ("V_m", "I_syn_ex", "I_syn_in", "g_ex")
            ]
            mm = nest.Create("multimeter", params={"record_from": recordables, "interval": h})
            sr = nest.Create("spike_recorder")
            nest.Connect(mm, post)
            nest.Connect(pre + post, sr)
            nest.Simulate(100.0)
            conns = nest.GetConnections(synapse_model=model)
            keys = ["source", "target", "delay", *(k for k in per_conn if k not in ("delay",))]
            table = conns.get(keys)
            rows = sorted(zip(*(np.asarray(table[k], float).tolist() for k in keys), strict=True))
            shared = {k: nest.GetDefaults(model)[k] for k in common}
            return {
                "groups": {"network": ids(pre) + ids(post)},
                "traces": [_events(mm)],
                "spikes": [_events(sr)],
                "exact": {"network": {"connections": rows, "common properties": shared}},
            }

        return build

    return [Run(name, ("network",), h, make(h), "B") for h in resolutions]


# Per volume_transmitter scenario: its deliver_interval (in min-delay slices).
VT_INTERVALS: dict[str, int] = {"every_slice": 1, "every_third_slice": 3}


def volume_transmitter_runs(name: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """Per scenario a transmitter (its ``deliver_interval``) collects the spikes of two
    dopamine parrots (one relaying each spike twice) and drives a copy of
    ``stdp_dopamine_synapse`` from two presynaptic onto two postsynaptic parrots (random
    trains, delays 1 to 2.3 ms); compares the connections' weight, c, n and Kplus after
    100 ms and the transmitter's status. Every target also gets a silent synapse with a
    long delay, which keeps NEST from dropping history entries before all synapses have
    read them (see tests/test_dopamine_synapse.py)."""

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            rng = np.random.default_rng(model_seed(name))
            exact = {}
            nets = []
            for label in only:

                def parrots(n: int, rate_ms: float) -> Any:
                    trains = [
                        {"spike_times": sorted({round(float(t), 1) + 1.0 for t in np.cumsum(gaps)})}
                        for gaps in rng.exponential(rate_ms, (n, 25))
                    ]
                    out = nest.Create("parrot_neuron", n)
                    nest.Connect(nest.Create("spike_generator", n, params=trains), out, "one_to_one")
                    return out

                pre, post, dopa = parrots(2, 4.0), parrots(2, 4.0), parrots(2, 5.0)
                nest.Connect(dopa[0], dopa[1], syn_spec={"delay": 1.5})
                vt = nest.Create("volume_transmitter", params={"deliver_interval": VT_INTERVALS[label]})
                nest.Connect(dopa, vt, syn_spec={"delay": 1.2})
                model = f"dopamine_{label}"
                nest.CopyModel(
                    "stdp_dopamine_synapse",
                    model,
                    {"volume_transmitter": vt, "tau_c": 30.0, "tau_n": 15.0, "A_plus": 0.05, "A_minus": 0.08,
                     "b": 0.3, "Wmin": 2.0, "Wmax": 8.0},
                )  # fmt: skip
                delays = np.array([[1.0, 1.7], [2.3, 1.0]])
                spec = {"synapse_model": model, "weight": 5.0, "delay": delays, "receptor_type": 1}
                nest.Connect(pre, post, "all_to_all", spec)
                silent = {"synapse_model": model, "delay": 20.0, "receptor_type": 1}
                nest.Connect(nest.Create("parrot_neuron"), post, syn_spec=silent)
                nets.append((label, vt, model))
            nest.Simulate(100.0)
            for label, vt, model in nets:
                table = nest.GetConnections(synapse_model=model).get(["source", "target", *_DOPAMINE_STATE])
                rows = sorted(zip(*(np.asarray(table[k], float).tolist() for k in table), strict=True))
                exact[label] = {"connections": rows, "deliver_interval": vt.get("deliver_interval")}
            return {"groups": {}, "traces": [], "spikes": [], "exact": exact}

        return build

    return [Run(name, tuple(VT_INTERVALS), h, make(h), "E", split=True) for h in resolutions]


_DOPAMINE_STATE = ("weight", "c", "n", "Kplus")


# ------------------------------------------------------------------ stochastic synapses

# Per stochastic synapse: its statistical scenarios' defaults. "transmission" and
# "release" make every spike an independent binomial draw (all quantal sites recover
# between spikes, u stays U), so the released amount over all synapses is binomial with
# known trials; "depression" lets sites recover stochastically and u facilitate.
STOCHASTIC_SYNAPSES: dict[str, dict[str, dict[str, Any]]] = {
    "bernoulli_synapse": {"transmission": {"p_transmit": 0.5}},
    "quantal_stp_synapse": {
        "release": {"U": 0.3, "u": 0.3, "tau_rec": 1e-3, "tau_fac": 0.0, "n": 5, "a": 5},
        "depression": {"U": 0.4, "u": 0.4, "tau_rec": 20.0, "tau_fac": 10.0, "n": 5, "a": 5},
    },
}
STAT_SYN_SPIKES = 100  # presynaptic spikes, 5 ms apart
STAT_SYN_TARGETS = 200  # synapses (one target each) per scenario
# A target that sums its input: the membrane jumps by the weight and does not decay
# measurably (relative 5e-8 over the run), so round(V_m / weight) counts the released units.
ACCUMULATOR = {"E_L": 0.0, "V_m": 0.0, "V_reset": 0.0, "V_th": 1e9, "tau_m": 1e10, "C_m": 1.0}


def stochastic_synapse_runs(name: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """A parrot relays STAT_SYN_SPIKES regular spikes through the synapse (defaults of
    each scenario set with CopyModel, weight 1) to STAT_SYN_TARGETS summing
    ``iaf_psc_delta``; each target's final V_m is the amount released to it. Compared:
    binomial scenarios by Fisher's exact test of equal release probability (about 20000
    Bernoulli trials for ``bernoulli_synapse`` at p = 0.5, 100000 site trials for
    quantal release at u = 0.3: power against a 5% difference 0.99 and > 0.999), the
    ``depression`` scenario by Welch's t-test of the mean amount per synapse (power from
    the measured variance, required >= 0.9), and the per-synapse values the synapse
    updates deterministically (``u``) exactly. A ``bernoulli_synapse`` with
    ``p_transmit`` 0 must transmit nothing."""
    base = name.removesuffix("_hpc").removesuffix("_lbl")
    specs = STOCHASTIC_SYNAPSES.get(base)
    if specs is None:
        return []
    times = [5.0 * (i + 1) for i in range(STAT_SYN_SPIKES)]

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            sg = nest.Create("spike_generator", params={"spike_times": times})
            parrot = nest.Create("parrot_neuron")
            nest.Connect(sg, parrot)
            groups = {}
            for label in only:
                model = f"syn_{label}"
                nest.CopyModel(name, model, specs[label])
                groups[label] = nest.Create("iaf_psc_delta", STAT_SYN_TARGETS, params=ACCUMULATOR)
                nest.Connect(parrot, groups[label], syn_spec={"synapse_model": model, "weight": 1.0})
            silent = None
            if "p_transmit" in next(iter(specs.values())):
                silent = nest.Create("iaf_psc_delta", 5, params=ACCUMULATOR)
                nest.Connect(parrot, silent, syn_spec={"synapse_model": name, "p_transmit": 0.0})
            nest.Simulate(times[-1] + 5.0)
            samples, exact = {}, {}
            for label, targets in groups.items():
                params = specs[label]
                totals = np.rint(np.asarray(targets.get("V_m"), float))
                binomial = params.get("tau_rec", 1.0) < 0.01 or "p_transmit" in params
                sites = params.get("n", 1)
                trials = len(times) * sites * len(totals) if binomial else None
                samples[label] = {"totals": totals, "trials": trials}
                if "u" in params:
                    conns = nest.GetConnections(parrot, targets)
                    exact[label] = {"u": np.asarray(conns.get("u"), float).tolist()}
            if silent is not None:
                label = next(iter(groups))
                exact.setdefault(label, {})["transmitted at p_transmit 0"] = float(
                    np.sum(np.abs(np.asarray(silent.get("V_m"), float)))
                )
            return {"groups": {}, "samples": samples, "exact": exact}

        return build

    return [
        Run(name, tuple(specs), h, make(h), "E", kind="statistical", measure=measure_stochastic_synapse)
        for h in resolutions
    ]


def proportion_test(k_ref: int, n_ref: int, k_ours: int, n_ours: int, quantity: str) -> Any:
    """Fisher's exact test of equal success probabilities of two binomial samples;
    power against a 5% relative difference of the probability (normal approximation)."""
    from scipy import stats

    from .measure import StatTest, _normal_power

    name = "Fisher exact test of equal probabilities"
    for side, k, n in (("NEST", k_ref, n_ref), ("pynest_jax", k_ours, n_ours)):
        if n == 0 or k == 0 or k == n:
            problem = f"{k} successes in {n} trials from {side}"
            return StatTest(name, quantity, 0.0, n_ref, n_ours, 0.0, degenerate=problem)
    p = float(stats.fisher_exact([[k_ref, n_ref - k_ref], [k_ours, n_ours - k_ours]]).pvalue)
    q = k_ref / n_ref
    se = np.sqrt(q * (1.0 - q) * (1.0 / n_ref + 1.0 / n_ours))
    return StatTest(name, quantity, p, n_ref, n_ours, _normal_power(0.05 * q, se))


def measure_stochastic_synapse(result_of: Callable[[str], Any], ref: dict, ours: dict) -> None:
    from .measure import mean_test, require_power

    for label, r in ref["samples"].items():
        o, res = ours["samples"][label], result_of(label)
        if r["trials"] is not None:
            test = proportion_test(
                int(r["totals"].sum()), r["trials"], int(o["totals"].sum()), o["trials"], "released units"
            )
        else:
            effect = 0.05 * float(np.mean(r["totals"]))
            test = mean_test(r["totals"], o["totals"], "released units per synapse", effect)
        res.stats.append(test)
        require_power(res, test)


# ------------------------------------------------------------------ stochastic devices

STAT_T = 200.0  # ms


def poisson_runs(
    model: str, params: dict[str, Any] | None = None, resolutions: Sequence[float] = RESOLUTIONS
) -> list[Run]:
    """A spike-emitting random generator drives 100 parrot neurons for STAT_T ms
    (about 20000 spikes at 1000 spikes/s each); total counts are compared with an
    exact binomial test, pooled inter-spike intervals with a two-sample KS test; a
    generator with rate 0 must stay silent in both."""
    params = params if params is not None else {"rate": 1000.0}
    n_targets = 100

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            gen = nest.Create(model, params=params)
            parrots = nest.Create("parrot_neuron", n_targets)
            nest.Connect(gen, parrots)
            sr = nest.Create("spike_recorder")
            nest.Connect(parrots, sr)
            sr0 = nest.Create("spike_recorder")
            if "rate_zero" in only:
                zero = {k: 0.0 for k in ("rate", "amplitude") if k in params}
                silent = nest.Create(model, params={**params, **zero})
                quiet = nest.Create("parrot_neuron", 5)
                nest.Connect(silent, quiet)
                nest.Connect(quiet, sr0)
            nest.Simulate(STAT_T)
            ev = _events(sr)
            isis = []
            for g in ids(parrots):
                t = np.sort(ev["times"][ev["senders"] == g])
                isis.append(np.diff(t))
            return {
                "groups": {},
                "samples": {
                    "spike_train": {
                        "count": len(ev["times"]),
                        "isi": np.concatenate(isis),
                        "exposure": n_targets * STAT_T,
                    }
                },
                "exact": {"rate_zero": {"n_events": int(sr0.get("n_events"))}} if "rate_zero" in only else {},
            }

        return build

    scen = ("spike_train", "rate_zero") if "rate" in params else ("spike_train",)
    return [
        Run(model, scen, h, make(h), "E", kind="statistical", measure=measure_poisson) for h in resolutions
    ]


def measure_poisson(result_of: Callable[[str], Any], ref: dict, ours: dict) -> None:
    from .measure import ks_test, rate_test, require_power

    r, o = ref["samples"]["spike_train"], ours["samples"]["spike_train"]
    res = result_of("spike_train")
    rate = rate_test(r["count"], o["count"], r["exposure"], o["exposure"])
    res.stats.append(rate)
    require_power(res, rate)
    res.stats.append(ks_test(r["isi"], o["isi"], "inter-spike intervals"))


NOISE_PARAMS = {"mean": 100.0, "std": 50.0, "dt": 0.1}


def noise_runs(model: str, resolutions: Sequence[float] = RESOLUTIONS) -> list[Run]:
    """The generator drives 20 iaf_psc_alpha that never fire (E_L = 0, threshold far
    away); the current each received in every step is recovered exactly from their
    V_m (the membrane update is linear in it), one value per ``dt`` interval, giving
    about 40000 amplitudes per simulator. Compared: mean (Welch t-test), variance
    (F-test), distribution (two-sample KS test); and a generator with std 0 must give
    exactly the mean."""
    n_targets = 20
    tau_m, c_m = 10.0, 250.0

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            neuron = {"E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": 1e9, "tau_m": tau_m, "C_m": c_m}
            gen = nest.Create(model, params=NOISE_PARAMS)
            targets = nest.Create("iaf_psc_alpha", n_targets, params=neuron)
            nest.Connect(gen, targets)
            flat = nest.Create(model, params={**NOISE_PARAMS, "std": 0.0})
            flat_target = nest.Create("iaf_psc_alpha", params=neuron)
            nest.Connect(flat, flat_target)
            mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": h})
            nest.Connect(mm, targets + flat_target)
            nest.Simulate(STAT_T)
            ev = _events(mm)
            p22 = np.exp(-h / tau_m)
            p20 = tau_m / c_m * (1.0 - p22)
            every = max(1, int(round(NOISE_PARAMS["dt"] / h)))
            amps = []
            for g in ids(targets):
                v = ev["V_m"][ev["senders"] == g]
                i = (v[1:] - p22 * v[:-1]) / p20
                amps.append(i[2::every])  # skip the steps before the first input arrives
            v = ev["V_m"][ev["senders"] == ids(flat_target)[0]]
            flat_i = (v[1:] - p22 * v[:-1]) / p20
            return {
                "groups": {},
                "samples": {"amplitudes": {"amps": np.concatenate(amps)}},
                "exact": {"std_zero": {"current": np.round(flat_i[2:], 6).tolist()}},
            }

        return build

    return [
        Run(model, ("amplitudes", "std_zero"), h, make(h), "E", kind="statistical", measure=measure_noise)
        for h in resolutions
    ]


def measure_noise(result_of: Callable[[str], Any], ref: dict, ours: dict) -> None:
    from .measure import ks_test, mean_test, variance_test

    a, b = ref["samples"]["amplitudes"]["amps"], ours["samples"]["amplitudes"]["amps"]
    res = result_of("amplitudes")
    res.stats.append(mean_test(a, b, "noise amplitudes", 0.05 * NOISE_PARAMS["mean"]))
    res.stats.append(variance_test(a, b, "noise amplitudes"))
    res.stats.append(ks_test(a, b, "noise amplitudes"))


# ------------------------------------------------------------------ stochastic neurons


@dataclass(frozen=True)
class StochasticNeuron:
    """How a neuron that fires at random is measured.

    ``noise_off``: parameters that remove the randomness (no spikes at all); the
    standard neuron scenarios then run deterministically and are compared trace by
    trace. ``hard_threshold``: parameters that make the random firing certain or
    impossible in every step (a hazard of 0 or 1), so that the spike-triggered
    dynamics are compared trace by trace too (scenarios ``hard_threshold_*``).
    ``noisy``: the parameters (with a constant drive) of the statistical scenario
    ``escape_noise``: ``n_neurons`` neurons for ``t_sim`` ms in each simulator.
    ``noise_keys``: the parameters that set the noise, which the randomised scenario
    keeps as the run sets them.
    ``boundary``: parameters at an edge of the model's switch between the hard threshold
    and escape noise, where NEST's choice is deterministic; the scenarios that cross the
    threshold run with them, compared trace by trace (scenarios ``boundary_*``).
    """

    noise_off: dict[str, Any]
    hard_threshold: dict[str, Any] | None
    noisy: dict[str, Any]
    noise_keys: frozenset[str]
    boundary: dict[str, Any] | None = None
    n_neurons: int = 200
    t_sim: float = 1000.0


# Spike-triggered current and threshold elements, one fast and one slow of each.
_GIF_ADAPTATION = {
    "tau_stc": [5.0, 50.0],
    "q_stc": [10.0, 5.0],
    "tau_sfa": [10.0, 100.0],
    "q_sfa": [3.0, 1.0],
}
# lambda_0 (1/s) and Delta_V (mV) that make E_sfa a hard threshold: the hazard is 1 (in double
# precision) from about 1e-8 mV below E_sfa upwards, below 1e-16 from 5e-8 mV below it
# downwards, and exactly 0 (NEST draws nothing) from 7.5e-7 mV below it.
_GIF_HARD = {"lambda_0": 1e9, "Delta_V": 1e-9}
_GIF = StochasticNeuron(
    noise_off={**_GIF_ADAPTATION, "lambda_0": 0.0},
    hard_threshold={**_GIF_ADAPTATION, **_GIF_HARD},
    noisy={
        "tau_stc": [5.0],
        "q_stc": [20.0],
        "tau_sfa": [5.0],
        "q_sfa": [5.0],
        "t_ref": 2.0,
        "Delta_V": 3.0,
        "lambda_0": 10.0,
        "I_e": 170.0,
    },
    noise_keys=frozenset({"lambda_0", "Delta_V"}),
)
# iaf_psc_exp's escape noise (iaf_tum_2000 shares it): the hazard is rho * exp((V_m - V_th)
# / delta) * h. delta below 1e-10 mV is NEST's hard threshold and above it escape noise;
# delta exactly 1e-10 is neither, so the neuron never fires however far V_m rises: the
# boundary scenarios place the model there, where any change of delta changes the spikes.
# rho 1e12/s with delta 1e-9 mV makes the hazard 1 from about 2e-8 mV below V_th upwards
# and below 1e-16 from 6e-8 mV below it downwards. With the noisy parameters (delta 2 mV,
# not 1, so that a division taken for a multiplication shows) NEST fires about 27 spikes
# per neuron and second with a Fano factor of 0.2-0.3: a power of 0.998 against a 5 %
# rate difference with 200 neurons.
_ESCAPE_NOISE = StochasticNeuron(
    noise_off={"delta": 0.0},
    hard_threshold={"delta": 1e-9, "rho": 1e12},
    noisy={"delta": 2.0, "rho": 300.0, "I_e": 300.0},
    noise_keys=frozenset({"delta", "rho"}),
    boundary={"delta": 1e-10},
)
STOCHASTIC_NEURONS: dict[str, StochasticNeuron] = {
    "gif_psc_exp": _GIF,
    "gif_psc_exp_multisynapse": _GIF,
    "gif_cond_exp": _GIF,
    "gif_cond_exp_multisynapse": _GIF,
    "iaf_psc_exp": _ESCAPE_NOISE,
    "iaf_tum_2000": _ESCAPE_NOISE,
}


def stochastic_neuron_runs(
    model: str, category: str, spec: StochasticNeuron, resolutions: Sequence[float] = RESOLUTIONS
) -> list[Run]:
    """The standard neuron scenarios with the noise off, again with a hard threshold
    (if the model has one), those that cross the threshold at the model's ``boundary``,
    and the statistical ``escape_noise`` scenario."""
    fixed = spec.noise_keys
    runs = neuron_runs(model, category, resolutions, params=spec.noise_off, label="noise off: ", fixed=fixed)
    if spec.hard_threshold is not None:
        runs += neuron_runs(
            model,
            category,
            resolutions,
            params=spec.hard_threshold,
            prefix="hard_threshold_",
            label="hard threshold: ",
            fixed=fixed,
        )
    if spec.boundary is not None:
        runs += neuron_runs(
            model,
            category,
            resolutions,
            scenarios=("spike_input_all_ports", "input_during_refractoriness"),
            params=spec.boundary,
            prefix="boundary_",
            label="boundary: ",
            fixed=fixed,
        )
    return runs + escape_noise_runs(model, category, spec, resolutions)


def escape_noise_runs(
    model: str, category: str, spec: StochasticNeuron, resolutions: Sequence[float] = RESOLUTIONS
) -> list[Run]:
    """``spec.n_neurons`` independent neurons with ``spec.noisy`` parameters fire at
    random for ``spec.t_sim`` ms; each simulator's spike counts per neuron and pooled
    inter-spike intervals are compared by ``measure_escape_noise``."""
    params = {**BASE_PARAMS.get(model, {}), **spec.noisy}

    def make(h: float) -> Build:
        def build(nest: Any, only: tuple[str, ...]) -> dict[str, Any]:
            kernel(nest, h)
            pop = nest.Create(model, spec.n_neurons, params=params)
            sr = nest.Create("spike_recorder")
            nest.Connect(pop, sr)
            nest.Simulate(spec.t_sim)
            ev = _events(sr)
            order = np.lexsort((ev["times"], ev["senders"]))
            senders, times = ev["senders"][order], np.asarray(ev["times"], float)[order]
            first = ids(pop)[0]
            counts = np.bincount(senders - first, minlength=spec.n_neurons)
            same = senders[1:] == senders[:-1]
            return {
                "groups": {},
                "samples": {"escape_noise": {"counts": counts, "isi": np.diff(times)[same]}},
            }

        return build

    return [
        Run(model, ("escape_noise",), h, make(h), category, kind="statistical", measure=measure_escape_noise)
        for h in resolutions
    ]


def measure_escape_noise(result_of: Callable[[str], Any], ref: dict, ours: dict) -> None:
    """Firing rate: Welch's t-test of equal mean spike counts per neuron (the neurons are
    independent, so the test needs no assumption on the count distribution). Its power
    against a 5% difference of the rate, computed from the measured variances, must
    reach MIN_POWER: with the GIF parameters above NEST gives about 18.9 spikes per
    neuron with a Fano factor of 0.11, so the standard error of the difference of the
    means is 0.14 spikes against a 5% effect of 0.94 spikes, a power of 0.9999 at
    both resolutions. Inter-spike intervals: two-sample KS test on the pooled intervals
    (about 3570 per simulator, CV 0.3; the critical distance at ALPHA is 0.039, below
    the 0.07 that scaling the intervals by 5% makes). Successive intervals of a
    neuron are practically uncorrelated there (lag-1 correlation about -0.01): the
    spike-triggered elements decay within 5 ms and ``V_m`` restarts at ``V_reset``."""
    from .measure import ks_test, mean_test, require_power

    r, o = ref["samples"]["escape_noise"], ours["samples"]["escape_noise"]
    res = result_of("escape_noise")
    effect = 0.05 * float(np.mean(r["counts"]))
    rate = mean_test(r["counts"], o["counts"], "spike counts per neuron", effect)
    res.stats.append(rate)
    require_power(res, rate)
    res.stats.append(ks_test(r["isi"], o["isi"], "inter-spike intervals"))
