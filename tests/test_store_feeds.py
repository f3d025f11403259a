"""Feed polling state: defaults, save/upsert, entries_total ownership, due feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from conftest_store import NOW, later, make_entry, save_states

from bot.model import FeedState
from bot.store import Store

URL = "https://news.example/rss"


def test_unknown_feeds_get_fresh_state(db: Store) -> None:
    states = db.get_feed_states([URL, "https://b.example/", URL])
    assert states == {URL: FeedState(URL), "https://b.example/": FeedState("https://b.example/")}


def test_save_and_update_roundtrip(db: Store) -> None:
    state = FeedState(
        URL, etag='W/"abc"', last_modified="Sat, 01 Mar 2025 12:00:00 GMT",
        next_poll_at=later(15), last_polled_at=NOW, last_ok_at=NOW, failures=0,
        last_http_status="200", primed=True,
    )
    save_states(db, state)
    assert db.get_feed_states([URL])[URL] == state
    failed = replace(state, failures=2, last_error="timeout", last_http_status="timeout",
                     next_poll_at=later(40))
    save_states(db, failed)
    assert db.get_feed_states([URL])[URL] == failed


def test_save_feed_state_keeps_entries_total(db: Store) -> None:
    db.commit_poll(FeedState(URL), [make_entry(1), make_entry(2)], now=NOW)
    save_states(db, FeedState(URL, failures=1, entries_total=999))
    saved = db.get_feed_states([URL])[URL]
    assert saved.entries_total == 2 and saved.failures == 1


def test_all_feed_states_by_url(db: Store) -> None:
    save_states(db, FeedState("https://b.example/", next_poll_at=later(10)),
                FeedState("https://a.example/", next_poll_at=later(-5)))
    assert [s.url for s in db.all_feed_states()] == ["https://a.example/", "https://b.example/"]


# ---------------------------------------------------------------- scheduling from the store

A, B, C = "https://a.example/rss", "https://b.example/rss", "https://c.example/rss"
LEASE = timedelta(minutes=2)


def claimed(db: Store, at: datetime, limit: int = 10) -> list[str]:
    return [s.url for s in db.claim_due_feeds(at, at, limit, LEASE)]


def test_synced_feeds_are_due_at_once_and_others_never(db: Store) -> None:
    save_states(db, FeedState(C, next_poll_at=NOW))  # polled once, since dropped from the config
    assert db.sync_feeds([A, B], NOW) == 2
    assert claimed(db, NOW) == [A, B]
    assert db.sync_feeds([A, B, C], later(1)) == 0  # C is back: kept state, active again
    assert claimed(db, later(1)) == [C]


def test_a_claimed_feed_is_leased_until_its_state_is_saved(db: Store) -> None:
    db.sync_feeds([A, B], NOW)
    assert claimed(db, NOW, limit=1) == [A]
    assert claimed(db, NOW) == [B], "A is leased"
    assert claimed(db, later(1)) == []
    save_states(db, FeedState(A, next_poll_at=later(1)))  # polled: lease ended, due again later
    assert claimed(db, later(1)) == [A]
    assert claimed(db, NOW + LEASE + timedelta(seconds=1)) == [B], "a lapsed lease frees B"


def test_most_overdue_first(db: Store) -> None:
    db.sync_feeds([A, B, C], NOW)
    save_states(db, FeedState(A, next_poll_at=later(3)), FeedState(B, next_poll_at=later(1)),
                FeedState(C, next_poll_at=later(2)))
    assert claimed(db, later(5)) == [B, C, A]


def test_surge_brings_healthy_feeds_forward(db: Store) -> None:
    db.sync_feeds([A, B, C], NOW)
    save_states(db,
                FeedState(A, last_polled_at=NOW, next_poll_at=later(60)),
                FeedState(B, last_polled_at=NOW, next_poll_at=later(60), failures=2),
                FeedState(C, last_polled_at=NOW, next_poll_at=later(3)))
    assert db.pull_forward(timedelta(minutes=5), later(1)) == 1
    assert db.get_feed_states([A])[A].next_poll_at == later(5)
    assert claimed(db, later(5)) == [C, A], "B is failing: it keeps its backoff"


def test_a_dead_workers_feed_leases_end_at_once(db: Store) -> None:
    db.sync_feeds([A], NOW)
    db.register_worker(NOW)
    assert claimed(db, NOW) == [A]
    db.worker_id = None  # as a new process: the old worker is gone
    db.register_worker(later(1))
    db.release_orphans(later(1), alone=True)
    assert claimed(db, later(1)) == [A]


def test_failing_feed_states_are_the_streaks_old_enough(db: Store) -> None:
    """What the feed health job reads instead of every feed: a streak begun at or before
    the cutoff; healthy and freshly failing feeds are not read."""
    hours_ago = NOW - timedelta(hours=2)
    save_states(db, FeedState("https://ok.example/", last_polled_at=NOW, last_ok_at=NOW))
    save_states(db, FeedState("https://down.example/", failures=1, last_polled_at=hours_ago))
    save_states(db, FeedState("https://down.example/", failures=2, last_polled_at=NOW))
    save_states(db, FeedState("https://new.example/", failures=1, last_polled_at=NOW))
    found = db.failing_feed_states(NOW - timedelta(hours=1))
    assert list(found) == ["https://down.example/"]
    assert found["https://down.example/"].failing_since == hours_ago
    assert found["https://down.example/"].failures == 2
    assert set(db.failing_feed_states(NOW)) == {"https://down.example/", "https://new.example/"}
