"""The store's current tables (SQLAlchemy Core), created and altered only by Alembic
revisions; a test checks a migrated database matches them. Longer than 300 lines: every
table in one place, so the schema reads as a whole.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Dialect,
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
from sqlalchemy.types import TypeDecorator

from bot.store.db import UTCDateTime

metadata = MetaData()


class JsonText(TypeDecorator[Any]):
    """A JSON value kept as plain TEXT, identical on every dialect."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


def _subscriber_id() -> Column[int]:
    """The owning chat; its rows go when the subscriber row goes."""
    return Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"),
                  nullable=False)


def _delivery_columns() -> list[Column[Any]]:
    """The state of one queued message; the outbox and notices are drained alike."""
    return [
        Column("state", Text, nullable=False, server_default="pending"),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("next_attempt_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime),
        Column("message_id", BigInteger),
        Column("last_error", Text),
    ]


def _revision_columns() -> list[Column[Any]]:
    """Bumped by every change to a row; a claim remembers it, so a change made while the
    row was being sent makes `mark_sent` leave it pending (an edit follows)."""
    return [
        Column("revision", Integer, nullable=False, server_default=text("0")),
        Column("claimed_revision", Integer),
        # The worker holding the claim: a dead worker's claims are released at once.
        Column("claimed_by", Text),
    ]


feeds = Table(
    "feeds",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_poll_at", UTCDateTime),
    Column("last_polled_at", UTCDateTime),
    Column("last_ok_at", UTCDateTime),
    Column("last_changed_at", UTCDateTime),  # the last poll that parsed new content
    Column("failures", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("last_http_status", Text),  # "200", "304", or the outcome, e.g. "timeout"
    Column("primed", Boolean, nullable=False, server_default=false()),
    Column("entries_total", Integer, nullable=False, server_default=text("0")),
    # In the running config (feeds.yaml, chat additions); others are kept, never polled.
    Column("active", Boolean, nullable=False, server_default=true()),
    # Held while one process polls the feed; a dead worker's leases are released early.
    Column("lease_until", UTCDateTime),
    Column("leased_by", Text),
    # The first failed poll of the current streak; NULL while the feed works.
    Column("failing_since", UTCDateTime),
    Index("ix_feeds_next_poll_at", "next_poll_at"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("feed_url", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("publisher", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False),
    Column("link", Text),
    Column("summary", Text, nullable=False, server_default=""),
    Column("published", UTCDateTime),
    Column("guid", Text),
    Column("lang", Text),
    Column("seen_at", UTCDateTime, nullable=False),
    # The last time the entry's feed listed it: pruning keeps entries a feed still lists.
    Column("last_listed_at", UTCDateTime),
    Column("status", Text),
    Column("topics", JsonText, nullable=False, server_default="[]"),
    # The story's first entry id (its own id for a story's first report). No foreign
    # key: the first entry may be pruned while later reports of the story remain.
    Column("cluster_id", Integer),
    Index("ix_entries_seen_at", "seen_at"),
    Index("ix_entries_feed_url", "feed_url"),
    Index("ix_entries_cluster_id", "cluster_id"),
)

# Every identity key of every entry: an entry is "seen" if ANY of its keys is here.
entry_keys = Table(
    "entry_keys",
    metadata,
    Column("key", Text, primary_key=True),
    Column(
        "entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False
    ),
    Index("ix_entry_keys_entry_id", "entry_id"),
)

subscribers = Table(
    "subscribers",
    metadata,
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
    # Delivery preferences (bot.delivery.prefs parses them): an IANA zone (NULL: the
    # config's), quiet hours "HH:MM-HH:MM" (NULL: none), whether status changes stay quiet
    # too, and the mode "hourly" / "daily HH:MM" (NULL: instant).
    Column("tz", Text),
    Column("quiet", Text),
    Column("quiet_strict", Boolean, nullable=False, server_default=false()),
    Column("mode", Text),
    UniqueConstraint("chat_id", "thread_id", name="uq_subscribers_chat_thread"),
)

watches = Table(
    "watches",
    metadata,
    Column("id", Integer, primary_key=True),
    _subscriber_id(),
    Column("query", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("mode", Text),  # this watch's own delivery mode; NULL: the chat's
    UniqueConstraint("subscriber_id", "query", name="uq_watches_subscriber_query"),
)

# Only explicit choices are stored; a subscriber follows every topic by default.
topic_follows = Table(
    "topic_follows",
    metadata,
    _subscriber_id(),
    Column("topic_id", Text, nullable=False),
    Column("following", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("subscriber_id", "topic_id", name="pk_topic_follows"),
)

# Per-topic mutes (the "mute for a day" button under an alert): the topic's alerts to the
# chat are dropped until `until`. Expired rows mean nothing and are overwritten in place.
topic_mutes = Table(
    "topic_mutes",
    metadata,
    _subscriber_id(),
    Column("topic_id", Text, nullable=False),
    Column("until", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("subscriber_id", "topic_id", name="pk_topic_mutes"),
)


outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    _subscriber_id(),
    # No cascade: pruning must never silently drop an alert (see entries.prune_entries).
    Column("entry_id", Integer, ForeignKey("entries.id"), nullable=False),
    Column("why", JsonText, nullable=False, server_default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
    *_delivery_columns(),
    # One row per (subscriber, story); later reports of the story edit its message.
    Column("cluster_id", Integer),
    *_revision_columns(),
    # state "held": why ("quiet", "hourly", "daily"); released as one summary at
    # next_attempt_at.
    Column("hold", Text),
    UniqueConstraint("subscriber_id", "entry_id", name="uq_outbox_subscriber_entry"),
    Index("ix_outbox_state_next", "state", "next_attempt_at"),
    Index("ix_outbox_entry_id", "entry_id"),
    Index("ix_outbox_subscriber_cluster", "subscriber_id", "cluster_id"),
)

# Counters bumped in the transaction of a change, so other readers notice it cheaply;
# "audience" counts changes to who matches what (subscribers, watches, topic follows),
# "feeds" changes to the feeds added in chat.
generations = Table(
    "generations",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", BigInteger, nullable=False, server_default=text("0")),
)

# Running bot processes; each refreshes its heartbeat while alive and removes its row on a
# clean stop.
workers = Table(
    "workers",
    metadata,
    Column("id", Text, primary_key=True),
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("heartbeat_at", UTCDateTime, nullable=False),
)

# The replica serving a chat for now (PostgreSQL): a chat's alerts and notices are claimed
# by one worker at a time, and a hold outlives its last claim by the chat's limit window.
chat_holds = Table(
    "chat_holds",
    metadata,
    Column("chat_id", BigInteger, primary_key=True),
    Column("held_by", Text, nullable=False),
    Column("held_until", UTCDateTime, nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Messages that are not about one entry: reminders, the summit-day
# alert, breaking status alerts, "event moved", the digest. A key reaches a subscriber once.
notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True),
    _subscriber_id(),
    Column("key", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("payload", JsonText, nullable=False, server_default="{}"),
    Column("created_at", UTCDateTime, nullable=False),
    *_delivery_columns(),
    *_revision_columns(),
    UniqueConstraint("subscriber_id", "key", name="uq_notices_subscriber_key"),
    Index("ix_notices_state_next", "state", "next_attempt_at"),
    Index("ix_notices_key", "key"),
    Index("ix_notices_kind", "kind"),  # feed health reads its own notices back by kind
)

topic_status = Table(
    "topic_status",
    metadata,
    Column("topic_id", Text, primary_key=True),
    Column("status", Text),
    Column("since", UTCDateTime),
    Column("sources", JsonText, nullable=False, server_default="[]"),
    Column("confirmed", Boolean, nullable=False, server_default=false()),
    Column("updated_at", UTCDateTime, nullable=False),
)

topic_timeline = Table(
    "topic_timeline",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic_id", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("source", Text, nullable=False),
    # The reporting entry while it is kept; pruning it leaves the step in the timeline.
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="SET NULL")),
    Column("title", Text, nullable=False, server_default=""),
    Column("link", Text),
    Index("ix_topic_timeline_topic_at", "topic_id", "at"),
)

# An admin's in-chat changes to a configured event; NULL columns keep the config's value.
event_overrides = Table(
    "event_overrides",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("title", Text),
    Column("date", Text),  # YYYY-MM-DD: a calendar day, no time zone to get wrong
    Column("timezone", Text),
    Column("location", Text),
    Column("topics", JsonText),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", BigInteger),
    # The calendar SEQUENCE: bumped each time the event moves, so calendar apps update it.
    Column("sequence", Integer, nullable=False, server_default=text("0")),
)

# Feeds an admin added in chat (an OPML file), polled alongside feeds.yaml's; a feed with
# the same URL in feeds.yaml wins. Each change bumps the "feeds" generation.
chat_feeds = Table(
    "chat_feeds",
    metadata,
    Column("id", Integer, primary_key=True),  # the order they were added in
    Column("url", Text, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("lang", Text),
    Column("category", Text, nullable=False, server_default=""),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", BigInteger),
    UniqueConstraint("url", name="uq_chat_feeds_url"),
)
