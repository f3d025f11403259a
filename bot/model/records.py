"""The records the store keeps and hands out, as plain frozen data: feed states, entries,
alerts, subscribers, watches, outbox items, notices, topic statuses, event overrides and
feeds added in chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from bot.model.news import Entry, Status

# The language of a chat's interface (its alerts, replies and menus).
UiLang = Literal["en", "ru", "be"]
SubscriberKind = Literal["console", "private", "group", "supergroup", "channel"]
# cancelled: the chat stopped (or was removed) before it was sent; summarised: delivered in
# a summary of held alerts; held: kept back (quiet hours, a digest) until next_attempt_at
OutboxState = Literal["pending", "sent", "failed", "cancelled", "summarised", "held"]
NoticeState = OutboxState


@dataclass(frozen=True, slots=True)
class FeedState:
    """Polling state of one feed; a feed never polled is `FeedState(url)`."""

    url: str
    # The validators sent with the next conditional GET.
    etag: str | None = None
    last_modified: str | None = None
    # When it is polled next, and how the last polls went.
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_changed_at: datetime | None = None  # the last poll that parsed new content
    failures: int = 0  # consecutive failed polls; 0 after any success
    last_error: str | None = None
    last_http_status: str | None = None  # HTTP status or outcome name, e.g. "200", "timeout"
    primed: bool = False  # first successful poll done: its backlog was recorded silently
    entries_total: int = 0  # maintained by commit_poll; ignored on save
    # The first failed poll of the current streak, None while the feed works; maintained
    # by the store from `failures` and `last_polled_at`, ignored on save (and by ==).
    failing_since: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry the pipeline wants to record, with every identity key it has."""

    key: str  # the primary identity key (unique per entry)
    keys: tuple[str, ...]  # ALL identity keys (guid/link/hash); `key` is added if missing
    entry: Entry
    status: Status | None = None
    topics: tuple[str, ...] = ()
    # An existing story's cluster id chosen by the pipeline; None starts a new story
    # (the entry's cluster id becomes its own id).
    cluster_id: int | None = None


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
    cluster_id: int | None = None  # None only for entries stored before schema v2


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What one `commit_poll` transaction recorded."""

    entry_ids: dict[str, int]  # primary key -> new row id, for entries inserted now
    skipped_keys: tuple[str, ...]  # primary keys of entries already seen (not inserted)
    feed_state: FeedState  # as saved, with the updated entries_total
    outbox_ids: tuple[int, ...] = ()  # new outbox rows, in alert order
    # Held alerts about the same story that gained a report (sent ones: to edit).
    outbox_updated: tuple[int, ...] = ()
    topics_saved: int = 0
    timeline_added: int = 0  # rows whose entry_key was not inserted now are dropped
    notice_ids: tuple[int, ...] = ()  # notices inserted now
    notices_updated: int = 0  # notice rows given a new payload (sent ones: to edit)

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
    lang: UiLang
    active: bool
    muted_until: datetime | None
    created_at: datetime
    updated_at: datetime
    title: str | None
    # Delivery preferences as stored (bot.delivery.prefs reads them); None: the default.
    tz: str | None = None
    quiet: str | None = None
    quiet_strict: bool = False
    mode: str | None = None

    def muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now


@dataclass(frozen=True, slots=True)
class Watch:
    """A subscriber's watched keyword query."""

    id: int
    subscriber_id: int
    query: str
    created_at: datetime
    mode: str | None = None  # its own delivery mode; None: the chat's


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A claimed alert with everything the sender needs to deliver it."""

    id: int
    subscriber: Subscriber
    entry: StoredEntry
    why: dict[str, Any]  # why["also"]: later reports of the story, {"publisher","title","link"}
    attempts: int  # including the current claim
    created_at: datetime
    message_id: int | None = None  # set once sent: the sender edits it instead of sending
    cluster_id: int | None = None
    # Set once delivered: with no message_id (console) a re-opened item is an update.
    sent_at: datetime | None = None
    watch_modes: Mapping[str, str] = field(default_factory=dict)  # watches' own modes


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Counts for the admin `/stats` command."""

    schema_revision: str  # the Alembic revision
    feeds: int
    entries: int
    entry_keys: int
    subscribers_total: int
    subscribers_active: int
    watches: int
    outbox_pending: int
    outbox_sent: int
    outbox_failed: int
    notices_pending: int = 0
    notices_sent: int = 0
    notices_failed: int = 0


