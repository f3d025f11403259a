"""The delivery-queue discipline shared by the outbox and notices: leased claims, settling,
and re-opening a sent row so that its message is edited instead of sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, Table, case, or_, select, update

from bot.store.schema import notices, outbox, subscribers

# A claimed row is hidden from other claims this long; if the process dies mid-send it
# becomes due again afterwards instead of being stuck.
DEFAULT_LEASE = timedelta(minutes=2)


def _claimable(table: Table, now: datetime, limit: int) -> Select[Any]:
    return (
        select(table.c.id)
        .join(subscribers, subscribers.c.id == table.c.subscriber_id)
        .where(
            table.c.state == "pending",
            table.c.next_attempt_at <= now,
            subscribers.c.active.is_(True),
            or_(subscribers.c.muted_until.is_(None), subscribers.c.muted_until <= now),
        )
        .order_by(table.c.id)
        .limit(limit)
        # PostgreSQL: concurrent drains skip each other's rows; SQLite ignores this and
        # serialises writers instead.
        .with_for_update(skip_locked=True, of=table)
    )


def claim_ids(
    conn: Connection, table: Table, now: datetime, limit: int, lease: timedelta
) -> list[int]:
    """Lease the due rows (pending, subscriber active and not muted), by id; count an
    attempt and remember the revision being sent."""
    ids = list(conn.execute(_claimable(table, now, limit)).scalars())
    if ids:
        conn.execute(
            update(table)
            .where(table.c.id.in_(ids))
            .values(
                attempts=table.c.attempts + 1,
                next_attempt_at=now + lease,
                claimed_revision=table.c.revision,
            )
        )
    return ids


def sent_values(table: Table, now: datetime, message_id: int | None) -> dict[str, Any]:
    """SET clause of a successful send. A row changed since its claim (a new source, a new
    payload) stays pending, due now, so the message just sent is edited; a message_id of
    None keeps the stored one."""
    unchanged = or_(
        table.c.claimed_revision.is_(None), table.c.claimed_revision == table.c.revision
    )
    values: dict[str, Any] = {
        "state": case((unchanged, "sent"), else_="pending"),
        "next_attempt_at": case((unchanged, table.c.next_attempt_at), else_=now),
        "sent_at": now,
        "last_error": None,
    }
    if message_id is not None:
        values["message_id"] = message_id
    return values


def reopen_values(table: Table, now: datetime) -> dict[str, Any]:
    """SET clause of a change to a row's content: a sent row goes back to pending (keeping
    its message_id, so the drain edits the message); pending and failed rows keep state."""
    was_sent = table.c.state == "sent"
    return {
        "state": case((was_sent, "pending"), else_=table.c.state),
        "next_attempt_at": case((was_sent, now), else_=table.c.next_attempt_at),
        "attempts": case((was_sent, 0), else_=table.c.attempts),
        "revision": table.c.revision + 1,
    }


def cancel_pending(conn: Connection, subscriber_ids: Sequence[int], reason: str) -> int:
    """Drop what a stopped or removed chat still had queued (alerts and notices): resuming
    later delivers only what arrives after it. Returns rows cancelled."""
    cancelled = 0
    for table in (outbox, notices):
        stmt = (update(table)
                .where(table.c.subscriber_id.in_(subscriber_ids), table.c.state == "pending")
                .values(state="cancelled", last_error=reason))
        cancelled += conn.execute(stmt).rowcount
    return cancelled


def pending_row(now: datetime, **values: Any) -> dict[str, Any]:
    """The values of a newly queued row: due now, never tried."""
    return {**values, "created_at": now, "state": "pending", "attempts": 0,
            "next_attempt_at": now}


def settle(conn: Connection, table: Table, row_id: int, values: dict[str, Any]) -> bool:
    return conn.execute(update(table).where(table.c.id == row_id).values(**values)).rowcount > 0


def retry_values(next_attempt_at: datetime, error: str) -> dict[str, Any]:
    return {"state": "pending", "next_attempt_at": next_attempt_at, "last_error": error}


def failed_values(error: str) -> dict[str, Any]:
    return {"state": "failed", "last_error": error}

