"""The compatibility matrix: every NEST 3.10 model and how far pynest_jax matches it.

``python -m pynest_jax.validation.matrix`` runs the validation harness on every
registered model and writes ``compat_matrix.csv`` at the repository root (``--only
MODEL ...`` re-validates those models and rewrites just their rows): one
row per NEST 3.10 node model and per synapse model (``_hpc``/``_lbl`` variants
share their base model's row), sorted by name, with the columns

``model, kind, category, status, max_abs_dev, max_rel_dev, spikes_identical, scenarios, notes``.

``status`` is ``validated`` when every scenario passed its category's tolerance,
``implemented`` when the model is registered but a scenario failed or it is a
known deviation, ``missing`` otherwise. Deviations are written as ``0``,
``<1e-12`` or with ``%.1e``, so the bytes do not depend on rounding noise.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from .harness import ModelReport, registered_models, validate_all
from .known_deviations import KNOWN_DEVIATIONS
from .measure import ALPHA, ScenarioResult, tolerance_text
from .nest_models import ALL_MODELS, NestModel, base_name

COLUMNS = (
    "model",
    "kind",
    "category",
    "status",
    "max_abs_dev",
    "max_rel_dev",
    "spikes_identical",
    "scenarios",
    "notes",
)
CATEGORY_NAMES = {
    "A": "exact-ODE RKF45",
    "B": "exact propagators",
    "C": "Hodgkin-Huxley",
    "D": "rate",
    "E": "devices/synapses/plasticity",
}
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "compat_matrix.csv"
_MAX_FAILURES_LISTED = 3
_DEV_FLOOR = -10  # decade below which deviations are not told apart


def format_dev(x: float | None) -> str:
    """A deviation as a decade upper bound (``<=1e-07``), at least ``<=1e-10`` (ten times
    below the tightest tolerance, well above rounding noise), so that the rounding of a
    platform does not change the bytes; the notes give failing deviations in full."""
    if x is None:
        return ""
    if x == 0.0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    return f"<=1e{max(_DEV_FLOOR, math.ceil(math.log10(x))):+03d}"


def _stat_notes(results: Iterable[ScenarioResult]) -> list[str]:
    """Smallest p-value, sample size and power (against a 5% difference) of each statistical test."""
    worst: dict[tuple[str, str], tuple[float, int, float | None]] = {}
    for r in results:
        for t in r.stats:
            key = (t.test, t.quantity)
            p, n, power = worst.get(key, (2.0, min(t.n_ref, t.n_ours), t.power_5pct))
            if t.power_5pct is not None:
                power = t.power_5pct if power is None else min(power, t.power_5pct)
            worst[key] = (min(p, t.p_value), min(n, t.n_ref, t.n_ours), power)
    notes = []
    for (test, quantity), (p, n, power) in sorted(worst.items()):
        text = f"{test} on {quantity}: min p={p:.3f}, n>={n}"
        if power is not None:
            text += f", power against a 5% difference {power:.2f}"
        notes.append(text)
    return notes


def _failure_note(r: ScenarioResult) -> str:
    if r.error:
        return f"{r.label}: {r.error}"
    return f"{r.label}: " + "; ".join(r.failures)


def row_for(entry: NestModel, reports: Mapping[str, ModelReport], registered: set[str]) -> dict[str, str]:
    """One matrix row: the base model and its registered variants."""
    names = [n for n in (entry.name, *entry.variants) if n in registered]
    row = {
        "model": entry.name,
        "kind": entry.kind,
        "category": entry.category,
        "status": "missing",
        "max_abs_dev": "",
        "max_rel_dev": "",
        "spikes_identical": "",
        "scenarios": "",
        "notes": "",
    }
    notes: list[str] = []
    if entry.remark:
        notes.append(entry.remark)
    if entry.variants:
        shown = [f"{v} (registered)" if v in registered else v for v in entry.variants]
        notes.append("variants: " + ", ".join(shown))
    if not names:
        row["notes"] = "; ".join(notes)
        return row
    missing_reports = [n for n in names if n not in reports]
    if missing_reports:
        notes.append("not validated: " + ", ".join(missing_reports))
    reps = [reports[n] for n in names if n in reports]
    measured = [r for rep in reps for r in rep.measured]
    n_pass = sum(r.passed for r in measured)
    abs_devs = [rep.max_abs_dev for rep in reps if rep.max_abs_dev is not None]
    rel_devs = [rep.max_rel_dev for rep in reps if rep.max_rel_dev is not None]
    spikes = [rep.spikes_identical for rep in reps if rep.spikes_identical is not None]
    row["max_abs_dev"] = format_dev(max(abs_devs) if abs_devs else None)
    row["max_rel_dev"] = format_dev(max(rel_devs) if rel_devs else None)
    row["spikes_identical"] = "" if not spikes else ("yes" if all(spikes) else "no")
    row["scenarios"] = f"{n_pass}/{len(measured)}"
    passed = bool(reps) and not missing_reports and all(rep.passed for rep in reps)
    known = [KNOWN_DEVIATIONS[n].reason for n in names if n in KNOWN_DEVIATIONS]
    row["status"] = "validated" if passed and not known else "implemented"
    sets = sorted({rep.scenario_set for rep in reps})
    tolerance = tolerance_text(entry.category)
    if any(r.stats for r in measured):
        tolerance += f", p > {ALPHA}"
    notes.append(f"scenario set: {'+'.join(sets)}; tolerance {tolerance}")
    if known:
        notes.append("known deviation: " + known[0])
    failed = [r for r in measured if not r.passed]
    for r in failed[:_MAX_FAILURES_LISTED]:
        prefix = "" if len(names) == 1 else f"{r.model} "
        notes.append("failed " + prefix + _failure_note(r))
    if len(failed) > _MAX_FAILURES_LISTED:
        notes.append(f"{len(failed) - _MAX_FAILURES_LISTED} more failed")
    skipped = sorted({r.scenario for rep in reps for r in rep.results if r.skipped})
    if skipped:
        notes.append("not applicable: " + ", ".join(skipped))
    notes += _stat_notes(measured)
    for rep in reps:
        notes += [n for n in rep.notes if n not in notes]
    row["notes"] = "; ".join(notes)
    return row


def build_rows(
    reports: Mapping[str, ModelReport], registered: Iterable[str] | None = None
) -> list[dict[str, str]]:
    """The matrix rows, sorted by model name; registered models unknown to NEST 3.10 are added."""
    registered = set(registered_models() if registered is None else registered)
    rows = [row_for(entry, reports, registered) for entry in ALL_MODELS.values()]
    extra = sorted({base_name(n) for n in registered} - set(ALL_MODELS))
    for name in extra:
        rep = reports.get(name)
        kind = rep.kind if rep is not None else "neuron"
        category = rep.category if rep is not None else "E"
        row = row_for(NestModel(name, kind, category, remark="not a NEST 3.10 model"), reports, registered)
        rows.append(row)
    return sorted(rows, key=lambda r: r["model"])


def render(rows: Iterable[Mapping[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


def write_matrix(
    path: str | Path, reports: Mapping[str, ModelReport], registered: Iterable[str] | None = None
) -> str:
    """Write the matrix built from ``reports`` to ``path``; returns its text."""
    text = render(build_rows(reports, registered))
    Path(path).write_text(text, encoding="utf-8", newline="")
    return text


def update_rows(
    path: str | Path, models: Iterable[str], scenario_set: str = "full", verbose: bool = False
) -> list[dict[str, str]]:
    """Validate ``models`` (each with its registered variants) and rewrite their rows
    of the CSV at ``path``; every other row stays as it was. Returns all rows."""
    bases = {base_name(m) for m in models}
    names = [n for n in registered_models() if base_name(n) in bases]
    fresh = {row["model"]: row for row in build_rows(validate_all(names, scenario_set, verbose))}
    with open(path, encoding="utf-8", newline="") as f:
        old = list(csv.DictReader(f))
    kept = {row["model"]: row for row in old if row["model"] not in bases}
    rows = [kept.get(name) or fresh[name] for name in sorted({*kept, *bases})]
    Path(path).write_text(render(rows), encoding="utf-8", newline="")
    return rows


def counts(rows: Iterable[Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Number of models per category and status."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        per = out.setdefault(row["category"], {"validated": 0, "implemented": 0, "missing": 0})
        per[row["status"]] += 1
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate every registered model against NEST 3.10 and write the compatibility matrix."
    )
    parser.add_argument(
        "--output", default=str(DEFAULT_PATH), help="CSV file to write (default: %(default)s)"
    )
    parser.add_argument(
        "--set",
        dest="scenario_set",
        default="full",
        choices=("full", "reduced"),
        help="scenario set (full: resolutions 0.1 and 0.01 ms; reduced: 0.1 ms)",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-model progress")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="MODEL",
        help="validate only these models (with their _hpc/_lbl variants) and replace their rows in "
        "the existing CSV, keeping the others",
    )
    args = parser.parse_args(argv)
    if args.only:
        rows = update_rows(args.output, args.only, args.scenario_set, verbose=not args.quiet)
    else:
        reports = validate_all(scenario_set=args.scenario_set, verbose=not args.quiet)
        rows = list(csv.DictReader(io.StringIO(write_matrix(args.output, reports))))
    for cat, per in counts(rows).items():
        print(f"{cat} ({CATEGORY_NAMES[cat]}): " + ", ".join(f"{k} {v}" for k, v in per.items()))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
