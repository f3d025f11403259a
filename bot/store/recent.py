"""Reads over recent entries for summit-day mode: the candidates that rebuild the story
clustering index after a restart, and the entries of a digest period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, select, type_coerce

from bot.model import ClusterRow, StoredEntry
from bot.store.base import StoreBase
from bot.store.entries import row_to_stored_entry
from bot.store.schema import entries


class RecentRepo(StoreBase):
    """Cluster candidates and digest entries."""

    def cluster_candidates(self, since: datetime, limit: int = 5000) -> list[ClusterRow]:
        """Entries first seen at or after `since`, oldest first; past `limit`, the newest."""
        c = entries.c
        stmt = (
            select(c.id, c.cluster_id, c.feed, c.title, c.summary, c.published, c.seen_at,
                   c.lang)
            .where(c.seen_at >= since)
            .order_by(c.seen_at.desc(), c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            rows = [ClusterRow(*row) for row in conn.execute(stmt)]
        rows.reverse()
        return rows

    def entries_between(
        self,
        start: datetime,
        end: datetime,
        *,
        with_topics_only: bool = True,
        limit: int = 500,
    ) -> list[StoredEntry]:
        """Entries first seen in [start, end), oldest first; only those matching a topic
        unless `with_topics_only` is False."""
        stmt = select(entries).where(entries.c.seen_at >= start, entries.c.seen_at < end)
        if with_topics_only:
            # topics is JSON text; an entry with none stores exactly "[]".
            stmt = stmt.where(type_coerce(entries.c.topics, Text) != "[]")
        stmt = stmt.order_by(entries.c.seen_at, entries.c.id).limit(limit)
        with self._read() as conn:
            return [row_to_stored_entry(row._mapping) for row in conn.execute(stmt)]
