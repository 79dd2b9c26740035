"""Counts and the time left of a long step, from the compare pipeline's progress strings.

The pipeline (`storytrace.compare.pipeline.compare_articles(..., progress=...)`) reports
steps such as "segmenting" or "aligning pairs 3/45": a step over many items ends with
"done/total". `parse_step` splits one; `StepCounter` adds the time left at the pace so far
(the CLI's spinner line, the web app's job status).
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["StepCounter", "parse_step"]


def parse_step(step: str) -> tuple[str, int | None, int | None]:
    """("aligning pairs", 3, 45) for "aligning pairs 3/45"; (step, None, None) without counts."""
    name, _, count = step.rpartition(" ")
    done, _, total = count.partition("/")
    if not (name and done.isdigit() and total.isdigit()):
        return step, None, None
    return name, int(done), int(total)


class StepCounter:
    """Progress lines with an ETA: a step that ends with "done/total" ("aligning pairs 3/45") gets
    the time left at the pace so far ("aligning pairs 3/45, about 12 s left")."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._step: str | None = None
        self._start = 0.0

    def eta(self, step: str) -> float | None:
        """Seconds left in ``step`` at the pace since its count began; None when unknown (no
        count, nothing done yet, done, or under a second of pace measured)."""
        name, k, n = parse_step(step)
        if k is None or n is None:
            self._step = None
            return None
        now = self._clock()
        if name != self._step:
            self._step, self._start = name, now
        if k == 0 or k >= n or now - self._start < 1.0:
            return None
        return (now - self._start) / k * (n - k)

    def line(self, step: str) -> str:
        left = self.eta(step)
        if left is None:
            return step + "…"
        return f"{step}, {time_left(left)}…"


def time_left(seconds: float) -> str:
    """ "about 12 s left", "about 3 min left"."""
    return f"about {seconds:.0f} s left" if seconds < 120 else f"about {seconds / 60:.0f} min left"
