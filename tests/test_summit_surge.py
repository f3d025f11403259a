"""Surge polling around an event (issue 5), counted at a real loopback feed server: the
Poller is ticked every 30 s of fake time (`Poller.tick(now)`), never by sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from feedserver import FeedServer

from bot.config import Config, settings_from_env
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.services import Services
from bot.store import Store, open_store

MINSK = ZoneInfo("Europe/Minsk")
EVENT_DAY = date(2026, 5, 20)
TICK = timedelta(seconds=30)
# The surge window: the event day widened by a day each side, in Minsk time.
SURGE_START = datetime.combine(EVENT_DAY - timedelta(days=1), time(0), MINSK).astimezone(UTC)
SURGE_END = datetime.combine(EVENT_DAY + timedelta(days=2), time(0), MINSK).astimezone(UTC)


def make_config(server: FeedServer, paths: list[str]) -> Config:
    return Config.model_validate({
        "interval": "10m",
        "feeds": [{"url": server.url(p), "name": p.strip("/")} for p in paths],
        "topics": [{"id": "treaty", "title": "Treaty", "query": '"security guarantee"'}],
        "events": [{
            "id": "summit", "title": "Union State summit", "date": EVENT_DAY.isoformat(),
            "timezone": "Europe/Minsk", "topics": ["treaty"], "surge_interval": "1m",
            "surge_window": {"before": "1d", "after": "1d"},
        }],
    })


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    yield s
    s.close()


Phase = tuple[str, datetime, datetime]  # (name, first tick, end: exclusive)


def run_phases(server: FeedServer, store: Store, paths: list[str],
               phases: list[Phase]) -> dict[str, dict[str, int]]:
    """Tick one Poller every 30 s through each phase; requests per path per phase."""
    config = make_config(server, paths)
    clock = [phases[0][1]]
    services = Services(config, settings_from_env({}), store, clock=lambda: clock[0])
    counts: dict[str, dict[str, int]] = {}

    async def go() -> None:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(services, fetcher)
            for name, start, end in phases:
                before = {p: server.count(p) for p in paths}
                now = start
                while now < end:
                    clock[0] = now
                    await poller.tick(now)
                    now += TICK
                counts[name] = {p: server.count(p) - before[p] for p in paths}

    asyncio.run(go())
    return counts


def test_surge_switches_on_and_off_with_the_window(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_feed("/wire.xml", [])
    counts = run_phases(feed_server, store, ["/wire.xml"], [
        ("outside-before", SURGE_START - timedelta(hours=1), SURGE_START),
        ("inside-first-half-hour", SURGE_START, SURGE_START + timedelta(minutes=30)),
        ("inside-last-ten-minutes", SURGE_END - timedelta(minutes=10), SURGE_END),
        ("after-the-window", SURGE_END, SURGE_END + timedelta(hours=1)),
    ])
    per_phase = {name: c["/wire.xml"] for name, c in counts.items()}
    # One request per 10 min outside, one a minute inside (±1 for the phase edges).
    assert 5 <= per_phase["outside-before"] <= 7, per_phase
    assert 29 <= per_phase["inside-first-half-hour"] <= 31, per_phase
    assert 9 <= per_phase["inside-last-ten-minutes"] <= 11, per_phase
    assert 5 <= per_phase["after-the-window"] <= 7, per_phase


FAILING: list[tuple[str, Callable[[FeedServer, str], None], int]] = [
    # (id, how the feed fails, most requests it may get in an hour of surge)
    # 500s back off from the normal 10 min interval: polls at 0, 10, 30 min.
    ("http-500-backoff", lambda s, p: s.set_status(p, 500), 3),
    # Retry-After 30 min wins over backoff: polls at 0 and 30 min.
    ("429-retry-after-30m", lambda s, p: s.set_status(p, 429, retry_after="1800"), 2),
    ("503-retry-after-20m", lambda s, p: s.set_status(p, 503, retry_after="1200"), 3),
]


@pytest.mark.parametrize(("fail", "most"), [f[1:] for f in FAILING], ids=[f[0] for f in FAILING])
def test_a_failing_feed_is_not_polled_at_surge_rate(
    feed_server: FeedServer, store: Store, fail: Callable[[FeedServer, str], None], most: int
) -> None:
    feed_server.set_feed("/ok.xml", [])
    fail(feed_server, "/bad.xml")
    counts = run_phases(feed_server, store, ["/ok.xml", "/bad.xml"], [
        ("surge-hour", SURGE_START + timedelta(hours=2), SURGE_START + timedelta(hours=3)),
    ])["surge-hour"]
    assert 59 <= counts["/ok.xml"] <= 61, counts  # the healthy feed does surge
    assert 2 <= counts["/bad.xml"] <= most, counts


def test_a_recovered_feed_returns_to_surge_rate(feed_server: FeedServer, store: Store) -> None:
    feed_server.set_status("/flaky.xml", 500)
    start = SURGE_START + timedelta(hours=2)
    first = run_phases(feed_server, store, ["/flaky.xml"], [("failing", start, start + timedelta(minutes=15))])
    assert first["failing"]["/flaky.xml"] == 2  # at 0 and 10 min (backoff from 10 min)
    feed_server.set_feed("/flaky.xml", [])
    later = run_phases(feed_server, store, ["/flaky.xml"], [
        ("recovering", start + timedelta(minutes=15), start + timedelta(minutes=60)),
    ])
    # The next try (at 30 min) succeeds; from then on once a minute: 30..59.
    assert 29 <= later["recovering"]["/flaky.xml"] <= 31, later
