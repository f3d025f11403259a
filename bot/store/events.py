"""Events changed by an operator (/event, a calendar import): overrides of a configured
event's title, date, time zone, location and topics, with its calendar SEQUENCE, saved with
their "event moved" notices in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select

from bot.model import EventOverride, NewNotice
from bot.store.base import StoreBase, record, utcnow
from bot.store.db import upsert
from bot.store.notices import enqueue_notices_in
from bot.store.schema import event_overrides

_COLUMNS = ("title", "date", "timezone", "location", "topics", "updated_at", "updated_by",
            "sequence")


def _row_to_override(m: Mapping[Any, Any]) -> EventOverride:
    topics = m["topics"]
    return record(EventOverride, m,
                  date=None if m["date"] is None else date.fromisoformat(m["date"]),
                  topics=None if topics is None else tuple(topics))


def _values(override: EventOverride, stamp: datetime) -> dict[str, Any]:
    return {
        "event_id": override.event_id,
        "title": override.title,
        "date": None if override.date is None else override.date.isoformat(),
        "timezone": override.timezone,
        "location": override.location,
        "topics": None if override.topics is None else list(override.topics),
        "updated_at": stamp,
        "updated_by": override.updated_by,
        "sequence": override.sequence,
    }


class EventsRepo(StoreBase):
    """Stores and lists event overrides."""

    def event_overrides(self) -> list[EventOverride]:
        """Every override, by event id."""
        stmt = select(event_overrides).order_by(event_overrides.c.event_id)
        with self._read() as conn:
            return [_row_to_override(row._mapping) for row in conn.execute(stmt)]

    def save_event_override(
        self,
        override: EventOverride,
        *,
        now: datetime | None = None,
        notices: Sequence[NewNotice] = (),
    ) -> list[int]:
        """Insert or replace the event's override (every field, None included) and enqueue
        `notices` (insert-or-ignore) in the same transaction; returns the new notice ids."""
        return self.save_event_overrides([override], now=now, notices=notices)

    def save_event_overrides(
        self,
        overrides: Sequence[EventOverride],
        *,
        now: datetime | None = None,
        notices: Sequence[NewNotice] = (),
    ) -> list[int]:
        """`save_event_override` for several events at once: all of them and their notices
        are saved in one transaction, or none (a calendar import is all or nothing)."""
        stamp = utcnow(now)
        with self._write() as conn:
            for override in overrides:
                values = _values(override, stamp)
                conn.execute(upsert(conn, event_overrides, values, ["event_id"], _COLUMNS))
            return enqueue_notices_in(conn, notices, stamp) if notices else []

    def delete_event_override(self, event_id: str) -> bool:
        """Back to the configured event; False if it had no override."""
        stmt = delete(event_overrides).where(event_overrides.c.event_id == event_id)
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0
