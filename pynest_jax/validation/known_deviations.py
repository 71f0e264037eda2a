"""Models that are registered but known not to pass their validation, with the reason.

Each entry of ``KNOWN_DEVIATIONS`` names the scenarios the model may fail and the
quantities that may deviate there, each with the largest absolute deviation
allowed. Everything else must still pass: other scenarios, other quantities,
spike times, event layout and statistics (``unexplained`` lists what does not).
The compatibility matrix shows a listed model as ``implemented`` with the reason.
Remove an entry once the model passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .measure import TOLERANCES

if TYPE_CHECKING:
    from .harness import ModelReport


@dataclass(frozen=True)
class KnownDeviation:
    reason: str
    scenarios: tuple[str, ...]  # the scenarios that may fail
    bounds: dict[str, float] = field(default_factory=dict)  # quantity -> largest absolute deviation


KNOWN_DEVIATIONS: dict[str, KnownDeviation] = {
    "weight_recorder": KnownDeviation(
        reason=(
            "ports and the order of a spike's events: NEST numbers a model's connections after "
            "sorting them by source with an unstable sort, so a source's connections made in one "
            "all_to_all call can come in another order than their creation; we number them, and "
            "record a spike's events, in creation order (so ports, and targets within the events "
            "of one spike, differ; senders, times, weights and receptors agree)"
        ),
        scenarios=("defaults", "time_in_steps"),
        # The all-to-all scenario has three targets per source: ports and target ids of
        # one spike's events are permuted among three consecutive values.
        bounds={"ports": 2.0, "targets": 2.0},
    ),
}

# A failure that check_deviation_tolerance wrote (the other quantities are checked by value).
_DEVIATION_FAILURE = re.compile(r"^\S+ deviates by (abs|rel) ")


def unexplained(report: ModelReport, known: KnownDeviation) -> list[str]:
    """What in ``report`` the known deviation does not account for: a failure outside its
    scenarios, an error, a failure other than a deviating value, or a quantity that
    deviates beyond the category's tolerance without a bound or beyond its bound."""
    out = []
    for r in report.measured:
        if r.passed:
            continue
        if r.scenario not in known.scenarios or r.error is not None:
            out.append(r.summary())
            continue
        out += [f"{r.label}: {f}" for f in r.failures if not _DEVIATION_FAILURE.match(f)]
        kind, bound = TOLERANCES[r.category]
        devs = r.max_abs_dev if kind == "abs" else r.max_rel_dev
        for quantity, dev in devs.items():
            allowed = known.bounds.get(quantity)
            if not dev <= bound and (allowed is None or not r.max_abs_dev[quantity] <= allowed):
                out.append(f"{r.label}: {quantity} deviates by {kind} {dev:.2e} (allowed: {allowed})")
    return out
