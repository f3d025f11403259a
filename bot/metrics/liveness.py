"""Whether the bot is alive, from when its jobs last made progress: pure, given `now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The jobs tick every second; two minutes without one is a wedged loop or a stuck job,
# not a busy one (a long drain ticks per batch, a dispatch never waits for a fetch).
STALE_AFTER = 120.0


def liveness(ticks: Mapping[str, float | None], started: float, now: float,
             stale_after: float = STALE_AFTER) -> tuple[bool, dict[str, Any]]:
    """(alive, a JSON body saying why) for jobs whose last ticks are `ticks` (monotonic
    seconds; None: not yet). A job that has not ticked yet counts from `started`."""
    problems: list[str] = []
    ages: dict[str, float | None] = {}
    for job, last in sorted(ticks.items()):
        age = now - (started if last is None else last)
        ages[job] = None if last is None else round(max(age, 0.0), 3)
        if age > stale_after:
            what = (f"has not run in the {age:.0f}s since the start" if last is None
                    else f"last ran {age:.0f}s ago")
            problems.append(f"{job} {what} (limit {stale_after:.0f}s)")
    if problems:
        return False, {"status": "stalled", "problems": problems, "age_seconds": ages}
    return True, {"status": "ok", "age_seconds": ages}
