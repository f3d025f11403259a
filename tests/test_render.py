"""bot/render.py: the JSON object and the console line of a matched entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.console import alert_json, console_line, iso, local_time
from bot.model import Entry, MatchResult, WatchHit

MINSK = ZoneInfo("Europe/Minsk")
PUBLISHED = datetime(2024, 12, 6, 9, 5, tzinfo=UTC)


def entry(**changes: object) -> Entry:
    fields: dict[str, object] = {
        "feed": "Wire Desk",
        "feed_url": "https://wire.example.test/rss",
        "title": "Belarus and Russia sign treaty on security guarantees",
        "link": "https://wire.example.test/a?id=1&utm_source=rss",
        "summary": "Both presidents signed.",
        "published": PUBLISHED,
    }
    fields.update(changes)
    return Entry(**fields)  # type: ignore[arg-type]


SIGNED = MatchResult(
    topics=("security-guarantees-treaty",),
    watches=(WatchHit(7, '"security guarantee"'),),
    terms=("security", "guarantees"),
    status="signed",
)


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        (PUBLISHED, "2024-12-06T09:05:00Z"),
        (datetime(2024, 12, 6, 12, 5, tzinfo=timezone(timedelta(hours=3))),
         "2024-12-06T12:05:00+03:00"),
        (None, None),
    ],
    ids=["utc-as-z", "offset-kept", "undated"],
)
def test_iso(ts: datetime | None, expected: str | None) -> None:
    assert iso(ts) == expected
    if expected is not None:
        assert datetime.fromisoformat(expected) == ts


def test_alert_json_has_every_field() -> None:
    assert alert_json(entry(), SIGNED) == {
        "link": "https://wire.example.test/a?id=1&utm_source=rss",
        "title": "Belarus and Russia sign treaty on security guarantees",
        "feed": "Wire Desk",
        "published": "2024-12-06T09:05:00Z",
        "topics": ["security-guarantees-treaty"],
        "watches": ['"security guarantee"'],
        "status": "signed",
        "matched": ["security", "guarantees"],
        "concepts": {},
    }


CONCEPTS = MatchResult(
    topics=("treaty", "concept", "summit"),
    terms=("belarus", "pact"),
    topic_concepts={"treaty": ("agreement", "belarus"), "concept": ("agreement", "belarus")},
)


def test_alert_json_lists_concepts_per_topic() -> None:
    assert alert_json(entry(), CONCEPTS)["concepts"] == {
        "treaty": ["agreement", "belarus"], "concept": ["agreement", "belarus"],
    }


def test_alert_json_of_a_watch_only_undated_entry_is_serialisable() -> None:
    result = MatchResult(watches=(WatchHit("k", "snowfall"),), terms=("snowfall",))
    obj = alert_json(entry(published=None, link=None, title="Snowfall"), result)
    assert obj["published"] is None and obj["link"] is None
    assert obj["topics"] == [] and obj["status"] is None
    assert json.loads(json.dumps(obj, ensure_ascii=False)) == obj


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        (PUBLISHED, "2024-12-06 12:05"),
        (datetime(2024, 12, 31, 22, 30, tzinfo=UTC), "2025-01-01 01:30"),
        (None, "undated"),
    ],
    ids=["minsk-offset", "crosses-new-year", "undated"],
)
def test_local_time(ts: datetime | None, expected: str) -> None:
    assert local_time(ts, MINSK) == expected


@pytest.mark.parametrize(
    ("result", "changes", "expected"),
    [
        (
            SIGNED, {},
            ("[SIGNED] 2024-12-06 12:05 Wire Desk: Belarus and Russia sign treaty on security "
            'guarantees  — topic security-guarantees-treaty, watch ["security guarantee"]'
            " (matched: security, guarantees)  https://wire.example.test/a?id=1&utm_source=rss"),
        ),
        (
            MatchResult(topics=("minsk-summit-2024",), terms=("putin", "minsk")),
            {"title": "Putin lands in Minsk", "link": None},
            ("2024-12-06 12:05 Wire Desk: Putin lands in Minsk  — topic minsk-summit-2024"
            " (matched: putin, minsk)"),
        ),
        (
            MatchResult(watches=(WatchHit(1, "snowfall"),)),
            {"title": "", "published": None, "link": "https://x.test/1"},
            'undated Wire Desk: (untitled)  — watch [snowfall]  https://x.test/1',
        ),
        (
            MatchResult(topics=("a", "b"), status="in_force"),
            {"link": None},
            ("[IN FORCE] 2024-12-06 12:05 Wire Desk: Belarus and Russia sign treaty on security "
            "guarantees  — topic a, topic b"),
        ),
        (
            CONCEPTS, {"link": None},
            ("2024-12-06 12:05 Wire Desk: Belarus and Russia sign treaty on security guarantees"
             "  — topic treaty, topic concept, topic summit (matched: belarus, pact;"
             " concept: agreement + belarus)"),
        ),
    ],
    ids=["signed-topic-and-watch", "no-status-no-link", "untitled-undated", "in-force-two-topics",
         "concepts-named-once"],
)
def test_console_line(result: MatchResult, changes: dict[str, object], expected: str) -> None:
    line = console_line(entry(**changes), result, MINSK)
    assert line == expected
    assert "\n" not in line
