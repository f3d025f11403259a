"""Per-topic mutes (the "mute for a day" button under an alert): a chat drops one topic's
alerts until a time; and what the buttons under a chat's alerts act on (`chat_controls`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, delete, select

from bot.model import ChatControls
from bot.store.base import StoreBase, chunked, utcnow
from bot.store.db import upsert
from bot.store.schema import topic_mutes, watches


def running_mutes_in(conn: Connection, subscriber_ids: Iterable[int],
                     now: datetime) -> dict[int, frozenset[str]]:
    """For each of `subscriber_ids` with any, the topics it has muted at `now`."""
    found: dict[int, set[str]] = {}
    for part in chunked(sorted(set(subscriber_ids))):
        stmt = select(topic_mutes.c.subscriber_id, topic_mutes.c.topic_id).where(
            topic_mutes.c.subscriber_id.in_(part), topic_mutes.c.until > now)
        for sub, topic in conn.execute(stmt):
            found.setdefault(sub, set()).add(topic)
    return {sub: frozenset(topics) for sub, topics in found.items()}


def mute_topic_in(conn: Connection, subscriber_id: int, topic_id: str, until: datetime,
                  now: datetime) -> None:
    values = {"subscriber_id": subscriber_id, "topic_id": topic_id, "until": until,
              "updated_at": now}
    conn.execute(upsert(conn, topic_mutes, values, ["subscriber_id", "topic_id"],
                        ["until", "updated_at"]))


def topic_mutes_in(conn: Connection, subscriber_id: int, now: datetime) -> dict[str, datetime]:
    stmt = (select(topic_mutes.c.topic_id, topic_mutes.c.until)
            .where(topic_mutes.c.subscriber_id == subscriber_id, topic_mutes.c.until > now)
            .order_by(topic_mutes.c.topic_id))
    return {topic: until for topic, until in conn.execute(stmt)}


class TopicMutesRepo(StoreBase):
    """Mutes one topic for one chat; lists and lifts them."""

    def mute_topic(self, subscriber_id: int, topic_id: str, until: datetime, *,
                   now: datetime | None = None) -> None:
        """Drop `topic_id`'s alerts to this chat until `until` (replacing an earlier mute)."""
        with self._write() as conn:
            mute_topic_in(conn, subscriber_id, topic_id, until, utcnow(now))

    def topic_mutes(self, subscriber_id: int, *, now: datetime | None = None) -> dict[str, datetime]:
        """The chat's running topic mutes: topic id -> until when, by topic id."""
        with self._read() as conn:
            return topic_mutes_in(conn, subscriber_id, utcnow(now))

    def unmute_topic(self, subscriber_id: int, topic_id: str) -> bool:
        """Lift one topic's mute; False if there was none."""
        stmt = delete(topic_mutes).where(topic_mutes.c.subscriber_id == subscriber_id,
                                         topic_mutes.c.topic_id == topic_id)
        with self._write() as conn:
            return conn.execute(stmt).rowcount > 0

    def unmute_topics(self, subscriber_id: int, *, now: datetime | None = None) -> list[str]:
        """Lift every topic mute of the chat; returns the topics that were muted at `now`."""
        with self._write() as conn:
            running = list(topic_mutes_in(conn, subscriber_id, utcnow(now)))
            conn.execute(delete(topic_mutes).where(topic_mutes.c.subscriber_id == subscriber_id))
        return running

    def chat_controls(self, subscriber_id: int, *, now: datetime | None = None) -> ChatControls:
        """What the buttons under this chat's alerts act on, read in one transaction."""
        stmt = select(watches.c.query, watches.c.id).where(
            watches.c.subscriber_id == subscriber_id)
        with self._read() as conn:
            mutes = topic_mutes_in(conn, subscriber_id, utcnow(now))
            live = {query: watch_id for query, watch_id in conn.execute(stmt)}
        return ChatControls(mutes, live)
