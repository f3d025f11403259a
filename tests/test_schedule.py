"""Pure scheduling against fixed datetimes: surge windows, intervals, backoff, due feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import Config, FeedSpec
from bot.ingest.schedule import (
    MAX_TICK,
    MIN_TICK,
    backlog_cutoff,
    backoff,
    due_feeds,
    interval_at,
    is_due,
    next_poll_after_failure,
    next_poll_after_success,
    surge_interval,
    tick_interval,
)
from bot.model import FeedState

A, B, C, D = (f"https://{n}.news.test/rss" for n in "abcd")

# Minsk is UTC+3 all year: the event day 2024-12-06 starts at 2024-12-05T21:00Z and the
# default surge window (1d before, 1d after) runs [2024-12-04T21:00Z, 2024-12-07T21:00Z).
MINSK = {"id": "minsk-summit", "title": "Summit in Minsk", "date": "2024-12-06",
         "timezone": "Europe/Minsk"}
SURGE_START = datetime(2024, 12, 4, 21, 0, tzinfo=UTC)
SURGE_END = datetime(2024, 12, 7, 21, 0, tzinfo=UTC)
IN_SURGE = datetime(2024, 12, 6, 10, 0, tzinfo=UTC)
QUIET = datetime(2024, 11, 20, 10, 0, tzinfo=UTC)  # two weeks before: no surge

# Berlin switches to summer time on 2025-03-30: the window is counted in local calendar days,
# so it starts at 2025-03-29 00:00 CET (23:00Z the day before) and ends at 2025-04-01
# 00:00 CEST (2025-03-31T22:00Z) -- 71 hours, not 72.
BERLIN = {"id": "berlin-talks", "title": "Talks in Berlin", "date": "2025-03-30",
          "timezone": "Europe/Berlin", "surge_interval": "2m"}
# New York, summer (UTC-4), no widening: exactly the local day, [04:00Z, next day 04:00Z).
NEW_YORK = {"id": "un-session", "title": "Session at the UN", "date": "2025-06-10",
            "timezone": "America/New_York", "surge_interval": "5m",
            "surge_window": {"before": "0", "after": "0"}}


def cfg(feeds: list[dict[str, Any]] | None = None, **top: Any) -> Config:
    return Config.model_validate({"feeds": feeds or [{"url": A}], **top})


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# ------------------------------------------------------------------ surge_interval


@pytest.mark.parametrize(
    ("event", "now", "expected"),
    [
        (MINSK, SURGE_START - timedelta(seconds=1), None),
        (MINSK, SURGE_START, timedelta(minutes=1)),
        (MINSK, IN_SURGE, timedelta(minutes=1)),
        (MINSK, SURGE_END - timedelta(seconds=1), timedelta(minutes=1)),
        (MINSK, SURGE_END, None),
        (MINSK, QUIET, None),
        (BERLIN, at(2025, 3, 28, 22, 59), None),
        (BERLIN, at(2025, 3, 28, 23, 0), timedelta(minutes=2)),
        (BERLIN, at(2025, 3, 31, 21, 59), timedelta(minutes=2)),
        (BERLIN, at(2025, 3, 31, 22, 0), None),
        (NEW_YORK, at(2025, 6, 10, 0, 0), None),  # UTC midnight is still the day before in NY
        (NEW_YORK, at(2025, 6, 10, 3, 59), None),
        (NEW_YORK, at(2025, 6, 10, 4, 0), timedelta(minutes=5)),
        (NEW_YORK, at(2025, 6, 11, 3, 59), timedelta(minutes=5)),  # past UTC midnight, same NY day
        (NEW_YORK, at(2025, 6, 11, 4, 0), None),
    ],
    ids=[
        "minsk-second-before-window", "minsk-window-start-inclusive", "minsk-event-day",
        "minsk-last-second", "minsk-window-end-exclusive", "minsk-two-weeks-before",
        "berlin-before-local-midnight", "berlin-start-local-midnight-cet",
        "berlin-last-minute-after-dst", "berlin-end-local-midnight-cest",
        "ny-utc-midnight-not-yet", "ny-minute-before-local-day", "ny-local-midnight",
        "ny-after-utc-midnight-same-local-day", "ny-next-local-midnight",
    ],
)
def test_surge_interval_window_in_event_time_zone(
    event: dict[str, Any], now: datetime, expected: timedelta | None
) -> None:
    assert surge_interval(cfg(events=[event]).events, now) == expected


def test_surge_interval_shortest_of_overlapping_events() -> None:
    slow = {**MINSK, "id": "slow", "surge_interval": "5m"}
    fast = {**MINSK, "id": "fast", "surge_interval": "30s", "date": "2024-12-07"}
    events = cfg(events=[slow, fast]).events
    assert surge_interval(events, at(2024, 12, 5, 12, 0)) == timedelta(minutes=5)  # only slow
    assert surge_interval(events, IN_SURGE) == timedelta(seconds=30)  # both: the shorter
    assert surge_interval(events, at(2024, 12, 8, 12, 0)) == timedelta(seconds=30)  # only fast
    assert surge_interval((), IN_SURGE) is None


# ------------------------------------------------------------------ interval_at


@pytest.mark.parametrize(
    ("feed_interval", "events", "now", "expected"),
    [
        (None, [], QUIET, timedelta(minutes=10)),
        ("3m", [], QUIET, timedelta(minutes=3)),
        ("30m", [], QUIET, timedelta(minutes=30)),
        (None, [MINSK], QUIET, timedelta(minutes=10)),
        (None, [MINSK], IN_SURGE, timedelta(minutes=1)),
        ("3m", [MINSK], IN_SURGE, timedelta(minutes=1)),
        ("30s", [MINSK], IN_SURGE, timedelta(seconds=30)),
        ("3m", [MINSK], SURGE_END, timedelta(minutes=3)),
    ],
    ids=[
        "top-level-default", "feed-override-shorter", "feed-override-longer",
        "event-but-no-surge", "surge-shortens-top-level", "surge-shortens-feed-override",
        "surge-never-lengthens", "surge-over",
    ],
)
def test_interval_at(
    feed_interval: str | None, events: list[dict[str, Any]], now: datetime, expected: timedelta
) -> None:
    feed: dict[str, Any] = {"url": A}
    if feed_interval:
        feed["interval"] = feed_interval
    config = cfg([feed], interval="10m", events=events)
    assert interval_at(config, config.feeds[0], now) == expected


def test_next_poll_after_success_uses_current_interval() -> None:
    config = cfg([{"url": A, "interval": "4m"}], events=[MINSK])
    assert next_poll_after_success(config, config.feeds[0], QUIET) == QUIET + timedelta(minutes=4)
    assert next_poll_after_success(config, config.feeds[0], IN_SURGE) == IN_SURGE + timedelta(minutes=1)


# ------------------------------------------------------------------ backoff

TEN_MIN, SIX_H = timedelta(minutes=10), timedelta(hours=6)


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (-1, TEN_MIN),
        (0, TEN_MIN),
        (1, TEN_MIN),
        (2, timedelta(minutes=20)),
        (3, timedelta(minutes=40)),
        (6, timedelta(minutes=320)),
        (7, SIX_H),
        (31, SIX_H),
        (10_000, SIX_H),
    ],
    ids=[
        "negative-is-healthy", "no-failures-normal", "first-failure-normal", "doubles",
        "doubles-again", "just-under-cap", "capped", "huge-exponent-capped",
        "retried-forever-at-cap",
    ],
)
def test_backoff(failures: int, expected: timedelta) -> None:
    assert backoff(TEN_MIN, failures, SIX_H) == expected


# ------------------------------------------------------------------ next_poll_after_failure


@pytest.mark.parametrize(
    ("failures", "retry_after", "now", "wait"),
    [
        (1, None, QUIET, TEN_MIN),
        (3, None, QUIET, timedelta(minutes=40)),
        (1, timedelta(hours=2), QUIET, timedelta(hours=2)),
        (4, timedelta(minutes=5), QUIET, timedelta(minutes=80)),
        (20, timedelta(hours=8), QUIET, timedelta(hours=8)),
        (1, None, IN_SURGE, TEN_MIN),
        (2, timedelta(seconds=30), IN_SURGE, timedelta(minutes=20)),
        (500, None, QUIET, SIX_H),
    ],
    ids=[
        "first-failure-one-interval", "third-failure-backoff", "retry-after-longer-wins",
        "backoff-longer-wins", "retry-after-may-exceed-cap", "surge-does-not-shorten",
        "surge-and-short-retry-after-do-not-shorten", "still-retried-at-cap",
    ],
)
def test_next_poll_after_failure(
    failures: int, retry_after: timedelta | None, now: datetime, wait: timedelta
) -> None:
    config = cfg(interval="10m", events=[MINSK], fetch={"backoff_max": "6h"})
    got = next_poll_after_failure(config, config.feeds[0], failures, retry_after, now)
    assert got == now + wait


# ------------------------------------------------------------------ is_due / due_feeds

NOW = QUIET


def state(url: str = A, *, next_in: float | None, polled_ago: float | None = None,
          failures: int = 0, now: datetime = NOW) -> FeedState:
    """A stored state whose next poll is `next_in` minutes from `now` (negative: overdue)."""
    return FeedState(
        url,
        next_poll_at=None if next_in is None else now + timedelta(minutes=next_in),
        last_polled_at=None if polled_ago is None else now - timedelta(minutes=polled_ago),
        failures=failures,
    )


@pytest.mark.parametrize(
    ("st", "now", "due"),
    [
        (None, NOW, True),
        (FeedState(A), NOW, True),
        (state(next_in=0, polled_ago=10), NOW, True),
        (state(next_in=-3, polled_ago=13), NOW, True),
        (state(next_in=2, polled_ago=8), NOW, False),
        (state(next_in=8, polled_ago=2, now=IN_SURGE), IN_SURGE, True),
        (state(next_in=9.5, polled_ago=0.5, now=IN_SURGE), IN_SURGE, False),
        (state(next_in=18, polled_ago=2, failures=2, now=IN_SURGE), IN_SURGE, False),
        (state(next_in=0, polled_ago=360, failures=10_000), NOW, True),
    ],
    ids=[
        "no-state-never-polled", "stored-but-never-polled", "exactly-at-next-poll",
        "overdue", "next-poll-in-future", "healthy-due-early-when-surge-starts",
        "healthy-in-surge-but-polled-just-now", "failing-in-backoff-not-early-in-surge",
        "failing-forever-still-polled-at-cap",
    ],
)
def test_is_due(st: FeedState | None, now: datetime, due: bool) -> None:
    config = cfg(interval="10m", events=[MINSK])
    assert is_due(config, config.feeds[0], st, now) is due


@pytest.mark.parametrize(
    ("next_in_seconds", "slack", "due"),
    [
        (5, timedelta(0), False),
        (5, timedelta(seconds=10), True),
        (10, timedelta(seconds=10), True),
        (11, timedelta(seconds=10), False),
    ],
    ids=["no-slack-not-yet", "within-slack", "at-slack-edge", "beyond-slack"],
)
def test_due_feeds_slack(next_in_seconds: int, slack: timedelta, due: bool) -> None:
    config = cfg(interval="10m")
    next_in = next_in_seconds / 60
    states = {A: state(next_in=next_in, polled_ago=10 - next_in)}  # consistent with 10m
    assert [f.url for f in due_feeds(config, states, NOW, slack)] == ([A] if due else [])


def test_due_feeds_most_overdue_first_never_polled_lead() -> None:
    config = cfg([{"url": u} for u in (A, B, C, D)] + [{"url": "https://e.news.test/rss"}],
                 interval="10m")
    states = {
        A: state(A, next_in=-1, polled_ago=11),
        B: state(B, next_in=5, polled_ago=5),  # not due
        C: state(C, next_in=-7, polled_ago=17),
        D: FeedState(D),  # stored, never polled
        # e.news.test has no state at all
    }
    got = [f.url for f in due_feeds(config, states, NOW)]
    # Never-polled feeds keep config order among themselves (stable sort).
    assert got == [D, "https://e.news.test/rss", C, A]


def test_due_feeds_surge_start_pulls_healthy_feeds_forward_but_not_failing_ones() -> None:
    config = cfg([{"url": A}, {"url": B}], interval="10m", events=[MINSK])
    before = SURGE_START - timedelta(minutes=3)
    states = {
        A: state(A, next_in=7, polled_ago=3, now=SURGE_START),
        B: state(B, next_in=37, polled_ago=3, failures=3, now=SURGE_START),
    }
    assert due_feeds(config, states, before) == []
    assert [f.url for f in due_feeds(config, states, SURGE_START)] == [A]


def test_due_feeds_empty_when_nothing_due() -> None:
    config = cfg([{"url": A}, {"url": B}])
    states = {A: state(A, next_in=1, polled_ago=9), B: state(B, next_in=4, polled_ago=6)}
    assert due_feeds(config, states, NOW) == []


# ------------------------------------------------------------------ tick_interval, backlog


@pytest.mark.parametrize(
    ("top", "feeds", "events", "expected"),
    [
        ("10m", [{"url": A}], [], MAX_TICK),
        ("1m", [{"url": A}], [], timedelta(seconds=15)),
        ("10m", [{"url": A}, {"url": B, "interval": "40s"}], [], timedelta(seconds=10)),
        ("10m", [{"url": A}], [{**MINSK, "surge_interval": "20s"}], timedelta(seconds=5)),
        ("10m", [{"url": A}], [{**MINSK, "surge_interval": "2s"}], MIN_TICK),
        ("1s", [{"url": A}], [], MIN_TICK),
    ],
    ids=[
        "long-interval-capped-at-max", "quarter-of-interval", "shortest-feed-override",
        "surge-interval-counts-even-outside-window", "floor-at-min-tick", "tiny-interval-floor",
    ],
)
def test_tick_interval(
    top: str, feeds: list[dict[str, Any]], events: list[dict[str, Any]], expected: timedelta
) -> None:
    tick = tick_interval(cfg(feeds, interval=top, events=events))
    assert tick == expected
    assert MIN_TICK <= tick <= MAX_TICK


@pytest.mark.parametrize(
    ("backfill", "expected"),
    [("0", None), ("6h", NOW - timedelta(hours=6)), ("2d", NOW - timedelta(days=2))],
    ids=["zero-backlog-silent", "six-hours", "two-days"],
)
def test_backlog_cutoff(backfill: str, expected: datetime | None) -> None:
    assert backlog_cutoff(cfg(backfill=backfill), NOW) == expected


def test_feed_spec_interval_type() -> None:
    # Guards the fixtures above: a feed without `interval` falls back to the top level.
    config = cfg([{"url": A}, {"url": B, "interval": "90s"}], interval="7m")
    feeds: tuple[FeedSpec, ...] = config.feeds
    assert [config.interval_for(f) for f in feeds] == [timedelta(minutes=7), timedelta(seconds=90)]
