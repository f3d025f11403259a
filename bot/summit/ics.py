"""Calendar files (iCalendar, RFC 5545) through the icalendar library, which only this
module imports: events with their reminders as a .ics (stable UIDs, SEQUENCE, VTIMEZONE),
and an operator's .ics read back defensively into `IcsFile` values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Component, Event

from bot.config import EventSpec
from bot.i18n import t, tn
from bot.summit.icsplan import UID_DOMAIN, IcsEvent, IcsFile, IcsProblem

PRODID = "-//Summit Watch//Summit Watch calendar//EN"
MIME_TYPE = "text/calendar"
TOPICS_PROP = "X-SUMMIT-WATCH-TOPICS"  # topic ids, so our own file imports back exactly
MAX_BYTES = 256_000  # a hundred events with alarms and zones take about 150 kB
MAX_EVENTS = 100
_TEXT_MAX = 1000  # characters kept of a title, location or UID before judging them


class IcsRefused(ValueError):
    """The file as a whole cannot be read; `problem` says why."""

    def __init__(self, key: str, **values: str | int) -> None:
        super().__init__(key)
        self.problem = IcsProblem(key, values)


def event_uid(event_id: str) -> str:
    """The same UID in every file the bot writes, so calendar apps update, not duplicate."""
    return f"{event_id}@{UID_DOMAIN}"


def calendar_filename(event_id: str | None = None) -> str:
    return f"{event_id or 'summit-watch'}.ics"


# ---------------------------------------------------------------- writing


def calendar_bytes(events: Sequence[EventSpec], *, lang: str, now: datetime,
                   sequences: Mapping[str, int], topic_titles: Mapping[str, str]) -> bytes:
    """One VCALENDAR with a VEVENT per event: the event's local day (midnight to midnight
    in its zone, with its VTIMEZONE), its reminders as VALARMs, the agreements expected."""
    cal = Calendar()
    for name, value in (("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                        ("method", "PUBLISH"), ("x-wr-calname", t(lang, "ics_calendar_name"))):
        cal.add(name, value)
    for event in events:
        cal.add_component(_vevent(event, lang, now, sequences.get(event.id, 0), topic_titles))
    if events:  # each zone's transitions from the first reminder to the last day only
        first = min(_local(e, at).date() for e in events for _, at in _alarms(e))
        last = max(e.date for e in events) + timedelta(days=2)
        cal.add_missing_timezones(first - timedelta(days=1), last)
    return bytes(cal.to_ical())


def _alarms(event: EventSpec) -> list[tuple[str, datetime]]:
    return event.reminder_times_utc() or [("", event.start_utc())]


def _local(event: EventSpec, at: datetime) -> datetime:
    return at.astimezone(event.tz)


def _midnight(event: EventSpec, day: date) -> datetime:
    return datetime.combine(day, time(0), event.tz)


def _vevent(event: EventSpec, lang: str, now: datetime, sequence: int,
            topic_titles: Mapping[str, str]) -> Event:
    vevent = Event()
    vevent.add("uid", event_uid(event.id))
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("sequence", sequence)
    vevent.add("summary", event.title)
    vevent.add("dtstart", _midnight(event, event.date))
    vevent.add("dtend", _midnight(event, event.date + timedelta(days=1)))
    vevent.add("transp", "TRANSPARENT")  # a day of following the news is not a busy day
    if event.location:
        vevent.add("location", event.location)
    vevent.add("description", _description(event, lang, topic_titles))
    if event.topics:
        vevent.add(TOPICS_PROP, ",".join(event.topics))
    for key, at in event.reminder_times_utc():
        vevent.add_component(_alarm(event, key, at, lang))
    return vevent


def _description(event: EventSpec, lang: str, topic_titles: Mapping[str, str]) -> str:
    titles = [topic_titles.get(tid, tid) for tid in event.topics]
    expected = (t(lang, "ics_agreements", agreements="; ".join(titles)) if titles
                else t(lang, "ics_no_agreements"))
    return f"{expected}\n\n{t(lang, 'ics_footer')}"


def _alarm(event: EventSpec, key: str, at: datetime, lang: str) -> Alarm:
    """A reminder as a TRIGGER relative to DTSTART in nominal days and wall-clock hours
    (RFC 5545 3.3.6), so it rings at the bot's reminder time even across a DST change."""
    wall = _local(event, at).replace(tzinfo=None)
    offset = wall - datetime.combine(event.date, time(0))
    if key.endswith("d"):
        days = int(key[:-1])
        text = t(lang, "ics_alarm_days", title=event.title, days=tn(lang, "days", days))
    else:
        text = t(lang, "ics_alarm_today", title=event.title, time=key)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", offset)
    alarm.add("description", text)
    return alarm


