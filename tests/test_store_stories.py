"""Reads for summit-day mode: cluster candidates after a restart, digest entries by period."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest_store import NOW, later, make_entry

from bot.model import ClusterRow, FeedState
from bot.store import Store

FEED = FeedState("https://news.example/rss")


def test_cluster_candidates_since_oldest_first(db: Store) -> None:
    first = db.commit_poll(FEED, [make_entry(0, topics=("gas",))], now=NOW)
    cluster = first.entry_ids["k0"]
    joined = replace(make_entry(1), cluster_id=cluster)
    ids = db.commit_poll(FEED, [joined], now=later(5)).entry_ids
    db.commit_poll(FEED, [make_entry(2)], now=later(10))
    rows = db.cluster_candidates(later(5))
    assert [r.entry_id for r in rows] == [ids["k1"], ids["k1"] + 1]
    assert rows[0] == ClusterRow(
        entry_id=ids["k1"], cluster_id=cluster, feed="Example News",
        title="Minsk and Moscow sign protocol number 1", summary="The sides agreed on item 1.",
        published=NOW, seen_at=later(5), lang="en",
    )
    assert rows[1].cluster_id == rows[1].entry_id  # a story of its own


def test_cluster_candidates_limit_keeps_the_newest(db: Store) -> None:
    for n in range(5):
        db.commit_poll(FEED, [make_entry(n)], now=later(n))
    rows = db.cluster_candidates(NOW, limit=2)
    assert [r.title[-1] for r in rows] == ["3", "4"]


# (entry number, minute seen, topics)
ENTRIES = [(0, 0, ("gas",)), (1, 10, ()), (2, 20, ("oil",)), (3, 30, ("gas",)), (4, 40, ())]


@pytest.mark.parametrize(
    ("start", "end", "topics_only", "limit", "expected"),
    [
        (0, 60, True, 500, ["k0", "k2", "k3"]),
        (0, 60, False, 500, ["k0", "k1", "k2", "k3", "k4"]),
        (10, 30, False, 500, ["k1", "k2"]),
        (0, 60, True, 2, ["k0", "k2"]),
        (41, 60, False, 500, []),
    ],
    ids=["topics-only", "everything", "half-open-period", "limit-oldest-first", "empty"],
)
def test_entries_between(
    db: Store, start: int, end: int, topics_only: bool, limit: int, expected: list[str]
) -> None:
    for n, minute, topics in ENTRIES:
        db.commit_poll(FEED, [make_entry(n, topics=topics)], now=later(minute))
    found = db.entries_between(later(start), later(end), with_topics_only=topics_only,
                               limit=limit)
    assert [e.key for e in found] == expected
    assert all(e.cluster_id == e.id for e in found)


@pytest.mark.parametrize("page", [1, 2, 3, 500], ids=["page-1", "page-2", "page-3", "one-page"])
def test_each_entry_between_reads_the_whole_period_page_by_page(db: Store, page: int) -> None:
    """Ties on seen_at (one poll commits many entries at one time) are split by id, so no
    entry is skipped or read twice at a page boundary."""
    db.commit_poll(FEED, [make_entry(n, topics=("gas",)) for n in range(5)], now=later(0))
    db.commit_poll(FEED, [make_entry(n, topics=("gas",)) for n in range(5, 7)], now=later(1))
    found = list(db.each_entry_between(later(0), later(60), page=page))
    assert [e.key for e in found] == [f"k{n}" for n in range(7)]
