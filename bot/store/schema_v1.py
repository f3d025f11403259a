"""A frozen copy of the tables as migration 1 created them: migration 1 always builds
exactly this, and later steps alter it, so fresh and upgraded databases take the same path.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from bot.store.db import UTCDateTime
from bot.store.schema import JsonText

# Never edit: databases in the field were created from exactly these definitions.
_metadata = MetaData()

feeds = Table(
    "feeds",
    _metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_poll_at", UTCDateTime),
    Column("last_polled_at", UTCDateTime),
    Column("last_ok_at", UTCDateTime),
    Column("failures", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("last_status", Text),
    Column("primed", Boolean, nullable=False, server_default=false()),
    Column("entries_total", Integer, nullable=False, server_default=text("0")),
    Index("ix_feeds_next_poll_at", "next_poll_at"),
)

entries = Table(
    "entries",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("feed_url", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("link", Text),
    Column("summary", Text, nullable=False, server_default=""),
    Column("published", UTCDateTime),
    Column("guid", Text),
    Column("lang", Text),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("status", Text),
    Column("topics", JsonText, nullable=False, server_default="[]"),
    Index("ix_entries_seen_at", "seen_at"),
    Index("ix_entries_feed_url", "feed_url"),
)

# Every identity key of every entry: an entry is "seen" if ANY of its keys is here.
entry_keys = Table(
    "entry_keys",
    _metadata,
    Column("key", Text, primary_key=True),
    Column(
        "entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    ),
    Index("ix_entry_keys_entry_id", "entry_id"),
)

subscribers = Table(
    "subscribers",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger, nullable=False),
    # 0 = no forum topic: NULLs are distinct in UNIQUE constraints, so they can't be used.
    Column("thread_id", BigInteger, nullable=False, server_default=text("0")),
    Column("kind", Text, nullable=False),
    Column("lang", Text, nullable=False, server_default="en"),
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("muted_until", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("title", Text),
    UniqueConstraint("chat_id", "thread_id", name="uq_subscribers_chat_thread"),
)

watches = Table(
    "watches",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("query", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("subscriber_id", "query", name="uq_watches_subscriber_query"),
)

# Only explicit choices are stored; a subscriber follows every topic by default.
topic_follows = Table(
    "topic_follows",
    _metadata,
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("topic_id", Text, nullable=False),
    Column("following", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("subscriber_id", "topic_id", name="pk_topic_follows"),
)

outbox = Table(
    "outbox",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscriber_id",
        Integer,
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # No cascade: pruning must never silently drop an alert (see entries.prune_entries).
    Column("entry_id", Integer, ForeignKey("entries.id"), nullable=False),
    Column("why", JsonText, nullable=False, server_default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("state", Text, nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("message_id", BigInteger),
    Column("last_error", Text),
    UniqueConstraint("subscriber_id", "entry_id", name="uq_outbox_subscriber_entry"),
    Index("ix_outbox_state_next", "state", "next_attempt_at"),
    Index("ix_outbox_entry_id", "entry_id"),
)

meta = Table(
    "meta",
    _metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Tables created by migration 1, in dependency order.
V1_TABLES: tuple[Table, ...] = (
    feeds,
    entries,
    entry_keys,
    subscribers,
    watches,
    topic_follows,
    outbox,
    meta,
)
