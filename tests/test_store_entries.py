"""Entries and identity keys: known_keys, commit_poll (the exactly-once transaction),
recent_entries, prune_entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from conftest_store import NOW, later, make_entry, plan_of
from sqlalchemy import exc, func, select

from bot.model import FeedState, NewAlert
from bot.store import Store
from bot.store.schema import entries, entry_keys, feeds, outbox

FEED = FeedState("https://news.example/rss", etag='"v1"', last_http_status="200", primed=True)


def _count(db: Store, table: object) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_commit_poll_records_entries_keys_alerts_and_state(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    new = [make_entry(1, keys=("guid:1", "link:1"), status="signed", topics=("gas",)),
           make_entry(2)]
    alert = NewAlert("k1", sub.id, {"topics": ["gas"], "status": "signed"})
    result = db.commit_poll(FEED, new, now=NOW, plan=plan_of(alerts=[alert]))
    assert set(result.entry_ids) == {"k1", "k2"} and result.inserted == 2
    assert result.skipped_keys == () and len(result.outbox_ids) == 1
    assert result.feed_state.entries_total == 2 and result.feed_state.etag == '"v1"'
    assert db.known_keys(["k1", "guid:1", "link:1", "k2", "nope"]) == {
        "k1", "guid:1", "link:1", "k2"
    }
    stored = {e.key: e for e in db.recent_entries(NOW, 10)}
    assert stored["k1"].status == "signed" and stored["k1"].topics == ("gas",)
    assert stored["k1"].entry == new[0].entry and stored["k1"].seen_at == NOW
    assert db.get_feed_states([FEED.url])[FEED.url] == result.feed_state


@pytest.mark.parametrize(
    "shared_key",
    ["k1", "guid:shared", "link:shared"],
    ids=["same-primary-key", "same-guid-key", "same-link-key-other-feed"],
)
def test_entry_with_any_known_key_is_skipped(db: Store, shared_key: str) -> None:
    sub = db.ensure_console_subscriber()
    db.commit_poll(FEED, [make_entry(1, keys=("guid:shared", "link:shared"))], now=NOW)
    other_feed = FeedState("https://other.example/atom")
    dup = make_entry(1 if shared_key == "k1" else 9, feed_url=other_feed.url, keys=(shared_key,))
    result = db.commit_poll(other_feed, [dup], now=later(5), plan=plan_of(alerts=[NewAlert(dup.key, sub.id)]))
    assert result.entry_ids == {} and result.skipped_keys == (dup.key,)
    assert result.outbox_ids == ()
    assert result.feed_state.entries_total == 0
    assert _count(db, entries) == 1 and db.pending_count() == 0


def test_duplicates_within_one_batch_keep_the_first(db: Store) -> None:
    first, second = make_entry(1, keys=("link:x",)), make_entry(2, keys=("link:x",))
    result = db.commit_poll(FEED, [first, second], now=NOW)
    assert list(result.entry_ids) == ["k1"] and result.skipped_keys == ("k2",)
    assert db.known_keys(["k2"]) == set()


def test_commit_poll_is_atomic(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    good = NewAlert("k1", sub.id, {"topics": ["gas"]})
    bad = NewAlert("k2", sub.id + 999, {})  # no such subscriber: FK fails after inserts
    with pytest.raises(exc.IntegrityError):
        db.commit_poll(FEED, [make_entry(1, keys=("guid:1",)), make_entry(2)], now=NOW, plan=plan_of(alerts=[good, bad]))
    assert db.known_keys(["k1", "guid:1", "k2"]) == set()
    assert _count(db, entries) == 0 and _count(db, entry_keys) == 0
    assert _count(db, outbox) == 0 and _count(db, feeds) == 0
    # Nothing was marked seen, so the retry records it all.
    retry = db.commit_poll(FEED, [make_entry(1, keys=("guid:1",)), make_entry(2)], now=later(1), plan=plan_of(alerts=[good]))
    assert retry.inserted == 2 and len(retry.outbox_ids) == 1


def test_unserialisable_why_rolls_back_too(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    with pytest.raises(exc.StatementError):
        db.commit_poll(FEED, [make_entry(1)], now=NOW, plan=plan_of(alerts=[NewAlert("k1", sub.id, {"x": object()})]))
    assert db.known_keys(["k1"]) == set() and db.pending_count() == 0


def test_alert_for_unknown_or_old_entry_is_not_enqueued(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    db.commit_poll(FEED, [make_entry(1)], now=NOW)
    result = db.commit_poll(FEED, [make_entry(2)], now=later(1), plan=plan_of(alerts=[NewAlert("k1", sub.id), NewAlert("k2", sub.id), NewAlert("k-missing", sub.id)]))
    assert len(result.outbox_ids) == 1  # only k2 was inserted now


def test_same_alert_twice_in_one_commit_is_enqueued_once(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    result = db.commit_poll(FEED, [make_entry(1)], now=NOW, plan=plan_of(alerts=[NewAlert("k1", sub.id), NewAlert("k1", sub.id)]))
    assert len(result.outbox_ids) == 1


def test_entries_total_accumulates_across_polls(db: Store) -> None:
    db.commit_poll(FEED, [make_entry(1), make_entry(2)], now=NOW)
    result = db.commit_poll(FEED, [make_entry(2), make_entry(3)], now=later(10))
    assert result.feed_state.entries_total == 3


def test_known_keys_handles_large_batches(db: Store) -> None:
    batch = [make_entry(i, keys=(f"guid:{i}",)) for i in range(700)]
    db.commit_poll(FEED, batch, now=NOW)
    asked = [f"guid:{i}" for i in range(0, 1400, 2)]
    assert db.known_keys(asked) == {f"guid:{i}" for i in range(0, 700, 2)}
    assert db.known_keys([]) == set()


def test_summary_is_truncated(db: Store) -> None:
    entry = make_entry(1)
    long = replace(entry, entry=replace(entry.entry, summary="x" * 5000))
    db.commit_poll(FEED, [long], now=NOW)
    (stored,) = db.recent_entries(NOW, 5)
    assert len(stored.entry.summary) == 1000


def test_recent_entries_newest_first_since_and_limit(db: Store) -> None:
    for i in range(5):
        db.commit_poll(FEED, [make_entry(i)], now=later(i))
    recent = db.recent_entries(later(1), limit=3)
    assert [e.key for e in recent] == ["k4", "k3", "k2"]
    assert [e.key for e in db.recent_entries(later(3), limit=10)] == ["k4", "k3"]
    assert db.get_entry(recent[0].id) == recent[0] and db.get_entry(10_000) is None


def parsed(at: datetime) -> FeedState:
    """The feed's state after a poll that parsed new content at `at` (as the poller saves it)."""
    return replace(FEED, last_changed_at=at)


