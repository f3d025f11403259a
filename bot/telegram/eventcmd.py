"""The operators' /event command: list the events, move one (announced to its followers
with the updated calendar file) or add one. Changes are stored as event overrides and
applied to the running config at once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from telegram import Update
from telegram.ext import ContextTypes

from bot.config import Config, EventSpec
from bot.delivery.html import cut, esc
from bot.i18n import t, tn
from bot.model import EventOverride
from bot.services import Services
from bot.store import Store
from bot.summit.calendar import with_event_changes
from bot.summit.icsimport import move_announcements
from bot.telegram.chats import Where, command, command_arg, reply
from bot.telegram.guard import is_bot_admin
from bot.telegram.replies import events_text

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Refusal(Exception):
    """A request that changes nothing; `text` (HTML) says why, "" for plain usage."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.text = text


def parse_day(value: str) -> date | None:
    """A strict YYYY-MM-DD date (fromisoformat alone would also take 20250304)."""
    if not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _find(config: Config, event_id: str) -> EventSpec | None:
    return next((e for e in config.events if e.id == event_id), None)


def _today_in(zone: str | None, now: datetime) -> date:
    try:
        return now.astimezone(ZoneInfo(zone or "UTC")).date()
    except (ValueError, KeyError):  # a bad zone is reported by the full validation later
        return now.date()


def _check_day(lang: str, value: str, zone: str | None, now: datetime) -> date:
    day = parse_day(value)
    if day is None:
        raise Refusal(t(lang, "event_bad_date", value=esc(cut(value, 40))))
    if day < _today_in(zone, now):
        raise Refusal(t(lang, "event_past_date", date=day.isoformat()))
    return day


def _validation_reason(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"])
        message = str(e["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return esc(cut("; ".join(parts), 300))


def _stored_override(store: Store, event_id: str) -> EventOverride | None:
    return next((o for o in store.event_overrides() if o.event_id == event_id), None)


async def move_event(services: Services, lang: str, args: Sequence[str],
                     user_id: int | None) -> str:
    """Move an event to another day: store the override with its announcements (one
    transaction), then switch the running config. Raises Refusal when nothing changes."""
    if len(args) != 2:
        raise Refusal()
    event_id, value = args
    config, now = services.config, services.now()
    event = _find(config, event_id)
    if event is None:
        raise Refusal(t(lang, "event_unknown", event_id=esc(cut(event_id, 60))))
    day = _check_day(lang, value, event.timezone, now)
    if day == event.date:
        return t(lang, "event_same_date", event_id=esc(event.id), date=day.isoformat())
    moved_config = with_event_changes(config, [(event.id, {"date": day})])
    moved = _find(moved_config, event.id)
    if moved is None or moved.date != day:
        raise Refusal(t(lang, "event_invalid", reason=day.isoformat()))
    store, db = services.store, services.db
    # An event added in chat lives only in its override: keep its other fields.
    before = await db(_stored_override, store, event.id) or EventOverride(event.id)
    override = dataclasses.replace(before, date=day, updated_at=None, updated_by=user_id,
                                   sequence=before.sequence + 1)  # calendar apps update it
    notices = await db(move_announcements, store, moved_config, moved, event.date,
                       override.sequence, now)
    queued = await db(store.save_event_override, override, now=now, notices=notices)
    # Applied to the config as it is now: another change may have landed while we waited.
    services.config = with_event_changes(services.config, [(event.id, {"date": day})])
    services.outbox_changed()
    return t(lang, "event_moved", title=esc(moved.title), event_id=esc(moved.id),
             old=event.date.isoformat(), new=day.isoformat(),
             chats=tn(lang, "chats", len(queued)))


def _topics(lang: str, config: Config, value: str | None) -> tuple[str, ...]:
    known = [tp.id for tp in config.topics]
    if value is None or not value.strip():
        return tuple(known)
    wanted = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
    unknown = [tid for tid in wanted if tid not in known]
    if unknown:
        raise Refusal(t(lang, "event_unknown_topics", topics=esc(cut(", ".join(unknown), 200)),
                        known=esc(", ".join(known)) or "—"))
    return wanted


def add_fields(lang: str, config: Config, rest: str, now: datetime) -> tuple[str, dict[str, Any]]:
    """`id | date | zone | location | title [| topics]` as (event id, its fields)."""
    parts = [p.strip() for p in rest.split("|")]
    if len(parts) not in (5, 6):
        raise Refusal()
    event_id, value, zone, location, title = parts[:5]
    if not _SLUG.fullmatch(event_id):
        raise Refusal(t(lang, "event_bad_id", event_id=esc(cut(event_id, 60))))
    if _find(config, event_id) is not None:
        raise Refusal(t(lang, "event_exists", event_id=esc(event_id)))
    day = _check_day(lang, value, zone, now)
    topics = _topics(lang, config, parts[5] if len(parts) == 6 else None)
    fields: dict[str, Any] = {"title": title, "date": day, "timezone": zone,
                              "location": location, "topics": topics}
    try:
        EventSpec.model_validate({**fields, "id": event_id})
    except ValidationError as err:
        raise Refusal(t(lang, "event_invalid", reason=_validation_reason(err))) from None
    return event_id, fields


async def add_event(services: Services, lang: str, rest: str, user_id: int | None) -> str:
    """Add an event: validated exactly as the config applies overrides, then stored."""
    config, now = services.config, services.now()
    event_id, fields = add_fields(lang, config, rest, now)
    added_config = with_event_changes(config, [(event_id, fields)])
    event = _find(added_config, event_id)
    if event is None:  # with_event_changes skips what does not validate
        raise Refusal(t(lang, "event_invalid", reason=esc(event_id)))
    await services.db(services.store.save_event_override, EventOverride(
        event_id, title=event.title, date=event.date, timezone=event.timezone,
        location=event.location, topics=event.topics, updated_by=user_id), now=now)
    services.config = with_event_changes(services.config, [(event_id, fields)])
    return t(lang, "event_added", title=esc(event.title), event_id=esc(event.id),
             date=event.date.isoformat(), location=esc(event.location) or "—",
             timezone=esc(event.timezone), topics=esc(", ".join(event.topics)) or "—")


@command()
async def event(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                place: Where) -> None:
    """/event, /event move <id> <date>, /event add <id> | <date> | <zone> | <where> | <title>."""
    lang, user = place.lang, update.effective_user
    if not is_bot_admin(user, services.settings.admin_ids):
        await reply(update, t(lang, "bot_admins_only"))
        return
    arg = command_arg(update.effective_message)
    action, _, rest = arg.partition(" ")
    user_id = user.id if user else None
    try:
        if action.lower() == "move":
            text = await move_event(services, lang, rest.split(), user_id)
        elif action.lower() == "add":
            text = await add_event(services, lang, rest, user_id)
        else:
            text = events_text(lang, services.config.events)
    except Refusal as refusal:  # the usage and the events follow every refusal
        listing = events_text(lang, services.config.events)
        text = f"{refusal.text}\n\n{listing}" if refusal.text else listing
    await reply(update, text)
