"""Subscribers' watched queries and their explicit topic follow/unfollow choices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from bot.model import Watch
from bot.store.audience import bump_audience
from bot.store.base import StoreBase, chunked, record, utcnow
from bot.store.db import insert_ignore, upsert
from bot.store.errors import DuplicateWatchError
from bot.store.schema import subscribers, topic_follows, watches


def _row_to_watch(m: Mapping[Any, Any]) -> Watch:
    return record(Watch, m)


class WatchesRepo(StoreBase):
    """Watches and topic follows."""

    def add_watch(self, subscriber_id: int, query: str, *, now: datetime | None = None) -> Watch:
        """Store a watch; raises DuplicateWatchError if this subscriber has the same query."""
        values = {"subscriber_id": subscriber_id, "query": query, "created_at": utcnow(now)}
        with self._write() as conn:
            ins = insert_ignore(conn, watches, ["subscriber_id", "query"]).values(values)
            row = conn.execute(ins.returning(*watches.c)).first()
            if row is not None:
                bump_audience(conn)
        if row is None:
            raise DuplicateWatchError(query)
        return _row_to_watch(row._mapping)

    def remove_watch(self, subscriber_id: int, query_or_id: str | int) -> bool:
        """Remove a subscriber's watch by its id or exact query; False if none matched."""
        if isinstance(query_or_id, int):
            cond = watches.c.id == query_or_id
        else:
            cond = watches.c.query == query_or_id
        stmt = delete(watches).where(watches.c.subscriber_id == subscriber_id, cond)
        with self._write() as conn:
            removed = conn.execute(stmt).rowcount > 0
            if removed:
                bump_audience(conn)
            return removed

    def list_watches(self, subscriber_id: int) -> list[Watch]:
        stmt = select(watches).where(watches.c.subscriber_id == subscriber_id).order_by(watches.c.id)
        with self._read() as conn:
            return [_row_to_watch(row._mapping) for row in conn.execute(stmt)]

    def count_watches(self, subscriber_id: int) -> int:
        stmt = select(func.count()).select_from(watches).where(
            watches.c.subscriber_id == subscriber_id
        )
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def all_active_watches(self) -> list[Watch]:
        """Watches of active subscribers (muted ones included: their alerts are held)."""
        stmt = (
            select(watches)
            .join(subscribers, subscribers.c.id == watches.c.subscriber_id)
            .where(subscribers.c.active.is_(True))
            .order_by(watches.c.id)
        )
        with self._read() as conn:
            return [_row_to_watch(row._mapping) for row in conn.execute(stmt)]

    def active_watch_keys(self) -> set[tuple[int, int]]:
        """(subscriber id, watch id) of every watch of an active subscriber: what a running
        matcher compares with its own to add and drop only the difference."""
        stmt = (select(watches.c.subscriber_id, watches.c.id)
                .join(subscribers, subscribers.c.id == watches.c.subscriber_id)
                .where(subscribers.c.active.is_(True)))
        with self._read() as conn:
            return {(int(sub), int(wid)) for sub, wid in conn.execute(stmt)}

    def watches_by_id(self, ids: Iterable[int]) -> list[Watch]:
        wanted = list(ids)
        found: list[Watch] = []
        with self._read() as conn:
            for part in chunked(wanted):
                stmt = select(watches).where(watches.c.id.in_(part)).order_by(watches.c.id)
                found += [_row_to_watch(row._mapping) for row in conn.execute(stmt)]
        return found

    def set_following(
        self, subscriber_id: int, topic_id: str, following: bool, *, now: datetime | None = None
    ) -> None:
        """Record an explicit follow/unfollow of one topic."""
        values = {
            "subscriber_id": subscriber_id,
            "topic_id": topic_id,
            "following": following,
            "updated_at": utcnow(now),
        }
        with self._write() as conn:
            conn.execute(
                upsert(
                    conn, topic_follows, values, ["subscriber_id", "topic_id"],
                    ["following", "updated_at"],
                )
            )
            bump_audience(conn)

    def followed_topics(self, subscriber_id: int, all_topic_ids: Sequence[str]) -> list[str]:
        """The topics of `all_topic_ids` (in that order) the subscriber follows; default yes."""
        stmt = select(topic_follows.c.topic_id).where(
            topic_follows.c.subscriber_id == subscriber_id, topic_follows.c.following.is_(False)
        )
        with self._read() as conn:
            unfollowed = set(conn.execute(stmt).scalars())
        return [t for t in all_topic_ids if t not in unfollowed]

    def followers_by_topic(self, topic_ids: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """For each topic, the ids of active subscribers following it (for fan-out)."""
        wanted = list(dict.fromkeys(topic_ids))
        active = select(subscribers.c.id).where(subscribers.c.active.is_(True))
        with self._read() as conn:
            sub_ids = tuple(conn.execute(active.order_by(subscribers.c.id)).scalars())
            unfollowed: set[tuple[str, int]] = set()
            for part in chunked(wanted):
                stmt = select(topic_follows.c.topic_id, topic_follows.c.subscriber_id).where(
                    topic_follows.c.topic_id.in_(part), topic_follows.c.following.is_(False)
                )
                unfollowed.update((t, s) for t, s in conn.execute(stmt))
        return {t: tuple(s for s in sub_ids if (t, s) not in unfollowed) for t in wanted}

    def followers_of_any(self, topic_ids: Sequence[str]) -> list[int]:
        """Active subscribers following at least one of `topic_ids` (all active subscribers
        when there are none): who follows an event, for the calendar and /event."""
        if not topic_ids:
            with self._read() as conn:
                active = select(subscribers.c.id).where(subscribers.c.active.is_(True))
                return list(conn.execute(active.order_by(subscribers.c.id)).scalars())
        by_topic = self.followers_by_topic(topic_ids)
        return sorted({sub for subs in by_topic.values() for sub in subs})
