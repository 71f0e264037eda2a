"""Run a model's standard scenarios in NEST 3.10 and in pynest_jax and measure the agreement.

``validate_model(name)`` picks the scenarios for the model (neuron scenarios
for neurons; for stochastic neurons those with the noise switched off and with a
hard threshold, plus statistical tests with the noise on; driving an
``iaf_psc_alpha`` for current generators, parrots for
spike sources, statistical tests for random generators, event layout for
recorders, a small network for synapses), runs each in both simulators after a
``ResetKernel`` and returns a ``ModelReport``. NEST is imported only here, when
a comparison is made.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import scenarios as sc
from .measure import (
    ScenarioResult,
    as_events,
    compare_event_layout,
    compare_exact,
    compare_spikes,
    compare_traces,
    finish,
    of_sender,
    spike_times_of,
)
from .nest_models import ALL_MODELS, base_name

SCENARIO_SETS: dict[str, tuple[float, ...]] = {
    "full": sc.RESOLUTIONS,  # every scenario at 0.1 and 0.01 ms
    "reduced": (0.1,),  # every scenario at 0.1 ms only
}

# Random spike generators compared statistically (Poisson-like, independent per target).
STAT_GENERATOR_PARAMS: dict[str, dict[str, Any]] = {
    "poisson_generator": {"rate": 1000.0},
    "poisson_generator_ps": {"rate": 1000.0, "dead_time": 0.0},
    "sinusoidal_poisson_generator": {"rate": 1000.0, "amplitude": 500.0, "frequency": 10.0},
    "inhomogeneous_poisson_generator": {"rate_times": [10.0, 100.0], "rate_values": [1000.0, 500.0]},
    "gamma_sup_generator": {"rate": 1000.0, "gamma_shape": 3, "n_proc": 10},
    "ppd_sup_generator": {"rate": 1000.0, "dead_time": 0.5, "n_proc": 10},
    "sinusoidal_gamma_generator": {"rate": 1000.0, "amplitude": 500.0, "frequency": 10.0, "order": 3.0},
}


# Models the generic scenarios cannot drive, and why.
NO_SCENARIOS: dict[str, str] = {
    "cm_default": "needs a compartment tree",
    "diffusion_connection": "connects siegert neurons",
    "eprop_learning_signal_connection": "needs e-prop neurons",
    "eprop_learning_signal_connection_bsshslm_2020": "needs e-prop neurons",
    "eprop_synapse": "needs e-prop neurons",
    "eprop_synapse_bsshslm_2020": "needs e-prop neurons",
    "gap_junction": "needs gap-junction neurons and symmetric connections",
    "rate_connection_delayed": "connects rate neurons (used by their scenarios)",
    "rate_connection_instantaneous": "connects rate neurons (used by their scenarios)",
    "sic_connection": "connects an astrocyte",
    "urbanczik_synapse": "needs the dendritic receptors of pp_cond_exp_mc_urbanczik",
}


@dataclass
class ModelReport:
    """All scenario results of one model."""

    model: str
    kind: str  # "neuron", "device" or "synapse"
    category: str
    scenario_set: str
    results: list[ScenarioResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def measured(self) -> list[ScenarioResult]:
        return [r for r in self.results if r.skipped is None]

    @property
    def passed(self) -> bool:
        return bool(self.measured) and all(r.passed for r in self.measured)

    @property
    def n_passed(self) -> int:
        return sum(r.passed for r in self.measured)

    @property
    def n_total(self) -> int:
        return len(self.measured)

    @property
    def max_abs_dev(self) -> float | None:
        devs = [r.worst_abs for r in self.measured if r.max_abs_dev]
        return max(devs) if devs else None

    @property
    def max_rel_dev(self) -> float | None:
        devs = [r.worst_rel for r in self.measured if r.max_rel_dev]
        return max(devs) if devs else None

    @property
    def spikes_identical(self) -> bool | None:
        flags = [r.spikes_identical for r in self.measured if r.spikes_identical is not None]
        return all(flags) if flags else None

    @property
    def max_spike_shift_steps(self) -> float | None:
        shifts = [r.max_spike_shift_steps for r in self.measured if r.max_spike_shift_steps is not None]
        return max(shifts) if shifts else None

    def failures(self) -> list[str]:
        return [r.summary() for r in self.measured if not r.passed]

    def describe(self) -> str:
        head = (
            f"{self.model} ({self.kind}, category {self.category}, {self.scenario_set} set): "
            f"{self.n_passed}/{self.n_total} scenarios passed"
        )
        lines = [head, *[f"  {r.summary()}" for r in self.results]]
        for r in self.results:
            lines += [f"    {t.describe()}" for t in r.stats]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])


def registered_models() -> list[str]:
    """Every node and synapse model name pynest_jax registers (synapse variants included)."""
    from ..models.base import MODELS
    from ..synapses.base import SYNAPSE_MODELS

    return sorted(set(MODELS) | set(SYNAPSE_MODELS))


def _classify(name: str) -> tuple[str, str, bool]:
    """(matrix kind, category, stochastic) from NEST's table, else from the registry."""
    entry = ALL_MODELS.get(base_name(name))
    if entry is not None:
        return entry.kind, entry.category, entry.stochastic
    from ..models.base import MODELS

    cls = MODELS.get(name)
    if cls is None:
        return "synapse", "E", False
    return ("neuron" if cls.kind == "neuron" else "device"), cls.category, False


