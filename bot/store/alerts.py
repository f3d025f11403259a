"""Alerts into the outbox, inside `commit_poll`: one row per (subscriber, story). A later
report of a story a subscriber was already alerted to adds its source to that row's
why["also"] (a sent row goes back to pending, so its message is edited) instead of a new row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from bot.model import Entry, NewAlert
from bot.store.base import chunked
from bot.store.db import insert_ignore, lock_keys
from bot.store.queue import pending_row, reopen_values
from bot.store.schema import entries, outbox

# Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits.
ROWS_PER_INSERT = 200
# pg_advisory_xact_lock namespace of story clusters: writers adding to one story's rows
# take turns, so two feeds reporting it at once never give a chat two messages.
CLUSTER_LOCK = 741102


@dataclass(frozen=True, slots=True)
class Inserted:
    """An entry inserted by this commit: its row id, its story, its text."""

    id: int
    cluster_id: int
    entry: Entry


@dataclass(slots=True)
class _Row:
    """A subscriber's outbox row of one story, as this commit merges into it."""

    subscriber_id: int
    why: dict[str, Any]
    own_feed: str  # the feed of the row's own entry, never listed again as a source
    id: int | None = None  # None: inserted by this commit
    entry_id: int = 0
    cluster_id: int = 0
    changed: bool = False


def _add_source(row: _Row, entry: Entry) -> bool:
    """Add `entry` as a further source unless its feed is already the row's or listed."""
    also = list(row.why.get("also") or [])
    if entry.feed == row.own_feed or any(a.get("feed") == entry.feed for a in also):
        return False
    also.append({"feed": entry.feed, "title": entry.title, "link": entry.link})
    row.why = {**row.why, "also": also}
    return True


def _existing(conn: Connection, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], _Row]:
    """The outbox rows of these (subscriber, cluster) pairs, locking their clusters first."""
    clusters = sorted({cluster for _, cluster in pairs})
    lock_keys(conn, CLUSTER_LOCK, clusters)
    found: dict[tuple[int, int], _Row] = {}
    for part in chunked(clusters):
        stmt = (
            select(outbox.c.id, outbox.c.subscriber_id, outbox.c.cluster_id, outbox.c.why,
                   entries.c.feed)
            .join_from(outbox, entries, entries.c.id == outbox.c.entry_id, isouter=True)
            .where(outbox.c.cluster_id.in_(part))
            .order_by(outbox.c.id)
        )
        for id_, sub, cluster, why, feed in conn.execute(stmt):
            if (sub, cluster) in pairs and (sub, cluster) not in found:
                found[(sub, cluster)] = _Row(sub, dict(why or {}), feed or "", id=id_)
    return found


def _plan(
    conn: Connection, alerts: Sequence[NewAlert], inserted: Mapping[str, Inserted]
) -> tuple[list[_Row], list[_Row], int]:
    """New rows and changed existing rows (each in alert order), and the number of alerts
    that change nothing: entry not inserted now, pair repeated, or source already listed."""
    wanted = [(a, inserted[a.entry_key]) for a in alerts if a.entry_key in inserted]
    old_stories = {
        (a.subscriber_id, ins.cluster_id) for a, ins in wanted if ins.cluster_id != ins.id
    }
    rows = _existing(conn, old_stories) if old_stories else {}
    new_rows: list[_Row] = []
    changed: list[_Row] = []
    no_effect = len(alerts) - len(wanted)
    seen: set[tuple[int, int]] = set()
    for alert, ins in wanted:
        pair = (alert.subscriber_id, ins.cluster_id)
        row = rows.get(pair)
        if (alert.subscriber_id, ins.id) in seen:
            no_effect += 1
        elif row is None:
            rows[pair] = _Row(
                alert.subscriber_id, dict(alert.why), ins.entry.feed,
                entry_id=ins.id, cluster_id=ins.cluster_id,
            )
            new_rows.append(rows[pair])
        elif not _add_source(row, ins.entry):
            no_effect += 1
        elif row.id is not None and not row.changed:
            row.changed = True
            changed.append(row)
        seen.add((alert.subscriber_id, ins.id))
    return new_rows, changed, no_effect


def enqueue_alerts(
    conn: Connection,
    alerts: Sequence[NewAlert],
    inserted: Mapping[str, Inserted],
    now: datetime,
) -> tuple[list[int], list[int], int]:
    """Write the alerts on entries inserted by this commit; return the new row ids, the
    ids of existing rows that gained a source, and the number of alerts with no effect."""
    new_rows, changed, no_effect = _plan(conn, alerts, inserted)
    return _insert(conn, new_rows, now), _update(conn, changed, now), no_effect


def _insert(conn: Connection, rows: Sequence[_Row], now: datetime) -> list[int]:
    values = [
        pending_row(now, subscriber_id=row.subscriber_id, entry_id=row.entry_id,
                    cluster_id=row.cluster_id, why=row.why)
        for row in rows
    ]
    new_ids: dict[tuple[int, int], int] = {}
    for part in chunked(values, ROWS_PER_INSERT):
        stmt = insert_ignore(conn, outbox, ["subscriber_id", "entry_id"]).values(list(part))
        returned = stmt.returning(outbox.c.id, outbox.c.subscriber_id, outbox.c.entry_id)
        new_ids.update({(sub, entry): id_ for id_, sub, entry in conn.execute(returned)})
    # Report ids in alert order, whatever order RETURNING used.
    pairs = [(row.subscriber_id, row.entry_id) for row in rows]
    return [new_ids[p] for p in pairs if p in new_ids]


def _update(conn: Connection, rows: Sequence[_Row], now: datetime) -> list[int]:
    ids: list[int] = []
    for row in rows:
        assert row.id is not None  # only existing rows are updated
        conn.execute(
            update(outbox)
            .where(outbox.c.id == row.id)
            .values(why=row.why, **reopen_values(outbox, now))
        )
        ids.append(row.id)
    return ids
