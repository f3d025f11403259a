"""What importing an operator's calendar file would do: each event read from the .ics is
added, moved, updated, left unchanged or skipped, or the file is refused with its problems
(then nothing changes). Pure: the parsed file, the config and `now` come in."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from bot.config import Config, EventSpec

UID_DOMAIN = "summit-watch"  # our own UIDs are `<event id>@summit-watch`
MAX_DAYS = 7  # an event is a day; a summit of a few days is dated by its first
MAX_AHEAD = timedelta(days=5 * 366)  # further ahead is a typo, not a plan
TITLE_MAX = 200
LOCATION_MAX = 200
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SLUG_MAX = 48
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Action = Literal["add", "move", "update", "unchanged", "past", "cancelled"]
CHANGES: tuple[Action, ...] = ("add", "move", "update")


@dataclass(frozen=True, slots=True)
class IcsProblem:
    """Why a file or one of its events cannot be imported: an i18n key (`ics_` + key)
    and the values it names, so each caller words it in its own language."""

    key: str
    values: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IcsEvent:
    """One VEVENT as read from a file, before any judgement."""

    index: int  # 1-based position among the file's events
    uid: str
    title: str
    location: str = ""
    start: date | datetime | None = None  # a datetime may be naive (floating) or aware
    zone: str | None = None  # the IANA zone its TZID names; None for dates, UTC, floating
    length: timedelta | None = None  # DTEND - DTSTART, or DURATION
    topics: tuple[str, ...] | None = None  # our own X-SUMMIT-WATCH-TOPICS
    recurring: bool = False
    cancelled: bool = False
    problem: IcsProblem | None = None  # set when a property could not be read


@dataclass(frozen=True, slots=True)
class IcsFile:
    events: tuple[IcsEvent, ...]
    zone: str | None = None  # X-WR-TIMEZONE, when it is an IANA name


@dataclass(frozen=True, slots=True)
class PlannedEvent:
    """What the import does with one event, and the event as it will be."""

    action: Action
    event_id: str
    title: str
    day: date  # the event day, in `timezone`
    timezone: str
    location: str
    topics: tuple[str, ...]
    old_date: date | None = None  # a move: the day it leaves

    def fields(self) -> dict[str, object]:
        """As `EventSpec` fields (and `with_event_changes` takes them)."""
        return {"title": self.title, "date": self.day, "timezone": self.timezone,
                "location": self.location, "topics": self.topics}


@dataclass(frozen=True, slots=True)
class ImportPlan:
    events: tuple[PlannedEvent, ...] = ()
    # (event index, its title or uid, the problem); any problem refuses the whole file.
    problems: tuple[tuple[int, str, IcsProblem], ...] = ()

    @property
    def changes(self) -> list[PlannedEvent]:
        return [e for e in self.events if e.action in CHANGES]


def event_id_for(uid: str, title: str, start: date | None) -> str:
    """The event id an imported UID becomes, the same at every import of the file: our own
    `<id>@summit-watch` gives the id back; another UID its slug, or a hash when too long."""
    local, at, domain = uid.partition("@")
    if at and domain == UID_DOMAIN and _SLUG.fullmatch(local):
        return local
    seed = uid or f"{title} {start.isoformat() if start else ''}"
    slug = re.sub(r"[^a-z0-9]+", "-", seed.lower()).strip("-")
    if slug and len(slug) <= _SLUG_MAX:
        return slug
    return "ics-" + hashlib.sha256(seed.encode()).hexdigest()[:12]


def clean_text(value: str, limit: int) -> str:
    """One line of at most `limit` characters: no control characters, spaces collapsed."""
    text = " ".join(_CONTROL.sub(" ", value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _zone(name: str | None, fallback: str) -> str:
    """`name` when it is a known IANA zone, else `fallback`."""
    if not name:
        return fallback
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback
    return name


def _day_and_zone(ev: IcsEvent, fallback: str) -> tuple[date, str]:
    """The event's day in its zone: the TZID's zone, else the file's, else `fallback`."""
    zone = _zone(ev.zone, fallback)
    start = ev.start
    assert start is not None
    if isinstance(start, datetime):
        if start.tzinfo is not None:
            return start.astimezone(ZoneInfo(zone)).date(), zone
        return start.date(), zone  # floating: the wall-clock day wherever it is read
    return start, zone


