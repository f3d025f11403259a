"""Summit-day scenarios (issue 5) delivered through Telegram: a real Sender on a PTB Bot,
TelegramSink and Drainer against the fake Bot API, fed by real loopback feeds through the
Poller, on a SQLite file and a fixed, movable clock. Assertions read what the fake Bot API
recorded: sendMessage versus editMessageText, message ids and texts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from feedserver import FeedServer
from sqlalchemy import select
from telegram import Bot
from telegram.ext import ApplicationBuilder

from bot.config import Config, settings_from_env
from bot.delivery.drainer import Drainer
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits
from bot.ingest.poller import Poller
from bot.services import Services
from bot.store import Store, open_store
from bot.store.schema import notices
from bot.summit.jobs import SummitJobs
from bot.telegram.handlers import register_handlers

CHAT = 4242
T0 = datetime(2026, 5, 19, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
# No pacing waits in tests: the flood limits have their own tests.
FAST = Limits(global_per_second=1000, chat_interval=0.0)
FEEDS = [("/belta.xml", "BelTA"), ("/tass.xml", "TASS"), ("/sputnik.xml", "Sputnik")]
SIGNED = {"/belta.xml": "Belarus and Russia signed the security guarantees treaty",
          "/tass.xml": "Security guarantees treaty with Belarus signed in Minsk"}


def make_config(server: FeedServer, **extra: Any) -> Config:
    return Config.model_validate({
        "interval": "1m",
        "feeds": [{"url": server.url(path), "name": name} for path, name in FEEDS],
        "topics": [{"id": "treaty", "title": "Security guarantees treaty",
                    "query": '"security guarantee" belarus*'}],
        **extra,
    })


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class World:
    """One bot process's objects on a SQLite file; `restart` builds them all again (store
    reopened, new Services, Poller with a StoryTracker rebuilt from the store, Drainer)."""

    def __init__(self, path: Path, config: Config, clock: Clock, bot: Bot, fetcher: Fetcher) -> None:
        self.path, self.config, self.clock, self.bot, self.fetcher = path, config, clock, bot, fetcher
        self._open()

    def _open(self) -> None:
        self.store: Store = open_store(f"sqlite:///{self.path}")
        self.services = Services(self.config, settings_from_env({}), self.store, clock=self.clock)
        self.poller = Poller(self.services, self.fetcher)
        titles = {t.id: t.title for t in self.config.topics}
        sink = TelegramSink(Sender(self.bot, RateLimiter(FAST)), self.store, self.config.tz, titles)
        self.drainer = Drainer(self.store, sink, self.clock)

    def restart(self) -> None:
        self.store.close()
        self._open()

    async def step(self, at: datetime) -> None:
        """One poll tick at `at`, then deliver whatever is due."""
        self.clock.now = at
        await self.poller.tick(at)
        await self.drainer.drain()


@asynccontextmanager
async def world(api: FakeBotApi, config: Config, path: Path) -> AsyncIterator[World]:
    async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as bot, \
            Fetcher(FetchLimits.from_config(config.fetch)) as fetcher:
        w = World(path, config, Clock(T0), bot, fetcher)
        try:
            yield w
        finally:
            w.store.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def story(n: int, title: str, published: datetime) -> dict[str, Any]:
    return {"title": title, "link": f"https://news.test/{n}", "guid": f"g{n}", "published": published}


# ------------------------------------------------------------ 5. status transitions

THIRD_REPORTS = [
    # (id, a third feed's title, how long before now it was published)
    ("speculative-will-sign", "Belarus and Russia will sign more security guarantee accords",
     timedelta(0)),
    ("speculative-expected-older",
     "Security guarantees treaty with Belarus expected to be signed next week", timedelta(days=3)),
    ("archive-ratified-stale", "Belarus ratified the security guarantees treaty", timedelta(days=10)),
]


@pytest.mark.parametrize(("third_title", "age"), [r[1:] for r in THIRD_REPORTS],
                         ids=[r[0] for r in THIRD_REPORTS])
def test_status_breaks_is_confirmed_in_place_and_never_moves_back(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path, third_title: str, age: timedelta
) -> None:
    for path, _ in FEEDS:
        feed_server.set_feed(path, [])

    async def scenario() -> None:
        async with world(api, make_config(feed_server), tmp_path / "bot.db") as w:
            w.store.get_or_create_subscriber(CHAT, None, "private", "en", None, now=T0)
            await w.step(T0)  # the feeds' (empty) backlog

            signed = "Belarus and Russia signed the security guarantees treaty"
            feed_server.add_item("/belta.xml", story(1, signed, T0 + MINUTE))
            await w.step(T0 + MINUTE)
            [breaking] = api.sent_messages(CHAT)  # the breaking notice, no entry alert besides
            assert "🚨 <b>Security guarantees treaty</b>: ✅ SIGNED" in breaking.text
            assert "unconfirmed — 1 outlet so far: BelTA; 2 needed" in breaking.text
            assert signed in breaking.text and api.edits(CHAT) == []

            feed_server.add_item("/tass.xml", story(2, "Security guarantees treaty with Belarus "
                                                       "signed in Minsk", T0 + 2 * MINUTE))
            await w.step(T0 + 2 * MINUTE)
            assert len(api.sent_messages(CHAT)) == 1, "confirmation edits, never a new message"
            [edit] = api.edits(CHAT)
            assert edit.params["message_id"] == breaking.message_id
            assert "✅ confirmed by 2 outlets: BelTA, TASS" in edit.params["text"]
            assert "unconfirmed" not in edit.params["text"] and signed in edit.params["text"]

            feed_server.add_item("/sputnik.xml", story(3, third_title, T0 + 3 * MINUTE - age))
            await w.step(T0 + 3 * MINUTE)
            status = w.store.topic_statuses()["treaty"]
            assert (status.status, status.sources, status.confirmed) == ("signed", ("BelTA", "TASS"), True)
            assert len(api.edits(CHAT)) == 1, "the breaking message is left as it was"
            # Only the report's own entry alert (not absorbed by a status move) is new.
            [alert] = api.sent_messages(CHAT)[1:]
            assert third_title in alert.text and "🚨" not in alert.text

            ratified = "Belarus parliament ratifies security guarantees treaty with Russia"
            feed_server.add_item("/belta.xml", story(4, ratified, T0 + 4 * MINUTE))
            await w.step(T0 + 4 * MINUTE)
            [new] = [m for m in api.sent_messages(CHAT) if "🚨" in m.text and "RATIFIED" in m.text]
            assert new.message_id != breaking.message_id
            assert "unconfirmed — 1 outlet so far: BelTA" in new.text and ratified in new.text
            assert len(api.edits(CHAT)) == 1
            assert w.store.topic_statuses()["treaty"].status == "ratified"

    asyncio.run(scenario())



def test_a_confirmation_after_a_restart_edits_the_message_sent_before_it(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path
) -> None:
    for path, _ in FEEDS:
        feed_server.set_feed(path, [])

    async def scenario() -> None:
        async with world(api, make_config(feed_server), tmp_path / "bot.db") as w:
            w.store.get_or_create_subscriber(CHAT, None, "private", "en", None, now=T0)
            await w.step(T0)
            feed_server.add_item("/belta.xml", story(1, SIGNED["/belta.xml"], T0 + MINUTE))
            await w.step(T0 + MINUTE)
            w.restart()
            feed_server.add_item("/tass.xml", story(2, SIGNED["/tass.xml"], T0 + 2 * MINUTE))
            await w.step(T0 + 2 * MINUTE)

    asyncio.run(scenario())
    [message] = api.sent_messages(CHAT)
    [edit] = api.edits(CHAT)
    assert edit.params["message_id"] == message.message_id
    assert "✅ confirmed by 2 outlets: BelTA, TASS" in message.text  # as edited
    assert SIGNED["/belta.xml"] in message.text  # the first report is still the one shown

# ------------------------------------------------------------ 6. one story, one message

CLUSTER_CASES = [
    # (id, feed language, the same story from BelTA, TASS and (after a restart) Sputnik,
    #  a different story the same day)
    ("english", "en",
     ("Lukashenko and Putin hold talks on gas prices in Sochi",
      "Putin, Lukashenko discuss gas prices at Sochi talks",
      "Gas prices top the agenda as Putin and Lukashenko meet for talks in Sochi"),
     "Minsk hosts talks on grain transit with Kazakhstan"),
    ("russian", "ru",
     ("Лукашенко и Путин провели переговоры о ценах на газ в Сочи",
      "Путин и Лукашенко обсудили цены на газ на переговорах в Сочи",
      "Цены на газ обсуждались на переговорах Путина и Лукашенко в Сочи"),
     "В Минске прошли переговоры о транзите зерна с Казахстаном"),
]


@pytest.mark.parametrize(("lang", "same", "other"), [c[1:] for c in CLUSTER_CASES],
                         ids=[c[0] for c in CLUSTER_CASES])
def test_near_duplicates_are_one_message_edited_even_across_a_restart(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path, lang: str,
    same: tuple[str, str, str], other: str,
) -> None:
    for path, _ in FEEDS:
        feed_server.set_feed(path, [], lang=lang)

    async def scenario() -> None:
        async with world(api, make_config(feed_server), tmp_path / "bot.db") as w:
            sub = w.store.get_or_create_subscriber(CHAT, None, "private", "en", None, now=T0)
            w.store.add_watch(sub.id, "talks OR переговор*", now=T0)
            await w.step(T0)

            feed_server.add_item("/belta.xml", story(1, same[0], T0 + MINUTE))
            await w.step(T0 + MINUTE)
            [first] = api.sent_messages(CHAT)
            assert same[0] in first.text and "➕" not in first.text

            feed_server.add_item("/tass.xml", story(2, same[1], T0 + 2 * MINUTE))
            await w.step(T0 + 2 * MINUTE)
            assert len(api.sent_messages(CHAT)) == 1
            [edit] = api.edits(CHAT)
            assert edit.params["message_id"] == first.message_id
            assert '➕ also: <a href="https://news.test/2">TASS</a>' in edit.params["text"]

            feed_server.add_item("/belta.xml", story(3, other, T0 + 3 * MINUTE))
            await w.step(T0 + 3 * MINUTE)
            [_, second] = api.sent_messages(CHAT)  # a different story: its own message
            assert other in second.text and "➕" not in second.text

            w.restart()
            feed_server.add_item("/sputnik.xml", story(4, same[2], T0 + 4 * MINUTE))
            await w.step(T0 + 4 * MINUTE)
            assert len(api.sent_messages(CHAT)) == 2
            edits = api.edits(CHAT)
            assert [e.params["message_id"] for e in edits] == [first.message_id] * 2
            assert ('➕ also: <a href="https://news.test/2">TASS</a>, '
                    '<a href="https://news.test/4">Sputnik</a>') in edits[1].params["text"]

    asyncio.run(scenario())


# ------------------------------------------------------------ 3. /start on the day, via Telegram

EVENT_DAY = date(2026, 5, 20)
MINSK = ZoneInfo("Europe/Minsk")
USER = 777


def minsk(day: int, hour: int) -> datetime:
    return datetime.combine(EVENT_DAY + timedelta(days=day), time(hour), MINSK).astimezone(UTC)


def test_start_on_summit_day_brings_the_alert_at_once(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path
) -> None:
    """/start goes through the real handlers (`register_handlers` on a PTB Application,
    updates fetched from the fake API and handed to `process_update`, no polling thread);
    then what `nudge_delivery` does in the app: the calendar pass, then a drain."""
    config = make_config(feed_server, events=[{
        "id": "summit", "title": "Union State summit", "date": EVENT_DAY.isoformat(),
        "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["treaty"],
        "reminders": ["08:00"]}])
    clock = Clock(minsk(-1, 12))
    store = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    nudges: list[datetime] = []
    services = Services(config, settings_from_env({}), store, clock=clock,
                        outbox_changed=lambda: nudges.append(clock.now))
    store.get_or_create_subscriber(555, None, "private", "en", None, now=clock.now)  # yesterday
    app = (ApplicationBuilder().token(DEFAULT_TOKEN).base_url(api.base_url)
           .base_file_url(api.base_file_url).updater(None).build())
    register_handlers(app)
    app.bot_data["services"] = services
    jobs = SummitJobs(services)
    sink = TelegramSink(Sender(app.bot, RateLimiter(FAST)), store, config.tz, {})
    drainer = Drainer(store, sink, clock)

    def today(chat: int) -> list[str]:
        return [m.text for m in api.sent_messages(chat) if "Today: Union State summit" in m.text]

    async def calendar_then_deliver(at: datetime) -> None:
        clock.now = at
        await jobs.run(at)
        await drainer.drain()

    async def scenario() -> None:
        async with app:
            clock.now = minsk(0, 7)
            api.send_text(USER, "/start", user_id=USER)
            for update in await app.bot.get_updates(timeout=0):
                await app.process_update(update)
            assert nudges == [minsk(0, 7)], "/start asks for delivery at once"
            await calendar_then_deliver(minsk(0, 7))
            assert any("/watch" in m.text for m in api.sent_messages(USER))  # the welcome
            assert len(today(USER)) == 1 and today(555) == []
            assert "Security guarantees treaty — no report yet" in today(USER)[0]
            await calendar_then_deliver(minsk(0, 8))
            assert (len(today(USER)), len(today(555))) == (1, 1)
            await calendar_then_deliver(minsk(0, 12))
            assert (len(today(USER)), len(today(555))) == (1, 1)
            assert api.edits() == []

    try:
        asyncio.run(scenario())
    finally:
        store.close()



def signed_in_one_tick(api: FakeBotApi, feed_server: FeedServer, tmp_path: Path,
                       paths: list[str], watch: str | None = None) -> None:
    """BelTA (and maybe TASS) report the signing, all seen by one poll tick."""
    for path, _ in FEEDS:
        feed_server.set_feed(path, [])

    async def scenario() -> None:
        async with world(api, make_config(feed_server), tmp_path / "bot.db") as w:
            sub = w.store.get_or_create_subscriber(CHAT, None, "private", "en", None, now=T0)
            if watch:
                w.store.add_watch(sub.id, watch, now=T0)
            await w.step(T0)
            for n, path in enumerate(paths):
                feed_server.add_item(path, story(n, SIGNED[path], T0 + MINUTE))
            await w.step(T0 + MINUTE)

    asyncio.run(scenario())


def test_two_sources_in_one_tick_are_one_confirmed_breaking_message(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path
) -> None:
    signed_in_one_tick(api, feed_server, tmp_path, ["/belta.xml", "/tass.xml"])
    [message] = api.sent_messages(CHAT)  # confirmed before it was sent: no edit needed
    # The feeds are fetched concurrently: whichever answered first is the first source.
    assert ("✅ confirmed by 2 outlets: BelTA, TASS" in message.text
            or "✅ confirmed by 2 outlets: TASS, BelTA" in message.text), message.text
    assert api.edits(CHAT) == []


def test_a_watch_matching_a_status_moving_report_adds_no_second_message(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path
) -> None:
    signed_in_one_tick(api, feed_server, tmp_path, ["/belta.xml"], watch="treaty")
    texts = [m.text for m in api.sent_messages(CHAT)]
    [text] = texts
    assert "🚨" in text and "1 outlet so far: BelTA" in text, "the breaking notice, only"


def test_an_edit_of_a_deleted_message_falls_back_to_a_new_message(
    api: FakeBotApi, feed_server: FeedServer, tmp_path: Path,
) -> None:
    """The confirmation edits the breaking message; if the chat deleted it, the update goes
    out as a new message, and only then counts as sent."""
    for path, _ in FEEDS:
        feed_server.set_feed(path, [])

    async def scenario() -> None:
        async with world(api, make_config(feed_server), tmp_path / "bot.db") as w:
            w.store.get_or_create_subscriber(CHAT, None, "private", "en", None, now=T0)
            await w.step(T0)
            feed_server.add_item("/belta.xml", story(1, SIGNED["/belta.xml"], T0 + MINUTE))
            await w.step(T0 + MINUTE)
            [breaking] = api.sent_messages(CHAT)
            api.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
            feed_server.add_item("/tass.xml", story(2, SIGNED["/tass.xml"], T0 + 2 * MINUTE))
            await w.step(T0 + 2 * MINUTE)
            assert len(api.edits(CHAT)) == 1 and len(api.sent_messages(CHAT)) == 1
            with w.store.engine.connect() as conn:  # pending, its message forgotten
                row = conn.execute(select(notices.c.state, notices.c.message_id)).one()
            assert tuple(row) == ("pending", None)
            await w.step(T0 + 2 * MINUTE + timedelta(seconds=1))
            [_, fresh] = api.sent_messages(CHAT)
            assert "✅ confirmed by 2 outlets: BelTA, TASS" in fresh.text
            assert fresh.message_id != breaking.message_id
            await w.step(T0 + 3 * MINUTE)
            assert len(api.sent_messages(CHAT)) == 2 and len(api.edits(CHAT)) == 1

    asyncio.run(scenario())
