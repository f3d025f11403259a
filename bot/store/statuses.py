"""Tracked topics' signing status (one row per topic) and their timeline of status steps.

Both are written by `commit_poll`, in the transaction that records the reporting entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, select

from bot.model import Status, TimelineRow, TopicStatusRow
from bot.store.base import StoreBase, record
from bot.store.db import upsert
from bot.store.schema import entries, topic_status, topic_timeline

_STATUS_COLUMNS = ("status", "since", "sources", "confirmed", "updated_at")


def save_topic_statuses_in(
    conn: Connection, rows: Sequence[TopicStatusRow], now: datetime
) -> int:
    """Upsert each topic's status inside the caller's transaction; returns rows written.
    Topic order is fixed so two writers lock the rows in the same order."""
    latest = {row.topic_id: row for row in rows}  # the last given for a topic wins
    for topic_id in sorted(latest):
        row = latest[topic_id]
        values = {
            "topic_id": row.topic_id,
            "status": row.status,
            "since": row.since,
            "sources": list(row.sources),
            "confirmed": row.confirmed,
            "updated_at": now,
        }
        conn.execute(upsert(conn, topic_status, values, ["topic_id"], _STATUS_COLUMNS))
    return len(latest)


def add_timeline_in(
    conn: Connection, rows: Sequence[TimelineRow], entry_ids: Mapping[str, int]
) -> int:
    """Append timeline steps inside the caller's transaction. A step naming an `entry_key`
    that is not in `entry_ids` (not inserted by this commit) is dropped, as its alerts are:
    the commit that did insert the entry recorded it. Returns steps added."""
    values = [
        {
            "topic_id": row.topic_id,
            "status": row.status,
            "at": row.at,
            "source": row.source,
            "entry_id": entry_ids[row.entry_key] if row.entry_key is not None else row.entry_id,
            "title": row.title,
            "link": row.link,
        }
        for row in rows
        if row.entry_key is None or row.entry_key in entry_ids
    ]
    if values:
        conn.execute(topic_timeline.insert(), values)
    return len(values)


def read_statuses(conn: Connection, *, for_update: bool = False) -> dict[str, TopicStatusRow]:
    """Every topic with a stored status, by topic id; `for_update` locks the rows (on
    PostgreSQL) until the caller's transaction ends, so two commits move a status in turn."""
    stmt = select(topic_status).order_by(topic_status.c.topic_id)
    if for_update:
        stmt = stmt.with_for_update()
    return {r.topic_id: _row_to_status(r._mapping) for r in conn.execute(stmt)}


def _row_to_status(m: Mapping[Any, Any]) -> TopicStatusRow:
    return record(TopicStatusRow, m, sources=tuple(m["sources"] or ()),
                  confirmed=bool(m["confirmed"]))


class StatusesRepo(StoreBase):
    """Reads topic statuses and timelines (writes go through `commit_poll`)."""

    def topic_statuses(self) -> dict[str, TopicStatusRow]:
        """Every topic with a stored status, by topic id."""
        with self._read() as conn:
            return read_statuses(conn)

    def timeline(self, topic_id: str, limit: int = 20) -> list[TimelineRow]:
        """The topic's latest steps, newest first; `entry_key` while the entry is kept."""
        stmt = (
            select(topic_timeline, entries.c.key.label("entry_key"))
            .join_from(
                topic_timeline, entries, entries.c.id == topic_timeline.c.entry_id, isouter=True
            )
            .where(topic_timeline.c.topic_id == topic_id)
            .order_by(topic_timeline.c.at.desc(), topic_timeline.c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            return [
                TimelineRow(
                    topic_id=m["topic_id"],
                    status=cast(Status, m["status"]),
                    at=m["at"],
                    source=m["source"],
                    entry_key=m["entry_key"],
                    title=m["title"],
                    link=m["link"],
                    entry_id=m["entry_id"],
                )
                for m in (row._mapping for row in conn.execute(stmt))
            ]
