"""Feed polling state: defaults, save/upsert, entries_total ownership, due feeds."""

from __future__ import annotations

from dataclasses import replace

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
