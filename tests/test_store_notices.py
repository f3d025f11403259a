"""Notices: a key reaches a subscriber at most once; claim/mark cycle with the mute hold;
a payload update (commit_poll's notice_updates) re-opens sent notices as edits keeping
their message id."""

from __future__ import annotations

import pytest
from conftest_store import NOW, later, notice_keys, reopen_notices
from sqlalchemy import select

from bot.model import NewNotice, Subscriber
from bot.store import Store
from bot.store.schema import notices


def subs(db: Store, n: int = 2) -> list[Subscriber]:
    return [db.get_or_create_subscriber(100 + i, None, "private", "en", None, now=NOW)
            for i in range(n)]


def state_of(db: Store, notice_id: int) -> tuple[str, int | None, dict[str, object]]:
    with db.engine.connect() as conn:
        row = conn.execute(select(notices).where(notices.c.id == notice_id)).one()
    return row.state, row.message_id, row.payload


# Each call: (subscriber index, key) pairs; expected: how many of each call were inserted.
@pytest.mark.parametrize(
    ("calls", "inserted"),
    [
        ([[(0, "reminder:summit:1d")], [(0, "reminder:summit:1d")]], [1, 0]),
        ([[(0, "digest:summit")], [(1, "digest:summit")]], [1, 1]),
        ([[(0, "a"), (0, "b")], [(0, "b"), (0, "c")]], [2, 1]),
        ([[(0, "a"), (0, "a"), (1, "a")]], [2]),
    ],
    ids=["same-key-twice-once", "other-subscriber-same-key", "overlapping-batches",
         "repeat-within-one-call"],
)
def test_each_key_reaches_a_subscriber_once(
    db: Store, calls: list[list[tuple[int, str]]], inserted: list[int]
) -> None:
    people = subs(db)
    got = []
    for n, call in enumerate(calls):
        new = [NewNotice(people[i].id, key, "reminder", {"n": n}) for i, key in call]
        got.append(db.enqueue_notices(new, now=later(n)))
    assert [len(ids) for ids in got] == inserted
    every = [i for ids in got for i in ids]
    assert len(set(every)) == len(every) and db.stats().notices_pending == len(every)


def test_enqueue_returns_ids_in_given_order(db: Store) -> None:
    (sub,) = subs(db, 1)
    ids = db.enqueue_notices([NewNotice(sub.id, k, "reminder") for k in "cab"], now=NOW)
    claimed = db.claim_notices(NOW, 10)
    assert [i.key for i in claimed] == ["c", "a", "b"] and [i.id for i in claimed] == ids
    assert db.enqueue_notices([], now=NOW) == []


def test_claim_mark_cycle(db: Store) -> None:
    (sub,) = subs(db, 1)
    (nid,) = db.enqueue_notices(
        [NewNotice(sub.id, "summit-day:s1:2025-03-05", "summit_day", {"event": "s1"})], now=NOW
    )
    (item,) = db.claim_notices(NOW, 10)
    assert (item.id, item.subscriber, item.key, item.kind) == (
        nid, sub, "summit-day:s1:2025-03-05", "summit_day"
    )
    assert item.payload == {"event": "s1"} and item.message_id is None
    assert item.attempts == 1 and item.created_at == NOW
    assert db.claim_notices(later(1), 10) == []  # leased
    assert db.mark_notice_retry(nid, later(5), "429")
    assert db.claim_notices(later(4), 10) == []
    (again,) = db.claim_notices(later(5), 10)
    assert again.attempts == 2
    assert db.mark_notice_sent(nid, later(5), 321)
    assert db.claim_notices(later(60), 10) == [] and state_of(db, nid)[:2] == ("sent", 321)
    assert not db.mark_notice_sent(99_999, NOW, 1)


def test_failed_notice_is_given_up(db: Store) -> None:
    (sub,) = subs(db, 1)
    (nid,) = db.enqueue_notices([NewNotice(sub.id, "k", "digest")], now=NOW)
    db.claim_notices(NOW, 10)
    assert db.mark_notice_failed(nid, "403 blocked")
    assert db.claim_notices(later(60), 10) == []
    stats = db.stats()
    assert (stats.notices_pending, stats.notices_sent, stats.notices_failed) == (0, 0, 1)


