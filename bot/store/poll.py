"""Inside one poll commit's transaction: what routing reads (who listens, which alerts they
hold about a story, who holds a notice, the topic statuses) and how its plan is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.model import NewAlert, TopicStatusRow
from bot.model.routing import (
    Audience,
    HeldStory,
    Inserted,
    Listener,
    NoticeEdit,
    PollPlan,
    StoryEdit,
)
from bot.store.base import chunked, utcnow
from bot.store.db import insert_ignore, lock_keys
from bot.store.mutes import running_mutes_in
from bot.store.notices import enqueue_notices_in
from bot.store.queue import pending_row, reopen_values
from bot.store.schema import entries, notices, outbox, subscribers, topic_follows, watches
from bot.store.statuses import add_timeline_in, read_statuses, save_topic_statuses_in

ROWS_PER_INSERT = 200  # well under SQLite's and PostgreSQL's bound-parameter limits
# pg_advisory_xact_lock namespace of story clusters: writers adding to one story's alerts
# take turns, so two feeds reporting it at once never give a chat two messages.
CLUSTER_LOCK = 741102


@dataclass
class PollTx:
    """The `PollView` a planner reads, over the commit's own connection."""

    conn: Connection
    inserted: Mapping[str, Inserted]
    now: datetime | None = None  # when topic mutes are judged; None: the clock
    _statuses: dict[str, TopicStatusRow] | None = field(default=None, repr=False)

    def topic_statuses(self) -> dict[str, TopicStatusRow]:
        """Every topic's status, locked for this commit on PostgreSQL."""
        if self._statuses is None:
            self._statuses = read_statuses(self.conn, for_update=True)
        return dict(self._statuses)

    def audience(self, watch_ids: Iterable[int]) -> Audience:
        """Active chats, their unfollowed and muted topics, and which of `watch_ids` still
        exist."""
        rows = self.conn.execute(select(subscribers.c.id, subscribers.c.kind)
                                 .where(subscribers.c.active.is_(True)))
        active = {sub: kind for sub, kind in rows}
        off: dict[int, set[str]] = {}
        unfollowed = select(topic_follows.c.subscriber_id, topic_follows.c.topic_id).where(
            topic_follows.c.following.is_(False))
        for sub, topic in self.conn.execute(unfollowed):
            off.setdefault(sub, set()).add(topic)
        muted = running_mutes_in(self.conn, active, utcnow(self.now))
        listeners = {sub: Listener(sub, frozenset(off.get(sub, ())), kind == "console",
                                   muted.get(sub, frozenset()))
                     for sub, kind in active.items()}
        live: set[int] = set()
        for part in chunked(sorted(set(watch_ids))):
            stmt = select(watches.c.id).where(watches.c.id.in_(part),
                                              watches.c.subscriber_id.in_(active))
            live.update(self.conn.execute(stmt).scalars())
        return Audience(listeners, frozenset(live))

    def held_stories(self, cluster_ids: Iterable[int]) -> dict[tuple[int, int], HeldStory]:
        """The alert each chat holds about each story, after locking the stories."""
        clusters = sorted(set(cluster_ids))
        lock_keys(self.conn, CLUSTER_LOCK, clusters)
        found: dict[tuple[int, int], HeldStory] = {}
        for part in chunked(clusters):
            stmt = (select(outbox.c.id, outbox.c.subscriber_id, outbox.c.cluster_id,
                           outbox.c.why, entries.c.publisher)
                    .join_from(outbox, entries, entries.c.id == outbox.c.entry_id, isouter=True)
                    .where(outbox.c.cluster_id.in_(part)).order_by(outbox.c.id))
            for row_id, sub, cluster, why, publisher in self.conn.execute(stmt):
                found.setdefault((sub, cluster),
                                 HeldStory(row_id, sub, cluster, publisher or "", dict(why or {})))
        return found

    def notice_holders(self, keys: Iterable[str]) -> dict[str, frozenset[int]]:
        """For each notice key, the chats holding that notice (in any state)."""
        found: dict[str, set[int]] = {}
        for part in chunked(sorted(set(keys))):
            stmt = select(notices.c.key, notices.c.subscriber_id).where(notices.c.key.in_(part))
            for key, sub in self.conn.execute(stmt):
                found.setdefault(key, set()).add(sub)
        return {key: frozenset(subs) for key, subs in found.items()}


@dataclass(frozen=True, slots=True)
class Applied:
    """What writing one plan did."""

    outbox_ids: tuple[int, ...] = ()
    outbox_updated: tuple[int, ...] = ()
    notice_ids: tuple[int, ...] = ()
    notices_updated: int = 0
    topics_saved: int = 0
    timeline_added: int = 0


def apply_plan(conn: Connection, plan: PollPlan, inserted: Mapping[str, Inserted],
               now: datetime) -> Applied:
    """Write a plan inside the commit's transaction; alerts only on entries it inserted."""
    entry_ids = {key: ins.id for key, ins in inserted.items()}
    return Applied(
        outbox_ids=tuple(_insert_alerts(conn, plan.alerts, inserted, now)),
        outbox_updated=tuple(_edit_stories(conn, plan.story_edits, now)),
        notice_ids=tuple(enqueue_notices_in(conn, plan.notices, now)),
        notices_updated=sum(edit_notice(conn, edit, now) for edit in plan.notice_edits),
        topics_saved=save_topic_statuses_in(conn, plan.topic_updates, now),
        timeline_added=add_timeline_in(conn, plan.timeline, entry_ids),
    )


def _insert_alerts(conn: Connection, alerts: Sequence[NewAlert],
                   inserted: Mapping[str, Inserted], now: datetime) -> list[int]:
    """New outbox rows, one per (subscriber, entry); ids in the order given."""
    values = [pending_row(now, subscriber_id=a.subscriber_id, entry_id=inserted[a.entry_key].id,
                          cluster_id=inserted[a.entry_key].cluster_id, why=a.why)
              for a in alerts if a.entry_key in inserted]
    new_ids: dict[tuple[int, int], int] = {}
    for part in chunked(values, ROWS_PER_INSERT):
        stmt = insert_ignore(conn, outbox, ["subscriber_id", "entry_id"]).values(list(part))
        returned = stmt.returning(outbox.c.id, outbox.c.subscriber_id, outbox.c.entry_id)
        new_ids.update({(sub, entry): id_ for id_, sub, entry in conn.execute(returned)})
    pairs = dict.fromkeys((v["subscriber_id"], v["entry_id"]) for v in values)
    return [new_ids[p] for p in pairs if p in new_ids]


def _edit_stories(conn: Connection, edits: Sequence[StoryEdit], now: datetime) -> list[int]:
    """A held alert gains reports: a sent one goes back to pending, to be edited."""
    for edit in edits:
        conn.execute(update(outbox).where(outbox.c.id == edit.row_id)
                     .values(why=edit.why, **reopen_values(outbox, now)))
    return [edit.row_id for edit in edits]


def edit_notice(conn: Connection, edit: NoticeEdit, now: datetime) -> int:
    """The holders' copies of a notice take the new payload (sent ones are edited)."""
    stmt = (update(notices)
            .where(notices.c.key == edit.key, notices.c.subscriber_id.in_(edit.subscriber_ids))
            .values(payload=edit.payload, **reopen_values(notices, now)))
    return int(conn.execute(stmt).rowcount)
