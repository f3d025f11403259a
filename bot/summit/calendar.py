"""Summit-day decisions: which reminders, alerts and digests are due at `now`, their notice
keys, countdowns, and the plain view data the renderer turns into messages. Pure: no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from bot.config import Config, EventSpec, parse_clock
from bot.model import STATUS_ORDER, Status

# When an event lists no HH:MM reminder, its summit-day alert still goes out at this time.
DEFAULT_ALERT_TIME = time(8, 0)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder of an event. `summit_day` marks the event day's first HH:MM reminder:
    it IS the summit-day alert and shares its notice key, so nobody receives both."""

    event_id: str
    key: str  # the reminder spec as written in the config: "7d", "1d", "08:00"
    at: datetime  # UTC
    day: date  # event-local date of `at`
    on_event_day: bool
    event_date: date
    summit_day: bool = False

    @property
    def notice_key(self) -> str:
        # The event date is part of the key: a moved event's reminders are new notices.
        if self.summit_day:
            return _summit_day_key(self.event_id, self.event_date)
        return f"reminder:{self.event_id}:{self.key}:{self.event_date.isoformat()}"


def _local_day(event: EventSpec, moment: datetime) -> date:
    return moment.astimezone(event.tz).date()


def _summit_day_key(event_id: str, day: date) -> str:
    return f"summit-day:{event_id}:{day.isoformat()}"


def _first_clock_reminder(event: EventSpec) -> str | None:
    clocks = [k for k in event.reminders if not k.endswith("d")]
    return min(clocks, key=parse_clock) if clocks else None


def reminders(event: EventSpec) -> list[Reminder]:
    """Every reminder of the event, earliest first."""
    first_clock = _first_clock_reminder(event)
    return [
        Reminder(
            event_id=event.id,
            key=key,
            at=at,
            day=_local_day(event, at),
            on_event_day=_local_day(event, at) == event.date,
            event_date=event.date,
            summit_day=key == first_clock,
        )
        for key, at in event.reminder_times_utc()
    ]


def due_reminders(events: Iterable[EventSpec], now: datetime) -> list[Reminder]:
    """Reminders whose time has come on the current event-local day, earliest first.

    A reminder missed while the bot was down is still due later that same local day, never
    on a later one (a stale "7 days to go" is worse than none). Sending each only once is
    the store's job, by `Reminder.notice_key`.
    """
    due = [
        r
        for event in events
        for r in reminders(event)
        if r.at <= now and r.day == _local_day(event, now)
    ]
    return sorted(due, key=lambda r: (r.at, r.event_id))


def summit_day_alert_utc(event: EventSpec) -> datetime:
    """When the summit-day alert goes out: the first HH:MM reminder, else 08:00 local."""
    first_clock = _first_clock_reminder(event)
    at = parse_clock(first_clock) if first_clock else DEFAULT_ALERT_TIME
    return datetime.combine(event.date, at).replace(tzinfo=event.tz).astimezone(UTC)


def event_day_alert_due(event: EventSpec, now: datetime) -> bool:
    """`now` is on the event's local day at or after the summit-day alert time.

    True all the rest of that day, so a chat subscribing mid-day still gets the alert.
    """
    return _local_day(event, now) == event.date and now >= summit_day_alert_utc(event)


def summit_day_key(event: EventSpec) -> str:
    return _summit_day_key(event.id, event.date)


def digest_due(event: EventSpec, now: datetime) -> bool:
    """`now` is on the event's local day, at or after its digest time."""
    return _local_day(event, now) == event.date and now >= event.digest_utc()


def digest_key(event: EventSpec) -> str:
    return f"digest:{event.id}:{event.date.isoformat()}"


def countdown_days(event: EventSpec, now: datetime) -> int:
    """Event-local calendar days until the event day: 0 on the day, negative after it."""
    return (event.date - _local_day(event, now)).days


def event_end_utc(event: EventSpec) -> datetime:
    """End (next local midnight) of the event day, in UTC."""
    midnight = datetime.combine(event.date + timedelta(days=1), time(0, 0))
    return midnight.replace(tzinfo=event.tz).astimezone(UTC)


def next_event(events: Iterable[EventSpec], now: datetime) -> EventSpec | None:
    """The soonest event whose local day has not ended at `now` (today's event included)."""
    upcoming = [e for e in events if now < event_end_utc(e)]
    return min(upcoming, key=lambda e: (e.start_utc(), e.id)) if upcoming else None


