"""Pure command-reply bodies: query error carets, /list, /status and /feeds tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config, load_config
from bot.matching.query import QueryError, parse_query
from bot.model import FeedState, TimelineRow, TopicStatusRow, Watch
from bot.summit.calendar import next_event
from bot.telegram.replies import (
    TIMELINE_SHOWN,
    TopicRow,
    events_text,
    feeds_text,
    list_text,
    query_error,
    status_text,
    topics_text,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    feeds = "\n".join(f"  - url: https://f{i}.example/rss\n    name: Feed <{i}>" for i in range(60))
    (tmp_path / "feeds.yaml").write_text(
        f"feeds:\n{feeds}\n"
        "events:\n"
        "  - {id: past, title: Past, date: 2025-02-01, timezone: Europe/Minsk}\n"
        "  - {id: later, title: Later, date: 2025-05-01, timezone: Europe/Minsk}\n"
        "  - {id: soon, title: Soon & Co, date: 2025-03-02, timezone: Europe/Minsk}\n",
        encoding="utf-8")
    return load_config(tmp_path / "feeds.yaml")


def error_for(query: str) -> QueryError:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    return info.value


@pytest.mark.parametrize(
    "query",
    ['a "b', "x " * 70 + '"unclosed', "(a OR"],
    ids=["short", "long-window", "end-of-input"],
)
def test_query_error_caret_sits_under_the_position(query: str) -> None:
    err = error_for(query)
    text = query_error("en", query, err)
    shown, caret = text.split("<pre>")[1].split("</pre>")[0].split("\n")
    at = caret.index("^")
    window = query if err.position < 119 else query[err.position - 60: err.position + 60]
    assert shown == window.replace('"', "&quot;")
    assert window[at: at + 1] == query[err.position: err.position + 1]
    assert str(err).replace('"', "&quot;").replace("'", "&#x27;") in text


def test_list_text_numbers_watches_and_escapes() -> None:
    watches = [Watch(1, 1, "<b>x</b>", NOW), Watch(2, 1, "treaty", NOW)]
    topics = [TopicRow("a", "A & B", True), TopicRow("b", "Hidden", False)]
    text = list_text("en", watches, topics, None)
    assert "1. <code>&lt;b&gt;x&lt;/b&gt;</code>" in text and "2. <code>treaty</code>" in text
    assert "A &amp; B" in text and "Hidden" not in text


def test_next_event_and_status_counts(config: Config) -> None:
    ev = next_event(config.events, NOW)
    assert ev is not None and ev.id == "soon"
    assert next_event(config.events, NOW + timedelta(days=90)) is None
    states = [FeedState("https://f0.example/rss", last_polled_at=NOW, last_ok_at=NOW),
              FeedState("https://f1.example/rss", last_polled_at=NOW, failures=3)]
    text = status_text("en", config, states, NOW, NOW)
    assert "60 configured, 1 OK, 1 failing, 58 not polled yet" in text
    assert "Soon &amp; Co" in text and "in 1 day" in text


def test_feeds_table_is_escaped_and_bounded(config: Config) -> None:
    states = [FeedState(f"https://f{i}.example/rss", last_polled_at=NOW, failures=i % 2,
                        last_error="HTTP 503 <b>" * 20, last_http_status="503") for i in range(60)]
    text = feeds_text(config, states, config.tz)
    assert len(text) < 4096
    assert "Feed &lt;0&gt;" in text and "<b>HTTP" not in text
    assert "more" in text


def test_list_text_stays_within_limit_with_many_escape_heavy_watches() -> None:
    watches = [Watch(i, 1, "&<>" * 100, NOW) for i in range(40)]
    text = list_text("en", watches, [TopicRow("a", "A", True)], "🔇 Muted until x.")
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert text.startswith("🔇 Muted") and text.endswith("…")
    assert "&amp;" in text and "<code>&" in text


def _steps(topic: str, n: int, title: str) -> tuple[TimelineRow, ...]:
    return tuple(TimelineRow(topic, "signed", NOW - timedelta(hours=i), "Wire <1>", None,
                             f"{title} {i}", f"https://w.example/{i}") for i in range(n))


@pytest.mark.parametrize(
    ("topics", "title", "shown"),
    [(2, "Short", TIMELINE_SHOWN), (12, "Long & loud " * 30, 0)],
    ids=["room-for-all-steps", "steps-dropped-events-kept"],
)
def test_topics_text_shows_timelines_within_the_limit(
        config: Config, topics: int, title: str, shown: int) -> None:
    status = TopicStatusRow("x", "signed", NOW, ("A & B", "C"), True)
    rows = [TopicRow(f"t{i}", f"Topic {i}", True, status, _steps(f"t{i}", 8, title))
            for i in range(topics)]
    text = topics_text("en", rows, config.events, NOW, tz=config.tz, confirmations=3)
    assert len(text.encode("utf-16-le")) // 2 <= 4096
    assert text.count("▫️") == topics * shown
    assert "Soon &amp; Co" in text and "Later" in text  # the events are never cut
    assert text.count("confirmed by 2 outlets: A &amp; B, C") == topics
    if shown:
        assert 'Wire &lt;1&gt;: <a href="https://w.example/0">Short 0</a>' in text
        assert "2025-03-01 15:00 ✅ SIGNED" in text  # Minsk local time


def test_topics_text_unconfirmed_and_no_status() -> None:
    rows = [TopicRow("a", "A", True, TopicStatusRow("a", "expected", None, ("W",), False)),
            TopicRow("b", "B", False)]
    text = topics_text("ru", rows, (), NOW, confirmations=3)
    assert "не подтверждено (1 из 3): W" in text and "сообщений о статусе пока нет" in text


def test_events_text_lists_id_date_location(config: Config) -> None:
    text = events_text("en", config.events)
    assert "<code>soon</code> — 2025-03-02 (Europe/Minsk): Soon &amp; Co" in text
    assert "/event move" in text
    assert "No events yet." in events_text("en", ())
