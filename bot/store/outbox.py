"""The outbox: alerts waiting for delivery (or, once sent, for an edit adding a source),
claimed in id order, marked sent/retry/failed.

An item is marked sent right after its send succeeds, so delivery is at-least-once only
in the window between the send and `mark_sent`; everything else is exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from bot.model import OutboxItem
from bot.store.base import StoreBase
from bot.store.entries import row_to_stored_entry
from bot.store.queue import (
    DEFAULT_LEASE,
    claim_ids,
    failed_values,
    retry_values,
    sent_values,
    settle,
)
from bot.store.schema import entries, outbox, subscribers
from bot.store.subscribers import row_to_subscriber

__all__ = ["DEFAULT_LEASE", "OutboxRepo"]


def _load_items(conn: Connection, ids: Sequence[int]) -> list[OutboxItem]:
    cols = [
        *(c.label("o_" + c.name) for c in outbox.c),
        *(c.label("s_" + c.name) for c in subscribers.c),
        *(c.label("e_" + c.name) for c in entries.c),
    ]
    stmt = (
        select(*cols)
        .join_from(outbox, subscribers, subscribers.c.id == outbox.c.subscriber_id)
        .join(entries, entries.c.id == outbox.c.entry_id)
        .where(outbox.c.id.in_(ids))
        .order_by(outbox.c.id)
    )
    return [_row_to_item(row._mapping) for row in conn.execute(stmt)]


def _row_to_item(m: Any) -> OutboxItem:
    return OutboxItem(
        id=m["o_id"],
        subscriber=row_to_subscriber(m, "s_"),
        entry=row_to_stored_entry(m, "e_"),
        why=dict(m["o_why"] or {}),
        attempts=m["o_attempts"],
        created_at=m["o_created_at"],
        message_id=m["o_message_id"],
        cluster_id=m["o_cluster_id"],
        sent_at=m["o_sent_at"],
    )


class OutboxRepo(StoreBase):
    """Claims and settles outbox items."""

    def claim_due(
        self, now: datetime, limit: int = 50, *, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxItem]:
        """Pending items due at `now` whose subscriber is active and not muted, by id.

        Claiming counts an attempt and leases the item until `now + lease`; settle each
        with mark_sent / mark_retry / mark_failed. Muted subscribers' items stay pending.
        """
        with self._write() as conn:
            ids = claim_ids(conn, outbox, now, limit, lease)
            return _load_items(conn, ids) if ids else []

    def mark_sent(self, item_id: int, now: datetime, message_id: int | None) -> bool:
        """Record a successful send or edit (message_id: the Telegram message, for later
        edits; None keeps the stored one). An item that gained a source while it was being
        sent stays pending, so that source is edited in."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, sent_values(outbox, now, message_id))

    def mark_retry(self, item_id: int, next_attempt_at: datetime, error: str) -> bool:
        """Keep the item pending and due again at `next_attempt_at`."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, retry_values(next_attempt_at, error))

    def mark_failed(self, item_id: int, error: str) -> bool:
        """Give up on the item for good."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, failed_values(error))

    def pending_count(self) -> int:
        stmt = select(func.count()).select_from(outbox).where(outbox.c.state == "pending")
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())
