"""Per-topic status timeline: how one news report moves a topic along
expected → signed → ratified → in_force, and when a status counts as confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from bot.model import STATUS_ORDER, Status

DecisionKind = Literal["ignore", "breaking", "confirm"]

# Feeds' dates are rough (time zones lost, "updated" stamps): only a story clearly older than
# the moment the current status was reached is treated as an archive piece.
STALE_GRACE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TopicStatus:
    """A topic's current status. `since`: when the bot saw the report that set it;
    `sources`: distinct feed names that reported this status, in first-report order."""

    topic_id: str
    status: Status | None = None
    since: datetime | None = None
    sources: tuple[str, ...] = ()
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Report:
    """One entry reporting a status for a topic."""

    topic_id: str
    status: Status
    source: str  # the feed's display name: one outlet counts once however many feeds it has
    published: datetime | None
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    kind: DecisionKind
    new: TopicStatus


def initial(topic_id: str) -> TopicStatus:
    """A topic no report has touched yet."""
    return TopicStatus(topic_id)


def is_confirmed(n_sources: int, confirmations: int) -> bool:
    """Enough independent outlets; `confirmations` below 1 behaves as 1."""
    return n_sources >= max(1, confirmations)


def rank(status: Status | None) -> int:
    """Position along STATUS_ORDER; -1 for no status yet."""
    return -1 if status is None else STATUS_ORDER.index(status)


def is_stale(current: TopicStatus, report: Report) -> bool:
    """Published more than STALE_GRACE before the current status was reached."""
    if report.published is None or current.since is None:
        return False
    return report.published < current.since - STALE_GRACE


def apply(current: TopicStatus, report: Report, confirmations: int) -> Decision:
    """What `report` does to `current`. The rules, in order:

    1. Behind the current status → ignore: a status never moves backwards because of an
       older or speculative story ("will be ratified" after the ratification).
    2. Ahead of it → breaking, unless the report is stale (published more than a day before
       the current status was reached: an archive piece or a re-dated old story cannot
       advance a topic) → ignore. A breaking status starts with this one source and is
       confirmed at once only when `confirmations` <= 1.
    3. The same status from a source not yet counted → confirm: the source is added and the
       status becomes confirmed once there are `confirmations` sources. Staleness is not
       checked here: an earlier report of the same milestone agrees with it.
    4. The same status from a source already counted → ignore.
    """
    if report.topic_id != current.topic_id:
        raise ValueError(f"report for {report.topic_id!r} applied to {current.topic_id!r}")
    ahead = rank(report.status) - rank(current.status)
    if ahead < 0:
        return Decision("ignore", current)
    if ahead > 0:
        if is_stale(current, report):
            return Decision("ignore", current)
        new = TopicStatus(
            topic_id=current.topic_id,
            status=report.status,
            since=report.seen_at,
            sources=(report.source,),
            confirmed=is_confirmed(1, confirmations),
        )
        return Decision("breaking", new)
    if report.source in current.sources:
        return Decision("ignore", current)
    sources = (*current.sources, report.source)
    confirmed = current.confirmed or is_confirmed(len(sources), confirmations)
    return Decision("confirm", replace(current, sources=sources, confirmed=confirmed))


def replay(topic_id: str, reports: Iterable[Report], confirmations: int) -> TopicStatus:
    """The status after applying `reports` in order, from nothing (rebuilds after restart)."""
    state = initial(topic_id)
    for report in reports:
        state = apply(state, report, confirmations).new
    return state
