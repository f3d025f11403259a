"""The outbox: alerts waiting for delivery (or, once sent, for an edit adding a report),
claimed in fair order, marked sent/retry/failed; held alerts collapsed into one summary.

An item is marked sent right after its send succeeds, so delivery is at-least-once only
in the window between the send and `mark_sent`; everything else is exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update

from bot.model import NewNotice, OutboxItem
from bot.store.base import StoreBase, in_order, record
from bot.store.entries import row_to_stored_entry
from bot.store.notices import enqueue_notices_in
from bot.store.queue import (
    DEFAULT_LEASE,
    claim_ids,
    failed_values,
    retry_values,
    sent_values,
    settle,
)
from bot.store.schema import entries, notices, outbox, subscribers, watches
from bot.store.subscribers import row_to_subscriber

__all__ = ["DEFAULT_LEASE", "OutboxRepo", "Summariser", "load_items", "summarise_in"]

# Shapes the payloads (one per message) of the summary that replaces a chat's held alerts,
# from the alerts, the end of the hold and why they were held (delivery.held).
Summariser = Callable[[list[OutboxItem], datetime, str], list[dict[str, Any]]]


def _watch_modes(conn: Connection, subscriber_ids: set[int]) -> dict[int, dict[str, str]]:
    """Each chat's watches that have their own delivery mode: query -> mode."""
    found: dict[int, dict[str, str]] = {}
    if subscriber_ids:
        stmt = select(watches.c.subscriber_id, watches.c.query, watches.c.mode).where(
            watches.c.subscriber_id.in_(sorted(subscriber_ids)), watches.c.mode.is_not(None))
        for sub, query, mode in conn.execute(stmt):
            found.setdefault(sub, {})[query] = mode
    return found


def load_items(conn: Connection, ids: Sequence[int]) -> list[OutboxItem]:
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
    )
    rows = [row._mapping for row in conn.execute(stmt)]
    modes = _watch_modes(conn, {m["o_subscriber_id"] for m in rows})
    return in_order(ids, [_row_to_item(m, modes.get(m["o_subscriber_id"], {})) for m in rows])


def _row_to_item(m: Any, watch_modes: dict[str, str]) -> OutboxItem:
    return record(OutboxItem, m, "o_", subscriber=row_to_subscriber(m, "s_"),
                  entry=row_to_stored_entry(m, "e_"), why=dict(m["o_why"] or {}),
                  watch_modes=watch_modes)


def summarise_in(conn: Connection, sub: int, ids: Sequence[int], key: str, reason: str,
                 until: datetime, now: datetime, summarise: Summariser) -> int:
    """Inside the caller's transaction (which holds the rows locked): queue the summary of
    these alerts as notices (`key`, then `key#2`...) and settle the alerts as summarised,
    so each is delivered exactly once, inside the summary. Returns the notices queued."""
    pages = summarise(load_items(conn, ids), until, reason)
    keys = [key if n == 1 else f"{key}#{n}" for n in range(1, len(pages) + 1)]
    enqueue_notices_in(conn, [NewNotice(sub, k, "held", page) for k, page in zip(keys, pages)],
                       now)
    conn.execute(update(outbox).where(outbox.c.id.in_(ids))
                 .values(state="summarised", last_error=f"in notice {key}"))
    return len(pages)


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
            ids = claim_ids(conn, outbox, now, limit, lease, self.worker_id, self.partition)
            return load_items(conn, ids) if ids else []

    def mark_sent(self, item_id: int, now: datetime, message_id: int | None) -> bool:
        """Record a successful send or edit (message_id: the Telegram message, for later
        edits; None keeps the stored one). An item that gained a source while it was being
        sent stays pending, so that source is edited in."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, sent_values(outbox, now, message_id))

    def mark_retry(self, item_id: int, next_attempt_at: datetime, error: str,
                   forget_message: bool = False) -> bool:
        """Keep the item pending and due again at `next_attempt_at` (see retry_values)."""
        with self._write() as conn:
            return settle(conn, outbox, item_id,
                          retry_values(next_attempt_at, error, forget_message))

    def mark_failed(self, item_id: int, error: str) -> bool:
        """Give up on the item for good."""
        with self._write() as conn:
            return settle(conn, outbox, item_id, failed_values(error))

    def collapse_held(self, now: datetime, handful: int, summarise: Summariser) -> int:
        """End the mutes that ended by `now`. A chat with more than `handful` alerts held
        by its mute gets them as ONE notice (`summarise` shapes its payload) and those
        alerts are settled as summarised; a chat with fewer gets them one by one. In one
        transaction per chat, so each held alert is delivered exactly once either way.
        Returns the summaries queued."""
        ended = (select(subscribers.c.id, subscribers.c.muted_until)
                 .where(subscribers.c.active.is_(True), subscribers.c.muted_until <= now))
        with self._read() as conn:
            chats = list(conn.execute(ended))
        return sum(self._collapse(sub, until, now, handful, summarise) for sub, until in chats)

    def _collapse(self, sub: int, until: datetime, now: datetime, handful: int,
                  summarise: Summariser) -> int:
        # Rows leased to a sender (next attempt in the future) are left to that sender.
        held = (select(outbox.c.id).where(outbox.c.subscriber_id == sub,
                                          outbox.c.state == "pending", outbox.c.created_at < until,
                                          outbox.c.next_attempt_at <= now)
                .order_by(outbox.c.id).with_for_update(skip_locked=True))
        mine = (select(subscribers.c.id)
                .where(subscribers.c.id == sub, subscribers.c.muted_until == until)
                .with_for_update(skip_locked=True))
        with self._write() as conn:
            if conn.execute(mine).first() is None:
                return 0  # another replica is ending this mute, or has ended it
            ids = list(conn.execute(held).scalars())
            conn.execute(update(subscribers).where(subscribers.c.id == sub,
                                                   subscribers.c.muted_until == until)
                         .values(muted_until=None))
            if len(ids) <= handful:
                return 0
            summarise_in(conn, sub, ids, f"held:{until.isoformat()}", "mute", until, now,
                         summarise)
            return 1

    def pending_count(self) -> int:
        stmt = select(func.count()).select_from(outbox).where(outbox.c.state == "pending")
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def queue_depths(self) -> dict[str, int]:
        """Pending alerts ("outbox") and notices ("notice"), due or waiting (retries,
        muted chats): the delivery backlog the metrics show."""
        counts = {name: select(func.count()).select_from(table).where(table.c.state == "pending")
                  for name, table in (("outbox", outbox), ("notice", notices))}
        with self._read() as conn:
            return {name: int(conn.execute(stmt).scalar_one()) for name, stmt in counts.items()}