def runs_for(name: str, scenario_set: str = "full") -> tuple[list[sc.Run], list[str]]:
    """The runs that measure a model, and notes on how they were chosen."""
    from ..models.base import MODELS
    from ..synapses.base import SYNAPSE_MODELS

    res = SCENARIO_SETS[scenario_set]
    kind, category, stochastic = _classify(name)
    notes: list[str] = []
    if base_name(name) in NO_SCENARIOS:
        notes.append(f"no standard scenarios: {NO_SCENARIOS[base_name(name)]}")
        return [], notes
    if kind == "synapse":
        syn = SYNAPSE_MODELS.get(name)
        per_conn = (
            tuple(k for k, prop in syn.params.items() if not prop.hidden)
            if syn is not None
            else ("weight", "delay")
        )
        common = tuple(syn.common) if syn is not None else ()
        runs = sc.synapse_runs(name, per_conn, common, res)
        if stochastic:
            notes.append("stochastic: the network made deterministic compared exactly, release by statistics")
            runs += sc.stochastic_synapse_runs(name, res)
        return runs, notes
    if name in sc.CURRENT_GENERATOR_PARAMS:
        return sc.current_generator_runs(name, res), notes
    if name in sc.SPIKE_SOURCE_PARAMS:
        return sc.spike_source_runs(name, res), notes
    if name.startswith("parrot_neuron"):
        return sc.parrot_runs(name, res), notes
    if name == "volume_transmitter":
        return sc.volume_transmitter_runs(name, res), notes
    if name in sc.RECORDER_CONFIGS:
        return sc.recorder_runs(name, res), notes
    if name == "noise_generator":
        return sc.noise_runs(name, res), notes
    if name in STAT_GENERATOR_PARAMS:
        return sc.poisson_runs(name, STAT_GENERATOR_PARAMS[name], res), notes
    if kind == "neuron" and category == "D":
        if stochastic:
            notes.append("no standard scenarios for stochastic binary neurons")
            return [], notes
        return sc.rate_runs(name, category, res), notes
    cls = MODELS.get(name)
    if kind == "neuron" and (cls is None or cls.kind == "neuron"):
        spec = sc.STOCHASTIC_NEURONS.get(base_name(name)) if stochastic else None
        if spec is not None:
            notes.append(
                "stochastic: noise off and hard threshold compared trace by trace, escape noise by statistics"
            )
            return sc.stochastic_neuron_runs(name, category, spec, res), notes
        if stochastic:
            notes.append("stochastic model compared sample by sample")
        return sc.neuron_runs(name, category, res), notes
    notes.append("no standard scenarios for this model")
    return [], notes


def execute(run: sc.Run, ours: Any = None) -> list[ScenarioResult]:
    """Run one ``Run`` in NEST and in ``ours`` (pynest_jax by default) and measure it."""
    import pynest_jax

    ours = pynest_jax if ours is None else ours
    nest = sc.real_nest()
    results = {s: ScenarioResult(run.model, s, run.resolution, run.category) for s in run.scenarios}
    try:
        ref = run.build(nest, run.scenarios)
    except Exception as e:
        if run.split and len(run.scenarios) > 1:  # find which scenarios NEST refuses
            return [
                r for s in run.scenarios for r in execute(replace(run, scenarios=(s,), split=False), ours)
            ]
        refusal = f"{type(e).__name__}: {_short(e)}"
        try:  # a scenario NEST refuses does not apply to the model, if pynest_jax refuses it alike
            run.build(ours, run.scenarios)
        except Exception as e_ours:
            ours_refusal = f"{type(e_ours).__name__}: {_short(e_ours)}"
            for r in results.values():
                if _same_error(e, e_ours):
                    r.skipped = f"both refuse it ({refusal})"
                else:
                    r.error = f"NEST refuses it ({refusal}), pynest_jax otherwise ({ours_refusal})"
        else:
            for r in results.values():
                r.error = f"NEST refuses the scenario ({refusal}), pynest_jax runs it"
        return [finish(r) for r in results.values()]
    try:
        got = run.build(ours, run.scenarios)
    except Exception as e:
        if run.split and len(run.scenarios) > 1:  # find which scenarios fail
            return [
                r for s in run.scenarios for r in execute(replace(run, scenarios=(s,), split=False), ours)
            ]
        for r in results.values():
            r.error = f"{type(e).__name__}: {_short(e)}"
        return [finish(r) for r in results.values()]
    _measure(run, ref, got, results)
    return [finish(r) for r in results.values()]


