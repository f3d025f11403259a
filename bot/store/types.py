"""Plain frozen data that crosses the store boundary: feed states, entries, alerts,
subscribers, watches, outbox items, and the store's specific errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.model import Entry, Status

SubscriberKind = Literal["console", "private", "group", "supergroup", "channel"]
Lang = Literal["en", "ru"]
OutboxState = Literal["pending", "sent", "failed"]


class StoreError(Exception):
    """Base class of errors the store raises on purpose."""


class DuplicateWatchError(StoreError):
    """The subscriber already watches exactly this query."""


class SchemaTooNewError(StoreError):
    """The database was migrated by a newer version of the bot than this one."""


@dataclass(frozen=True, slots=True)
class FeedState:
    """Polling state of one feed; a feed never polled is `FeedState(url)`."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_ok_at: datetime | None = None
    failures: int = 0  # consecutive failed polls; 0 after any success
    last_error: str | None = None
    last_status: str | None = None  # HTTP status or outcome name, e.g. "200", "timeout"
    primed: bool = False  # first successful poll done: its backlog was recorded silently
    entries_total: int = 0  # maintained by commit_poll; ignored on save


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry the pipeline wants to record, with every identity key it has."""

    key: str  # the primary identity key (unique per entry)
    keys: tuple[str, ...]  # ALL identity keys (guid/link/hash); `key` is added if missing
    entry: Entry
    status: Status | None = None
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert for one subscriber about one entry of the same commit, by primary key."""

    entry_key: str
    subscriber_id: int
    why: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable reasons


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as stored: its row id, primary key, and when it was first seen."""

    id: int
    key: str
    entry: Entry
    seen_at: datetime
    status: Status | None
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What one `commit_poll` transaction recorded."""

    entry_ids: dict[str, int]  # primary key -> new row id, for entries inserted now
    skipped_keys: tuple[str, ...]  # primary keys of entries already seen (not inserted)
    outbox_ids: tuple[int, ...]  # new outbox rows, in alert order
    alerts_skipped: int  # alerts for skipped entries or already enqueued pairs
    feed_state: FeedState  # as saved, with the updated entries_total

    @property
    def inserted(self) -> int:
        return len(self.entry_ids)


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat (optionally one forum topic of it) that receives alerts."""

    id: int
    chat_id: int
    thread_id: int | None
    kind: SubscriberKind
    lang: Lang
    active: bool
    muted_until: datetime | None
    created_at: datetime
    updated_at: datetime
    title: str | None

    def muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now


@dataclass(frozen=True, slots=True)
class Watch:
    """A subscriber's watched keyword query."""

    id: int
    subscriber_id: int
    query: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed alert with everything the sender needs to deliver it."""

    id: int
    subscriber: Subscriber
    entry: StoredEntry
    why: dict[str, Any]
    attempts: int  # including the current claim
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts for the admin `/stats` command."""

    schema_version: int
    feeds: int
    entries: int
    entry_keys: int
    subscribers_total: int
    subscribers_active: int
    watches: int
    outbox_pending: int
    outbox_sent: int
    outbox_failed: int