def test_prune_keeps_entries_with_pending_alerts(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = [make_entry(1, keys=("g1",)), make_entry(2, keys=("g2",)), make_entry(3)]
    old = db.commit_poll(parsed(NOW), first, now=NOW, listed=["k1", "k2", "k3"],
                         plan=plan_of(alerts=[NewAlert("k1", sub.id), NewAlert("k2", sub.id)]))
    later_day = NOW + timedelta(days=100)
    db.commit_poll(parsed(later_day), [make_entry(4)], now=later_day, listed=["k4"])
    (item1,) = db.claim_due(NOW, 1)
    db.mark_sent(item1.id, NOW, 77)  # k1's alert is done; k2's is still pending
    deleted = db.prune_entries(NOW + timedelta(days=90))
    assert deleted == 2  # k1 (sent) and k3 (no alert); k2 is pending, k4 is recent
    assert db.known_keys(["k1", "g1", "k2", "g2", "k3", "k4"]) == {"k2", "g2", "k4"}
    assert db.pending_count() == 1
    assert db.get_entry(old.entry_ids["k2"]) is not None
    assert _count(db, outbox) == 1


@pytest.mark.parametrize(
    ("still_listed", "feed_changed", "pruned"),
    [(True, True, False), (False, True, True), (False, False, False)],
    ids=["still-in-the-feed", "gone-from-the-feed", "feed-unchanged-since"],
)
def test_prune_forgets_only_what_the_feed_no_longer_lists(
        db: Store, still_listed: bool, feed_changed: bool, pruned: bool) -> None:
    """An entry (dated or not) whose feed still lists it is never forgotten: forgetting
    its keys would make it new again at the next change of the feed."""
    db.commit_poll(parsed(NOW), [make_entry(1, published=None)], now=NOW, listed=["k1"])
    day = NOW + timedelta(days=60)
    if feed_changed:
        db.commit_poll(parsed(day), [make_entry(2)], now=day,
                       listed=["k2", "k1"] if still_listed else ["k2"])
    assert db.prune_entries(NOW + timedelta(days=30)) == (1 if pruned else 0)
    assert db.known_keys(["k1"]) == (set() if pruned else {"k1"})
