"""Feeds added in chat: stored in order, a URL once, and the "feeds" generation bumped in
the same transaction as the rows (or not at all)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest_store import NOW, later
from sqlalchemy import exc

from bot.model import ChatFeed
from bot.store import Store

A = ChatFeed("https://a.example/rss", "A", "ru", "Wire")
B = ChatFeed("https://b.example/rss")


def test_feeds_round_trip_in_the_order_added(db: Store) -> None:
    assert db.chat_feeds() == [] and db.feeds_generation() == 0
    assert db.add_chat_feeds([A, B], added_by=4242, now=NOW) == [A.url, B.url]
    assert db.chat_feeds() == [replace(A, added_at=NOW, added_by=4242),
                               replace(B, added_at=NOW, added_by=4242)]


@pytest.mark.parametrize(
    ("batches", "added", "generation"),
    [
        ([[A], [B]], [[A.url], [B.url]], 2),
        ([[A, B], [A]], [[A.url, B.url], []], 1),
        ([[A, replace(A, name="again")]], [[A.url]], 1),
        ([[]], [[]], 0),
    ],
    ids=["one-bump-per-change", "nothing-new-no-bump", "same-url-twice-in-one-call", "empty"],
)
def test_generation_counts_changes(db: Store, batches: list[list[ChatFeed]],
                                   added: list[list[str]], generation: int) -> None:
    assert [db.add_chat_feeds(b, now=NOW) for b in batches] == added
    assert db.feeds_generation() == generation
    assert db.chat_feeds_with_generation() == (generation, db.chat_feeds())


def test_a_failed_insert_adds_nothing_and_bumps_nothing(db: Store) -> None:
    db.add_chat_feeds([A], now=NOW)
    broken = ChatFeed("https://c.example/rss", name=None)  # type: ignore[arg-type]
    with pytest.raises(exc.IntegrityError):
        db.add_chat_feeds([B, broken], now=later(1))
    assert [f.url for f in db.chat_feeds()] == [A.url]
    assert db.feeds_generation() == 1