@dataclass(frozen=True, slots=True)
class ClusterRow:
    """A recent entry as the story-clustering index needs it after a restart."""

    entry_id: int
    cluster_id: int | None
    feed: str
    title: str
    summary: str
    published: datetime | None
    seen_at: datetime
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class NewNotice:
    """A message for one subscriber that is not about one entry; `key` is sent at most once."""

    subscriber_id: int
    key: str
    kind: str  # e.g. "reminder", "summit_day", "breaking", "event_moved", "digest"
    payload: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable


@dataclass(frozen=True, slots=True)
class NoticeAttachment:
    """A file sent with a notice (the updated .ics of a moved event), kept in its payload
    under "attachment" so that the notice and its file are one message, sent once."""

    filename: str
    mime_type: str
    text: str

    def as_payload(self) -> dict[str, str]:
        return {"filename": self.filename, "mime_type": self.mime_type, "text": self.text}

    @classmethod
    def of_payload(cls, payload: Mapping[str, Any]) -> NoticeAttachment | None:
        """The payload's attachment; None when there is none or it is malformed."""
        found = payload.get("attachment")
        if not isinstance(found, Mapping):
            return None
        parts = [found.get(key) for key in ("filename", "mime_type", "text")]
        texts = [p for p in parts if isinstance(p, str) and p]
        return cls(*texts) if len(texts) == len(parts) else None


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """A claimed notice with everything the sender needs."""

    id: int
    subscriber: Subscriber
    key: str
    kind: str
    payload: dict[str, Any]
    message_id: int | None  # set once sent: an updated notice is an edit of it
    attempts: int  # including the current claim
    created_at: datetime
    sent_at: datetime | None = None  # set once delivered (see OutboxItem.sent_at)


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """A stored notice as its senders left it: who, which key, what kind, in what state."""

    subscriber_id: int
    key: str
    kind: str
    payload: dict[str, Any]
    state: NoticeState


@dataclass(frozen=True, slots=True)
class TopicStatusRow:
    """A topic's current signing status as stored."""

    topic_id: str
    status: Status | None
    since: datetime | None
    sources: tuple[str, ...] = ()
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One status step of a topic. Written with `entry_key` (an entry of the same
    commit_poll); read back with `entry_id`, and `entry_key` while the entry is kept."""

    topic_id: str
    status: Status
    at: datetime
    source: str  # the reporting feed's name
    entry_key: str | None = None
    title: str = ""
    link: str | None = None
    entry_id: int | None = None


@dataclass(frozen=True, slots=True)
class EventOverride:
    """An admin's change to a configured event; None fields keep the configured value."""

    event_id: str
    title: str | None = None
    date: date | None = None
    timezone: str | None = None
    location: str | None = None
    topics: tuple[str, ...] | None = None
    # Who changed it and when, for /event's listing.
    updated_at: datetime | None = None  # set by the store on save
    updated_by: int | None = None  # Telegram user id of the admin
    # The calendar SEQUENCE of the event: 0 as configured or added, +1 per move.
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class ChatFeed:
    """A feed an admin added in chat (an OPML file): polled like a configured one, unless
    feeds.yaml has the same URL, which wins."""

    url: str
    name: str = ""  # "": the URL's host, as in feeds.yaml
    lang: str | None = None  # one of the feed languages, else None
    category: str = ""  # the OPML folder it came from; the group it is exported under
    added_at: datetime | None = None  # set by the store
    added_by: int | None = None  # Telegram user id of the admin
