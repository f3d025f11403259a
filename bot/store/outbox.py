"""The outbox: alerts waiting for delivery, claimed in id order, marked sent/retry/failed.

An item is marked sent right after its send succeeds, so delivery is at-least-once only
in the window between the send and `mark_sent`; everything else is exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select, update

from bot.store.base import StoreBase
from bot.store.entries import row_to_stored_entry
from bot.store.schema import entries, outbox, subscribers
from bot.store.subscribers import row_to_subscriber
from bot.store.types import OutboxItem

# A claimed item is hidden from other claims this long; if the process dies mid-send it
# becomes due again afterwards instead of being stuck.
DEFAULT_LEASE = timedelta(minutes=2)


def _claimable(now: datetime, limit: int) -> Select[Any]:
    return (
        select(outbox.c.id)
        .join(subscribers, subscribers.c.id == outbox.c.subscriber_id)
        .where(
            outbox.c.state == "pending",
            outbox.c.next_attempt_at <= now,
            subscribers.c.active.is_(True),
            or_(subscribers.c.muted_until.is_(None), subscribers.c.muted_until <= now),
        )
        .order_by(outbox.c.id)
        .limit(limit)
        # PostgreSQL: concurrent drains skip each other's rows; SQLite ignores this and
        # serialises writers instead.
        .with_for_update(skip_locked=True, of=outbox)
    )


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
            ids = list(conn.execute(_claimable(now, limit)).scalars())
            if not ids:
                return []
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(ids))
                .values(attempts=outbox.c.attempts + 1, next_attempt_at=now + lease)
            )
            return _load_items(conn, ids)

    def mark_sent(self, item_id: int, now: datetime, message_id: int | None) -> bool:
        """Record a successful send (message_id: the Telegram message, for later edits)."""
        return self._settle(
            item_id, state="sent", sent_at=now, message_id=message_id, last_error=None
        )

    def mark_retry(self, item_id: int, next_attempt_at: datetime, error: str) -> bool:
        """Keep the item pending and due again at `next_attempt_at`."""
        return self._settle(
            item_id, state="pending", next_attempt_at=next_attempt_at, last_error=error
        )

    def mark_failed(self, item_id: int, error: str) -> bool:
        """Give up on the item for good."""
        return self._settle(item_id, state="failed", last_error=error)

    def pending_count(self) -> int:
        stmt = select(func.count()).select_from(outbox).where(outbox.c.state == "pending")
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def _settle(self, item_id: int, **values: Any) -> bool:
        with self._write() as conn:
            return conn.execute(
                update(outbox).where(outbox.c.id == item_id).values(**values)
            ).rowcount > 0
