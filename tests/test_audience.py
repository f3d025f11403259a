"""Who hears what, end to end through the poll pipeline (loopback feeds, a real SQLite file,
a fixed clock, pollers that live across ticks): late followers, stop and resume, a second
process on the same database, and confirmations counted by publisher, not by feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from feedserver import FeedServer

from bot.config import Config, settings_from_env
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.model import NoticeItem, OutboxItem, Subscriber
from bot.services import Services
from bot.store import Store, open_store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SIGNED = "Belarus and Russia sign the security guarantees treaty"


def config(server: FeedServer, feeds: list[dict[str, Any]]) -> Config:
    return Config.model_validate({
        "interval": "1m", "confirmations": 2,
        "feeds": [{**f, "url": server.url(f["url"])} for f in feeds],
        "topics": [{"id": "treaty", "title": "Treaty",
                    "query": '"security guarantees" (belarus OR russia)'}],
    })


class Process:
    """One bot process's poller on a store, ticking on a shared fixed clock."""

    def __init__(self, cfg: Config, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.services = Services(cfg, settings_from_env({}), store, clock=clock)
        self.fetcher = Fetcher(FetchLimits.from_config(cfg.fetch))
        self.poller = Poller(self.services, self.fetcher)


class World:
    def __init__(self, server: FeedServer, cfg: Config, db: Path) -> None:
        self.server, self.cfg, self.url = server, cfg, f"sqlite:///{db}"
        self.now = T0
        self.processes: list[Process] = []

    def process(self) -> Process:
        proc = Process(self.cfg, open_store(self.url), lambda: self.now)
        self.processes.append(proc)
        return proc

    async def tick(self, proc: Process, minutes: float = 1) -> None:
        self.now += timedelta(minutes=minutes)
        await proc.poller.tick(self.now)

    def chat(self, store: Store, chat_id: int) -> Subscriber:
        return store.get_or_create_subscriber(chat_id, None, "private", "en", None, now=self.now)

    def alerts(self, store: Store) -> list[OutboxItem]:
        return store.claim_due(self.now + timedelta(days=1), 100)

    def notices(self, store: Store) -> list[NoticeItem]:
        return store.claim_notices(self.now + timedelta(days=1), 100)


@asynccontextmanager
async def world(server: FeedServer, cfg: Config, tmp_path: Path) -> AsyncIterator[World]:
    w = World(server, cfg, tmp_path / "bot.db")
    try:
        yield w
    finally:
        for proc in w.processes:
            await proc.fetcher.aclose()
            proc.store.close()


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


def item(n: int, title: str, **kw: Any) -> dict[str, Any]:
    return {"title": title, "link": f"https://news.test/{n}", "guid": f"g{n}",
            "published": T0 + timedelta(minutes=n), **kw}


def by_chat(items: list[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for it in items:
        found.setdefault(it.subscriber.chat_id, []).append(it)
    return found


def test_a_late_follower_gets_the_current_status_once(feed_server: FeedServer,
                                                      tmp_path: Path) -> None:
    """Reproduced on v1: a chat subscribed between outlet A's "signed" and outlet B's
    confirming "signed" got neither an alert nor a notice."""
    for path in ("/belta.xml", "/tass.xml"):
        feed_server.set_feed(path, [])
    cfg = config(feed_server, [{"url": "/belta.xml", "name": "BelTA"},
                               {"url": "/tass.xml", "name": "TASS"}])

    async def scenario() -> None:
        async with world(feed_server, cfg, tmp_path) as w:
            proc = w.process()
            early = w.chat(proc.store, 1)
            await w.tick(proc)  # first polls are silent
            feed_server.add_item("/belta.xml", item(1, SIGNED))
            await w.tick(proc)
            (breaking,) = w.notices(proc.store)
            assert breaking.subscriber.id == early.id and not breaking.payload["confirmed"]
            proc.store.mark_notice_sent(breaking.id, w.now, 501)
            late = w.chat(proc.store, 2)  # /start between the two reports
            feed_server.add_item("/tass.xml", item(2, "Russia, Belarus seal security guarantees pact"))
            await w.tick(proc)
            got = by_chat(w.notices(proc.store))
            assert set(got) == {1, 2}
            (edit,), (fresh,) = got[1], got[2]
            assert edit.message_id == 501 and edit.payload["confirmed"]  # the early chat's edit
            assert fresh.message_id is None and fresh.payload == edit.payload  # one message
            assert fresh.payload["sources"] == ["BelTA", "TASS"]
            assert w.alerts(proc.store) == []  # both were told by the notice, not again
            assert late.id == fresh.subscriber.id

    run(scenario)


def test_stop_stops_everything_and_a_resumed_watch_matches_again(feed_server: FeedServer,
                                                                 tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    cfg = config(feed_server, [{"url": "/wire.xml", "name": "Wire"}])

    async def scenario() -> None:
        async with world(feed_server, cfg, tmp_path) as w:
            proc = w.process()
            sub = w.chat(proc.store, 5)
            proc.store.add_watch(sub.id, "pipeline", now=w.now)
            await w.tick(proc)
            feed_server.add_item("/wire.xml", item(1, "Pipeline talks in Minsk"))
            await w.tick(proc)
            assert [a.subscriber.chat_id for a in w.alerts(proc.store)] == [5]
            proc.store.set_active(sub.id, False, now=w.now)  # /stop
            feed_server.add_item("/wire.xml", item(2, "Pipeline deal signed"))
            await w.tick(proc)
            assert proc.store.pending_count() == 0  # nothing queued while stopped
            proc.store.set_active(sub.id, True, now=w.now)  # /start: nothing old arrives
            assert w.alerts(proc.store) == []
            feed_server.add_item("/wire.xml", item(3, "Pipeline opens"))
            await w.tick(proc)
            (alert,) = w.alerts(proc.store)
            assert alert.entry.entry.title == "Pipeline opens"  # the watch matches again

    run(scenario)


def test_a_watch_added_through_another_process_matches_at_the_next_tick(
        feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    cfg = config(feed_server, [{"url": "/wire.xml", "name": "Wire"}])

    async def scenario() -> None:
        async with world(feed_server, cfg, tmp_path) as w:
            poller, chat_side = w.process(), w.process()  # two processes, one database
            await w.tick(poller)  # its matcher is built now, with no watches
            sub = w.chat(chat_side.store, 7)
            chat_side.store.add_watch(sub.id, "grain", now=w.now)
            feed_server.add_item("/wire.xml", item(1, "Grain corridor reopened"))
            await w.tick(poller)
            assert [a.subscriber.chat_id for a in w.alerts(poller.store)] == [7]
            chat_side.store.remove_watch(sub.id, "grain")
            feed_server.add_item("/wire.xml", item(2, "Grain prices fall"))
            await w.tick(poller)
            assert w.alerts(poller.store) == []

    run(scenario)


def test_one_outlet_in_two_languages_and_via_an_aggregator_counts_once(
        feed_server: FeedServer, tmp_path: Path) -> None:
    for path in ("/belta-en.xml", "/belta-ru.xml", "/news-search.xml", "/reuters.xml"):
        feed_server.set_feed(path, [])
    cfg = config(feed_server, [
        {"url": "/belta-en.xml", "name": "BelTA", "publisher": "BelTA", "lang": "en"},
        {"url": "/belta-ru.xml", "name": "БелТА", "publisher": "BelTA", "lang": "ru"},
        {"url": "/news-search.xml", "name": "News search", "aggregator": True},
        {"url": "/reuters.xml", "name": "Reuters"},
    ])

    async def scenario() -> None:
        async with world(feed_server, cfg, tmp_path) as w:
            proc = w.process()
            w.chat(proc.store, 1)
            await w.tick(proc)
            feed_server.add_item("/belta-en.xml", item(1, SIGNED))
            feed_server.add_item("/belta-ru.xml", item(
                2, "Belarus and Russia signed security guarantees treaty in Minsk"))
            await w.tick(proc)
            status = proc.store.topic_statuses()["treaty"]
            assert status.sources == ("BelTA",) and not status.confirmed  # one outlet
            feed_server.add_item("/news-search.xml", item(
                3, "Security guarantees treaty signed by Russia and Belarus - Reuters",
                source=("Reuters", "https://www.reuters.com")))
            await w.tick(proc)
            status = proc.store.topic_statuses()["treaty"]
            assert status.sources == ("BelTA", "Reuters") and status.confirmed
            feed_server.add_item("/reuters.xml", item(
                4, "Russia, Belarus sign treaty on security guarantees"))
            await w.tick(proc)
            assert proc.store.topic_statuses()["treaty"].sources == ("BelTA", "Reuters")
            (notice,) = w.notices(proc.store)
            assert notice.payload["sources"] == ["BelTA", "Reuters"]

    run(scenario)
