"""Seen entries and their identity keys, and `commit_poll`: the atomic write of one poll.

Exactly-once hinges on `commit_poll`: an entry is marked seen (its keys stored) in the SAME
transaction that decides and enqueues its alerts, saves the feed state, and writes what the
entries caused (topic statuses, timeline steps, notices). A crash before the commit leaves
the entry unseen, so the next poll processes it again; a crash after the commit finds its
alerts in the outbox, and the entry is never alerted on again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, select, update
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import BindParameter

from bot.model import SUMMARY_MAX, CommitResult, Entry, FeedState, NewEntry, StoredEntry
from bot.model.routing import Inserted, PollPlan, PollView
from bot.store.base import StoreBase, chunked, record, utcnow
from bot.store.db import UTCDateTime, insert_ignore, insert_ignore_for, try_lock_once
from bot.store.feeds import save_feed_state_in
from bot.store.poll import ROWS_PER_INSERT, PollTx, apply_plan
from bot.store.schema import entries, entry_keys, feeds, outbox

# Decides, inside the commit's transaction, what a poll writes besides its entries.
Planner = Callable[[PollView], PollPlan]


def row_to_stored_entry(m: Mapping[Any, Any], prefix: str = "") -> StoredEntry:
    """Build a StoredEntry from a row mapping whose entry columns carry `prefix`."""
    return record(StoredEntry, m, prefix, entry=record(Entry, m, prefix),
                  topics=tuple(m[prefix + "topics"] or ()))


def _keys_of(new: NewEntry) -> tuple[str, ...]:
    return tuple(dict.fromkeys((new.key, *new.keys)))


# The per-feed statements, built once: reused objects keep their memoised cache keys, so
# each execution skips construction and cache-key generation (measurable per feed).
_KEYS: BindParameter[Any] = bindparam("keys", expanding=True)
_KNOWN = select(entry_keys.c.key).where(entry_keys.c.key.in_(_KEYS))
_LISTED = (update(entries)
           .where(entries.c.id.in_(select(entry_keys.c.entry_id).where(entry_keys.c.key.in_(_KEYS))))
           .values(last_listed_at=bindparam("now", type_=UTCDateTime())))
_STORY_STARTS = (update(entries).where(entries.c.id.in_(bindparam("ids", expanding=True)))
                 .values(cluster_id=entries.c.id))


def _known_in(conn: Connection, keys: Collection[str]) -> set[str]:
    found: set[str] = set()
    for part in chunked(sorted(keys)):
        found.update(conn.execute(_KNOWN, {"keys": list(part)}).scalars())
    return found


def _entry_values(new: NewEntry, seen_at: datetime) -> dict[str, Any]:
    e = new.entry
    return {
        "key": new.key,
        "feed_url": e.feed_url,
        "feed": e.feed,
        "publisher": e.publisher,
        "title": e.title,
        "link": e.link,
        "summary": e.summary[:SUMMARY_MAX],  # feedparse cut it already
        "published": e.published,
        "guid": e.guid,
        "lang": e.lang,
        "seen_at": seen_at,
        "last_listed_at": seen_at,
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
    # executemany with RETURNING: SQLAlchemy batches the rows into multi-row INSERTs itself
    # ("insertmanyvalues") from one cached compiled statement; a .values([...]) list would
    # be compiled afresh for every feed (most of the first cycle's recording cost).
    stmt = _insert_returning(conn.dialect.name)
    for part in chunked(fresh, ROWS_PER_INSERT):
        rows = [_entry_values(new, seen_at) for new in part]
        if rows:
            ids.update({key: id_ for id_, key in conn.execute(stmt, rows)})
    # A primary key missing from `ids` was stored by a concurrent writer first.
    skipped += [new.key for new in fresh if new.key not in ids]
    stored = [new for new in fresh if new.key in ids]
    key_rows = [{"key": k, "entry_id": ids[new.key]} for new in stored for k in _keys_of(new)]
    if key_rows:
        conn.execute(insert_ignore(conn, entry_keys, ["key"]), key_rows)
    starts = [ids[new.key] for new in stored if new.cluster_id is None]
    for id_part in chunked(starts):
        conn.execute(_STORY_STARTS, {"ids": list(id_part)})
    inserted = {
        new.key: Inserted(ids[new.key], new.cluster_id or ids[new.key], new.entry)
        for new in stored
    }
    return inserted, skipped


@functools.cache
def _insert_returning(dialect: str) -> Insert:
    return insert_ignore_for(entries, dialect, ("key",)).returning(entries.c.id, entries.c.key)


def _mark_listed(conn: Connection, keys: Collection[str], now: datetime) -> None:
    """The entries behind these keys are still in their feed."""
    for part in chunked(sorted(set(keys))):
        conn.execute(_LISTED, {"keys": list(part), "now": now})


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
        *,
        now: datetime | None = None,
        plan: Planner | None = None,
        listed: Collection[str] = (),
    ) -> CommitResult:
        """Record one poll atomically: the new entries with all their keys, the feed state,
        and what `plan` decides, inside the same transaction, from what it reads there
        (`PollView`): alerts on the entries inserted by THIS call, edits of held alerts,
        notices and their edits, topic statuses and timeline steps.

        Entries with any already-known key are skipped, including duplicates within the
        batch (first wins). `listed`: the identity keys of everything the feed lists now;
        their entries are marked as still listed (see prune_entries). Any error rolls
        everything back. `now` stamps seen_at and queued rows (defaults to the clock).
        """
        stamp = utcnow(now)
        with self._write() as conn:
            inserted, skipped = _insert_entries(conn, new_entries, stamp)
            # Entries inserted now are listed as of now already; only the others need it.
            fresh = {k for new in new_entries if new.key in inserted for k in _keys_of(new)}
            _mark_listed(conn, [k for k in listed if k not in fresh], stamp)
            decided = plan(PollTx(conn, inserted, now=stamp)) if plan else PollPlan()
            applied = apply_plan(conn, decided, inserted, stamp)
            saved = save_feed_state_in(conn, feed_state, len(inserted))
        return CommitResult(
            entry_ids={key: ins.id for key, ins in inserted.items()},
            skipped_keys=tuple(skipped),
            feed_state=saved,
            outbox_ids=applied.outbox_ids,
            outbox_updated=applied.outbox_updated,
            topics_saved=applied.topics_saved,
            timeline_added=applied.timeline_added,
            notice_ids=applied.notice_ids,
            notices_updated=applied.notices_updated,
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
        """Delete entries their feed stopped listing before `older_than`, with their keys and
        finished outbox rows. Kept: entries a pending alert still needs, and entries their
        feed may still list (it has not changed since it last listed them), so a forgotten
        key can never make an old entry new again. Returns entries deleted."""
        pending = exists().where(
            and_(outbox.c.entry_id == entries.c.id,
                 outbox.c.state.in_(("pending", "held")))
        )
        listed = func.coalesce(entries.c.last_listed_at, entries.c.seen_at)
        still_current = exists().where(
            and_(feeds.c.url == entries.c.feed_url,
                 func.coalesce(feeds.c.last_changed_at, listed) <= listed))
        stmt = select(entries.c.id).where(listed < older_than, ~pending, ~still_current)
        with self._write() as conn:
            if not try_lock_once(conn, "prune"):
                return 0  # another replica is pruning right now: once is enough
            ids = list(conn.execute(stmt).scalars())
            for part in chunked(ids):
                conn.execute(delete(outbox).where(outbox.c.entry_id.in_(part)))
                conn.execute(delete(entry_keys).where(entry_keys.c.entry_id.in_(part)))
                conn.execute(delete(entries).where(entries.c.id.in_(part)))
        return len(ids)
