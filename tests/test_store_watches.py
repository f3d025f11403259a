"""Watches (add/remove/list/count, duplicates, active-only index) and topic follows."""

from __future__ import annotations

import pytest
from conftest_store import NOW, later

from bot.store import DuplicateWatchError, Store


def test_add_list_count_watches(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    a = db.add_watch(sub.id, "gas AND price", now=NOW)
    b = db.add_watch(sub.id, "союзное государство", now=later(1))
    assert (a.subscriber_id, a.query, a.created_at) == (sub.id, "gas AND price", NOW)
    assert db.list_watches(sub.id) == [a, b]
    assert db.count_watches(sub.id) == 2


def test_duplicate_watch_raises(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    other = db.get_or_create_subscriber(9, None, "private", "en", None, now=NOW)
    db.add_watch(sub.id, "visa", now=NOW)
    with pytest.raises(DuplicateWatchError):
        db.add_watch(sub.id, "visa", now=NOW)
    assert db.add_watch(other.id, "visa", now=NOW).subscriber_id == other.id
    assert db.count_watches(sub.id) == 1


@pytest.mark.parametrize("by", ["query", "id"], ids=["by-query", "by-id"])
def test_remove_watch(db: Store, by: str) -> None:
    sub = db.ensure_console_subscriber()
    other = db.get_or_create_subscriber(9, None, "private", "en", None, now=NOW)
    watch = db.add_watch(sub.id, "oil", now=NOW)
    key: str | int = watch.query if by == "query" else watch.id
    assert not db.remove_watch(other.id, key)  # someone else's watch is untouchable
    assert db.remove_watch(sub.id, key)
    assert not db.remove_watch(sub.id, key)
    assert db.list_watches(sub.id) == []


def test_all_active_watches_skips_inactive_keeps_muted(db: Store) -> None:
    on = db.get_or_create_subscriber(1, None, "private", "en", None, now=NOW)
    off = db.get_or_create_subscriber(2, None, "private", "en", None, now=NOW)
    muted = db.get_or_create_subscriber(3, None, "private", "en", None, now=NOW)
    w_on = db.add_watch(on.id, "a", now=NOW)
    db.add_watch(off.id, "b", now=NOW)
    w_muted = db.add_watch(muted.id, "c", now=NOW)
    db.set_active(off.id, False)
    db.set_muted_until(muted.id, later(60))
    assert db.all_active_watches() == [w_on, w_muted]


def test_follow_defaults_to_every_topic(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    assert db.followed_topics(sub.id, ["gas", "visa", "summit"]) == ["gas", "visa", "summit"]
    db.set_following(sub.id, "visa", False, now=NOW)
    assert db.followed_topics(sub.id, ["gas", "visa", "summit"]) == ["gas", "summit"]
    db.set_following(sub.id, "visa", True, now=later(1))
    db.set_following(sub.id, "visa", True, now=later(2))  # repeated choice is an upsert
    assert db.followed_topics(sub.id, ["gas", "visa"]) == ["gas", "visa"]


def test_followers_by_topic(db: Store) -> None:
    a = db.get_or_create_subscriber(1, None, "private", "en", None, now=NOW)
    b = db.get_or_create_subscriber(2, None, "private", "en", None, now=NOW)
    gone = db.get_or_create_subscriber(3, None, "private", "en", None, now=NOW)
    db.set_active(gone.id, False)
    db.set_following(b.id, "gas", False, now=NOW)
    assert db.followers_by_topic(["gas", "visa", "gas"]) == {
        "gas": (a.id,),
        "visa": (a.id, b.id),
    }
    assert db.followers_by_topic([]) == {}


@pytest.mark.parametrize(
    ("topics", "expected"),
    [((), ["a", "b"]), (("t1",), ["a"]), (("t1", "t2"), ["a", "b"]), (("t3",), ["a", "b"])],
    ids=["no-topics-means-everyone-active", "one-topic-unfollowed-by-b", "any-of-two", "untouched-topic"],
)
def test_followers_of_any(db: Store, topics: tuple[str, ...], expected: list[str]) -> None:
    a = db.get_or_create_subscriber(1, None, "private", "en", "a")
    b = db.get_or_create_subscriber(2, None, "private", "en", "b")
    gone = db.get_or_create_subscriber(3, None, "private", "en", "gone")
    db.set_active(gone.id, False)
    db.set_following(b.id, "t1", False)
    names = {a.id: "a", b.id: "b"}
    assert [names[i] for i in db.followers_of_any(topics)] == expected
