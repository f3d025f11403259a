"""Scenario tests of the chat side: a real python-telegram-bot Application, long-polling the
fake Bot API server (tests/fakebotapi.py), over a real SQLite store and a YAML config.

The Application runs in a background thread with its own event loop (started with
`asyncio.run`); tests talk to it only through the fake server. PTB handles updates one at a
time, so a reply to a later update proves every earlier one was fully handled.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, SentMessage
from offloop import OffLoopStore
from telegram.ext import ApplicationBuilder

from bot.config import Settings, load_config
from bot.model import Entry, FeedState, NewEntry
from bot.services import Services
from bot.store import Store, open_store
from bot.telegram.guard import FloodGuard
from bot.telegram.handlers import BOT_COMMANDS, register_handlers, set_commands

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
FEED_URL = "https://news.example/rss"
ADMIN = 4242  # bot operator (BOT_ADMIN_IDS)
GROUP_ADMIN = 7001
MEMBER = 7002
SUPERGROUP = -1001000000555
BASIC_GROUP = -555
FORUM = -1001000000777
BARRIER_CHAT = 999_999

CONFIG_YAML = """
timezone: Europe/Minsk
limits:
  max_watches_per_chat: 3
  max_query_length: 60
  max_query_terms: 5
feeds:
  - url: https://news.example/rss
    name: Example News
termsets:
  agreement: [treaty, pact, accord, договор, дамова, Vertrag]
topics:
  - id: union-treaty
    title: Union State treaty
    query: '"union state" treaty'
  - id: security
    title: Security guarantees
    query: security guarantees
events:
  - id: minsk-summit
    title: Minsk summit
    date: 2025-03-04
    timezone: Europe/Minsk
    location: Minsk
"""


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Hooks:
    outbox_changed: int = 0

    def on_outbox(self) -> None:
        self.outbox_changed += 1


@dataclass
class App:
    """The fake server and one Application running in a background thread for a whole
    module (starting PTB costs more than most tests); each test swaps in its Services."""

    api: FakeBotApi
    guard: FloodGuard = field(default_factory=lambda: FloodGuard(capacity=10_000))
    bot_data: dict[Any, Any] = field(default_factory=dict)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _stop: asyncio.Event | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    _failure: list[BaseException] = field(default_factory=list)

    async def _main(self) -> None:
        app = (ApplicationBuilder().token(DEFAULT_TOKEN).base_url(self.api.base_url)
               .base_file_url(self.api.base_file_url).build())
        self.bot_data = app.bot_data
        register_handlers(app, flood_guard=self.guard)
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            self._ready.set()
            await self._stop.wait()
            await app.updater.stop()
            await app.stop()

    def start(self) -> None:
        def run() -> None:
            try:
                asyncio.run(self._main())
            except BaseException as exc:  # noqa: BLE001 - surfaced through start()/stop()
                self._failure.append(exc)
                self._ready.set()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "application did not start"
        assert not self._failure, self._failure

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
        assert not self._failure, self._failure


@dataclass
class Harness:
    """One test's view: its own store, clock and hooks; synchronous driving helpers."""

    api: FakeBotApi
    store: Store
    services: Services
    clock: Clock
    hooks: Hooks
    guard: FloodGuard
    first_call: int  # index into api.calls where this test began
    first_id: int  # message ids above this were sent during this test

    def say(self, chat_id: int, text: str, **kw: Any) -> SentMessage:
        """Send `text` into a chat and return the bot's next message there."""
        sent = self.api.send_text(chat_id, text, **kw)
        return self.next_in(chat_id, sent["message"]["message_id"])

    def next_in(self, chat_id: int, after_id: int) -> SentMessage:
        return self.api.wait_for(lambda m: m.chat_id == chat_id and m.message_id > after_id, 5.0)

    def sync(self) -> None:
        """Wait until every update injected so far has been handled."""
        self.say(BARRIER_CHAT, "/help")

    def press(self, chat_id: int, message_id: int, data: str, user_id: int) -> None:
        self.api.press_button(chat_id, message_id, data, user_id)
        self.sync()

    def calls(self, method: str) -> list[Any]:
        return [c for c in self.api.calls[self.first_call:] if c.method == method]

    def sent(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.api.sent_messages(chat_id) if m.message_id > self.first_id]

    def button_data(self, msg: SentMessage) -> list[str]:
        rows = (msg.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row]

    def sub(self, chat_id: int, thread_id: int | None = None) -> Any:
        return self.store.find_subscriber(chat_id, thread_id)