# ---------------------------------------------------------------- reading


def parse_calendar(data: bytes) -> IcsFile:
    """The events of an operator's file. Raises IcsRefused when the file as a whole is
    unusable (too big, not iCalendar, no events, too many); a broken event is returned
    with its `problem` set, for the plan to report."""
    if len(data) > MAX_BYTES:
        raise IcsRefused("too_big", size=len(data) // 1000, max=MAX_BYTES // 1000)
    try:
        cal = Calendar.from_ical(data)
    except Exception as err:  # noqa: BLE001 - any parser failure on hostile bytes is "not ics"
        raise IcsRefused("not_ics", reason=_first_line(err)) from None
    if not isinstance(cal, Component) or cal.name != "VCALENDAR":
        raise IcsRefused("not_ics", reason="no VCALENDAR")
    vevents = [c for c in cal.subcomponents if c.name == "VEVENT"]
    if not vevents:
        raise IcsRefused("no_events")
    if len(vevents) > MAX_EVENTS:
        raise IcsRefused("too_many", count=len(vevents), max=MAX_EVENTS)
    zone = _text(cal, "X-WR-TIMEZONE") or None
    return IcsFile(tuple(_read_event(i, c) for i, c in enumerate(vevents, 1)), zone)


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0][:120]


def _text(component: Component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):  # a property given twice: the first counts
        value = value[0] if value else None
    return "" if value is None else str(value)[:_TEXT_MAX]


def _read_event(index: int, vevent: Component) -> IcsEvent:
    uid, title = _text(vevent, "UID").strip(), _text(vevent, "SUMMARY")
    base = IcsEvent(index, uid, title, _text(vevent, "LOCATION"))
    try:
        start, zone = _start(vevent)
        length = _length(vevent, start)
    except IcsRefused as refused:
        return _with(base, problem=refused.problem)
    if zone is None and uid.endswith(f"@{UID_DOMAIN}") and _is_utc(start):
        zone = "UTC"  # our own event kept in UTC; a foreign UTC time says nothing of a zone
    topics_text = _text(vevent, TOPICS_PROP)
    topics = tuple(p.strip() for p in topics_text.split(",") if p.strip()) if topics_text else None
    recurring = any(name in vevent for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    cancelled = _text(vevent, "STATUS").upper() == "CANCELLED"
    return _with(base, start=start, zone=zone, length=length, topics=topics,
                 recurring=recurring, cancelled=cancelled)


def _is_utc(start: date | datetime | None) -> bool:
    return isinstance(start, datetime) and start.tzinfo is not None and \
        start.utcoffset() == timedelta(0)


def _with(base: IcsEvent, **changes: Any) -> IcsEvent:
    fields = {name: getattr(base, name) for name in IcsEvent.__dataclass_fields__}
    return IcsEvent(**{**fields, **changes})


def _decoded(vevent: Component, name: str) -> Any:
    if name not in vevent:
        return None
    if any(prop == name for prop, _ in vevent.errors):
        raise IcsRefused("unreadable", prop=name)
    try:
        return vevent.decoded(name)
    except Exception:  # noqa: BLE001 - a value icalendar cannot decode is unreadable
        raise IcsRefused("unreadable", prop=name) from None


def _start(vevent: Component) -> tuple[date | datetime | None, str | None]:
    start = _decoded(vevent, "DTSTART")
    if start is None:
        return None, None
    if not isinstance(start, date):
        raise IcsRefused("unreadable", prop="DTSTART")
    tzid = vevent["DTSTART"].params.get("TZID")
    if isinstance(start, datetime) and start.tzinfo is None and tzid:
        raise IcsRefused("unknown_zone", zone=str(tzid)[:60])
    if isinstance(start, datetime) and isinstance(start.tzinfo, ZoneInfo):
        key = start.tzinfo.key
        return start, None if key.upper() in ("UTC", "ETC/UTC") else key
    return start, None


def _length(vevent: Component, start: date | datetime | None) -> timedelta | None:
    end, duration = _decoded(vevent, "DTEND"), _decoded(vevent, "DURATION")
    if end is not None and start is not None:
        if not isinstance(end, date) or isinstance(end, datetime) != isinstance(start, datetime):
            raise IcsRefused("unreadable", prop="DTEND")
        try:
            return end - start
        except TypeError:  # one of them floating, the other in a zone
            raise IcsRefused("unreadable", prop="DTEND") from None
    if duration is not None:
        if not isinstance(duration, timedelta):
            raise IcsRefused("unreadable", prop="DURATION")
        return duration
    return None
