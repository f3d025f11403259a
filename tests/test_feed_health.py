"""Feed health, decided purely (bot.health.feeds): which feeds are down at `now`, why in
plain words, and which operator notices are due: one when an outage crosses
`health.feed_down_after`, one when it ends, never twice. The store's failure streaks
(`failing_since`) are checked on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest_store import NOW, save_states

from bot.config import Config, ConfigError, load_config
from bot.health.feeds import (
    DOWN_KIND,
    UP_KIND,
    down_feeds,
    episode_key,
    health_notices,
    problem_of,
)
from bot.model import FeedState, NoticeRecord
from bot.store import Store
from bot.telegram.replies import status_text

A, B = "https://a.example/rss", "https://b.example/rss"
SIX_HOURS = timedelta(hours=6)
MINSK = ZoneInfo("Europe/Minsk")
CONFIG = Config.model_validate({"feeds": [{"url": A, "name": "BelTA"}, {"url": B, "name": "TASS"}],
                                "health": {"feed_down_after": "6h"}})


def failing(url: str, since: datetime, *, status: str = "503", error: str = "HTTP 503",
            failures: int = 4) -> FeedState:
    return FeedState(url, failures=failures, last_polled_at=since, last_http_status=status,
                     last_error=error, failing_since=since)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [("timeout", "timed out after 20s", ("timeout", None)),
     ("network_error", "ConnectError: refused", ("network", None)),
     ("404", "HTTP 404", ("not_found", "404")),
     ("410", "HTTP 410", ("not_found", "410")),
     ("403", "HTTP 403", ("forbidden", "403")),
     ("429", "HTTP 429 (retry after 60s)", ("rate_limited", "429")),
     ("503", "HTTP 503", ("server", "503")),
     ("418", "HTTP 418", ("http", "418")),
     ("200", "not a usable feed: HTML page", ("not_feed", None)),
     ("too_large", "body over 5000000 bytes", ("too_large", None)),
     ("too_many_redirects", "more than 5 redirects", ("redirects", None)),
     (None, None, ("unknown", None)),
     ("²", "", ("unknown", None))],
    ids=["timeout", "network", "404", "410", "403", "429", "503", "418", "html-page",
         "too-large", "redirects", "nothing-known", "superscript-digit"],
)
def test_problem_in_plain_words(status: str | None, error: str | None,
                                expected: tuple[str, str | None]) -> None:
    assert problem_of(status, error) == expected


@pytest.mark.parametrize(
    ("failing_for", "down"),
    [(timedelta(hours=5, minutes=59), []), (SIX_HOURS, ["BelTA"]),
     (timedelta(hours=12), ["BelTA"])],
    ids=["5h59m", "6h", "12h"],
)
def test_down_after_the_threshold(failing_for: timedelta, down: list[str]) -> None:
    states = {A: failing(A, NOW - failing_for), B: FeedState(B, failures=0, last_ok_at=NOW)}
    assert [d.name for d in down_feeds(CONFIG.feeds, states, NOW, SIX_HOURS)] == down


def test_a_feed_not_in_the_config_or_without_a_streak_is_never_down() -> None:
    states = {"https://gone.example/": failing("https://gone.example/", NOW - 2 * SIX_HOURS),
              A: replace(failing(A, NOW - 2 * SIX_HOURS), failing_since=None)}
    assert down_feeds(CONFIG.feeds, states, NOW, SIX_HOURS) == []


def said(notices: list[object], state: str = "sent") -> list[NoticeRecord]:
    return [NoticeRecord(n.subscriber_id, n.key, n.kind, n.payload, state)  # type: ignore[attr-defined]
            for n in notices]


def test_operators_hear_of_an_outage_once_and_of_its_end_once() -> None:
    start = NOW - SIX_HOURS
    states = {A: failing(A, start)}
    down = down_feeds(CONFIG.feeds, states, NOW, SIX_HOURS)
    first = health_notices(down, states, [1, 2], [], NOW, MINSK)
    assert [(n.subscriber_id, n.kind, n.key) for n in first] == [
        (1, DOWN_KIND, f"feed_down:{A}:{start.strftime('%Y-%m-%dT%H:%M:%SZ')}"),
        (2, DOWN_KIND, episode_key(DOWN_KIND, A, start))]
    assert first[0].payload["since"] == start.astimezone(MINSK).strftime("%Y-%m-%d %H:%M")
    assert first[0].payload["minutes"] == 360 and first[0].payload["problem"] == "server"
    assert health_notices(down, states, [1, 2], said(first), NOW + SIX_HOURS, MINSK) == []

    back = {A: FeedState(A, failures=0, last_ok_at=NOW + timedelta(hours=7))}
    ended = health_notices([], back, [1, 2], said(first), NOW + timedelta(hours=8), MINSK)
    assert [(n.subscriber_id, n.kind, n.key) for n in ended] == [
        (1, UP_KIND, episode_key(UP_KIND, A, start)), (2, UP_KIND, episode_key(UP_KIND, A, start))]
    assert ended[0].payload["minutes"] == 13 * 60  # from the first failure to the first success
    assert health_notices([], back, [1, 2], said(first + ended), NOW + SIX_HOURS, MINSK) == []


def test_a_new_outage_after_a_recovery_is_a_new_message() -> None:
    first_start, second_start = NOW - 3 * SIX_HOURS, NOW - SIX_HOURS
    first = health_notices(down_feeds(CONFIG.feeds, {A: failing(A, first_start)}, NOW, SIX_HOURS),
                           {A: failing(A, first_start)}, [1], [], NOW, MINSK)
    states = {A: replace(failing(A, second_start), last_ok_at=second_start - timedelta(minutes=1))}
    down = down_feeds(CONFIG.feeds, states, NOW, SIX_HOURS)
    both = health_notices(down, states, [1], said(first), NOW, MINSK)
    assert sorted(n.kind for n in both) == [DOWN_KIND, UP_KIND]
    assert {n.key for n in both} == {episode_key(DOWN_KIND, A, second_start),
                                     episode_key(UP_KIND, A, first_start)}


def test_no_recovery_for_a_feed_removed_from_the_config_or_a_former_operator() -> None:
    states = {A: failing(A, NOW - SIX_HOURS)}
    told = said(health_notices(down_feeds(CONFIG.feeds, states, NOW, SIX_HOURS), states, [1, 2],
                               [], NOW, MINSK))
    back = {A: FeedState(A, failures=0, last_ok_at=NOW)}
    assert [n.subscriber_id for n in health_notices([], back, [2], told, NOW, MINSK)] == [2]
    assert health_notices([], {}, [1, 2], told, NOW, MINSK) == []  # A left the config


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_status_names_the_feeds_down_in_every_language(lang: str) -> None:
    states = [failing(A, NOW - timedelta(hours=7), status="timeout", error="timed out"),
              failing(B, NOW - timedelta(hours=1))]
    text = status_text(lang, CONFIG, states, NOW, NOW)
    header = {"en": "Feeds down", "ru": "Ленты не работают"}[lang]
    why = {"en": "the site does not answer in time", "ru": "сайт не отвечает вовремя"}[lang]
    hours = {"en": "7 hours", "ru": "7 часов"}[lang]
    assert header in text and "BelTA" in text and why in text and hours in text
    assert "TASS" not in text  # failing, but not for six hours yet
    assert header not in status_text(lang, CONFIG, states, NOW, NOW - timedelta(hours=2))


# ---------------------------------------------------------------- the store's streaks


def test_the_store_keeps_when_a_failure_streak_began(db: Store) -> None:
    t = [NOW + timedelta(minutes=10 * i) for i in range(6)]
    save_states(db, FeedState(A, failures=1, last_polled_at=t[0]))  # first insert
    assert db.get_feed_states([A])[A].failing_since == t[0]
    save_states(db, FeedState(A, failures=2, last_polled_at=t[1]))  # batched update
    db.commit_poll(FeedState(A, failures=3, last_polled_at=t[2]), [], now=t[2])  # upsert
    assert db.get_feed_states([A])[A].failing_since == t[0]
    db.commit_poll(FeedState(A, failures=0, last_polled_at=t[3], last_ok_at=t[3]), [], now=t[3])
    assert db.get_feed_states([A])[A].failing_since is None
    save_states(db, FeedState(A, failures=1, last_polled_at=t[4]))
    save_states(db, FeedState(A, failures=2, last_polled_at=t[5]))
    assert db.get_feed_states([A])[A].failing_since == t[4]
    save_states(db, FeedState(A, failures=0, last_polled_at=t[5], last_ok_at=t[5]))
    assert db.all_feed_states()[0].failing_since is None


def test_notices_of_kinds_reads_back_what_was_said(db: Store) -> None:
    sub = db.get_or_create_subscriber(1, None, "private", "en", None, now=NOW)
    start = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
    [notice] = health_notices(down_feeds(CONFIG.feeds, {A: failing(A, start)}, NOW, SIX_HOURS),
                              {A: failing(A, start)}, [sub.id], [], NOW, MINSK)
    db.enqueue_notices([notice], now=NOW)
    [record] = db.notices_of_kinds([DOWN_KIND, UP_KIND])
    assert (record.subscriber_id, record.key, record.payload, record.state) == (
        sub.id, notice.key, notice.payload, "pending")
    assert db.notices_of_kinds(["reminder"]) == []


# ---------------------------------------------------------------- the config key

FEEDS = "feeds:\n  - url: https://a.example/rss\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", timedelta(hours=6)), ("health: {feed_down_after: 90m}\n", timedelta(minutes=90)),
     ("health: {feed_down_after: 1d}\n", timedelta(days=1))],
    ids=["default-6h", "90m", "1d"],
)
def test_feed_down_after_is_configurable(tmp_path: Path, text: str,
                                         expected: timedelta) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(FEEDS + text, encoding="utf-8")
    assert load_config(path).health.feed_down_after == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [("health: {feed_down_after: 6}\n", "health.feed_down_after"),
     ("health: {feed_down_after: 0}\n", "health.feed_down_after"),
     ("health: {feed_down_afer: 6h}\n", "health.feed_down_afer")],
    ids=["bare-number", "zero", "typo"],
)
def test_bad_feed_down_after_names_the_key(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(FEEDS + text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert f"feeds.yaml:3: {problem}" in str(err.value)


def test_shipped_config_says_six_hours() -> None:
    shipped = Path(__file__).resolve().parent.parent / "feeds.yaml"
    assert load_config(shipped).health.feed_down_after == SIX_HOURS


def test_without_operators_the_log_says_it_once(db: Store, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio
    import logging

    from bot.config import Settings
    from bot.health import FeedHealthJob
    from bot.services import Services

    job = FeedHealthJob(Services(CONFIG, Settings(), db, clock=lambda: NOW))
    save_states(db, FeedState(A, failures=1, last_polled_at=NOW, last_http_status="503",
                              last_error="HTTP 503"))
    with caplog.at_level(logging.INFO, logger="bot.health.job"):
        for hours in (5, 6, 7, 8):
            assert asyncio.run(job.run(NOW + timedelta(hours=hours))) == 0
        save_states(db, FeedState(A, failures=0, last_polled_at=NOW, last_ok_at=NOW))
        asyncio.run(job.run(NOW + timedelta(hours=9)))
    lines = [r.getMessage() for r in caplog.records]
    since = NOW.isoformat(timespec="minutes")
    assert lines == [f"feed BelTA is down: failing since {since} (1 polls): HTTP 503",
                     "feed BelTA is no longer down"]


@pytest.mark.parametrize(("still_configured", "told"), [(True, 2), (False, 0)],
                         ids=["in-the-config-its-end-and-new-outage",
                              "dropped-from-the-config-nothing"])
def test_the_job_reads_failing_feeds_only_for_the_configured_ones(
        db: Store, still_configured: bool, told: int) -> None:
    """The job reads only failing feeds and feeds with an open outage from the store; a
    feed dropped from the config since its outage was told is still not talked about."""
    import asyncio

    from bot.config import Settings
    from bot.health import FeedHealthJob
    from bot.services import Services

    db.get_or_create_subscriber(7, None, "private", "en", None, now=NOW)
    settings = Settings(admin_ids=frozenset({7}))
    save_states(db, FeedState(A, failures=1, last_polled_at=NOW, last_error="HTTP 503"))
    first = FeedHealthJob(Services(CONFIG, settings, db, clock=lambda: NOW))
    assert asyncio.run(first.run(NOW + timedelta(hours=7))) == 1  # A is down: told
    save_states(db, FeedState(A, failures=0, last_polled_at=NOW + timedelta(hours=8)))
    again = NOW + timedelta(hours=9)
    save_states(db, FeedState(A, failures=1, last_polled_at=again, last_error="HTTP 503"))
    config = CONFIG if still_configured else CONFIG.model_copy(
        update={"feeds": [f for f in CONFIG.feeds if f.url != A]})
    later_job = FeedHealthJob(Services(config, settings, db, clock=lambda: NOW))
    assert asyncio.run(later_job.run(again + timedelta(hours=7))) == told
