"""Each feed is polled when due, whatever the others do: with the shipped `fetch:` settings
(20 s timeout, 20 at once, 2 per host), feeds hanging on the same host delay a healthy feed
by at most the stall time once, and never again; no feed is fetched twice at once, by one
poller or two; more due feeds than task room are all polled."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from feedserver import FeedServer

from bot.config import Config, settings_from_env
from bot.ingest.fetch import STALL_AFTER, Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import FeedReport, Poller
from bot.services import Services
from bot.store import open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def config_for(server: FeedServer, paths: list[str], **fetch: Any) -> Config:
    return Config.model_validate({
        "interval": "1m",
        "feeds": [{"url": server.url(p), "name": p.strip("/")} for p in paths],
        "topics": [{"id": "t", "title": "Treaty", "query": "treaty"}],
        **({"fetch": fetch} if fetch else {}),
    })


def services(config: Config, url: str, clock: Callable[[], datetime]) -> Services:
    return Services(config, settings_from_env({}), open_store(url), clock=clock)


def test_hanging_feeds_on_the_same_host_delay_a_healthy_one_only_once(
        feed_server: FeedServer, tmp_path: Path) -> None:
    for n in range(3):
        feed_server.set_slow(f"/hang{n}.xml", b"<rss>" + b" " * 50, interval=60)
    feed_server.set_feed("/ok.xml", [{"title": "Old treaty news", "link": "https://n.test/0"}])
    config = config_for(feed_server, ["/hang0.xml", "/hang1.xml", "/hang2.xml", "/ok.xml"])
    assert config.fetch.timeout == timedelta(seconds=20) and config.fetch.per_host == 2
    now = [T0]
    svc = services(config, f"sqlite:///{tmp_path / 'bot.db'}", lambda: now[0])

    async def go() -> tuple[float, float, int, FeedReport]:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(svc, fetcher)
            started = time.monotonic()
            first = {t.get_name(): t for t in await poller.dispatch(T0)}
            backlog = await first[feed_server.url("/ok.xml")]
            first_wait = time.monotonic() - started
            assert backlog.outcome == "ok" and backlog.new == 1
            feed_server.add_item("/ok.xml", {"title": "Treaty signed", "link": "https://n.test/1"})
            now[0] = T0 + timedelta(minutes=1)
            started = time.monotonic()
            again = await poller.dispatch(now[0])  # the hanging feeds are still running
            [second] = await asyncio.gather(*again)
            second_wait = time.monotonic() - started
            poller.stop()
            await poller.close()
            return first_wait, second_wait, len(again), second

    first_wait, second_wait, started_again, report = asyncio.run(go())
    assert first_wait < STALL_AFTER + 1.5, "queued behind two hanging feeds for one stall"
    assert started_again == 1 and report.feed.name == "ok.xml" and report.new == 1
    assert second_wait < 1.0, "the hanging feeds no longer hold the host's slots"
    assert feed_server.count("/hang0.xml") == 1, "a running feed is not started twice"
    svc.close()


def test_two_pollers_on_one_database_poll_each_feed_once(feed_server: FeedServer,
                                                          new_store_url: Callable[[], str]) -> None:
    paths = [f"/f{n}.xml" for n in range(12)]
    for path in paths:
        feed_server.set_feed(path, [])
    config = config_for(feed_server, paths)
    url = new_store_url()
    first, second = services(config, url, lambda: T0), services(config, url, lambda: T0)

    async def go() -> list[FeedReport]:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            a, b = Poller(first, fetcher), Poller(second, fetcher)
            found = await asyncio.gather(a.tick(T0), b.tick(T0))
            return found[0] + found[1]

    reports = asyncio.run(go())
    assert sorted(r.feed.name for r in reports) == sorted(p.strip("/") for p in paths)
    assert all(feed_server.count(p) == 1 for p in paths)
    first.close()
    second.close()


def test_more_due_feeds_than_task_room_are_all_polled(feed_server: FeedServer,
                                                      tmp_path: Path) -> None:
    paths = [f"/f{n}.xml" for n in range(11)]
    for path in paths:
        feed_server.set_feed(path, [])
    config = config_for(feed_server, paths, max_concurrency=1)
    svc = services(config, f"sqlite:///{tmp_path / 'bot.db'}", lambda: T0)

    async def go() -> tuple[int, list[FeedReport]]:
        async with Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
            poller = Poller(svc, fetcher)
            return poller.capacity, await poller.tick(T0)

    capacity, reports = asyncio.run(go())
    assert capacity == 4 and len(reports) == len(paths)
    assert all(feed_server.count(p) == 1 for p in paths)
    svc.close()


def test_a_feed_unknown_here_is_handed_back_not_held(feed_server: FeedServer,
                                                     tmp_path: Path) -> None:
    """A rolling deploy: another process's config has a feed this one's has not. Claiming
    it here gives the lease back at once (due again in 30 s) instead of sitting on it."""
    for path in ("/x.xml", "/y.xml"):
        feed_server.set_feed(path, [{"title": "Old news", "link": f"https://n.test{path}"}])
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    mine = services(config_for(feed_server, ["/x.xml"]), url, lambda: T0)
    theirs = services(config_for(feed_server, ["/x.xml", "/y.xml"]), url, lambda: T0)

    async def go() -> None:
        async with Fetcher(FetchLimits(total_timeout=5)) as fetcher:
            poller = Poller(mine, fetcher)
            await poller.tick(T0)  # syncs: only /x.xml active
            await Poller(theirs, fetcher)._housekeeping(T0)  # the other config: /y.xml active
            later = T0 + timedelta(minutes=5)
            reports = await poller.tick(later)
            assert [r.feed.url for r in reports] == [feed_server.url("/x.xml")]
            y = mine.store.get_feed_states([feed_server.url("/y.xml")])[feed_server.url("/y.xml")]
            assert y.next_poll_at == later + timedelta(seconds=30)

    asyncio.run(go())
    rows = mine.store.claim_due_feeds(T0 + timedelta(minutes=6), T0 + timedelta(minutes=6), 10,
                                      timedelta(minutes=1))
    assert feed_server.url("/y.xml") in [s.url for s in rows]  # not left leased


def test_one_unstorable_state_does_not_cost_the_others(feed_server: FeedServer,
                                                        tmp_path: Path) -> None:
    for path in ("/a.xml", "/b.xml"):
        feed_server.set_feed(path, [{"title": "Old news", "link": f"https://n.test{path}"}])
    config = config_for(feed_server, ["/a.xml", "/b.xml"])
    svc = services(config, f"sqlite:///{tmp_path / 'bot.db'}", lambda: T0)
    a, b = feed_server.url("/a.xml"), feed_server.url("/b.xml")

    async def go() -> None:
        async with Fetcher(FetchLimits(total_timeout=5)) as fetcher:
            poller = Poller(svc, fetcher)
            await poller.tick(T0)
            states = svc.store.get_feed_states([a, b])
            later = T0 + timedelta(minutes=2)
            poller._unsaved = [dataclasses.replace(states[a], etag='"\udce9"', last_polled_at=later),
                               dataclasses.replace(states[b], last_polled_at=later)]
            await poller._save_batch(later)

    asyncio.run(go())
    saved = svc.store.get_feed_states([a, b])
    assert saved[b].last_polled_at == T0 + timedelta(minutes=2)
    assert saved[a].last_polled_at == T0
