"""Models that are registered but known not to pass their validation, with the reason.

The tests accept a failing model listed in ``KNOWN_DEVIATIONS``, and the
compatibility matrix shows it as ``implemented`` with the reason in its notes.
``KNOWN_DEVIATION_SCENARIOS`` names the scenarios a listed model may fail; its
other scenarios must still pass. Remove an entry once the model passes.
"""

from __future__ import annotations

_RECORD_I = (
    "a multimeter cannot record the generator's own recordable I: Connect(multimeter, generator) "
    "raises IllegalConnection, NEST records it"
)

KNOWN_DEVIATIONS: dict[str, str] = {
    "ac_generator": _RECORD_I,
    "dc_generator": _RECORD_I,
    "step_current_generator": _RECORD_I,
}

KNOWN_DEVIATION_SCENARIOS: dict[str, tuple[str, ...]] = {
    "ac_generator": ("recorded_I",),
    "dc_generator": ("recorded_I",),
    "step_current_generator": ("recorded_I",),
}
