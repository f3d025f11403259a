"""The key/value meta table and the /stats counts."""

from __future__ import annotations

from conftest_store import NOW, later, make_entry, plan_of

from bot.model import FeedState, NewAlert, NewNotice, StoreStats
from bot.store import Store
from bot.store.migrations import head_revision


def test_meta_get_set_overwrite(db: Store) -> None:
    assert db.get_meta("last_poll") is None
    db.set_meta("last_poll", NOW.isoformat(), now=NOW)
    db.set_meta("last_poll", later(5).isoformat(), now=later(5))
    assert db.get_meta("last_poll") == later(5).isoformat()


def test_stats_counts(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    off = db.get_or_create_subscriber(5, None, "private", "en", None, now=NOW)
    db.set_active(off.id, False)
    db.add_watch(sub.id, "gas", now=NOW)
    db.commit_poll(FeedState("https://a.example/"), [make_entry(1, keys=("g1",)), make_entry(2)], now=NOW, plan=plan_of(alerts=[NewAlert("k1", sub.id), NewAlert("k2", sub.id)]))
    first, second = db.claim_due(NOW, 10)
    db.mark_sent(first.id, NOW, 1)
    db.mark_failed(second.id, "blocked")
    db.commit_poll(FeedState("https://a.example/"), [make_entry(3)], now=NOW, plan=plan_of(alerts=[NewAlert("k3", sub.id)]))
    db.enqueue_notices([NewNotice(sub.id, k, "reminder") for k in "abcd"], now=NOW)
    a, b, c, _ = db.claim_notices(NOW, 10)
    db.mark_notice_sent(a.id, NOW, 1)
    db.mark_notice_sent(b.id, NOW, 2)
    db.mark_notice_failed(c.id, "blocked")
    assert db.stats() == StoreStats(
        schema_revision=head_revision(), feeds=1, entries=3, entry_keys=4,
        subscribers_total=2, subscribers_active=1, watches=1,
        outbox_pending=1, outbox_sent=1, outbox_failed=1,
        notices_pending=1, notices_sent=2, notices_failed=1,
    )
    assert db.schema_revision() == head_revision()