def _same_error(ref: Exception, ours: Exception) -> bool:
    """The same error class (by name: NEST's and ours are different classes) and message."""
    return type(ref).__name__ == type(ours).__name__ and " ".join(str(ref).split()) == " ".join(
        str(ours).split()
    )


def _short(e: Exception, n: int = 160) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _measure(run: sc.Run, ref: dict, ours: dict, results: dict[str, ScenarioResult]) -> None:
    h = run.resolution or 0.1
    present = set(ref.get("groups", {})) | set(ref.get("exact", {})) | set(ref.get("layout", {}))
    present |= set(ref.get("samples", {}))
    for label, res in results.items():
        if label not in present:
            res.skipped = "not applicable to this model"
            continue
        g_ref = ref.get("groups", {}).get(label)
        g_ours = ours.get("groups", {}).get(label)
        if g_ref is not None:
            if g_ours is None or len(g_ours) != len(g_ref):
                res.fail("the scenario created different nodes")
                continue
            for k, (ev_ref, ev_ours) in enumerate(zip(ref["traces"], ours["traces"], strict=True)):
                ev_ref, ev_ours = as_events(ev_ref), as_events(ev_ours)
                for i, (a, b) in enumerate(zip(g_ref, g_ours, strict=True)):
                    tr_ref, tr_ours = of_sender(ev_ref, a), of_sender(ev_ours, b)
                    if len(tr_ref.get("senders", [])) or len(tr_ours.get("senders", [])):
                        compare_traces(res, tr_ref, tr_ours, f"multimeter {k} node {i}: ")
            for ev_ref, ev_ours in zip(ref["spikes"], ours["spikes"], strict=True):
                ev_ref, ev_ours = as_events(ev_ref), as_events(ev_ours)
                compare_spikes(
                    res,
                    [spike_times_of(ev_ref, a) for a in g_ref],
                    [spike_times_of(ev_ours, b) for b in g_ours],
                    h,
                )
        for k, (ev_ref, ev_ours) in enumerate(
            zip(ref.get("layout", {}).get(label, []), ours.get("layout", {}).get(label, []), strict=True)
        ):
            compare_event_layout(res, ev_ref, ev_ours, f"recorder {k}: ")
        for what, value in ref.get("exact", {}).get(label, {}).items():
            compare_exact(res, value, ours.get("exact", {}).get(label, {}).get(what), what)
    if run.measure is not None:
        run.measure(lambda s: results[s], ref, ours)


def validate_model(
    name: str, scenario_set: str = "full", ours: Any = None, only: Sequence[str] | None = None
) -> ModelReport:
    """Measure one model (or synapse variant) against NEST 3.10.

    ``scenario_set`` is ``"full"`` (resolutions 0.1 and 0.01 ms) or ``"reduced"``
    (0.1 ms); ``only`` restricts the scenarios by name; ``ours`` is the module
    compared with NEST (pynest_jax by default; NEST itself checks the harness)."""
    start = time.perf_counter()
    kind, category, _ = _classify(name)
    report = ModelReport(name, kind, category, scenario_set)
    try:
        runs, notes = runs_for(name, scenario_set)
    except Exception as e:
        report.results.append(
            finish(ScenarioResult(name, "setup", None, category, error=f"{type(e).__name__}: {_short(e)}"))
        )
        runs, notes = [], []
    report.notes += notes
    for run in runs:
        if only is not None:
            keep = tuple(x for x in run.scenarios if x in only)
            if not keep:
                continue
            run = replace(run, scenarios=keep)
        report.notes += [n for n in run.notes if n not in report.notes]
        report.results += execute(run, ours)
    if not runs and not report.results:
        report.results.append(finish(ScenarioResult(name, "none", None, category, error="no scenarios")))
    report.seconds = time.perf_counter() - start
    return report


def validate_all(
    names: Iterable[str] | None = None, scenario_set: str = "full", verbose: bool = False
) -> dict[str, ModelReport]:
    """Measure every registered model (or the given ones)."""
    from ..engine import release_compiled

    out = {}
    for name in sorted(registered_models() if names is None else names):
        out[name] = validate_model(name, scenario_set)
        # Each model compiles its own networks; a long run keeping them all crashed XLA.
        release_compiled()
        if verbose:
            r = out[name]
            print(
                f"{name:40s} {r.n_passed}/{r.n_total} {'ok' if r.passed else 'FAIL'} {r.seconds:.1f}s",
                flush=True,
            )
    return out


def failing(reports: Sequence[ModelReport]) -> list[str]:
    return [r.model for r in reports if not r.passed]
