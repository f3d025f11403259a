"""Calendar files (bot.summit.ics): what the bot writes parses back with icalendar to the
same events (UID, start in the event's zone, reminders to the minute, SEQUENCE, agreements),
and what an operator's file holds is read defensively: hostile bytes never crash it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from bot.config import Config, EventSpec
from bot.summit.ics import (
    MAX_BYTES,
    MAX_EVENTS,
    IcsRefused,
    calendar_bytes,
    event_uid,
    parse_calendar,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TITLES = {"treaty": "Security guarantees treaty", "concept": "Security concept"}


def event(**fields: object) -> EventSpec:
    base: dict[str, object] = {"id": "minsk-summit", "title": "Union State summit, Minsk",
                               "date": "2026-05-20", "timezone": "Europe/Minsk",
                               "location": "Minsk", "topics": ["treaty", "concept"]}
    return EventSpec.model_validate({**base, **fields})


def vevents(data: bytes) -> list[object]:
    cal = Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def written(*events: EventSpec, lang: str = "en", sequences: dict[str, int] | None = None) -> bytes:
    return calendar_bytes(list(events), lang=lang, now=NOW, sequences=sequences or {},
                          topic_titles=TITLES)


# ---------------------------------------------------------------- writing


@pytest.mark.parametrize(
    "spec",
    [event(),
     event(id="berlin-forum", timezone="Europe/Berlin", date="2026-04-01",
           reminders=["7d", "1d", "08:30"]),  # the 7d reminder is before the DST change
     event(id="ny-talks", timezone="America/New_York", date="2026-11-02",
           reminders=["3d", "18:00"]),
     event(id="no-reminders", reminders=[], topics=[])],
    ids=["minsk", "berlin-across-dst", "new-york", "no-reminders"],
)
def test_written_file_parses_back_to_the_same_event(spec: EventSpec) -> None:
    [vevent] = vevents(written(spec, sequences={spec.id: 3}))
    start = vevent.decoded("DTSTART")  # type: ignore[attr-defined]
    assert str(vevent["UID"]) == event_uid(spec.id) == f"{spec.id}@summit-watch"  # type: ignore[index]
    assert start == datetime.combine(spec.date, time(0), ZoneInfo(spec.timezone))
    assert isinstance(start.tzinfo, ZoneInfo) and start.tzinfo.key == spec.timezone
    assert vevent["DTSTART"].params["TZID"] == spec.timezone  # type: ignore[index]
    assert vevent.decoded("DTEND") - start == timedelta(days=1)  # type: ignore[attr-defined]
    assert vevent.decoded("SEQUENCE") == 3  # type: ignore[attr-defined]
    assert str(vevent["SUMMARY"]) == spec.title  # type: ignore[index]
    assert str(vevent.get("LOCATION", "")) == spec.location  # type: ignore[attr-defined]
    # Each VALARM rings when the bot sends that reminder: wall-clock days and hours from
    # DTSTART, as RFC 5545 reads a TRIGGER duration.
    rings = sorted((start + alarm.decoded("TRIGGER")).astimezone(UTC)
                   for alarm in vevent.walk("VALARM"))  # type: ignore[attr-defined]
    assert rings == [at for _, at in spec.reminder_times_utc()]


def test_calendar_has_a_vtimezone_per_zone_and_one_vevent_per_event() -> None:
    data = written(event(), event(id="berlin", timezone="Europe/Berlin"),
                   event(id="minsk-2", date="2026-06-01"))
    cal = Calendar.from_ical(data)
    assert sorted(tz.tz_name for tz in cal.timezones) == ["Europe/Berlin", "Europe/Minsk"]
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        "minsk-summit@summit-watch", "berlin@summit-watch", "minsk-2@summit-watch"]
    assert cal.get_missing_tzids() == set()
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["VERSION"]) == "2.0"


@pytest.mark.parametrize(
    ("lang", "agreements", "alarm"),
    [("en", "Agreements expected: Security guarantees treaty; Security concept.", "in 7 days"),
     ("ru", "Ожидаемые соглашения: Security guarantees treaty; Security concept.",
      "через 7 дней")],
    ids=["en", "ru"],
)
def test_description_names_the_agreements_in_the_chats_language(
        lang: str, agreements: str, alarm: str) -> None:
    [vevent] = vevents(written(event(), lang=lang))
    assert str(vevent["DESCRIPTION"]).startswith(agreements)  # type: ignore[index]
    texts = [str(a["DESCRIPTION"]) for a in vevent.walk("VALARM")]  # type: ignore[attr-defined]
    assert texts[0] == f"Union State summit, Minsk: {alarm}"


def test_the_same_event_keeps_its_uid_and_a_move_raises_the_sequence() -> None:
    before = vevents(written(event(), sequences={}))[0]
    after = vevents(written(event(date="2026-05-27"), sequences={"minsk-summit": 1}))[0]
    assert str(before["UID"]) == str(after["UID"])  # type: ignore[index]
    assert (before.decoded("SEQUENCE"), after.decoded("SEQUENCE")) == (0, 1)  # type: ignore[attr-defined]


def test_own_file_reads_back_exactly() -> None:
    spec = event(location="Minsk; Palace of Independence, hall \"A\"")
    [read] = parse_calendar(written(spec)).events
    assert (read.uid, read.title, read.location, read.zone, read.topics) == (
        "minsk-summit@summit-watch", spec.title, spec.location, "Europe/Minsk",
        ("treaty", "concept"))
    assert read.start == datetime.combine(spec.date, time(0), ZoneInfo("Europe/Minsk"))
    assert read.length == timedelta(days=1) and not read.recurring and read.problem is None


# ---------------------------------------------------------------- reading hostile files

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def ics(*events: str, head: str = HEAD) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return (head + body + TAIL).encode()


def vevent_lines(uid: str = "u1", start: str = "DTSTART;VALUE=DATE:20260520",
                 extra: str = "") -> str:
    return f"UID:{uid}\r\nSUMMARY:Forum\r\n{start}\r\n{extra}"


@pytest.mark.parametrize(
    ("data", "key"),
    [(b"x" * (MAX_BYTES + 1), "too_big"),
     (b"hello world", "not_ics"),
     (b"<html><body>calendar</body></html>", "not_ics"),
     (bytes(range(256)) * 3, "not_ics"),
     (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n", "not_ics"),
     (b"BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n", "not_ics"),
     (HEAD.encode() + TAIL.encode(), "no_events"),
     (ics(*[vevent_lines(f"u{i}") for i in range(MAX_EVENTS + 1)]), "too_many"),
     (b"", "not_ics")],
    ids=["too-big", "text", "html", "binary", "unterminated", "bare-vevent", "empty-calendar",
         "too-many-events", "empty-file"],
)
def test_unusable_files_are_refused_with_a_reason(data: bytes, key: str) -> None:
    with pytest.raises(IcsRefused) as refused:
        parse_calendar(data)
    assert refused.value.problem.key == key


@pytest.mark.parametrize(
    ("lines", "problem"),
    [("UID:a\r\nSUMMARY:x\r\nDTSTART:2026XX20\r\n", "unreadable"),
     ("UID:a\r\nSUMMARY:x\r\nDTSTART;TZID=Mars/Olympus:20260520T100000\r\n", "unknown_zone"),
     ("UID:a\r\nSUMMARY:x\r\nDTSTART:20260520T100000Z\r\nDURATION:PXYZ\r\n", "unreadable"),
     ("UID:a\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20260520\r\nDTEND:20260521T100000Z\r\n",
      "unreadable")],
    ids=["bad-date", "unknown-zone", "bad-duration", "date-and-datetime"],
)
def test_a_broken_event_is_read_with_its_problem(lines: str, problem: str) -> None:
    [read] = parse_calendar(ics(lines)).events
    assert read.problem is not None and read.problem.key == problem


def test_recurring_cancelled_and_zones_are_noted() -> None:
    parsed = parse_calendar(ics(
        vevent_lines("a", extra="RRULE:FREQ=YEARLY\r\n"),
        vevent_lines("b", extra="STATUS:CANCELLED\r\n"),
        vevent_lines("c", start="DTSTART;TZID=W. Europe Standard Time:20260520T100000"),
        vevent_lines("d", start="DTSTART:20260520T100000Z"),
        head=HEAD + "X-WR-TIMEZONE:Europe/Vilnius\r\n"))
    a, b, c, d = parsed.events
    assert a.recurring and not b.recurring and b.cancelled
    assert c.zone == "Europe/Berlin"  # a Windows zone name, mapped by icalendar
    assert d.zone is None and parsed.zone == "Europe/Vilnius"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_are_read_or_refused_never_crash(data: bytes) -> None:
    try:
        parse_calendar(data)
    except IcsRefused:
        pass


_LINE = st.sampled_from([
    "BEGIN:VEVENT", "END:VEVENT", "UID:x", "SUMMARY:s", "DTSTART:20260520T100000Z",
    "DTSTART;VALUE=DATE:20260520", "DTSTART;TZID=Europe/Minsk:20260520T100000",
    "DTEND:20250101T000000Z", "DURATION:P400D", "DURATION:-P1D", "RRULE:FREQ=DAILY",
    "DTSTART:99991231T235959Z", "DTSTART:00010101T000000Z", "BEGIN:VALARM", "END:VALARM",
    "TRIGGER:-PT15M", "X-SUMMIT-WATCH-TOPICS:a,,b", "STATUS:CANCELLED", "LOCATION:",
    "BEGIN:VTIMEZONE", "END:VTIMEZONE", "TZID:Custom",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=30))
def test_shuffled_calendar_lines_are_read_or_refused_never_crash(lines: list[str]) -> None:
    data = "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""]).encode()
    try:
        parsed = parse_calendar(data)
    except IcsRefused:
        return
    from bot.summit.icsplan import plan_import  # the plan judges whatever was read

    config = Config.model_validate({"feeds": [{"url": "https://a.example/rss"}],
                                    "topics": [{"id": "a", "title": "A", "query": "a"}]})
    plan_import(parsed, config, NOW)


def test_dates_are_compared_as_days() -> None:
    [read] = parse_calendar(ics(vevent_lines())).events
    assert read.start == date(2026, 5, 20) and read.zone is None


def test_own_utc_event_keeps_its_zone_a_foreign_one_does_not() -> None:
    [own] = parse_calendar(written(event(timezone="UTC"))).events
    [foreign] = parse_calendar(ics(vevent_lines(start="DTSTART:20260520T000000Z"))).events
    assert (own.zone, foreign.zone) == ("UTC", None)
