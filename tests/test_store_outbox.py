"""The outbox: claim/mark cycle, retry timing, leases, mute hold, inactive subscribers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from conftest_store import NOW, later, make_entry, plan_of
from sqlalchemy import select

from bot.model import FeedState, NewAlert, Subscriber
from bot.store import Store
from bot.store.schema import outbox

FEED = FeedState("https://news.example/rss")


def _enqueue(db: Store, sub: Subscriber, *numbers: int) -> tuple[int, ...]:
    alerts = [NewAlert(f"k{n}", sub.id, {"topics": ["gas"], "n": n}) for n in numbers]
    return db.commit_poll(FEED, [make_entry(n) for n in numbers], now=NOW, plan=plan_of(alerts=alerts)).outbox_ids


def test_claim_returns_joined_items_in_id_order(db: Store) -> None:
    sub = db.get_or_create_subscriber(-100123, 7, "supergroup", "ru", "Forum", now=NOW)
    ids = _enqueue(db, sub, 1, 2, 3)
    items = db.claim_due(NOW, 10)
    assert [i.id for i in items] == list(ids)
    first = items[0]
    assert first.subscriber == sub and first.why == {"topics": ["gas"], "n": 1}
    assert first.entry.key == "k1" and first.entry.entry.title.endswith("number 1")
    assert first.attempts == 1 and first.created_at == NOW


def test_claim_respects_limit_and_lease(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    _enqueue(db, sub, 1, 2, 3)
    assert [i.entry.key for i in db.claim_due(NOW, 2)] == ["k1", "k2"]
    # Claimed items are leased: a second drain only sees the rest.
    assert [i.entry.key for i in db.claim_due(NOW, 10)] == ["k3"]
    assert db.claim_due(later(1), 10) == []
    # An unsettled claim (crash mid-send) becomes due again after the lease.
    again = db.claim_due(later(3), 10)
    assert [i.entry.key for i in again] == ["k1", "k2", "k3"]
    assert [i.attempts for i in again] == [2, 2, 2]


def test_mark_sent_finishes_item(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    _enqueue(db, sub, 1)
    (item,) = db.claim_due(NOW, 10)
    assert db.mark_sent(item.id, later(1), 555)
    assert db.pending_count() == 0
    assert db.claim_due(later(60), 10) == []
    assert db.stats().outbox_sent == 1
    assert not db.mark_sent(99_999, NOW, 1)


def test_mark_retry_reschedules(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    _enqueue(db, sub, 1)
    (item,) = db.claim_due(NOW, 10)
    db.mark_retry(item.id, later(30), "429 Too Many Requests")
    assert db.claim_due(later(29), 10) == []
    (again,) = db.claim_due(later(30), 10)
    assert again.id == item.id and again.attempts == 2
    assert db.pending_count() == 1


def test_mark_failed_gives_up(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    _enqueue(db, sub, 1)
    (item,) = db.claim_due(NOW, 10)
    db.mark_failed(item.id, "400 chat not found")
    assert db.pending_count() == 0 and db.claim_due(later(60), 10) == []
    assert db.stats().outbox_failed == 1


def test_muted_items_are_held_then_delivered(db: Store) -> None:
    loud = db.get_or_create_subscriber(1, None, "private", "en", "loud", now=NOW)
    quiet = db.get_or_create_subscriber(2, None, "private", "en", "quiet", now=NOW)
    db.set_muted_until(quiet.id, later(60), now=NOW)
    alerts = [NewAlert("k1", loud.id), NewAlert("k1", quiet.id)]
    db.commit_poll(FEED, [make_entry(1)], now=NOW, plan=plan_of(alerts=alerts))
    (sent,) = db.claim_due(later(10), 10)
    assert sent.subscriber.id == loud.id
    db.mark_sent(sent.id, later(10), 1)
    assert db.claim_due(later(59), 10) == []
    assert db.pending_count() == 1  # held, not lost
    assert db.claim_due(later(60), 10) == []  # the mute ended, but is not yet collapsed
    assert db.collapse_held(later(60), 5, lambda held, until, why: [{}]) == 0  # one by one
    (held,) = db.claim_due(later(60), 10)
    assert held.subscriber.id == quiet.id


def test_a_mute_ending_is_collapsed_or_claimed_never_both(db: Store) -> None:
    """Two replicas at a mute's end: one claims the chat's rows as the other summarises
    them. The claim waits for the collapse, so each alert goes out exactly once."""
    sub = db.get_or_create_subscriber(3, None, "private", "en", "muted", now=NOW)
    db.set_muted_until(sub.id, later(60), now=NOW)
    entries = [make_entry(n) for n in range(6)]
    alerts = [NewAlert(f"k{n}", sub.id) for n in range(6)]
    db.commit_poll(FEED, entries, now=NOW, plan=plan_of(alerts=alerts))
    assert db.claim_due(later(61), 10) == []  # replica B, just after the mute's end
    assert db.collapse_held(later(61), 5, lambda held, until, why: [{"count": len(held)}]) == 1
    assert db.claim_due(later(62), 10) == []  # every alert went into the one summary
    with db.engine.connect() as conn:
        states = sorted(conn.execute(select(outbox.c.state)).scalars())
    assert states == ["summarised"] * 6


def test_unmute_releases_held_items_early(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    db.set_muted_until(sub.id, later(600), now=NOW)
    _enqueue(db, sub, 1)
    assert db.claim_due(later(1), 10) == []
    db.set_muted_until(sub.id, None, now=later(2))
    assert len(db.claim_due(later(2), 10)) == 1


@pytest.mark.parametrize("reactivate", [False, True], ids=["stopped", "stopped-then-resumed"])
def test_stop_drops_what_was_queued(db: Store, reactivate: bool) -> None:
    """/stop stops everything: what was queued is cancelled, and a resume does not bring
    it back; the chat's next alerts are delivered as usual."""
    sub = db.get_or_create_subscriber(5, None, "private", "en", None, now=NOW)
    (queued,) = _enqueue(db, sub, 1)
    db.set_active(sub.id, False, now=NOW)
    if reactivate:
        db.set_active(sub.id, True, now=NOW)
    assert db.claim_due(NOW + timedelta(minutes=1), 10) == []
    with db.engine.connect() as conn:
        state = conn.execute(select(outbox.c.state).where(outbox.c.id == queued)).scalar()
    assert state == "cancelled"
    if reactivate:
        (later_one,) = _enqueue(db, sub, 2)
        assert [i.id for i in db.claim_due(NOW + timedelta(minutes=2), 10)] == [later_one]


def test_concurrent_claims_never_share_an_item(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    ids = _enqueue(db, sub, *range(60))
    claimed: list[list[int]] = [[], [], []]

    def drain(slot: int) -> None:
        while batch := db.claim_due(NOW, 7):
            claimed[slot].extend(i.id for i in batch)

    threads = [threading.Thread(target=drain, args=(n,)) for n in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    every = [i for part in claimed for i in part]
    assert sorted(every) == sorted(ids)  # each item claimed exactly once
