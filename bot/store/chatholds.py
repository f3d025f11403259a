"""Chat holds on PostgreSQL: while a replica claims a chat's alerts and notices it holds the
chat, so one chat is served by one replica at a time and Telegram's per-chat limits (1 per
second, 20 per minute in a group), paced in that replica's process, hold for the bot as a whole.

A hold outlives the worker's last claim for the chat by the chat's limit window (1 s, or
60 s for a group) plus `SEND_MARGIN`, the time a claimed message may take to reach Telegram
(the sender waits a few seconds at most for the bot-wide pace), so a replica that takes a
chat over never sends inside the window of the previous one's last message. SQLite has one
process and takes no holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Table, and_, delete, func, or_, select, update

from bot.store.db import upsert_where
from bot.store.schema import chat_holds, subscribers

SEND_MARGIN = timedelta(seconds=15)
HOLD_PRIVATE = timedelta(seconds=1) + SEND_MARGIN
HOLD_GROUP = timedelta(seconds=60) + SEND_MARGIN


def hold_for(chat_id: int) -> timedelta:
    return HOLD_GROUP if chat_id < 0 else HOLD_PRIVATE


def shared(conn: Connection, owner: str | None) -> bool:
    """Do claims by `owner` take holds? Registered workers on PostgreSQL only."""
    return owner is not None and conn.dialect.name == "postgresql"


def free_for(owner: str, now: datetime) -> ColumnElement[bool]:
    """For a query LEFT JOINed to chat_holds: the chat is not held by another worker."""
    return or_(chat_holds.c.chat_id.is_(None), chat_holds.c.held_by == owner,
               chat_holds.c.held_until <= now)


def claimable_by(owner: str, now: datetime,
                 partition: tuple[int, int] | None) -> ColumnElement[bool]:
    """For a query LEFT JOINed to chat_holds and subscribers: chats `owner` may claim.
    With a `partition` (its index among N live workers): the chats it holds, and free
    chats of its slice (chat id modulo N), so N replicas start on N different sets of
    chats instead of the first claimer holding them all; a chat it holds stays with it,
    whatever the slices, until the hold lapses."""
    if partition is None:
        return free_for(owner, now)
    index, count = partition
    mine = and_(chat_holds.c.held_by == owner, chat_holds.c.held_until > now)
    free = or_(chat_holds.c.chat_id.is_(None), chat_holds.c.held_until <= now)
    return or_(mine, and_(free, func.abs(subscribers.c.chat_id) % count == index))


def take_holds(conn: Connection, table: Table, ids: Sequence[int], owner: str,
               now: datetime) -> list[int]:
    """Hold the chats of rows `ids` for `owner` (renewing its own holds); the ids whose chat
    it now holds, in the given order. Rows of chats another worker holds are left out.
    One statement, chats in id order: two claims never wait on each other in a cycle."""
    if not ids:
        return []
    stmt = (select(table.c.id, subscribers.c.chat_id)
            .join(subscribers, subscribers.c.id == table.c.subscriber_id)
            .where(table.c.id.in_(ids)))
    chat_of = {row_id: chat for row_id, chat in conn.execute(stmt)}
    rows = [{"chat_id": chat, "held_by": owner, "held_until": now + hold_for(chat)}
            for chat in sorted(set(chat_of.values()))]
    upsert = upsert_where(conn, chat_holds, rows, ["chat_id"], ["held_by", "held_until"],
                          free_for(owner, now))
    held = set(conn.execute(upsert.returning(chat_holds.c.chat_id)).scalars())
    return [i for i in ids if chat_of.get(i) in held]


def ease_holds(conn: Connection, owner: str, now: datetime) -> None:
    """A worker stopping cleanly has settled its sends: its private chats are free at once
    (at worst one message closer than 1 s, within the burst Telegram allows a chat);
    groups keep their 60 s window."""
    conn.execute(update(chat_holds)
                 .where(and_(chat_holds.c.held_by == owner, chat_holds.c.chat_id >= 0,
                             chat_holds.c.held_until > now))
                 .values(held_until=now))


def drop_holds(conn: Connection, dead: Sequence[str], *, groups: bool) -> None:
    """Dead workers' holds: private chats' have run out by the time a worker is taken for
    dead (30 s); a group's 60 s window is waited out unless `groups` (the worker is known
    to be gone for longer, as after a SQLite restart)."""
    held = chat_holds.c.held_by.in_(list(dead))
    conn.execute(delete(chat_holds).where(held if groups else and_(held, chat_holds.c.chat_id >= 0)))
