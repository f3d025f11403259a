"""Subscribers: get-or-create, the (chat, topic) identity, lang/active/mute, chat migration."""

from __future__ import annotations

from conftest_store import NOW, later, make_entry, plan_of

from bot.model import FeedState, NewAlert
from bot.store import CONSOLE_CHAT_ID, Store

FEED = FeedState("https://news.example/rss")


def test_get_or_create_is_idempotent_and_refreshes_title(db: Store) -> None:
    first = db.get_or_create_subscriber(42, None, "private", "ru", "Anna", now=NOW)
    assert (first.chat_id, first.thread_id, first.kind, first.lang, first.active) == (
        42, None, "private", "ru", True
    )
    assert first.created_at == NOW and first.muted_until is None
    again = db.get_or_create_subscriber(42, None, "private", "en", "Anna K.", now=later(5))
    assert again.id == first.id
    assert again.lang == "ru"  # the user's choice is kept
    assert again.title == "Anna K." and again.updated_at == later(5)
    assert len(db.active_subscribers()) == 1


def test_forum_topics_are_separate_subscribers(db: Store) -> None:
    chat = -1001234567890123  # Telegram supergroup ids exceed 32 bits
    whole = db.get_or_create_subscriber(chat, None, "supergroup", "en", "G", now=NOW)
    topic = db.get_or_create_subscriber(chat, 15, "supergroup", "en", "G", now=NOW)
    assert whole.id != topic.id and topic.thread_id == 15 and whole.thread_id is None
    assert db.find_subscriber(chat) == whole and db.find_subscriber(chat, 15) == topic
    assert db.find_subscriber(chat, 16) is None
    # A second "no topic" row must hit the unique constraint (thread 0, not NULL).
    assert db.get_or_create_subscriber(chat, None, "supergroup", "en", "G", now=NOW) == whole


def test_console_subscriber(db: Store) -> None:
    console = db.ensure_console_subscriber()
    assert (console.chat_id, console.kind) == (CONSOLE_CHAT_ID, "console")
    assert db.ensure_console_subscriber().id == console.id


def test_setters(db: Store) -> None:
    sub = db.get_or_create_subscriber(7, None, "group", "en", "Team", now=NOW)
    assert db.set_lang(sub.id, "ru", now=later(1))
    assert db.set_muted_until(sub.id, later(60), now=later(1))
    assert db.set_active(sub.id, False, now=later(2))
    got = db.get_subscriber(sub.id)
    assert got is not None
    assert (got.lang, got.muted_until, got.active, got.updated_at) == (
        "ru", later(60), False, later(2)
    )
    assert got.muted(later(59)) and not got.muted(later(60))
    assert db.active_subscribers() == []
    assert not db.set_lang(9999, "en") and db.get_subscriber(9999) is None


def test_deactivate_covers_every_topic_of_a_chat(db: Store) -> None:
    a = db.get_or_create_subscriber(-5, None, "supergroup", "en", "G", now=NOW)
    db.get_or_create_subscriber(-5, 3, "supergroup", "en", "G", now=NOW)
    other = db.get_or_create_subscriber(8, None, "private", "en", "P", now=NOW)
    assert db.deactivate(-5, now=later(1)) == 2
    assert [s.id for s in db.active_subscribers()] == [other.id]
    assert db.deactivate(-5, now=later(2)) == 0
    assert db.get_subscriber(a.id) is not None


def test_migrate_chat_moves_subscribers(db: Store) -> None:
    old = db.get_or_create_subscriber(-77, None, "group", "ru", "Old group", now=NOW)
    db.add_watch(old.id, "газ", now=NOW)
    assert db.migrate_chat(-77, -10077, now=later(1)) == 1
    moved = db.find_subscriber(-10077)
    assert moved is not None and moved.id == old.id and moved.kind == "supergroup"
    assert moved.lang == "ru" and [w.query for w in db.list_watches(moved.id)] == ["газ"]
    assert db.find_subscriber(-77) is None


def test_migrate_chat_when_new_chat_already_subscribed(db: Store) -> None:
    old = db.get_or_create_subscriber(-78, None, "group", "en", "G", now=NOW)
    new = db.get_or_create_subscriber(-10078, None, "supergroup", "en", "G", now=NOW)
    assert db.migrate_chat(-78, -10078, now=later(1)) == 0
    stale = db.get_subscriber(old.id)
    assert stale is not None and not stale.active
    assert db.find_subscriber(-10078) == new


def test_migrating_onto_a_subscribed_chat_leaves_nothing_queued_for_the_old_one(db: Store) -> None:
    """The old subscriber is deactivated: its pending alerts are cancelled, as when a chat
    is left, instead of staying pending (never claimed, counted in the backlog) for ever."""
    old = db.get_or_create_subscriber(-79, None, "group", "en", "G", now=NOW)
    db.get_or_create_subscriber(-10079, None, "supergroup", "en", "G", now=NOW)
    db.commit_poll(FEED, [make_entry(1)], now=NOW, plan=plan_of(alerts=[NewAlert("k1", old.id)]))
    assert db.pending_count() == 1
    db.migrate_chat(-79, -10079, now=later(1))
    assert db.pending_count() == 0
