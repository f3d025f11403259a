"""The delivery-queue discipline shared by the outbox and notices: leased claims, settling,
and re-opening a sent row so that its message is edited instead of sent again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, Table, case, func, or_, select, update

from bot.store.chatholds import claimable_by, shared, take_holds
from bot.store.schema import chat_holds, notices, outbox, subscribers

# A claimed row is hidden from other claims this long; if the process dies mid-send it
# becomes due again afterwards instead of being stuck.
DEFAULT_LEASE = timedelta(minutes=2)


def _fair_order(table: Table, now: datetime, limit: int, owner: str | None = None,
                partition: tuple[int, int] | None = None) -> Select[Any]:
    """Due rows of active, unmuted chats, each chat's oldest first and chats taking turns:
    every chat's first row, then every chat's second... One chat's backlog never queues
    in front of another chat's only alert. With `owner`: only chats it may claim (holds)."""
    turn = func.row_number().over(partition_by=table.c.subscriber_id, order_by=table.c.id)
    due = (
        select(table.c.id, turn.label("turn"))
        .join(subscribers, subscribers.c.id == table.c.subscriber_id)
        .where(
            table.c.state == "pending",
            table.c.next_attempt_at <= now,
            subscribers.c.active.is_(True),
            # A mute that ended is cleared by collapse_held (run before each claim): until
            # then its rows are not claimable, or a summary could repeat alerts being sent.
            subscribers.c.muted_until.is_(None),
        )
    )
    if owner is not None:
        due = (due.outerjoin(chat_holds, chat_holds.c.chat_id == subscribers.c.chat_id)
               .where(claimable_by(owner, now, partition)))
    ranked = due.subquery()
    return select(ranked.c.id).order_by(ranked.c.turn, ranked.c.id).limit(limit)


def _lock_still_due(conn: Connection, table: Table, ids: list[int], now: datetime) -> list[int]:
    """PostgreSQL: lock the rows no other drain holds and still due (a concurrent drain may
    have claimed some since); SQLite serialises writers, so nothing changed meanwhile."""
    if conn.dialect.name != "postgresql" or not ids:
        return ids
    stmt = (select(table.c.id)
            .where(table.c.id.in_(ids), table.c.state == "pending", table.c.next_attempt_at <= now)
            .with_for_update(skip_locked=True))
    locked = set(conn.execute(stmt).scalars())
    return [i for i in ids if i in locked]


def claim_ids(
    conn: Connection, table: Table, now: datetime, limit: int, lease: timedelta,
    owner: str | None = None, partition: tuple[int, int] | None = None,
) -> list[int]:
    """Lease due rows (pending, subscriber active and not muted) in fair order to worker
    `owner`; count an attempt and remember the revision being sent. On PostgreSQL a
    worker's claim also holds the rows' chats (see store.chatholds)."""
    holder = owner if shared(conn, owner) else None
    candidates = list(conn.execute(_fair_order(table, now, limit, holder, partition)).scalars())
    ids = _lock_still_due(conn, table, candidates, now)
    if holder is not None:
        ids = take_holds(conn, table, ids, holder, now)
    if ids:
        conn.execute(
            update(table)
            .where(table.c.id.in_(ids))
            .values(
                attempts=table.c.attempts + 1,
                next_attempt_at=now + lease,
                claimed_revision=table.c.revision,
                claimed_by=owner,
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
        "claimed_by": None,
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
    """Drop what a stopped or removed chat still had queued or held (alerts and notices):
    resuming later delivers only what arrives after it. Returns rows cancelled."""
    cancelled = 0
    for table in (outbox, notices):
        stmt = (update(table)
                .where(table.c.subscriber_id.in_(subscriber_ids),
                       table.c.state.in_(("pending", "held")))
                .values(state="cancelled", last_error=reason))
        cancelled += conn.execute(stmt).rowcount
    return cancelled


def pending_row(now: datetime, **values: Any) -> dict[str, Any]:
    """The values of a newly queued row: due now, never tried."""
    return {**values, "created_at": now, "state": "pending", "attempts": 0,
            "next_attempt_at": now}


def settle(conn: Connection, table: Table, row_id: int, values: dict[str, Any]) -> bool:
    return conn.execute(update(table).where(table.c.id == row_id).values(**values)).rowcount > 0


def retry_values(next_attempt_at: datetime, error: str,
                 forget_message: bool = False) -> dict[str, Any]:
    """Pending again at `next_attempt_at`; `forget_message`: its message is gone, so the
    next delivery sends a new one instead of editing."""
    values: dict[str, Any] = {"state": "pending", "next_attempt_at": next_attempt_at,
                              "last_error": error, "claimed_by": None}
    if forget_message:
        values["message_id"] = None
    return values


def failed_values(error: str) -> dict[str, Any]:
    return {"state": "failed", "last_error": error, "claimed_by": None}