# ---------------------------------------------------------------- view data


def _as_status(value: str | None) -> Status | None:
    return next((s for s in STATUS_ORDER if s == value), None)


class TopicLine(NamedTuple):
    topic_id: str
    title: str  # the topic's title; its id when the title is unknown
    status: Status | None


@dataclass(frozen=True, slots=True)
class SummitDayView:
    """What the summit-day alert shows; the renderer owns the wording."""

    event_id: str
    title: str
    location: str
    date: date  # the event-local date
    local_time: str  # `now` in the event zone, "YYYY-MM-DD HH:MM"
    timezone: str  # the IANA name, e.g. Europe/Minsk
    countdown: int
    topics: tuple[TopicLine, ...]  # the agreements expected, in the event's topic order


def summit_day_view(
    event: EventSpec,
    topic_titles: Mapping[str, str],
    statuses: Mapping[str, str | None],
    now: datetime,
) -> SummitDayView:
    """`statuses` may come straight from storage: a value that is not a known status reads
    as None (no status yet) rather than failing the alert."""
    lines = tuple(
        TopicLine(tid, topic_titles.get(tid, tid), _as_status(statuses.get(tid)))
        for tid in event.topics
    )
    return SummitDayView(
        event_id=event.id,
        title=event.title,
        location=event.location,
        date=event.date,
        local_time=now.astimezone(event.tz).strftime("%Y-%m-%d %H:%M"),
        timezone=event.timezone,
        countdown=countdown_days(event, now),
        topics=lines,
    )


class DigestEntry(NamedTuple):
    """One matched entry as the digest query returns it."""

    topic_ids: Sequence[str]
    title: str
    link: str | None
    feed: str
    published: datetime | None


@dataclass(frozen=True, slots=True)
class DigestRow:
    title: str
    link: str | None
    feed: str
    published: datetime | None


@dataclass(frozen=True, slots=True)
class DigestGroup:
    topic_id: str
    title: str
    rows: tuple[DigestRow, ...]


_OLDEST = datetime.min.replace(tzinfo=UTC)


def digest_view(
    entries: Iterable[tuple[Sequence[str], str, str | None, str, datetime | None]],
    topic_order: Sequence[str],
    topic_titles: Mapping[str, str],
) -> tuple[DigestGroup, ...]:
    """Entries grouped by topic in `topic_order` (topics without entries are left out),
    newest first (undated last). Within a group one row per link: the same story syndicated
    by two feeds keeps its earliest report. Entries without a link are keyed by title."""
    groups: dict[str, dict[str, DigestRow]] = {tid: {} for tid in topic_order}
    for topic_ids, title, link, feed, published in entries:
        row = DigestRow(title, link, feed, published)
        key = link or f"title:{title.strip().casefold()}"
        for tid in topic_ids:
            seen = groups.get(tid)
            if seen is None:
                continue
            if key not in seen or _earlier(row, seen[key]):
                seen[key] = row
    return tuple(
        DigestGroup(tid, topic_titles.get(tid, tid), _newest_first(rows.values()))
        for tid, rows in groups.items()
        if rows
    )


def _earlier(a: DigestRow, b: DigestRow) -> bool:
    return a.published is not None and (b.published is None or a.published < b.published)


def _newest_first(rows: Iterable[DigestRow]) -> tuple[DigestRow, ...]:
    rows = list(rows)
    dated = sorted((r for r in rows if r.published), key=lambda r: r.published or _OLDEST)
    undated = [r for r in rows if r.published is None]
    return (*reversed(dated), *undated)


def with_event_changes(config: Config, changes: Iterable[tuple[str, Mapping[str, Any]]]) -> Config:
    """`config` with events added or changed: each change is (event id, fields to set).

    A change that no longer validates (say, its topic was removed from the config) is
    skipped, so a stale change can never stop the bot from starting.
    """
    events = {e.id: e for e in config.events}
    topic_ids = {t.id for t in config.topics}
    for event_id, fields in changes:
        base = events.get(event_id)
        data = {**(base.model_dump() if base else {}), **fields, "id": event_id}
        try:
            candidate = EventSpec.model_validate(data)
        except ValueError:
            continue
        if set(candidate.topics) <= topic_ids:
            events[event_id] = candidate
    ordered = tuple(sorted(events.values(), key=lambda e: (e.date, e.id)))
    return config.model_copy(update={"events": ordered})
