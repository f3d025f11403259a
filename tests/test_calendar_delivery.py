"""A moved event's updated calendar, delivered on a fixed clock: the notice and its .ics go
out as ONE document message per follower (sendDocument, caption = the notice), exactly once
through drains, restarts, a 429 and a 502; the console sink says a file would be attached.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from icalendar import Calendar
from telegram import Bot

from bot.config import Config, Settings
from bot.delivery.console import ConsoleSink
from bot.delivery.drainer import Drainer
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.render import render_caption
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.model import NoticeAttachment, NoticeItem
from bot.services import Services
from bot.store import Store, open_store
from bot.summit.jobs import SummitJobs
from bot.telegram.eventcmd import move_event

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
FOLLOWERS = (101, 102, 103)
FAST = Limits(global_per_second=1000, chat_interval=0.0)
CONFIG = Config.model_validate({
    "feeds": [{"url": "https://a.example/rss", "name": "A"}],
    "topics": [{"id": "treaty", "title": "Security guarantees treaty", "query": "treaty"}],
    "events": [{"id": "summit", "title": "Union State summit", "date": "2026-05-20",
                "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["treaty"]}],
})


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def services_on(path: Path, clock: Clock) -> Services:
    return Services(CONFIG, Settings(admin_ids=frozenset({9})), open_store(f"sqlite:///{path}"),
                    clock=clock)


async def drain(store: Store, bot: Bot, clock: Clock) -> int:
    sink = TelegramSink(Sender(bot, RateLimiter(FAST)), store, CONFIG.tz, {})
    return await Drainer(store, sink, clock).drain()


def test_a_move_sends_the_new_calendar_once_to_each_follower(api: FakeBotApi,
                                                             tmp_path: Path) -> None:
    clock = Clock(T0)
    services = services_on(tmp_path / "bot.db", clock)
    for chat in FOLLOWERS:
        services.store.get_or_create_subscriber(chat, None, "private",
                                                "ru" if chat == 103 else "en", None, now=T0)
    asyncio.run(move_event(services, "en", ["summit", "2026-05-27"], 9))
    api.fail_next("sendDocument", 429, "Too Many Requests: retry after 5", retry_after=5,
                  chat_id=101)
    api.fail_next("sendDocument", 502, "Bad Gateway", chat_id=102)

    async def scenario() -> None:
        nonlocal services
        async with Bot(DEFAULT_TOKEN, base_url=api.base_url) as bot:
            assert await drain(services.store, bot, clock) == 1  # 103; 101 and 102 wait
            for minutes in (1, 2, 10):
                clock.now = T0 + timedelta(minutes=minutes)
                await drain(services.store, bot, clock)
            services.store.close()  # a restart: new process, same database
            services = services_on(tmp_path / "bot.db", clock)
            clock.now = T0 + timedelta(hours=1)
            await SummitJobs(services).run(clock.now)
            assert await drain(services.store, bot, clock) == 0
        services.store.close()

    asyncio.run(scenario())
    for chat in FOLLOWERS:
        [doc] = api.documents(chat)
        assert doc.document is not None and doc.document["file_name"] == "summit.ics"
        assert "2026-05-20 → <b>2026-05-27</b>" in doc.text and doc.parse_mode == "HTML"
        assert doc.file is not None
        [vevent] = Calendar.from_ical(doc.file).walk("VEVENT")
        assert vevent.decoded("DTSTART").date() == date(2026, 5, 27)
        assert vevent.decoded("SEQUENCE") == 1 and str(vevent["UID"]) == "summit@summit-watch"
    assert "дата изменена" in api.documents(103)[0].text  # in the follower's language
    assert not any(m.document is None for chat in FOLLOWERS for m in api.sent_messages(chat))
    assert len(api.calls_to("sendDocument")) == len(FOLLOWERS) + 2  # the two faults, retried


def test_caption_fits_even_with_the_longest_titles() -> None:
    payload = {"title": "&" * 5000, "location": "<" * 5000, "old_date": "2026-05-20",
               "new_date": "2026-05-27", "attachment": {"filename": "x.ics",
                                                        "mime_type": "text/calendar",
                                                        "text": "BEGIN:VCALENDAR"}}
    from bot.delivery.html import MAX_CAPTION, plain_len

    for lang in ("en", "ru"):
        caption = render_caption("event_moved", payload, lang)
        assert 0 < plain_len(caption) <= MAX_CAPTION and "&amp;" in caption


def notice(payload: dict[str, object]) -> NoticeItem:
    from bot.model import Subscriber

    sub = Subscriber(1, 0, None, "console", "en", True, None, T0, T0, None)
    return NoticeItem(1, sub, "moved:x", "event_moved", payload, None, 1, T0)


@pytest.mark.parametrize("json_lines", [False, True], ids=["text", "json"])
def test_console_says_a_calendar_would_be_attached(json_lines: bool) -> None:
    out = io.StringIO()
    attachment = NoticeAttachment("summit.ics", "text/calendar", "BEGIN:VCALENDAR\r\n...")
    payload = {"title": "Union State summit", "location": "Minsk", "old_date": "2026-05-20",
               "new_date": "2026-05-27", "attachment": attachment.as_payload()}
    asyncio.run(ConsoleSink(CONFIG.tz, json_lines, out).deliver_notice(notice(payload)))
    if json_lines:
        line = json.loads(out.getvalue())
        assert line["attachment"] == "summit.ics" and "attachment" not in line["payload"]
    else:
        first, second = out.getvalue().splitlines()
        assert first.startswith("[NOTICE] ") and "2026-05-27" in first
        assert "calendar file summit.ics would be attached" in second
