"""Notices: messages for one subscriber that are not about one entry (reminders, the
summit-day alert, breaking status alerts, "event moved", the digest). Each key reaches a
subscriber at most once, ever; an updated payload re-opens a sent notice as an edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from bot.model import NewNotice, NoticeItem, NoticeRecord
from bot.store.base import StoreBase, chunked, in_order, record, utcnow
from bot.store.db import insert_ignore
from bot.store.queue import (
    DEFAULT_LEASE,
    claim_ids,
    failed_values,
    pending_row,
    retry_values,
    sent_values,
    settle,
)
from bot.store.schema import notices, subscribers
from bot.store.subscribers import row_to_subscriber

_ROWS_PER_INSERT = 200


def enqueue_notices_in(
    conn: Connection, new: Sequence[NewNotice], now: datetime
) -> list[int]:
    """Insert-or-ignore inside the caller's transaction; the ids of rows inserted now, in
    the order given (a (subscriber, key) pair already stored, or repeated, is ignored)."""
    values = [
        pending_row(now, subscriber_id=n.subscriber_id, key=n.key, kind=n.kind,
                    payload=n.payload)
        for n in new
    ]
    found: dict[tuple[int, str], int] = {}
    for part in chunked(values, _ROWS_PER_INSERT):
        stmt = insert_ignore(conn, notices, ["subscriber_id", "key"]).values(list(part))
        returned = stmt.returning(notices.c.id, notices.c.subscriber_id, notices.c.key)
        found.update({(sub, key): id_ for id_, sub, key in conn.execute(returned)})
    order = dict.fromkeys((n.subscriber_id, n.key) for n in new)
    return [found[pair] for pair in order if pair in found]


def _load(conn: Connection, ids: Sequence[int]) -> list[NoticeItem]:
    cols = [
        *(c.label("n_" + c.name) for c in notices.c),
        *(c.label("s_" + c.name) for c in subscribers.c),
    ]
    stmt = (
        select(*cols)
        .join_from(notices, subscribers, subscribers.c.id == notices.c.subscriber_id)
        .where(notices.c.id.in_(ids))
    )
    return in_order(ids, [
        record(NoticeItem, m, "n_", subscriber=row_to_subscriber(m, "s_"),
               payload=dict(m["n_payload"] or {}))
        for m in (row._mapping for row in conn.execute(stmt))
    ])


class NoticesRepo(StoreBase):
    """Enqueues, updates, claims and settles notices."""

    def enqueue_notices(
        self, new: Sequence[NewNotice], *, now: datetime | None = None
    ) -> list[int]:
        """Insert-or-ignore: a subscriber gets each key at most once, ever. Returns the ids
        of the rows inserted by this call."""
        if not new:
            return []
        with self._write() as conn:
            return enqueue_notices_in(conn, new, utcnow(now))

    def claim_notices(
        self, now: datetime, limit: int = 50, *, lease: timedelta = DEFAULT_LEASE
    ) -> list[NoticeItem]:
        """As `claim_due` for the outbox: pending, due, subscriber active and not muted
        (muted subscribers' notices are held), by id; counts an attempt, leases."""
        with self._write() as conn:
            ids = claim_ids(conn, notices, now, limit, lease, self.worker_id, self.partition)
            return _load(conn, ids) if ids else []

    def notices_of_kinds(self, kinds: Sequence[str]) -> list[NoticeRecord]:
        """Every stored notice of these kinds, whatever its state, by id: what was already
        said (feed health reads which outages it announced and which it closed)."""
        stmt = (select(notices.c.subscriber_id, notices.c.key, notices.c.kind, notices.c.payload,
                       notices.c.state)
                .where(notices.c.kind.in_(list(kinds))).order_by(notices.c.id))
        with self._read() as conn:
            return [NoticeRecord(m["subscriber_id"], m["key"], m["kind"], dict(m["payload"] or {}),
                                 m["state"])
                    for m in (row._mapping for row in conn.execute(stmt))]

    def mark_notice_sent(self, notice_id: int, now: datetime, message_id: int | None) -> bool:
        """A successful send or edit; None keeps the stored message_id. A notice updated
        while it was being sent stays pending, so the update is edited in."""
        with self._write() as conn:
            return settle(conn, notices, notice_id, sent_values(notices, now, message_id))

    def mark_notice_retry(self, notice_id: int, next_attempt_at: datetime, error: str,
                          forget_message: bool = False) -> bool:
        with self._write() as conn:
            return settle(conn, notices, notice_id,
                          retry_values(next_attempt_at, error, forget_message))

    def mark_notice_failed(self, notice_id: int, error: str) -> bool:
        with self._write() as conn:
            return settle(conn, notices, notice_id, failed_values(error))
