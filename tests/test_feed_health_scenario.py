"""Feed health on a fixed, movable clock: a loopback feed answers 503 from T0 and is polled
by the real Poller; the health job and a Drainer with the Telegram sink deliver to the fake
Bot API. Failing 5 h 59 m: nothing; 6 h: one message per operator and /status names the
feed; 12 h: nothing more; a restart in between repeats nothing; recovered: one message each.
Two processes on one database (SQLite and PostgreSQL) still tell each operator once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from feedserver import FeedServer
from telegram import Bot

from bot.config import Config, Settings
from bot.delivery.drainer import Drainer
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.health import FeedHealthJob
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.model import FeedState
from bot.services import Services
from bot.store import Store, open_store
from bot.telegram.replies import status_text

T0 = datetime(2026, 5, 19, 9, 0, tzinfo=UTC)
OPERATORS, READER = (4242, 4343), 5555
FAST = Limits(global_per_second=1000, chat_interval=0.0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Bot1:
    """One bot process's objects on the database; `restart` builds them again."""

    def __init__(self, url: str, config: Config, clock: Clock, bot: Bot, fetcher: Fetcher) -> None:
        self.url, self.config, self.clock, self.bot, self.fetcher = url, config, clock, bot, fetcher
        self._open()

    def _open(self) -> None:
        self.store: Store = open_store(self.url)
        settings = Settings(admin_ids=frozenset(OPERATORS))
        self.services = Services(self.config, settings, self.store, clock=self.clock)
        self.poller = Poller(self.services, self.fetcher)
        self.health = FeedHealthJob(self.services)
        sink = TelegramSink(Sender(self.bot, RateLimiter(FAST)), self.store, self.config.tz, {})
        self.drainer = Drainer(self.store, sink, self.clock)

    def restart(self) -> None:
        self.store.close()
        self._open()

    async def until(self, end: datetime, step: timedelta = timedelta(minutes=5)) -> None:
        """Poll ticks every `step` up to and including `end` (feeds poll when due)."""
        while self.clock.now < end:
            self.clock.now = min(end, self.clock.now + step)
            await self.poller.tick(self.clock.now)

    async def check(self) -> None:
        """The health job at the current time, then deliver what it queued."""
        await self.health.run(self.clock.now)
        await self.drainer.drain()

    def status(self, lang: str = "en") -> str:
        return status_text(lang, self.config, self.store.all_feed_states(), None, self.clock.now)


def make_config(server: FeedServer) -> Config:
    return Config.model_validate({
        "interval": "10m", "timezone": "Europe/Minsk",
        "feeds": [{"url": server.url("/belta.xml"), "name": "BelTA"}],
        "health": {"feed_down_after": "6h"},
    })


@asynccontextmanager
async def running(api: FakeBotApi, server: FeedServer, url: str) -> AsyncIterator[Bot1]:
    config = make_config(server)
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as bot, \
            Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
        world = Bot1(url, config, Clock(T0), bot, fetcher)
        for chat in (*OPERATORS, READER):
            world.store.get_or_create_subscriber(chat, None, "private", "en", None, now=T0)
        try:
            yield world
        finally:
            world.store.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def texts(api: FakeBotApi, chat: int) -> list[str]:
    return [m.text for m in api.sent_messages(chat)]


def test_one_message_per_outage_and_one_when_it_ends(api: FakeBotApi, feed_server: FeedServer,
                                                     tmp_path: Path) -> None:
    feed_server.set_status("/belta.xml", 503)

    async def scenario() -> None:
        async with running(api, feed_server, f"sqlite:///{tmp_path / 'bot.db'}") as bot:
            await bot.poller.tick(T0)  # the first failed poll: the outage starts here
            assert bot.store.get_feed_states([bot.config.feeds[0].url]).popitem()[1].failing_since == T0
            await bot.until(T0 + timedelta(hours=5, minutes=59))
            await bot.check()
            assert api.sent_messages() == [] and "Feeds down" not in bot.status()

            await bot.until(T0 + timedelta(hours=6))
            await bot.check()
            for chat in OPERATORS:
                [down] = texts(api, chat)
                assert "Feed down" in down and "BelTA" in down and "6 hours" in down
                assert "2026-05-19 12:00 (Europe/Minsk)" in down and "HTTP 503" in down
            assert texts(api, READER) == []
            assert "Feeds down" in bot.status() and "server error (HTTP 503)" in bot.status()
            assert "Ленты не работают" in bot.status("ru")

            await bot.until(T0 + timedelta(hours=6, minutes=30))
            bot.restart()  # a new process on the same database: nothing is said again
            await bot.check()
            await bot.until(T0 + timedelta(hours=12))
            await bot.check()
            assert [len(texts(api, chat)) for chat in OPERATORS] == [1, 1]

            feed_server.set_feed("/belta.xml", [{"title": "Back", "link": "https://n.test/1"}])
            await bot.until(T0 + timedelta(hours=18, minutes=30), step=timedelta(minutes=10))
            assert bot.store.all_feed_states()[0].failures == 0
            await bot.check()
            bot.restart()
            await bot.check()
            for chat in OPERATORS:
                down, up = texts(api, chat)
                assert "Feed back" in up and "BelTA" in up and "works again" in up
            assert "Feeds down" not in bot.status()

    asyncio.run(scenario())


def test_processes_on_one_database_tell_each_operator_once(
        new_store_url: Callable[[], str]) -> None:
    url = new_store_url()
    config = Config.model_validate({"feeds": [{"url": "https://a.example/rss", "name": "A"}]})
    settings = Settings(admin_ids=frozenset(OPERATORS))
    stores = [open_store(url) for _ in range(4)]
    try:
        for chat in OPERATORS:
            stores[0].get_or_create_subscriber(chat, None, "private", "en", None, now=T0)
        stores[0].save_feed_states([FeedState("https://a.example/rss", failures=3,
                                              last_polled_at=T0, last_error="HTTP 502",
                                              last_http_status="502")])
        jobs = [FeedHealthJob(Services(config, settings, s, clock=lambda: T0)) for s in stores]
        at = T0 + timedelta(hours=7)
        barrier = threading.Barrier(len(jobs))
        added: list[int] = []

        def run(job: FeedHealthJob) -> None:
            barrier.wait()
            added.append(asyncio.run(job.run(at)))

        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sum(added) == len(OPERATORS)
        items = stores[0].claim_notices(at, 50)
        assert sorted((n.subscriber.chat_id, n.kind) for n in items) == [
            (chat, "feed_down") for chat in OPERATORS]
    finally:
        for store in stores:
            store.close()
