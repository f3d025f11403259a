"""A settings file imported into a chat (/import), written in one transaction: the watches
it adds, the topic choices it changes and its language, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import update

from bot.model import UiLang
from bot.store.audience import bump_audience
from bot.store.base import StoreBase, utcnow
from bot.store.db import insert_ignore, upsert
from bot.store.schema import subscribers, topic_follows, watches


class ImportsRepo(StoreBase):
    """Applies an imported settings file."""

    def import_settings(self, subscriber_id: int, *, add_watches: Sequence[str],
                        follows: Mapping[str, bool], lang: UiLang | None,
                        now: datetime | None = None) -> list[str]:
        """Add the watches (one already there is skipped), set each topic's follow choice
        and the language, in one transaction; returns the queries actually added."""
        stamp = utcnow(now)
        added: list[str] = []
        with self._write() as conn:
            for query in add_watches:
                values = {"subscriber_id": subscriber_id, "query": query, "created_at": stamp}
                ins = insert_ignore(conn, watches, ["subscriber_id", "query"]).values(values)
                if conn.execute(ins.returning(watches.c.id)).first() is not None:
                    added.append(query)
            for topic_id, following in follows.items():
                values = {"subscriber_id": subscriber_id, "topic_id": topic_id,
                          "following": following, "updated_at": stamp}
                conn.execute(upsert(conn, topic_follows, values, ["subscriber_id", "topic_id"],
                                    ["following", "updated_at"]))
            if lang is not None:
                conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id)
                             .values(lang=lang, updated_at=stamp))
            if added or follows or lang is not None:
                bump_audience(conn)
        return added
