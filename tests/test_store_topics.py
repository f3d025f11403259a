"""Topic statuses and timelines written by commit_poll in the entries' transaction, with
notices and notice updates: all or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from conftest_store import NOW, later, make_entry, plan_of
from sqlalchemy import exc, func, select

from bot.model import FeedState, NewAlert, NewNotice, TimelineRow, TopicStatusRow
from bot.model.routing import NoticeEdit
from bot.store import Store
from bot.store.schema import entries, notices, topic_status, topic_timeline

FEED = FeedState("https://news.example/rss")
SIGNED = TopicStatusRow("gas", "signed", NOW, ("Example News",), False)


def step(key: str | None, status: Any = "signed", at: datetime = NOW) -> TimelineRow:
    return TimelineRow("gas", status, at, "Example News", key, f"title {key}", None)


def count(db: Store, table: Any) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_commit_poll_writes_status_timeline_and_notices(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    db.enqueue_notices([NewNotice(sub.id, "breaking:gas:expected", "breaking", {"n": 1})],
                       now=NOW)
    result = db.commit_poll(
        FEED, [make_entry(1, status="signed", topics=("gas",))], now=later(1),
        plan=plan_of(
            alerts=[NewAlert("k1", sub.id)],
            topic_updates=[SIGNED],
            timeline=[step("k1")],
            notices=[NewNotice(sub.id, "breaking:gas:signed", "breaking", {"status": "signed"})],
            notice_edits=[NoticeEdit("breaking:gas:expected", frozenset({sub.id}), {"n": 2})],
        ),
    )
    assert (result.topics_saved, result.timeline_added, result.notices_updated) == (1, 1, 1)
    assert len(result.notice_ids) == 1 and len(result.outbox_ids) == 1
    assert db.topic_statuses() == {"gas": SIGNED}
    (row,) = db.timeline("gas")
    assert (row.entry_key, row.entry_id, row.title) == ("k1", result.entry_ids["k1"], "title k1")
    payloads = {i.key: i.payload for i in db.claim_notices(later(1), 10)}
    assert payloads == {"breaking:gas:expected": {"n": 2},
                        "breaking:gas:signed": {"status": "signed"}}


def test_timeline_step_of_a_skipped_entry_is_dropped(db: Store) -> None:
    db.commit_poll(FEED, [make_entry(1)], now=NOW)
    result = db.commit_poll(FEED, [make_entry(1), make_entry(2)], now=later(1), plan=plan_of(timeline=[step("k1"), step("k2"), step(None)]))
    assert result.timeline_added == 2
    assert sorted((r.entry_key or "-") for r in db.timeline("gas")) == ["-", "k2"]


def _bad(kind: str, sub_id: int) -> dict[str, Any]:
    """Plan parts that fail to be written after the entries were inserted."""
    if kind == "notice-for-missing-subscriber":
        return {"notices": [NewNotice(sub_id + 999, "x", "breaking")]}
    if kind == "unserialisable-notice-update":
        return {"notice_edits": [NoticeEdit("old", frozenset({sub_id}), {"x": object()})]}
    if kind == "timeline-without-status":
        return {"timeline": [step("k1", status=None)]}
    return {"topic_updates": [replace(SIGNED, since=datetime(2025, 3, 1))]}  # naive


@pytest.mark.parametrize(
    "failure",
    ["notice-for-missing-subscriber", "unserialisable-notice-update",
     "timeline-without-status", "naive-topic-datetime"],
)
def test_any_failure_rolls_back_the_whole_poll(db: Store, failure: str) -> None:
    sub = db.ensure_console_subscriber()
    db.enqueue_notices([NewNotice(sub.id, "old", "breaking", {"v": 1})], now=NOW)
    good: dict[str, Any] = {
        "topic_updates": [SIGNED],
        "timeline": [step("k1")],
        "notices": [NewNotice(sub.id, "breaking:gas:signed", "breaking")],
        "notice_edits": [NoticeEdit("old", frozenset({sub.id}), {"v": 2})],
        "alerts": [NewAlert("k1", sub.id)],
    }
    with pytest.raises((exc.IntegrityError, exc.StatementError)):
        db.commit_poll(FEED, [make_entry(1)], now=later(1),
                       plan=plan_of(**{**good, **_bad(failure, sub.id)}))
    assert db.known_keys(["k1"]) == set() and count(db, entries) == 0
    assert db.pending_count() == 0 and db.topic_statuses() == {}
    assert count(db, topic_timeline) == 0 and count(db, notices) == 1
    (old,) = db.claim_notices(later(1), 10)
    assert old.payload == {"v": 1}
    # Nothing was marked seen: the retry records it all, once.
    retry = db.commit_poll(FEED, [make_entry(1)], now=later(2), plan=plan_of(**good))
    assert retry.inserted == 1 and retry.timeline_added == 1 and len(retry.notice_ids) == 1


def test_timeline_newest_first_with_limit(db: Store) -> None:
    new = [make_entry(n) for n in range(4)]
    steps = [step(f"k{n}", s, later(m)) for n, s, m in
             [(0, "expected", 0), (1, "signed", 30), (2, "ratified", 10), (3, "in_force", 20)]]
    db.commit_poll(FEED, new, now=NOW, plan=plan_of(timeline=steps))
    db.commit_poll(FEED, [], now=NOW, plan=plan_of(timeline=[replace(step(None), topic_id="oil", at=later(99))]))
    assert [r.status for r in db.timeline("gas")] == ["signed", "in_force", "ratified",
                                                      "expected"]
    assert [r.entry_key for r in db.timeline("gas", limit=2)] == ["k1", "k3"]
    assert [r.topic_id for r in db.timeline("oil")] == ["oil"] and db.timeline("none") == []


def test_topic_status_upsert_replaces(db: Store) -> None:
    db.commit_poll(FEED, [], now=NOW, plan=plan_of(topic_updates=[SIGNED]))
    confirmed = replace(SIGNED, sources=("Example News", "Other"), confirmed=True)
    expected = TopicStatusRow("oil", "expected", None)
    result = db.commit_poll(FEED, [], now=later(5), plan=plan_of(topic_updates=[replace(SIGNED, status="expected"), confirmed,
                                           expected]))
    assert result.topics_saved == 2  # the last row given for a topic wins
    assert db.topic_statuses() == {"gas": confirmed, "oil": expected}
    with db.engine.connect() as conn:
        stamps = set(conn.execute(select(topic_status.c.updated_at)).scalars())
    assert stamps == {later(5)}
    moved = db.commit_poll(FEED, [], now=later(6), plan=plan_of(topic_updates=[replace(expected, status="signed")]))
    assert moved.topics_saved == 1 and db.topic_statuses()["oil"].status == "signed"


def test_pruned_entry_leaves_its_timeline_step(db: Store) -> None:
    db.commit_poll(FEED, [make_entry(1)], now=NOW, plan=plan_of(timeline=[step("k1")]))
    moved_on = replace(FEED, last_changed_at=later(30))  # the feed no longer lists k1
    db.commit_poll(moved_on, [make_entry(2)], now=later(30), listed=["k2"])
    assert db.prune_entries(later(20)) == 1
    (row,) = db.timeline("gas")
    assert (row.entry_id, row.entry_key, row.title) == (None, None, "title k1")
