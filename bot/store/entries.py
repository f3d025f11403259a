"""Seen entries and their identity keys, and `commit_poll`: the atomic write of one poll.

Exactly-once hinges on `commit_poll`: an entry is marked seen (its keys stored) in the SAME
transaction that enqueues its alerts, saves the feed state, and writes what the entries
caused (topic statuses, timeline steps, notices). A crash before the commit leaves the
entry unseen, so the next poll processes it again; a crash after the commit finds its
alerts in the outbox, and the entry is never alerted on again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, select, update

from bot.model import (
    SUMMARY_MAX,
    CommitResult,
    Entry,
    FeedState,
    NewAlert,
    NewEntry,
    NewNotice,
    StoredEntry,
    TimelineRow,
    TopicStatusRow,
)
from bot.store.alerts import ROWS_PER_INSERT, Inserted, enqueue_alerts
from bot.store.base import StoreBase, chunked, record, utcnow
from bot.store.db import insert_ignore
from bot.store.feeds import save_feed_state_in
from bot.store.notices import enqueue_notices_in, update_notices_in
from bot.store.schema import entries, entry_keys, outbox
from bot.store.statuses import add_timeline_in, save_topic_statuses_in


def row_to_stored_entry(m: Mapping[Any, Any], prefix: str = "") -> StoredEntry:
    """Build a StoredEntry from a row mapping whose entry columns carry `prefix`."""
    return record(StoredEntry, m, prefix, entry=record(Entry, m, prefix),
                  topics=tuple(m[prefix + "topics"] or ()))


def _keys_of(new: NewEntry) -> tuple[str, ...]:
    return tuple(dict.fromkeys((new.key, *new.keys)))


def _known_in(conn: Connection, keys: Collection[str]) -> set[str]:
    found: set[str] = set()
    for part in chunked(sorted(keys)):
        stmt = select(entry_keys.c.key).where(entry_keys.c.key.in_(part))
        found.update(conn.execute(stmt).scalars())
    return found


def _entry_values(new: NewEntry, seen_at: datetime) -> dict[str, Any]:
    e = new.entry
    return {
        "key": new.key,
        "feed_url": e.feed_url,
        "feed": e.feed,
        "title": e.title,
        "link": e.link,
        "summary": e.summary[:SUMMARY_MAX],  # feedparse cut it already
        "published": e.published,
        "guid": e.guid,
        "lang": e.lang,
        "seen_at": seen_at,
        "status": new.status,
        "topics": list(new.topics),
        "cluster_id": new.cluster_id,
    }


def _fresh(conn: Connection, new_entries: Sequence[NewEntry]) -> tuple[list[NewEntry], list[str]]:
    """Split into entries none of whose keys is known (first of in-batch twins wins) and
    the primary keys of the rest. Re-checked here, inside the writing transaction."""
    known = _known_in(conn, {k for new in new_entries for k in _keys_of(new)})
    fresh: list[NewEntry] = []
    skipped: list[str] = []
    for new in new_entries:
        keys = _keys_of(new)
        if known.intersection(keys):
            skipped.append(new.key)
        else:
            known.update(keys)
            fresh.append(new)
    return fresh, skipped


def _insert_entries(
    conn: Connection, new_entries: Sequence[NewEntry], seen_at: datetime
) -> tuple[dict[str, Inserted], list[str]]:
    """Insert the fresh entries and all their keys; return them by primary key, and the
    primary keys skipped. An entry starting a story gets its own id as cluster id."""
    fresh, skipped = _fresh(conn, new_entries)
    ids: dict[str, int] = {}
    for part in chunked(fresh, ROWS_PER_INSERT):
        stmt = insert_ignore(conn, entries, ["key"]).values(
            [_entry_values(new, seen_at) for new in part]
        )
        ids.update({key: id_ for id_, key in conn.execute(
            stmt.returning(entries.c.id, entries.c.key))})
    # A primary key missing from `ids` was stored by a concurrent writer first.
    skipped += [new.key for new in fresh if new.key not in ids]
    stored = [new for new in fresh if new.key in ids]
    key_rows = [{"key": k, "entry_id": ids[new.key]} for new in stored for k in _keys_of(new)]
    if key_rows:
        conn.execute(insert_ignore(conn, entry_keys, ["key"]), key_rows)
    starts = [ids[new.key] for new in stored if new.cluster_id is None]
    for id_part in chunked(starts):
        conn.execute(
            update(entries).where(entries.c.id.in_(id_part)).values(cluster_id=entries.c.id)
        )
    inserted = {
        new.key: Inserted(ids[new.key], new.cluster_id or ids[new.key], new.entry)
        for new in stored
    }
    return inserted, skipped


class EntriesRepo(StoreBase):
    """Entries, identity keys, and the poll commit."""

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        """The subset of `keys` already recorded for some entry."""
        with self._read() as conn:
            return _known_in(conn, set(keys))

    def commit_poll(
        self,
        feed_state: FeedState,
        new_entries: Sequence[NewEntry],
        alerts: Sequence[NewAlert],
        *,
        now: datetime | None = None,
        topic_updates: Sequence[TopicStatusRow] = (),
        timeline: Sequence[TimelineRow] = (),
        notices: Sequence[NewNotice] = (),
        notice_updates: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> CommitResult:
        """Record one poll atomically: new entries + all their keys, the alerts on the
        entries inserted by THIS call (others are skipped; a story a subscriber already has
        a row for gains a source instead of a row), the feed state, and what the entries
        caused: topic statuses (upserted), timeline steps (an `entry_key` not inserted now
        drops its step), notices (insert-or-ignore) and notice payload updates.

        Entries with any already-known key are skipped, including duplicates within the
        batch (first wins). Any error rolls everything back. `now` stamps seen_at and the
        outbox rows (defaults to the clock).
        """
        stamp = utcnow(now)
        with self._write() as conn:
            inserted, skipped = _insert_entries(conn, new_entries, stamp)
            outbox_ids, updated, alerts_skipped = enqueue_alerts(conn, alerts, inserted, stamp)
            saved = save_feed_state_in(conn, feed_state, len(inserted))
            topics_saved = save_topic_statuses_in(conn, topic_updates, stamp)
            entry_ids = {key: ins.id for key, ins in inserted.items()}
            timeline_added = add_timeline_in(conn, timeline, entry_ids)
            notice_ids = enqueue_notices_in(conn, notices, stamp)
            notices_updated = sum(
                update_notices_in(conn, key, payload, stamp) for key, payload in notice_updates
            )
        return CommitResult(
            entry_ids=entry_ids,
            skipped_keys=tuple(skipped),
            outbox_ids=tuple(outbox_ids),
            alerts_skipped=alerts_skipped,
            feed_state=saved,
            outbox_updated=tuple(updated),
            topics_saved=topics_saved,
            timeline_added=timeline_added,
            notice_ids=tuple(notice_ids),
            notices_updated=notices_updated,
        )

    def recent_entries(self, since: datetime, limit: int = 200) -> list[StoredEntry]:
        """Entries first seen at or after `since`, newest first."""
        stmt = (
            select(entries)
            .where(entries.c.seen_at >= since)
            .order_by(entries.c.seen_at.desc(), entries.c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            return [row_to_stored_entry(row._mapping) for row in conn.execute(stmt)]

    def get_entry(self, entry_id: int) -> StoredEntry | None:
        with self._read() as conn:
            row = conn.execute(select(entries).where(entries.c.id == entry_id)).first()
        return None if row is None else row_to_stored_entry(row._mapping)

    def prune_entries(self, older_than: datetime) -> int:
        """Delete entries first seen before `older_than`, with their keys and finished
        outbox rows; entries a pending alert still needs are kept. Returns entries deleted.

        Pruned keys are forgotten, so retention must far exceed any feed's window.
        """
        pending = exists().where(
            and_(outbox.c.entry_id == entries.c.id, outbox.c.state == "pending")
        )
        stmt = select(entries.c.id).where(entries.c.seen_at < older_than, ~pending)
        with self._write() as conn:
            ids = list(conn.execute(stmt).scalars())
            for part in chunked(ids):
                conn.execute(delete(outbox).where(outbox.c.entry_id.in_(part)))
                conn.execute(delete(entry_keys).where(entry_keys.c.entry_id.in_(part)))
                conn.execute(delete(entries).where(entries.c.id.in_(part)))
        return len(ids)
