"""Calendar files in chat: /calendar sends the tracked events as an .ics document (fetched
back through getFile and the file path, parsed with icalendar), an operator's .ics document
is imported like /event, and hostile or unauthorised files change nothing. Uses the
Application harness of test_telegram_handlers.py (fake Bot API, real SQLite, fixed clock at
2025-03-01 12:00 UTC; the event minsk-summit is on 2025-03-04 in Europe/Minsk).
"""
# ruff: noqa: F811 - the harness fixtures `app` and `h` are imported and taken as parameters

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakebotapi import DEFAULT_TOKEN, SentMessage
from icalendar import Calendar
from telegram import Bot
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    ADMIN,
    NOW,
    Harness,
    app,
    h,
)

from bot.model import NoticeAttachment
from bot.summit.ics import MAX_BYTES

MINSK = ZoneInfo("Europe/Minsk")


def download(h: Harness, msg: SentMessage) -> bytes:
    """The document as a client gets it: getFile, then GET /file/bot<token>/<path>."""
    assert msg.document is not None

    async def go() -> bytes:
        async with Bot(DEFAULT_TOKEN, base_url=h.api.base_url,
                       base_file_url=h.api.base_file_url) as bot:
            file = await bot.get_file(msg.document["file_id"])  # type: ignore[index]
            return bytes(await file.download_as_bytearray())

    return asyncio.run(go())


def send_file(h: Harness, chat_id: int, data: bytes, *, user_id: int | None = None,
              name: str = "events.ics") -> SentMessage:
    update = h.api.send_document(chat_id, data, name, mime_type="text/calendar", user_id=user_id)
    return h.next_in(chat_id, update["message"]["message_id"])


def moved_ics(day: str = "20250306", uid: str = "minsk-summit@summit-watch") -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:{uid}\r\nSUMMARY:Minsk summit\r\nLOCATION:Minsk\r\n"
            f"DTSTART;VALUE=DATE:{day}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()


# ---------------------------------------------------------------- /calendar


@pytest.mark.parametrize(("lang", "caption"), [("en", "tracked events"),
                                               ("ru", "Отслеживаемые события")], ids=["en", "ru"])
def test_calendar_sends_an_ics_that_parses_back(h: Harness, lang: str, caption: str) -> None:
    reply = h.say(301, "/calendar", language_code=lang)
    assert reply.document is not None and reply.document["file_name"] == "summit-watch.ics"
    assert reply.document["mime_type"] == "text/calendar"
    assert caption in reply.text and "1" in reply.text and reply.parse_mode == "HTML"
    data = download(h, reply)
    assert data == reply.file
    [vevent] = Calendar.from_ical(data).walk("VEVENT")
    assert str(vevent["UID"]) == "minsk-summit@summit-watch"
    assert vevent.decoded("DTSTART") == datetime.combine(date(2025, 3, 4), time(0), MINSK)
    rings = sorted((vevent.decoded("DTSTART") + a.decoded("TRIGGER")).astimezone(UTC)
                   for a in vevent.walk("VALARM"))
    assert rings == [at for _, at in h.services.config.events[0].reminder_times_utc()]


def test_calendar_without_events_says_so(h: Harness) -> None:
    h.services.config = h.services.config.model_copy(update={"events": ()})
    reply = h.say(302, "/calendar")
    assert reply.document is None and "No events" in reply.text


def test_calendar_is_in_the_public_menu() -> None:
    from bot.telegram.handlers import BOT_COMMANDS
    assert all("calendar" in [c.command for c in menu] for menu in BOT_COMMANDS.values())


# ---------------------------------------------------------------- importing in chat


def test_operator_file_moves_the_event_and_its_followers_get_the_new_file(h: Harness) -> None:
    h.say(303, "/start")
    follower = h.sub(303).id
    reply = send_file(h, ADMIN, moved_ics(), user_id=ADMIN)
    assert "Calendar import" in reply.text and "2025-03-04 → <b>2025-03-06</b>" in reply.text
    assert "1 chat" in reply.text
    [override] = h.store.event_overrides()
    assert (override.date, override.sequence, override.updated_by) == (date(2025, 3, 6), 1, ADMIN)
    assert h.services.config.events[0].date == date(2025, 3, 6)
    [item] = h.store.claim_notices(NOW + timedelta(days=1), 10)
    assert (item.subscriber.id, item.kind) == (follower, "event_moved")
    attachment = NoticeAttachment.of_payload(item.payload)
    assert attachment is not None
    [vevent] = Calendar.from_ical(attachment.text).walk("VEVENT")
    assert vevent.decoded("SEQUENCE") == 1
    assert vevent.decoded("DTSTART").date() == date(2025, 3, 6)


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"<html>not a calendar</html>", "not an iCalendar"),
     (moved_ics("20250101"), "Nothing changed"),  # already over: skipped
     (moved_ics("20990101"), "more than 5 years ahead"),
     (moved_ics().replace(b"END:VEVENT", b"RRULE:FREQ=DAILY\r\nEND:VEVENT"),
      "repeating events are not supported"),
     (b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n" * 101
      + b"END:VCALENDAR\r\n", "at most 100 at once")],
    ids=["html", "past", "absurd-date", "recurring", "too-many"],
)
def test_hostile_operator_files_change_nothing(h: Harness, data: bytes, expected: str) -> None:
    config = h.services.config
    reply = send_file(h, ADMIN, data, user_id=ADMIN)
    assert expected in reply.text
    assert h.store.event_overrides() == [] and h.services.config is config


def test_a_too_large_file_is_refused_without_downloading_it(h: Harness) -> None:
    reply = send_file(h, ADMIN, b"x" * (MAX_BYTES + 10), user_id=ADMIN)
    assert "at most 256 kB" in reply.text and h.calls("getFile") == []


def test_files_from_others_are_refused_in_private_and_ignored_in_groups(h: Harness) -> None:
    assert "Only the bot's operators" in send_file(h, 304, moved_ics(), user_id=304).text
    before = len(h.api.sent_messages(-305))
    h.api.send_document(-305, moved_ics(), "events.ics", mime_type="text/calendar", user_id=306)
    h.sync()
    assert len(h.api.sent_messages(-305)) == before and h.calls("getFile") == []
    assert h.store.event_overrides() == []


def test_event_move_in_chat_also_carries_the_new_file(h: Harness) -> None:
    h.say(307, "/start", language_code="ru")
    h.say(ADMIN, "/event move minsk-summit 2025-03-07")
    [item] = h.store.claim_notices(NOW + timedelta(days=1), 10)
    attachment = NoticeAttachment.of_payload(item.payload)
    assert attachment is not None and attachment.filename == "minsk-summit.ics"
    assert "Напоминания" in Calendar.from_ical(attachment.text).walk("VEVENT")[0]["DESCRIPTION"]
    assert h.store.event_overrides()[0].sequence == 1
