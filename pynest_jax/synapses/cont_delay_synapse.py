"""``cont_delay_synapse``: a static synapse whose delay need not be a multiple of the resolution.

NEST keeps such a delay as whole steps, rounded up, plus an offset below one step
that only precise-spike-time targets use; it reports the delay as steps minus
offset. Connect's ``delay`` is rounded to the grid like any synapse's; the
continuous delay comes from SetDefaults/CopyModel (Connect without ``delay``) or
from setting ``delay`` on existing connections. pynest_jax has no precise-spike
neurons, so a spike arrives after the rounded-up number of steps, as it does on
NEST's grid-based neurons; the offset only shapes the reported delay.
"""

from __future__ import annotations

import numpy as np

from ..errors import NESTErrors
from ..timeconv import steps_to_ms
from .base import SynapseModel, register_synapse


@register_synapse
class cont_delay_synapse(SynapseModel):
    name = "cont_delay_synapse"
    aliases = ("_hpc", "_lbl")
    sizeof = 40

    @classmethod
    def delay_from_status(
        cls, delay_ms: np.ndarray, h: float, limits: tuple[float, float] | None = None
    ) -> np.ndarray:
        """The delays (ms) a connection reports after its ``delay`` is set to ``delay_ms``,
        as NEST's set_status: on the grid, that many steps; off it, the next step up less
        the offset to it. Raises NEST's BadDelay for a delay (or the step below an
        off-grid delay) shorter than one step, or, after Simulate (``limits`` = the frozen
        min and max delay in ms), outside those limits."""
        delay_ms = np.asarray(delay_ms, dtype=np.float64)
        h_ms = float(steps_to_ms(1, h))
        frac, whole = np.modf(delay_ms / h_ms)
        on_grid = frac == 0
        lower = whole.astype(np.int64)
        # On the grid NEST rounds to the nearest step; off it, it checks the steps below and above.
        steps = np.where(on_grid, np.floor(delay_ms / h_ms + 0.5).astype(np.int64), lower + 1)
        for i in range(len(delay_ms)):
            if on_grid[i]:
                low = high = (float(delay_ms[i]), int(steps[i]))
            else:
                low, high = (float(lower[i] * h_ms), int(lower[i])), (float(steps[i] * h_ms), int(steps[i]))
            if low[1] < 1:
                raise NESTErrors.BadDelay(
                    f"Delay value {low[0]:g} is invalid: Delay must be greater than or equal to resolution"
                )
            for (shown, n), bad in (
                (low, lambda ms: ms < limits[0] - 1e-12),
                (high, lambda ms: ms > limits[1] + 1e-12),
            ):
                if limits is not None and bad(n * h_ms):
                    raise NESTErrors.BadDelay(
                        f"Delay value {shown:g} is invalid: Minimum and maximum delay cannot be changed "
                        "after Simulate has been called."
                    )
        offset = np.where(on_grid, 0.0, h_ms * (1.0 - frac))
        return steps_to_ms(steps, h) - offset
