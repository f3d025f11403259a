"""A settings file imported into a chat (/import), written in one transaction: its watches
replace the chat's, and its topic choices, language and mutes are set, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update

from bot.model import UiLang
from bot.store.audience import bump_audience
from bot.store.base import StoreBase, utcnow
from bot.store.db import insert_ignore, upsert
from bot.store.holds import PREF_COLUMNS
from bot.store.mutes import mute_topic_in
from bot.store.schema import subscribers, topic_follows, topic_mutes, watches


@dataclass(frozen=True, slots=True)
class ImportChanges:
    """What to write. `muted_until`: None keeps the chat's /mute as it is; a time sets it
    (the import time itself ends a running mute, as /unmute does, so delivery tells what
    it held). `topic_mutes`: None keeps them; a mapping replaces them."""

    add_watches: Sequence[str] = ()
    remove_watches: Sequence[str] = ()
    follows: Mapping[str, bool] = field(default_factory=dict)
    lang: UiLang | None = None
    muted_until: datetime | None = None
    topic_mutes: Mapping[str, datetime] | None = None
    delivery: Mapping[str, Any] = field(default_factory=dict)  # tz, quiet, quiet_strict, mode
    watch_modes: Mapping[str, str | None] = field(default_factory=dict)  # query -> own mode


class ImportsRepo(StoreBase):
    """Applies an imported settings file."""

    def import_settings(self, subscriber_id: int, changes: ImportChanges, *,
                        now: datetime | None = None) -> None:
        """Write `changes` for the chat in one transaction."""
        stamp = utcnow(now)
        with self._write() as conn:
            if changes.remove_watches:
                conn.execute(delete(watches).where(
                    watches.c.subscriber_id == subscriber_id,
                    watches.c.query.in_(list(changes.remove_watches))))
            for query in changes.add_watches:
                values = {"subscriber_id": subscriber_id, "query": query, "created_at": stamp}
                conn.execute(insert_ignore(conn, watches, ["subscriber_id", "query"])
                             .values(values))
            for topic_id, following in changes.follows.items():
                values = {"subscriber_id": subscriber_id, "topic_id": topic_id,
                          "following": following, "updated_at": stamp}
                conn.execute(upsert(conn, topic_follows, values, ["subscriber_id", "topic_id"],
                                    ["following", "updated_at"]))
            chat: dict[str, Any] = {}
            if changes.lang is not None:
                chat["lang"] = changes.lang
            chat.update({k: v for k, v in changes.delivery.items() if k in PREF_COLUMNS})
            for query, mode in changes.watch_modes.items():
                conn.execute(update(watches).where(watches.c.subscriber_id == subscriber_id,
                                                   watches.c.query == query).values(mode=mode))
            if changes.muted_until is not None:
                chat["muted_until"] = changes.muted_until
            if chat:
                conn.execute(update(subscribers).where(subscribers.c.id == subscriber_id)
                             .values(updated_at=stamp, **chat))
            if changes.topic_mutes is not None:
                conn.execute(delete(topic_mutes)
                             .where(topic_mutes.c.subscriber_id == subscriber_id))
                for topic_id, until in changes.topic_mutes.items():
                    mute_topic_in(conn, subscriber_id, topic_id, until, stamp)
            if changes.add_watches or changes.remove_watches or changes.follows:
                bump_audience(conn)
