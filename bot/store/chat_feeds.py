"""Feeds added in chat (an admin's OPML file) and the "feeds" generation, bumped in the
same transaction as every change to them so a running poller can notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select, update

from bot.model import ChatFeed
from bot.store.base import StoreBase, record, utcnow
from bot.store.db import insert_ignore
from bot.store.schema import chat_feeds, generations

FEEDS = "feeds"


def bump_feeds(conn: Connection) -> None:
    """Count one change to the chat feeds, atomically (as the audience generation)."""
    stmt = update(generations).where(generations.c.name == FEEDS).values(
        value=generations.c.value + 1)
    if conn.execute(stmt).rowcount == 0:  # a database whose row was removed by hand
        conn.execute(insert_ignore(conn, generations, ["name"]).values(name=FEEDS, value=1))


def _generation(conn: Connection) -> int:
    value = conn.execute(select(generations.c.value).where(generations.c.name == FEEDS)).scalar()
    return int(value or 0)


class ChatFeedsRepo(StoreBase):
    """Adds and lists the feeds added in chat."""

    def chat_feeds(self) -> list[ChatFeed]:
        """Every feed added in chat, in the order they were added."""
        return self.chat_feeds_with_generation()[1]

    def feeds_generation(self) -> int:
        """Bumped by every change to the chat feeds: a poller that saw another number
        re-reads them."""
        with self._read() as conn:
            return _generation(conn)

    def chat_feeds_with_generation(self) -> tuple[int, list[ChatFeed]]:
        """The generation and the feeds it counts, from one snapshot."""
        stmt = select(chat_feeds).order_by(chat_feeds.c.id)
        with self._read() as conn:
            generation = _generation(conn)
            rows = [record(ChatFeed, row._mapping) for row in conn.execute(stmt)]
        return generation, rows

    def add_chat_feeds(self, feeds: Sequence[ChatFeed], *, added_by: int | None = None,
                       now: datetime | None = None) -> list[str]:
        """Add `feeds` (a URL already stored is left as it is) and bump the generation, in
        one transaction; returns the URLs actually added, in order."""
        stamp = utcnow(now)
        added: list[str] = []
        with self._write() as conn:
            for feed in feeds:
                values = {"url": feed.url, "name": feed.name, "lang": feed.lang,
                          "category": feed.category, "added_at": stamp, "added_by": added_by}
                stmt = insert_ignore(conn, chat_feeds, ["url"]).values(values)
                if conn.execute(stmt.returning(chat_feeds.c.url)).first() is not None:
                    added.append(feed.url)
            if added:
                bump_feeds(conn)
        return added
