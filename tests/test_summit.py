"""Summit-day decisions against fixed datetimes: reminders, alert, digest, countdown, views."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.config import EventSpec
from bot.summit.calendar import (
    DigestEntry,
    TopicLine,
    countdown_days,
    digest_due,
    digest_key,
    digest_view,
    due_reminders,
    event_day_alert_due,
    next_event,
    reminders,
    summit_day_alert_utc,
    summit_day_key,
    summit_day_view,
)


def event(**kw: Any) -> EventSpec:
    data: dict[str, Any] = {
        "id": "minsk-2024", "title": "Minsk summit", "date": "2024-12-06",
        "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["security", "oil"],
    }
    return EventSpec.model_validate({**data, **kw})


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


MINSK = event()  # UTC+3 all year: 08:00 local is 05:00Z, local midnight is 21:00Z


def test_reminders_of_the_shipped_defaults() -> None:
    got = [(r.key, r.at, r.day, r.on_event_day, r.summit_day) for r in reminders(MINSK)]
    assert got == [
        ("7d", utc(2024, 11, 29, 6), date(2024, 11, 29), False, False),
        ("1d", utc(2024, 12, 5, 6), date(2024, 12, 5), False, False),
        ("08:00", utc(2024, 12, 6, 5), date(2024, 12, 6), True, True),
    ]


@pytest.mark.parametrize(
    "now,expected",
    [
        (utc(2024, 11, 29, 5, 59), []),
        (utc(2024, 11, 29, 6, 0), ["7d"]),
        (utc(2024, 11, 29, 20, 59), ["7d"]),  # back up late the same local day: still sent
        (utc(2024, 11, 29, 21, 0), []),  # local midnight passed: stale, never sent
        (utc(2024, 12, 5, 5, 0), []),
        (utc(2024, 12, 5, 6, 0), ["1d"]),
        (utc(2024, 12, 6, 4, 59), []),  # event day, before 08:00 local
        (utc(2024, 12, 6, 5, 0), ["08:00"]),
        (utc(2024, 12, 6, 20, 0), ["08:00"]),
        (utc(2024, 12, 7, 5, 0), []),
    ],
    ids=["7d-early", "7d-on-time", "7d-late-same-day", "7d-next-day", "1d-early", "1d-on-time",
         "day-early", "day-on-time", "day-evening", "day-after"],
)
def test_due_reminders(now: datetime, expected: list[str]) -> None:
    assert [r.key for r in due_reminders([MINSK], now)] == expected


def test_notice_keys_carry_the_event_date_and_the_day_reminder_is_the_summit_day_alert() -> None:
    keys = [r.notice_key for r in reminders(MINSK)]
    assert keys == [
        "reminder:minsk-2024:7d:2024-12-06",
        "reminder:minsk-2024:1d:2024-12-06",
        "summit-day:minsk-2024:2024-12-06",
    ]
    assert keys[2] == summit_day_key(MINSK)
    moved = event(date="2024-12-13")
    assert {r.notice_key for r in reminders(moved)}.isdisjoint(keys)


def test_only_the_first_clock_reminder_is_the_summit_day_alert() -> None:
    ev = event(reminders=["12:30", "1d", "07:15"])
    flags = {r.key: r.summit_day for r in reminders(ev)}
    assert flags == {"1d": False, "07:15": True, "12:30": False}
    assert summit_day_alert_utc(ev) == utc(2024, 12, 6, 4, 15)
    keys = [r.notice_key for r in reminders(ev)]
    assert len(set(keys)) == 3 and keys.count(summit_day_key(ev)) == 1


def test_day_arithmetic_stays_on_the_calendar_across_dst() -> None:
    # Berlin moves to summer time on 2025-03-30: 1d before 2025-03-31 is 09:00 CET (08:00Z).
    ev = event(date="2025-03-31", timezone="Europe/Berlin")
    at = {r.key: r.at for r in reminders(ev)}
    assert at["1d"] == utc(2025, 3, 30, 7)  # 09:00 CEST
    assert at["08:00"] == utc(2025, 3, 31, 6)
    assert [r.key for r in due_reminders([ev], utc(2025, 3, 30, 21, 59))] == ["1d"]
    assert due_reminders([ev], utc(2025, 3, 30, 22, 0)) == []  # midnight CEST


@pytest.mark.parametrize(
    "reminders_,now,expected",
    [
        (("7d", "1d", "08:00"), utc(2024, 12, 6, 4, 59), False),
        (("7d", "1d", "08:00"), utc(2024, 12, 6, 5, 0), True),
        (("7d", "1d", "08:00"), utc(2024, 12, 6, 20, 59), True),  # a late subscriber
        (("7d", "1d", "08:00"), utc(2024, 12, 6, 21, 0), False),  # next local day
        (("7d", "1d", "08:00"), utc(2024, 12, 5, 12, 0), False),
        (("1d",), utc(2024, 12, 6, 4, 59), False),  # no HH:MM: 08:00 local by default
        (("1d",), utc(2024, 12, 6, 5, 0), True),
        (("10:00",), utc(2024, 12, 6, 6, 59), False),
        (("10:00",), utc(2024, 12, 6, 7, 0), True),
    ],
    ids=["before", "at", "late-subscriber", "next-day", "day-before", "default-before",
         "default-at", "custom-before", "custom-at"],
)
def test_event_day_alert_due(reminders_: tuple[str, ...], now: datetime, expected: bool) -> None:
    assert event_day_alert_due(event(reminders=list(reminders_)), now) is expected


@pytest.mark.parametrize(
    "now,expected",
    [
        (utc(2024, 12, 6, 17, 59), False),
        (utc(2024, 12, 6, 18, 0), True),  # 21:00 Minsk
        (utc(2024, 12, 6, 20, 59), True),
        (utc(2024, 12, 6, 21, 0), False),  # the local day has ended
        (utc(2024, 12, 5, 18, 0), False),
    ],
    ids=["before", "at", "late", "after-midnight", "day-before"],
)
def test_digest_due(now: datetime, expected: bool) -> None:
    assert digest_due(MINSK, now) is expected
    assert digest_key(MINSK) == "digest:minsk-2024:2024-12-06"


@pytest.mark.parametrize(
    "now,expected",
    [
        (utc(2024, 11, 29, 6), 7),
        (utc(2024, 12, 5, 20, 59), 1),
        (utc(2024, 12, 5, 21, 0), 0),  # 00:00 Minsk on the day
        (utc(2024, 12, 6, 20, 59), 0),
        (utc(2024, 12, 6, 21, 0), -1),
    ],
    ids=["week", "eve", "midnight", "day-end", "after"],
)
def test_countdown_days(now: datetime, expected: int) -> None:
    assert countdown_days(MINSK, now) == expected


@pytest.mark.parametrize(
    "now,expected",
    [
        (utc(2024, 11, 1), "minsk-2024"),
        (utc(2024, 12, 6, 20, 59), "minsk-2024"),  # still the event's local day
        (utc(2024, 12, 6, 21, 0), "moscow-2025"),
        (utc(2025, 3, 1), None),
    ],
    ids=["ahead", "on-the-day", "after", "none-left"],
)
def test_next_event(now: datetime, expected: str | None) -> None:
    later = event(id="moscow-2025", date="2025-02-01", timezone="Europe/Moscow")
    found = next_event([later, MINSK], now)
    assert (found.id if found else None) == expected


def test_summit_day_view() -> None:
    view = summit_day_view(
        MINSK, {"security": "Security guarantees treaty"},
        {"security": "signed", "oil": "bogus"}, utc(2024, 12, 6, 5, 0),
    )
    assert (view.title, view.location, view.date) == ("Minsk summit", "Minsk", date(2024, 12, 6))
    assert (view.local_time, view.timezone, view.countdown) == (
        "2024-12-06 08:00", "Europe/Minsk", 0,
    )
    assert view.topics == (
        TopicLine("security", "Security guarantees treaty", "signed"),
        ("oil", "oil", None),  # unknown title falls back to the id; unknown status to None
    )


def test_digest_view_groups_orders_and_dedupes() -> None:
    entries = [
        DigestEntry(("oil",), "Oil deal", "https://a/1", "BelTA", utc(2024, 12, 6, 9)),
        DigestEntry(("security", "oil"), "Treaty signed", "https://a/2", "TASS",
                    utc(2024, 12, 6, 10)),
        DigestEntry(("security",), "Treaty signed (copy)", "https://a/2", "Google",
                    utc(2024, 12, 6, 11)),
        DigestEntry(("security",), "Undated", None, "X", None),
        DigestEntry(("security",), "Earlier", "https://a/3", "RIA", utc(2024, 12, 6, 8)),
        DigestEntry(("other",), "Not in the event", "https://a/4", "RIA", utc(2024, 12, 6, 8)),
    ]
    groups = digest_view(entries, ["security", "oil", "gas"], {"security": "Security"})
    assert [(g.topic_id, g.title) for g in groups] == [("security", "Security"), ("oil", "oil")]
    assert [(r.title, r.feed) for r in groups[0].rows] == [
        ("Treaty signed", "TASS"), ("Earlier", "RIA"), ("Undated", "X"),
    ]
    assert [r.title for r in groups[1].rows] == ["Treaty signed", "Oil deal"]