@pytest.fixture(scope="module")
def app() -> Iterator[App]:
    with FakeBotApi() as api:
        running = App(api)
        running.start()
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture
def h(app: App, tmp_path: Path) -> Iterator[Harness]:
    cfg_path = tmp_path / "feeds.yaml"
    cfg_path.write_text(CONFIG_YAML, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path}/t.db")
    clock, hooks = Clock(), Hooks()
    guarded = OffLoopStore(store)
    services = Services(
        config=load_config(cfg_path), settings=Settings(admin_ids=frozenset({ADMIN})),
        store=cast(Store, guarded), clock=clock, outbox_changed=hooks.on_outbox,
    )
    app.guard.capacity, app.guard.period = 10_000, 60.0
    app.guard._buckets.clear()
    app.bot_data["services"] = services
    first_id = max((m.message_id for m in app.api.sent_messages()), default=0)
    first_id = max(first_id, app.api.send_text(BARRIER_CHAT - 1, "x")["message"]["message_id"])
    harness = Harness(app.api, store, services, clock, hooks, app.guard,
                      len(app.api.calls), first_id)
    try:
        yield harness
    finally:
        harness.sync()  # nothing of this test may reach the next test's store
        store.close()
    # Handlers reach the store through services.db: a call on the loop would freeze the bot.
    assert guarded.on_loop == []


def store_entries(store: Store, titles: list[str], seen: datetime) -> None:
    new = [
        NewEntry(key=f"k{i}", keys=(), entry=Entry(
            feed="Example News", feed_url=FEED_URL, title=title,
            link=f"https://news.example/{i}", summary="", published=seen))
        for i, title in enumerate(titles)
    ]
    store.commit_poll(FeedState(FEED_URL), new, now=seen)


def has(*parts: str) -> Callable[[SentMessage], bool]:
    return lambda m: all(p in m.text for p in parts)


# ---------------------------------------------------------------- subscription


def test_start_subscribes_private_chat_with_welcome(h: Harness) -> None:
    reply = h.say(101, "/start")
    sub = h.sub(101)
    assert sub is not None and sub.active and sub.kind == "private" and sub.lang == "en"
    assert "/watch" in reply.text and "/help" in reply.text
    assert reply.parse_mode == "HTML"
    assert h.hooks.outbox_changed == 1


def test_stop_then_start_resumes_with_settings_kept(h: Harness) -> None:
    h.say(102, "/start")
    h.say(102, "/watch treaty")
    assert "stopped" in h.say(102, "/stop").text
    assert not h.sub(102).active
    assert "already stopped" in h.say(102, "/stop").text
    assert "resumed" in h.say(102, "/start").text
    assert h.sub(102).active
    assert [w.query for w in h.store.list_watches(h.sub(102).id)] == ["treaty"]


def test_commands_before_start_ask_for_start(h: Harness) -> None:
    for cmd in ("/stop", "/watch treaty", "/unwatch 1", "/mute 1h", "/unmute", "/lang ru"):
        assert "/start" in h.say(103, cmd).text, cmd
    assert h.sub(103) is None


def test_russian_client_gets_russian_and_lang_switches(h: Harness) -> None:
    reply = h.say(104, "/start", language_code="uk")
    assert "Команды" in reply.text and h.sub(104).lang == "ru"
    assert "Language: English" in h.say(104, "/lang en").text
    assert h.sub(104).lang == "en"
    assert "Язык: русский" in h.say(104, "/lang ru").text
    assert "Неизвестная команда" in h.say(104, "/nonsense").text
    assert "Использование" in h.say(104, "/lang xx").text
    assert h.sub(104).lang == "ru"


