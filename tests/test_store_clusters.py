"""Story clusters through commit_poll and routing: one outbox row per (subscriber, story);
later reports add their publisher to why["also"], a sent row is re-opened for an edit
keeping its message_id; concurrent commits of one story lose no report."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from conftest_store import NOW, later, make_entry
from sqlalchemy import select

from bot.delivery.routing import Report, route
from bot.model import CommitResult, FeedState, MatchResult, NewEntry, Subscriber, WatchHit
from bot.model.routing import PollPlan, PollView
from bot.store import Store
from bot.store.entries import Planner
from bot.store.schema import outbox


def report(n: int, feed: str, cluster_id: int | None = None) -> NewEntry:
    """Entry `k<n>` published by `feed` (its own feed URL), in story `cluster_id`."""
    new = make_entry(n, feed_url=f"https://{feed.lower()}.example/rss")
    return replace(new, entry=replace(new.entry, feed=feed, publisher=feed), cluster_id=cluster_id)


def routed(db: Store, results: dict[str, MatchResult]) -> Planner:
    """The real routing, inside the commit, for entries matched as `results` says."""

    def plan(view: PollView) -> PollPlan:
        reports = [Report(key, ins.id, ins.cluster_id, ins.entry, results[key])
                   for key, ins in view.inserted.items() if key in results]
        watch_ids = {h.key[1] for r in reports for h in r.result.watches}
        held = view.held_stories(r.cluster_id for r in reports if not r.new_story)
        done = route(reports, [], view.audience(watch_ids), held, {})
        return PollPlan(tuple(done.alerts), tuple(done.story_edits))

    return plan


def watching(db: Store, subs: list[Subscriber]) -> MatchResult:
    """What the matcher finds when each of `subs` watches "gas" and the entry says it."""
    hits = []
    for sub in subs:
        watch = next((w for w in db.list_watches(sub.id)), None) or db.add_watch(sub.id, "gas")
        hits.append(WatchHit((sub.id, watch.id), "gas", ("gas",)))
    return MatchResult(watches=tuple(hits))


def commit(db: Store, new: NewEntry, subs: list[Subscriber], minute: float = 0) -> CommitResult:
    plan = routed(db, {new.key: watching(db, subs)})
    return db.commit_poll(FeedState(new.entry.feed_url), [new], now=later(minute), plan=plan)


def rows(db: Store) -> list[dict[str, object]]:
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.id))]


def also_publishers(row: dict[str, object]) -> list[str]:
    why = row["why"]
    assert isinstance(why, dict)
    return [a["publisher"] for a in why.get("also", [])]


def test_first_report_starts_a_story_with_its_own_id(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    result = commit(db, report(1, "Alpha"), [sub])
    entry_id = result.entry_ids["k1"]
    stored = db.get_entry(entry_id)
    assert stored is not None and stored.cluster_id == entry_id
    (item,) = db.claim_due(NOW, 10)
    assert item.cluster_id == entry_id and item.message_id is None
    assert item.entry.cluster_id == entry_id and "also" not in item.why


# Each report: (publisher, subscriber indexes alerted). Expected: per subscriber, the
# publishers in why["also"] of its single row of the story.
CASES = [
    ([("Alpha", [0]), ("Beta", [0])], {0: ["Beta"]}),
    ([("Alpha", [0]), ("Alpha", [0])], {0: []}),
    ([("Alpha", [0]), ("Beta", [0]), ("Beta", [0])], {0: ["Beta"]}),
    ([("Alpha", [0]), ("Beta", [0]), ("Gamma", [0])], {0: ["Beta", "Gamma"]}),
    ([("Alpha", [0]), ("Beta", [1])], {0: [], 1: []}),
    ([("Alpha", [0, 1]), ("Beta", [0, 1]), ("Gamma", [1])], {0: ["Beta"], 1: ["Beta", "Gamma"]}),
]


@pytest.mark.parametrize(
    ("reports", "expected"),
    CASES,
    ids=[
        "second-publisher-appends",
        "same-publisher-as-own-entry-ignored",
        "listed-publisher-not-repeated",
        "publishers-in-report-order",
        "other-subscriber-gets-own-row",
        "two-subscribers-each-one-row",
    ],
)
def test_reports_of_one_story_merge_per_subscriber(
    db: Store, reports: list[tuple[str, list[int]]], expected: dict[int, list[str]]
) -> None:
    subs = [db.get_or_create_subscriber(n, None, "private", "en", None, now=NOW) for n in (1, 2)]
    cluster: int | None = None
    for n, (feed, alerted) in enumerate(reports):
        result = commit(db, report(n, feed, cluster), [subs[i] for i in alerted], minute=n)
        cluster = cluster or result.entry_ids[f"k{n}"]
    by_sub = {r["subscriber_id"]: r for r in rows(db)}
    assert len(rows(db)) == len(expected)  # one row per subscriber of the story
    assert {s.id: also_publishers(by_sub[s.id]) for i, s in enumerate(subs) if i in expected} == {
        subs[i].id: feeds for i, feeds in expected.items()
    }
    assert {r["cluster_id"] for r in rows(db)} == {cluster}


def test_merge_is_reported_and_the_source_has_title_and_link(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = commit(db, report(1, "Alpha"), [sub])
    cluster = first.entry_ids["k1"]
    second = commit(db, report(2, "Beta", cluster), [sub], minute=5)
    assert second.outbox_ids == () and second.outbox_updated == first.outbox_ids
    again = commit(db, report(3, "Beta", cluster), [sub], minute=6)
    assert again.outbox_updated == () and again.outbox_ids == ()
    (item,) = db.claim_due(later(10), 10)
    assert item.entry.key == "k1"
    assert item.why["also"] == [{
        "publisher": "Beta", "title": "Minsk and Moscow sign protocol number 2",
        "link": "https://news.example/item/2",
    }]
    assert item.why["watches"] == ["gas"]


def test_sent_row_goes_back_to_pending_keeping_message_id(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = commit(db, report(1, "Alpha"), [sub])
    (item,) = db.claim_due(NOW, 10)
    db.mark_sent(item.id, later(1), 555)
    assert db.pending_count() == 0
    commit(db, report(2, "Beta", first.entry_ids["k1"]), [sub], minute=5)
    assert db.pending_count() == 1
    (edit,) = db.claim_due(later(5), 10)
    assert edit.id == item.id and edit.message_id == 555  # an edit, not a new message
    assert edit.sent_at == later(1) and item.sent_at is None
    assert edit.attempts == 1 and [a["publisher"] for a in edit.why["also"]] == ["Beta"]
    assert db.mark_sent(edit.id, later(6), None)  # an edit keeps the message id
    (row,) = rows(db)
    assert (row["state"], row["message_id"], row["sent_at"]) == ("sent", 555, later(6))


def test_source_added_while_sending_leaves_the_row_pending_for_an_edit(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = commit(db, report(1, "Alpha"), [sub])
    (item,) = db.claim_due(NOW, 10)  # being sent with no "also" yet
    commit(db, report(2, "Beta", first.entry_ids["k1"]), [sub], minute=0.5)
    db.mark_sent(item.id, later(1), 901)
    (edit,) = db.claim_due(later(1), 10)  # due at once, not after the lease
    assert edit.message_id == 901 and [a["publisher"] for a in edit.why["also"]] == ["Beta"]
    db.mark_sent(edit.id, later(2), 901)
    assert db.pending_count() == 0


def test_failed_row_gains_the_source_but_stays_failed(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = commit(db, report(1, "Alpha"), [sub])
    (item,) = db.claim_due(NOW, 10)
    db.mark_failed(item.id, "400 chat not found")
    result = commit(db, report(2, "Beta", first.entry_ids["k1"]), [sub], minute=5)
    assert result.outbox_updated == (item.id,)
    (row,) = rows(db)
    assert row["state"] == "failed" and also_publishers(row) == ["Beta"]


def test_reports_of_one_story_in_one_commit(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    first = commit(db, report(1, "Alpha"), [sub])
    cluster = first.entry_ids["k1"]
    batch = [report(2, "Beta", cluster), report(3, "Gamma", cluster), report(4, "Delta")]
    plan = routed(db, {n.key: watching(db, [sub]) for n in batch})
    result = db.commit_poll(FeedState("https://mixed.example/"), batch, now=later(3), plan=plan)
    assert result.outbox_updated == first.outbox_ids and len(result.outbox_ids) == 1
    old, new = rows(db)
    assert also_publishers(old) == ["Beta", "Gamma"]
    assert new["cluster_id"] == result.entry_ids["k4"] and also_publishers(new) == []


def test_concurrent_reports_of_one_story_lose_no_source(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    cluster = commit(db, report(0, "Origin"), [sub]).entry_ids["k0"]
    feeds = [f"Feed{n}" for n in range(1, 9)]
    errors: list[BaseException] = []

    def poll(n: int) -> None:
        try:
            commit(db, report(n, feeds[n - 1], cluster), [sub], minute=n)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=poll, args=(n,)) for n in range(1, 9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    (row,) = rows(db)
    assert sorted(also_publishers(row)) == sorted(feeds)


def test_mark_sent_keeps_message_id_when_given_none(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    commit(db, report(1, "Alpha"), [sub])
    (item,) = db.claim_due(NOW, 10)
    db.mark_sent(item.id, later(1), 42)
    db.mark_sent(item.id, later(2), None)
    (row,) = rows(db)
    assert row["message_id"] == 42
