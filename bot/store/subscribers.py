"""Subscribers: chats (and forum topics) that receive alerts, their language and mute."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, select, update

from bot.model import Subscriber, SubscriberKind, UiLang
from bot.store.audience import bump_audience
from bot.store.base import StoreBase, record, utcnow
from bot.store.db import insert_ignore
from bot.store.queue import cancel_pending
from bot.store.schema import subscribers

CONSOLE_CHAT_ID = 0


def row_to_subscriber(m: Mapping[Any, Any], prefix: str = "") -> Subscriber:
    """Build a Subscriber from a row mapping whose subscriber columns carry `prefix`."""
    return record(
        Subscriber, m, prefix,
        thread_id=m[prefix + "thread_id"] or None,  # 0 stands for "no forum topic"
        active=bool(m[prefix + "active"]),
        quiet_strict=bool(m[prefix + "quiet_strict"]),
    )


def _find(conn: Connection, chat_id: int, thread_id: int | None) -> Subscriber | None:
    stmt = select(subscribers).where(
        subscribers.c.chat_id == chat_id, subscribers.c.thread_id == (thread_id or 0)
    )
    row = conn.execute(stmt).first()
    return None if row is None else row_to_subscriber(row._mapping)


class SubscribersRepo(StoreBase):
    """Creates, finds and updates subscribers."""

    def get_or_create_subscriber(
        self,
        chat_id: int,
        thread_id: int | None,
        kind: SubscriberKind,
        lang: UiLang,
        title: str | None,
        *,
        now: datetime | None = None,
    ) -> Subscriber:
        """The subscriber of (chat, topic), created active if new. For an existing one,
        kind and title are refreshed; lang, active and mute are the user's and are kept."""
        stamp = utcnow(now)
        with self._write() as conn:
            values = {
                "chat_id": chat_id,
                "thread_id": thread_id or 0,
                "kind": kind,
                "lang": lang,
                "active": True,
                "created_at": stamp,
                "updated_at": stamp,
                "title": title,
            }
            created = conn.execute(
                insert_ignore(conn, subscribers, ["chat_id", "thread_id"]).values(values)
                .returning(subscribers.c.id)).first()
            if created is not None:
                bump_audience(conn)
            found = _find(conn, chat_id, thread_id)
            assert found is not None  # inserted above or already there
            if (found.kind, found.title) != (kind, title):
                self._update(conn, found.id, stamp, kind=kind, title=title)
                found = _find(conn, chat_id, thread_id)
                assert found is not None
            return found

    def ensure_console_subscriber(self, lang: UiLang = "en") -> Subscriber:
        """The single console subscriber (chat_id 0) that prints alerts to stdout."""
        return self.get_or_create_subscriber(CONSOLE_CHAT_ID, None, "console", lang, "console")

    def get_subscriber(self, subscriber_id: int) -> Subscriber | None:
        with self._read() as conn:
            row = conn.execute(select(subscribers).where(subscribers.c.id == subscriber_id)).first()
        return None if row is None else row_to_subscriber(row._mapping)

    def find_subscriber(self, chat_id: int, thread_id: int | None = None) -> Subscriber | None:
        with self._read() as conn:
            return _find(conn, chat_id, thread_id)

    def active_subscribers(self) -> list[Subscriber]:
        stmt = select(subscribers).where(subscribers.c.active.is_(True)).order_by(subscribers.c.id)
        with self._read() as conn:
            return [row_to_subscriber(row._mapping) for row in conn.execute(stmt)]

    def set_active(self, subscriber_id: int, active: bool, *, now: datetime | None = None) -> bool:
        """/start and /stop. Stopping drops whatever was still queued for the chat, so a
        resume delivers only what arrives after it. Returns False if no such subscriber."""
        with self._write() as conn:
            found = self._update(conn, subscriber_id, utcnow(now), active=active)
            if found and not active:
                cancel_pending(conn, [subscriber_id], "stopped")
            bump_audience(conn)
            return found

    def set_lang(self, subscriber_id: int, lang: UiLang, *, now: datetime | None = None) -> bool:
        with self._write() as conn:
            bump_audience(conn)
            return self._update(conn, subscriber_id, utcnow(now), lang=lang)

    def set_muted_until(
        self, subscriber_id: int, until: datetime | None, *, now: datetime | None = None
    ) -> bool:
        """Mute until `until` (None unmutes). Alerts are held while muted, not dropped."""
        with self._write() as conn:
            return self._update(conn, subscriber_id, utcnow(now), muted_until=until)

    def deactivate(self, chat_id: int, *, now: datetime | None = None) -> int:
        """Deactivate every subscriber of a chat (bot blocked or removed) and drop what was
        queued for them; returns how many."""
        stmt = (
            update(subscribers)
            .where(subscribers.c.chat_id == chat_id, subscribers.c.active.is_(True))
            .values(active=False, updated_at=utcnow(now))
            .returning(subscribers.c.id)
        )
        with self._write() as conn:
            ids = list(conn.execute(stmt).scalars())
            if ids:
                cancel_pending(conn, ids, "removed from the chat or blocked")
                bump_audience(conn)
            return len(ids)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int, *, now: datetime | None = None) -> int:
        """Move a group's subscribers to its new supergroup id; returns how many moved.

        A (chat, topic) already present under the new id wins; the old one is deactivated.
        """
        stamp = utcnow(now)
        moved = 0
        with self._write() as conn:
            olds = conn.execute(select(subscribers).where(subscribers.c.chat_id == old_chat_id))
            for row in list(olds):
                old = row_to_subscriber(row._mapping)
                if _find(conn, new_chat_id, old.thread_id) is not None:
                    self._update(conn, old.id, stamp, active=False)
                    # As when a chat is left: nothing stays queued or held for it for ever.
                    cancel_pending(conn, [old.id], "chat migrated to one already subscribed")
                    continue
                self._update(conn, old.id, stamp, chat_id=new_chat_id, kind="supergroup")
                moved += 1
            bump_audience(conn)
        return moved

    @staticmethod
    def _update(conn: Connection, subscriber_id: int, now: datetime, **values: Any) -> bool:
        stmt = (
            update(subscribers)
            .where(and_(subscribers.c.id == subscriber_id))
            .values(updated_at=now, **values)
        )
        return conn.execute(stmt).rowcount > 0
