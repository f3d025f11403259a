"""Pure polling decisions: which feeds are due, the next poll time, backoff and surge.

Every function takes `now`; nothing here reads the clock or touches storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.config import Config, EventSpec, FeedSpec


class FeedState(Protocol):
    """What scheduling needs of a feed's stored state (the store's FeedState fits)."""

    @property
    def next_poll_at(self) -> datetime | None: ...
    @property
    def last_polled_at(self) -> datetime | None: ...
    @property
    def failures(self) -> int: ...

# The poll job ticks at most this often and at least this often, whatever the intervals.
MIN_TICK = timedelta(seconds=1)
MAX_TICK = timedelta(seconds=30)


def surge_interval(events: Iterable[EventSpec], now: datetime) -> timedelta | None:
    """The shortest surge interval among events whose surge window contains `now`."""
    active = [e.surge_interval for e in events if _in_surge(e, now)]
    return min(active) if active else None


def _in_surge(event: EventSpec, now: datetime) -> bool:
    start, end = event.surge_bounds_utc()
    return start <= now < end


def interval_at(config: Config, feed: FeedSpec, now: datetime) -> timedelta:
    """The feed's polling interval at `now`: its own (or the global one), or surge's."""
    normal = config.interval_for(feed)
    surge = surge_interval(config.events, now)
    return min(normal, surge) if surge is not None else normal


def backoff(normal: timedelta, failures: int, cap: timedelta) -> timedelta:
    """Wait after `failures` consecutive failures: the interval doubled each time, capped.

    A failing feed is never dropped: it keeps being retried at the cap.
    """
    if failures <= 0:
        return normal
    exponent = min(failures - 1, 30)  # 2**30 intervals is past any sane cap already
    return min(cap, normal * (1 << exponent))


def next_poll_after_success(config: Config, feed: FeedSpec, now: datetime) -> datetime:
    return now + interval_at(config, feed, now)


def next_poll_after_failure(
    config: Config, feed: FeedSpec, failures: int, retry_after: timedelta | None, now: datetime
) -> datetime:
    """Backoff from the feed's normal interval (surge never shortens it); Retry-After wins
    when it asks for longer."""
    wait = backoff(config.interval_for(feed), failures, config.fetch.backoff_max)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return now + wait


def is_due(config: Config, feed: FeedSpec, state: FeedState | None, now: datetime) -> bool:
    """Never polled, or its scheduled time has come. A healthy feed also becomes due early
    when surge shortens its interval below what was scheduled."""
    if state is None or state.next_poll_at is None:
        return True
    if state.next_poll_at <= now:
        return True
    if state.failures == 0 and state.last_polled_at is not None:
        return state.last_polled_at + interval_at(config, feed, now) <= now
    return False


def due_feeds(
    config: Config, states: Mapping[str, FeedState], now: datetime, slack: timedelta = timedelta(0)
) -> list[FeedSpec]:
    """Feeds due by `now + slack`, most overdue first (never-polled feeds lead).

    The poll job passes half its tick as slack: a feed due a millisecond after this tick
    would otherwise wait a whole extra tick.
    """
    horizon = now + slack
    due = [f for f in config.feeds if is_due(config, f, states.get(f.url), horizon)]

    def overdue_since(feed: FeedSpec) -> datetime:
        state = states.get(feed.url)
        if state is None or state.next_poll_at is None:
            return datetime.min.replace(tzinfo=now.tzinfo)
        return state.next_poll_at

    return sorted(due, key=overdue_since)


def tick_interval(config: Config) -> timedelta:
    """How often the poll job wakes: a fraction of the shortest interval, within bounds."""
    shortest = min([config.interval_for(f) for f in config.feeds] + _surges(config.events))
    return max(MIN_TICK, min(MAX_TICK, shortest / 4))


def _surges(events: Sequence[EventSpec]) -> list[timedelta]:
    return [e.surge_interval for e in events]


def backlog_cutoff(config: Config, now: datetime) -> datetime | None:
    """On a feed's first poll, entries published after this still alert (None: none do)."""
    return now - config.backfill if config.backfill > timedelta(0) else None
