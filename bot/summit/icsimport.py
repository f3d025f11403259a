"""Calendar files in use: the running bot's events as one .ics (`/calendar`, `python -m bot
calendar --ics`), a moved event's updated .ics for each follower, and an operator's .ics
imported the way /event adds and moves events: all or nothing, moves announced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.config import Config, EventSpec
from bot.model import EventOverride, NewNotice, NoticeAttachment
from bot.services import Services
from bot.store import Store
from bot.summit.calendar import with_event_changes
from bot.summit.ics import (
    MAX_BYTES,
    MIME_TYPE,
    IcsRefused,
    calendar_bytes,
    calendar_filename,
    parse_calendar,
)
from bot.summit.icsplan import IcsProblem, ImportPlan, PlannedEvent, plan_import
from bot.summit.jobs import event_followers, moved_notices


def _titles(config: Config) -> dict[str, str]:
    return {tp.id: tp.title for tp in config.topics}


def event_sequences(store: Store) -> dict[str, int]:
    """Each event's calendar SEQUENCE: 0 unless an operator moved it."""
    return {ov.event_id: ov.sequence for ov in store.event_overrides()}


def calendar_file(services: Services, lang: str) -> bytes:
    """Every event the bot tracks (config and operators' changes) with its reminders."""
    config = services.config
    return calendar_bytes(config.events, lang=lang, now=services.now(),
                          sequences=event_sequences(services.store),
                          topic_titles=_titles(config))


def event_attachment(config: Config, event: EventSpec, sequence: int, lang: str,
                     now: datetime) -> NoticeAttachment:
    """One event's .ics, to be sent with the notice that it moved."""
    data = calendar_bytes([event], lang=lang, now=now, sequences={event.id: sequence},
                          topic_titles=_titles(config))
    return NoticeAttachment(calendar_filename(event.id), MIME_TYPE, data.decode("utf-8"))


def move_announcements(store: Store, config: Config, moved: EventSpec, old: date,
                       sequence: int, now: datetime) -> list[NewNotice]:
    """The "event moved" notice for each follower of `moved` (as it is now), each with the
    updated calendar in the follower's language."""
    followers = event_followers(store, moved)
    if not followers:
        return []
    langs = {sub.id: sub.lang for sub in store.active_subscribers()}
    files: dict[str, NoticeAttachment] = {}
    for lang in {langs.get(sub, "en") for sub in followers}:
        files[lang] = event_attachment(config, moved, sequence, lang, now)
    return moved_notices(followers, moved, old,
                         {sub: files[langs.get(sub, "en")] for sub in followers})


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the plan (every event's fate, or the problems that refused
    it), a problem with the file as a whole, and how many chats hear of a move."""

    plan: ImportPlan
    refused: IcsProblem | None = None
    announced: int = 0  # chats with a new "event moved" notice
    # The (event id, fields) applied, for a caller that switches the running config itself.
    changes: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def applied(self) -> bool:
        return self.refused is None and not self.plan.problems and bool(self.plan.changes)


def _override(planned: PlannedEvent, before: EventOverride | None,
              user_id: int | None) -> EventOverride:
    """The stored change. An existing event's SEQUENCE goes up with any change to it (a
    new time zone moves DTSTART too), so calendar apps take the new version."""
    sequence = (before.sequence if before else 0) + (planned.action != "add")
    return EventOverride(planned.event_id, title=planned.title, date=planned.day,
                         timezone=planned.timezone, location=planned.location,
                         topics=planned.topics, updated_by=user_id, sequence=sequence)


def too_big(size: int) -> ImportResult:
    """A file refused unread for its size (a chat upload's declared size, a file's size)."""
    return ImportResult(ImportPlan(), IcsProblem("too_big", {"size": size // 1000,
                                                             "max": MAX_BYTES // 1000}))


def import_calendar(services: Services, data: bytes, user_id: int | None, *,
                    switch_config: bool = True) -> ImportResult:
    """Add, move and update events from an .ics, in one transaction with the announcements
    of the moves; nothing at all changes when any event has a problem. Off the event loop,
    pass `switch_config=False` and apply `changes` to the running config on the loop."""
    try:
        parsed = parse_calendar(data)
    except IcsRefused as refused:
        return ImportResult(ImportPlan(), refused.problem)
    now, config, store = services.now(), services.config, services.store
    plan = plan_import(parsed, config, now)
    if plan.problems or not plan.changes:
        return ImportResult(plan)
    changes = tuple((p.event_id, p.fields()) for p in plan.changes)
    changed = with_event_changes(config, list(changes))
    stored = {ov.event_id: ov for ov in store.event_overrides()}
    overrides = [_override(p, stored.get(p.event_id), user_id) for p in plan.changes]
    notices: list[NewNotice] = []
    for planned, override in zip(plan.changes, overrides, strict=True):
        event = _event(changed, planned.event_id)
        if planned.action == "move" and planned.old_date is not None:
            notices += move_announcements(store, changed, event, planned.old_date,
                                          override.sequence, now)
    queued = store.save_event_overrides(overrides, now=now, notices=notices)
    if switch_config:
        services.config = changed
    services.outbox_changed()
    chats = len({n.subscriber_id for n in notices}) if queued else 0
    return ImportResult(plan, announced=chats, changes=changes)


def _event(config: Config, event_id: str) -> EventSpec:
    found = next((e for e in config.events if e.id == event_id), None)
    if found is None:  # the plan validated each change exactly as with_event_changes does
        raise AssertionError(f"planned event {event_id} did not apply")
    return found

