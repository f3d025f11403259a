"""Small key/value app state (e.g. last poll time) and the counts behind `/stats`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, func, select

from bot.model import StoreStats
from bot.store.base import StoreBase, utcnow
from bot.store.db import upsert
from bot.store.migrations import current_revision
from bot.store.schema import (
    entries,
    entry_keys,
    feeds,
    meta,
    notices,
    outbox,
    subscribers,
    watches,
)


def _count(conn: Connection, table: Table, *where: object) -> int:
    stmt = select(func.count()).select_from(table)
    for cond in where:
        stmt = stmt.where(cond)  # type: ignore[arg-type]
    return int(conn.execute(stmt).scalar_one())


class MetaRepo(StoreBase):
    """The `meta` table and store-wide statistics."""

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str, *, now: datetime | None = None) -> None:
        values = {"key": key, "value": value, "updated_at": utcnow(now)}
        with self._write() as conn:
            conn.execute(upsert(conn, meta, values, ["key"], ["value", "updated_at"]))

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at."""
        return current_revision(self.engine)

    def stats(self) -> StoreStats:
        with self._read() as conn:
            state, notice = outbox.c.state, notices.c.state
            return StoreStats(
                schema_revision=current_revision(self.engine) or "-",
                feeds=_count(conn, feeds),
                entries=_count(conn, entries),
                entry_keys=_count(conn, entry_keys),
                subscribers_total=_count(conn, subscribers),
                subscribers_active=_count(conn, subscribers, subscribers.c.active.is_(True)),
                watches=_count(conn, watches),
                outbox_pending=_count(conn, outbox, state == "pending"),
                outbox_sent=_count(conn, outbox, state == "sent"),
                outbox_failed=_count(conn, outbox, state == "failed"),
                notices_pending=_count(conn, notices, notice == "pending"),
                notices_sent=_count(conn, notices, notice == "sent"),
                notices_failed=_count(conn, notices, notice == "failed"),
            )