class _Refused(Exception):
    def __init__(self, key: str, **values: str | int) -> None:
        super().__init__(key)
        self.problem = IcsProblem(key, values)


def _check_shape(ev: IcsEvent) -> None:
    if ev.problem is not None:
        raise _Refused(ev.problem.key, **ev.problem.values)
    if ev.recurring:
        raise _Refused("recurring")
    if ev.start is None:
        raise _Refused("no_start")
    if not ev.title:
        raise _Refused("no_title")
    if ev.length is not None and ev.length < timedelta(0):
        raise _Refused("ends_before_start")
    if ev.length is not None and ev.length > timedelta(days=MAX_DAYS):
        raise _Refused("too_long", days=ev.length.days, max=MAX_DAYS)


def _topics(ev: IcsEvent, config: Config, existing: EventSpec | None) -> tuple[str, ...]:
    if ev.topics is None:  # not our own file: keep what the event had, else all topics
        return existing.topics if existing else tuple(tp.id for tp in config.topics)
    known = {tp.id for tp in config.topics}
    unknown = [tid for tid in ev.topics if tid not in known]
    if unknown:
        raise _Refused("unknown_topics", topics=", ".join(unknown)[:200])
    return tuple(dict.fromkeys(ev.topics))


def _plan_one(ev: IcsEvent, fallback: str, config: Config, now: datetime) -> PlannedEvent:
    _check_shape(ev)
    try:
        day, zone = _day_and_zone(ev, fallback)
    except (OverflowError, ValueError):  # an instant at the end of time, shifted past it
        raise _Refused("bad_date") from None
    event_id = event_id_for(ev.uid, ev.title, day)
    existing = next((e for e in config.events if e.id == event_id), None)
    planned = PlannedEvent("add", event_id, clean_text(ev.title, TITLE_MAX), day, zone,
                           clean_text(ev.location, LOCATION_MAX),
                           _topics(ev, config, existing))
    today = now.astimezone(ZoneInfo(zone)).date()
    if day - today > MAX_AHEAD:
        raise _Refused("too_far", date=day.isoformat(), years=MAX_AHEAD.days // 366)
    if ev.cancelled or day < today:
        return _as(planned, "cancelled" if ev.cancelled else "past")
    base = existing.model_dump() if existing else {}
    try:
        EventSpec.model_validate({**base, **planned.fields(), "id": event_id})
    except ValidationError as err:
        raise _Refused("invalid", reason=str(err.errors()[0]["msg"])[:200]) from None
    if existing is None:
        return planned
    if existing.date != day:
        return _as(planned, "move", old_date=existing.date)
    as_read = {**existing.model_dump(), "title": clean_text(existing.title, TITLE_MAX),
               "location": clean_text(existing.location, LOCATION_MAX)}
    same = all(as_read[k] == v for k, v in planned.fields().items())  # as a file carries it
    return _as(planned, "unchanged" if same else "update")


def _as(planned: PlannedEvent, action: Action, old_date: date | None = None) -> PlannedEvent:
    return PlannedEvent(action, planned.event_id, planned.title, planned.day,
                        planned.timezone, planned.location, planned.topics, old_date)


def plan_import(parsed: IcsFile, config: Config, now: datetime) -> ImportPlan:
    """Judge every event of the file against the running config at `now`. Past and
    cancelled events are skipped; any other problem refuses the whole file."""
    fallback = _zone(parsed.zone, config.timezone)
    events: list[PlannedEvent] = []
    problems: list[tuple[int, str, IcsProblem]] = []
    seen: set[str] = set()
    for ev in parsed.events:
        label = clean_text(ev.title or ev.uid or "?", 80)
        try:
            planned = _plan_one(ev, fallback, config, now)
            if planned.event_id in seen:
                raise _Refused("twice", event_id=planned.event_id)
        except _Refused as refused:
            problems.append((ev.index, label, refused.problem))
            continue
        seen.add(planned.event_id)
        events.append(planned)
    return ImportPlan(tuple(events), tuple(problems))