def test_set_commands_publishes_every_menu(h: Harness) -> None:
    async def go() -> None:
        from telegram import Bot
        async with Bot(DEFAULT_TOKEN, base_url=h.api.base_url) as bot:
            await set_commands(bot)

    asyncio.run(go())
    by_code = {json.loads(key)[1]: menu for key, menu in h.api.commands.items()}
    assert set(by_code) == {None, "ru", "uk", "be"}
    assert [c["command"] for c in by_code[None]] == [c.command for c in BOT_COMMANDS["en"]]
    assert by_code["ru"] == by_code["uk"]  # Ukrainian clients get Russian, as lang_for says
    assert by_code["ru"][0]["description"] == "Подписаться на уведомления"
    assert by_code["be"][0]["description"] == "Падпісацца на апавяшчэнні"
    assert [c["command"] for c in by_code["be"]] == [c["command"] for c in by_code[None]]


# ---------------------------------------------------------------- watches


def test_watch_stores_query_and_previews_recent_matches(h: Harness) -> None:
    store_entries(h.store, ["Union State treaty ratified", "Weather in Minsk",
                            "New treaty on <borders>", "Old treaty story"], NOW - timedelta(days=1))
    store_entries(h.store, ["Ancient treaty"], NOW - timedelta(days=9))  # outside the week
    h.say(110, "/start")
    before = h.store.audience_generation()
    reply = h.say(110, "/watch   treaty  ")
    assert [w.query for w in h.store.list_watches(h.sub(110).id)] == ["treaty"]
    assert "matched 3 of the 4 entries seen since 2025-02-28 15:00" in reply.text
    assert reply.text.count('<a href="https://news.example/') == 3
    assert "&lt;borders&gt;" in reply.text and "Ancient" not in reply.text
    assert h.store.audience_generation() == before + 1  # every poller rebuilds its matcher


def test_a_watch_matching_a_quarter_of_the_news_is_refused(h: Harness) -> None:
    titles = [f"Treaty news {n}" if n % 3 == 0 else f"Weather report {n}" for n in range(60)]
    store_entries(h.store, titles, NOW - timedelta(hours=3))
    h.say(116, "/start")
    reply = h.say(116, "/watch treaty")
    assert "would have matched 20 of the last 60 entries" in reply.text
    assert "firehose" in reply.text and h.store.list_watches(h.sub(116).id) == []
    assert "Watching" in h.say(116, "/watch treaty 17").text  # narrowed: fine


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"union state', "unclosed quote (at character 1)"),
        ("(treaty OR", "at character"),
        ("NOT treaty", "at least one word"),
    ],
    ids=["unclosed-quote", "unbalanced-paren", "only-negative"],
)
def test_watch_malformed_query_reports_position_and_stores_nothing(
        h: Harness, query: str, expected: str) -> None:
    h.say(111, "/start")
    before = h.store.audience_generation()
    reply = h.say(111, f"/watch {query}")
    assert expected in reply.text
    assert "<pre>" in reply.text and "^" in reply.text
    assert h.store.list_watches(h.sub(111).id) == []
    assert h.store.audience_generation() == before


def test_watch_with_a_term_set_counts_it_as_one_term_and_matches_its_words(h: Harness) -> None:
    store_entries(h.store, ["Minsk pact signed", "Minsk: договор подписан", "Minsk weather",
                            "Vertrag mit Minsk"], NOW - timedelta(days=1))
    h.say(117, "/start")
    reply = h.say(117, "/watch @agreement Minsk one two three")  # 5 terms: the limit
    assert [w.query for w in h.store.list_watches(h.sub(117).id)] == ["@agreement Minsk one two three"]
    h.say(117, "/unwatch 1")
    reply = h.say(117, "/watch @agreement Minsk")
    assert "3" in reply.text.split("\n")[1]  # pact, договор, Vertrag; not the weather


def test_watch_with_an_unknown_term_set_names_it_and_its_place(h: Harness) -> None:
    h.say(118, "/start")
    reply = h.say(118, "/watch Minsk @treaties")
    assert "unknown term set @treaties; known: @agreement" in reply.text
    assert reply.text.split("<pre>")[1].split("\n")[1].index("^") == len("Minsk ")
    assert h.store.list_watches(h.sub(118).id) == []


