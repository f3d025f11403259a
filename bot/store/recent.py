"""Reads over recent entries for summit-day mode: the candidates that rebuild the story
clustering index after a restart, and the entries of a digest period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Text, and_, or_, select, type_coerce

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
        after: tuple[datetime, int] | None = None,
    ) -> list[StoredEntry]:
        """Up to `limit` entries first seen in [start, end), oldest first, past the
        (seen_at, id) `after` if given; only those matching a topic unless
        `with_topics_only` is False."""
        c = entries.c
        stmt = select(entries).where(c.seen_at >= start, c.seen_at < end)
        if after is not None:
            stmt = stmt.where(or_(c.seen_at > after[0], and_(c.seen_at == after[0], c.id > after[1])))
        if with_topics_only:
            # topics is JSON text; an entry with none stores exactly "[]".
            stmt = stmt.where(type_coerce(c.topics, Text) != "[]")
        stmt = stmt.order_by(c.seen_at, c.id).limit(limit)
        with self._read() as conn:
            return [row_to_stored_entry(row._mapping) for row in conn.execute(stmt)]

    def each_entry_between(self, start: datetime, end: datetime, *, page: int = 500,
                           with_topics_only: bool = True) -> Iterator[StoredEntry]:
        """Every entry first seen in [start, end), oldest first, read `page` at a time (a
        short read transaction each, so a busy day never holds the database)."""
        after: tuple[datetime, int] | None = None
        while True:
            rows = self.entries_between(start, end, with_topics_only=with_topics_only,
                                        limit=page, after=after)
            yield from rows
            if len(rows) < page:
                return
            after = (rows[-1].seen_at, rows[-1].id)
