"""The storage adapter (SQLAlchemy Core): one repository module per table group, all
mixed into one thread-safe `Store`; SQLite by default, PostgreSQL by a `postgresql://` URL.

Offers `open_store`, `Store`, `CONSOLE_CHAT_ID` and the store's errors. The records it
takes and returns are plain data from `bot.model`.
"""

from __future__ import annotations

from bot.store.audience import AudienceRepo
from bot.store.chat_feeds import ChatFeedsRepo
from bot.store.db import DEFAULT_URL, create_engine_for, normalise_url
from bot.store.entries import EntriesRepo
from bot.store.errors import DuplicateWatchError, SchemaTooNewError, StoreError
from bot.store.events import EventsRepo
from bot.store.feeds import FeedsRepo
from bot.store.holds import HoldsRepo
from bot.store.imports import ImportsRepo
from bot.store.meta import MetaRepo
from bot.store.migrations import upgrade
from bot.store.mutes import TopicMutesRepo
from bot.store.notices import NoticesRepo
from bot.store.outbox import OutboxRepo
from bot.store.recent import RecentRepo
from bot.store.statuses import StatusesRepo
from bot.store.subscribers import CONSOLE_CHAT_ID, SubscribersRepo
from bot.store.watches import WatchesRepo
from bot.store.workers import DatabaseBusy, WorkersRepo


class Store(
    FeedsRepo,
    EntriesRepo,
    SubscribersRepo,
    WatchesRepo,
    OutboxRepo,
    MetaRepo,
    NoticesRepo,
    StatusesRepo,
    AudienceRepo,
    EventsRepo,
    RecentRepo,
    WorkersRepo,
    ChatFeedsRepo,
    HoldsRepo,
    TopicMutesRepo,
    ImportsRepo,
):
    """All repository operations over one engine; each call is one short transaction on
    its own pooled connection, so a Store may be shared with worker threads."""


def open_store(url: str = DEFAULT_URL) -> Store:
    """Connect to `url` and upgrade its schema to the newest revision (idempotent); close()
    when done."""
    engine = create_engine_for(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


__all__ = [
    "CONSOLE_CHAT_ID",
    "DEFAULT_URL",
    "DatabaseBusy",
    "DuplicateWatchError",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "create_engine_for",
    "normalise_url",
    "open_store",
]