@pytest.mark.parametrize(
    ("muted_for", "active", "claimable_at"),
    [(None, True, 0), (30, True, 30), (None, False, None)],
    ids=["unmuted-now", "muted-held-until-mute-ends", "inactive-never"],
)
def test_mute_holds_and_inactive_blocks(
    db: Store, muted_for: int | None, active: bool, claimable_at: int | None
) -> None:
    (sub,) = subs(db, 1)
    if muted_for is not None:
        db.set_muted_until(sub.id, later(muted_for), now=NOW)
    db.set_active(sub.id, active, now=NOW)
    db.enqueue_notices([NewNotice(sub.id, "breaking:gas:signed", "breaking")], now=NOW)
    for minute in (0, 29, 30, 120):
        due = claimable_at is not None and minute >= claimable_at
        # As the drainer does before claiming: a mute that ended is cleared first.
        db.collapse_held(later(minute), 5, lambda held, until, why: [{}])
        claimed = db.claim_notices(later(minute), 10)
        assert len(claimed) == (1 if due else 0), minute
        if claimed:
            return


def test_update_notices_reopens_sent_as_edit(db: Store) -> None:
    a, b, c = subs(db, 3)
    key = "breaking:gas:signed"
    ids = db.enqueue_notices(
        [NewNotice(s.id, key, "breaking", {"sources": ["Alpha"]}) for s in (a, b, c)], now=NOW
    )
    db.enqueue_notices([NewNotice(a.id, "other", "digest", {"x": 1})], now=NOW)
    first = db.claim_notices(NOW, 2)  # a's and b's
    db.mark_notice_sent(first[0].id, later(1), 501)
    db.mark_notice_failed(first[1].id, "403")
    touched = reopen_notices(db, key, {"sources": ["Alpha", "Beta"]}, later(10),
                             [a.id, b.id, c.id])
    assert touched == 3
    assert state_of(db, ids[0]) == ("pending", 501, {"sources": ["Alpha", "Beta"]})
    assert state_of(db, ids[1]) == ("failed", None, {"sources": ["Alpha", "Beta"]})
    assert state_of(db, ids[2]) == ("pending", None, {"sources": ["Alpha", "Beta"]})
    claimed = {i.id: i for i in db.claim_notices(later(10), 10)}
    assert {i for i, it in claimed.items() if it.key == key} == {ids[0], ids[2]}
    edit = claimed[ids[0]]
    assert edit.message_id == 501 and edit.attempts == 1 and edit.payload["sources"][1] == "Beta"
    assert edit.sent_at == later(1) and claimed[ids[2]].sent_at is None
    db.mark_notice_sent(edit.id, later(11), None)
    assert state_of(db, ids[0])[:2] == ("sent", 501)
    assert reopen_notices(db, "no-such-key", {}, NOW, [a.id]) == 0


def test_update_while_sending_leaves_notice_pending(db: Store) -> None:
    (sub,) = subs(db, 1)
    (nid,) = db.enqueue_notices([NewNotice(sub.id, "b", "breaking", {"v": 1})], now=NOW)
    db.claim_notices(NOW, 10)
    reopen_notices(db, "b", {"v": 2}, later(0.5), [sub.id])
    db.mark_notice_sent(nid, later(1), 77)
    (edit,) = db.claim_notices(later(1), 10)
    assert edit.payload == {"v": 2} and edit.message_id == 77


def test_keys_are_per_subscriber_and_case_sensitive(db: Store) -> None:
    a, b = subs(db)
    keys = ["reminder:s1:7d", "reminder:s1:1d", "Reminder:s1:x", "reminder_s1", "digest:s1"]
    assert len(db.enqueue_notices([NewNotice(a.id, k, "reminder") for k in keys], now=NOW)) == 5
    db.enqueue_notices([NewNotice(b.id, "reminder:s1:7d", "reminder")], now=NOW)
    assert notice_keys(db, a.id) == set(keys)
    assert notice_keys(db, b.id) == {"reminder:s1:7d"}