def test_watch_caret_points_at_error(h: Harness) -> None:
    h.say(112, "/start")
    reply = h.say(112, '/watch treaty "union')
    pre = reply.text.split("<pre>")[1].split("</pre>")[0]
    query_line, caret_line = pre.split("\n")
    assert query_line == "treaty &quot;union"
    assert caret_line.index("^") == len("treaty ")


def test_watch_without_argument_too_long_over_limit_and_duplicate(h: Harness) -> None:
    h.say(113, "/start")
    assert "Usage" in h.say(113, "/watch").text
    assert "too long" in h.say(113, "/watch " + "word " * 20).text
    assert "You already watch" not in h.say(113, "/watch alpha").text
    assert "already watch" in h.say(113, "/watch alpha").text
    h.say(113, "/watch beta")
    h.say(113, "/watch gamma")
    assert "maximum" in h.say(113, "/watch delta").text
    assert [w.query for w in h.store.list_watches(h.sub(113).id)] == ["alpha", "beta", "gamma"]


def test_watch_escapes_user_query_in_reply(h: Harness) -> None:
    h.say(114, "/start")
    reply = h.say(114, "/watch <b>bold</b>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in reply.text and "<b>bold" not in reply.text


def test_unwatch_by_number_and_by_text(h: Harness) -> None:
    h.say(115, "/start")
    before = h.store.audience_generation()
    for q in ("alpha", "beta", "gamma"):
        h.say(115, f"/watch {q}")
    assert "beta" in h.say(115, "/unwatch 2").text
    assert "alpha" in h.say(115, "/unwatch alpha").text
    assert "No such watch" in h.say(115, "/unwatch 7").text
    assert "No such watch" in h.say(115, "/unwatch ²").text  # isdigit, yet no int
    assert "Usage" in h.say(115, "/unwatch").text
    assert [w.query for w in h.store.list_watches(h.sub(115).id)] == ["gamma"]
    assert h.store.audience_generation() == before + 3 + 2


# ---------------------------------------------------------------- list, topics, buttons


def test_list_buttons_remove_watch_and_unfollow_topic_in_place(h: Harness) -> None:
    h.say(120, "/start")
    h.say(120, "/watch alpha")
    h.say(120, "/watch beta")
    listing = h.say(120, "/list")
    assert "1. <code>alpha</code>" in listing.text and "Union State treaty" in listing.text
    data = h.button_data(listing)
    alpha = h.store.list_watches(h.sub(120).id)[0]
    assert data == [f"uw:{alpha.id}", f"uw:{alpha.id + 1}", "lu:union-treaty", "lu:security"]
    assert all(len(d.encode()) <= 64 for d in data)
    h.press(120, listing.message_id, f"uw:{alpha.id}", 120)
    assert [w.query for w in h.store.list_watches(h.sub(120).id)] == ["beta"]
    assert "alpha" not in listing.text and "1. <code>beta</code>" in listing.text
    h.press(120, listing.message_id, "lu:security", 120)
    assert h.store.followed_topics(h.sub(120).id, ["union-treaty", "security"]) == ["union-treaty"]
    assert "lu:security" not in h.button_data(listing)
    answers = h.calls("answerCallbackQuery")
    assert len(answers) == 2


def test_topics_shows_countdown_and_toggles_follow(h: Harness) -> None:
    h.say(121, "/start")
    topics = h.say(121, "/topics")
    assert "Minsk summit" in topics.text and "2025-03-04" in topics.text
    assert "in 3 days" in topics.text
    assert h.button_data(topics) == ["tu:union-treaty", "tu:security"]
    h.press(121, topics.message_id, "tu:union-treaty", 121)
    assert h.store.followed_topics(h.sub(121).id, ["union-treaty", "security"]) == ["security"]
    assert h.button_data(topics) == ["tf:union-treaty", "tu:security"]
    h.press(121, topics.message_id, "tf:union-treaty", 121)
    assert h.button_data(topics) == ["tu:union-treaty", "tu:security"]
    h.clock.now = NOW + timedelta(days=5)
    assert "2 days ago" in h.say(121, "/topics").text


def test_unknown_button_data_is_answered_and_changes_nothing(h: Harness) -> None:
    h.say(122, "/start")
    listing = h.say(122, "/list")
    h.press(122, listing.message_id, "tf:no-such-topic", 122)
    h.press(122, listing.message_id, "zz:1", 122)
    assert len(h.calls("answerCallbackQuery")) == 2
    assert h.api.edits(122) == []


# ---------------------------------------------------------------- mute, status, admin


def test_mute_then_unmute(h: Harness) -> None:
    h.say(130, "/start")
    reply = h.say(130, "/mute 2h")
    assert h.sub(130).muted_until == NOW + timedelta(hours=2)
    assert "2025-03-01 17:00 (Europe/Minsk)" in reply.text  # Minsk is UTC+3
    assert "Muted until" in h.say(130, "/list").text
    outbox_before = h.hooks.outbox_changed
    assert "Unmuted" in h.say(130, "/unmute").text
    assert h.sub(130).muted_until == NOW  # the mute ended now; delivery summarises it
    assert h.hooks.outbox_changed == outbox_before + 1
    assert "not muted" in h.say(130, "/unmute").text


@pytest.mark.parametrize("arg", ["", "soon", "0", "-1h"], ids=["missing", "words", "zero", "negative"])
def test_mute_bad_duration_shows_usage(h: Harness, arg: str) -> None:
    h.say(131, "/start")
    assert "Usage" in h.say(131, f"/mute {arg}").text
    assert h.sub(131).muted_until is None


@pytest.mark.parametrize("arg", ["90d", "99999999999d", "9" * 30 + "s"],
                         ids=["ninety-days", "eleven-digit-days", "thirty-digit-seconds"])
def test_mute_is_capped_at_30_days(h: Harness, arg: str) -> None:
    h.say(132, "/start")
    assert "capped" in h.say(132, f"/mute {arg}").text
    assert h.sub(132).muted_until == NOW + timedelta(days=30)


def test_status_reports_feeds_and_next_event(h: Harness) -> None:
    before = h.say(133, "/status").text
    assert "1 configured" in before and "1 not polled yet" in before
    assert "No poll has run yet" in before and "Minsk summit" in before and "in 3 days" in before
    h.store.save_feed_states([FeedState(FEED_URL, last_polled_at=NOW, failures=2,
                                        last_error="timeout <slow>", last_http_status="timeout")])
    h.store.set_meta("last_poll_at", NOW.isoformat())
    after = h.say(133, "/status").text
    assert "1 failing" in after and "Last poll: 2025-03-01 15:00" in after


def test_admin_commands_refused_to_others_and_shown_to_operators(h: Harness) -> None:
    assert "operators only" in h.say(134, "/stats").text
    assert "operators only" in h.say(134, "/feeds").text
    h.store.save_feed_states([FeedState(FEED_URL, last_polled_at=NOW, failures=1,
                                        last_error="HTTP 503 <oops>", last_http_status="503")])
    stats = h.say(ADMIN, "/stats").text
    assert "subscribers" in stats and "<pre>" in stats
    feeds = h.say(ADMIN, "/feeds").text
    assert "Example News" in feeds and "503" in feeds and "&lt;oops&gt;" in feeds


def test_unknown_command_and_flood_limit(tmp_path: Path, h: Harness) -> None:
    assert "Unknown command" in h.say(135, "/frobnicate").text
    h.guard.capacity = 20  # the default budget: 20 commands per minute per user
    h.guard.period = 60.0
    replies = [h.say(136, "/help").text for _ in range(20)]
    assert all("Commands" in r for r in replies)
    assert "slow down" in h.say(136, "/help").text
    sent = h.api.send_text(136, "/help")  # over the limit again: silence
    h.sync()
    assert not [m for m in h.sent(136) if m.message_id > sent["message"]["message_id"]]
    h.say(137, "/help")  # other users are not affected
    h.clock.now = NOW + timedelta(seconds=10)  # a few tokens back
    assert "Commands" in h.say(136, "/help").text
