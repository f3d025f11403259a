"""bot.config: durations, schema, line-numbered load errors (topic queries checked through
the matching layer's load check, as the CLI does), env, event times."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError

from bot.config import (
    Config,
    ConfigError,
    EventSpec,
    TopicSpec,
    default_config_path,
    format_key_path,
    load_config,
    parse_duration,
    settings_from_env,
)
from bot.matching.topics import topic_problems

REPO = Path(__file__).resolve().parent.parent

MINIMAL = """\
feeds:
  - url: https://example.org/rss
topics:
  - id: alpha
    title: Alpha
    query: alpha
"""


def write(tmp_path: Path, text: str, name: str = "feeds.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), checks=[topic_problems])
    return info.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("10m", timedelta(minutes=10)),
        ("1h", timedelta(hours=1)),
        ("7d", timedelta(days=7)),
        ("1h30m", timedelta(minutes=90)),
        (" 2d12h ", timedelta(days=2, hours=12)),
        ("0", timedelta(0)),
    ],
    ids=["seconds", "minutes", "hours", "days", "combined", "spaces-combined", "zero"],
)
def test_parse_duration_valid(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "10", "10 m", "1.5h", "-5m", "5y", "m", "1h 30m", "ten minutes"],
    ids=["empty", "bare-number", "inner-space", "fraction", "negative", "unknown-unit",
         "no-number", "space-between-parts", "words"],
)
def test_parse_duration_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="write a duration like 90s, 10m, 1h, 7d"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("10", "write a duration like 90s, 10m, 1h, 7d"),
        ("0", "must be longer than zero"),
        ("5x", "write a duration like 90s, 10m, 1h, 7d"),
        ("true", "write a duration like 90s, 10m, 1h, 7d"),
    ],
    ids=["bare-integer", "zero-interval", "bad-unit", "boolean"],
)
def test_interval_rejects_with_line(tmp_path: Path, value: str, problem: str) -> None:
    err = load_error(tmp_path, f"interval: {value}\n" + MINIMAL)
    assert (err.line, err.key_path) == (1, "interval")
    assert problem in err.problem


def test_minimal_config_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL))
    assert cfg.interval == timedelta(minutes=10)
    assert cfg.timezone == "Europe/Minsk"
    assert cfg.backfill == timedelta(0)
    assert cfg.confirmations == 2
    assert cfg.cluster_window == timedelta(hours=36)
    assert cfg.retention == timedelta(days=30)
    assert cfg.limits.max_watches_per_chat == 20
    assert cfg.delivery.per_chat_interval == timedelta(seconds=1)
    assert cfg.fetch.backoff_max == timedelta(hours=6)
    assert cfg.fetch.user_agent.startswith("summit-watch/")
    feed = cfg.feeds[0]
    assert (feed.name, feed.lang, feed.interval) == ("example.org", None, None)
    assert cfg.interval_for(feed) == timedelta(minutes=10)
    assert cfg.topics[0].all_queries == ("alpha",)
    assert cfg.events == ()


def test_config_is_frozen(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL))
    with pytest.raises(ValidationError):
        cfg.interval = timedelta(1)
    with pytest.raises(ValidationError):
        cfg.feeds[0].name = "x"


def test_shipped_feeds_yaml_loads() -> None:
    cfg = load_config(REPO / "feeds.yaml", checks=[topic_problems])
    assert len(cfg.feeds) >= 15
    assert {f.lang for f in cfg.feeds} >= {"en", "ru", "be"}
    assert all(f.name for f in cfg.feeds)
    assert [t.id for t in cfg.topics] == [
        "security-guarantees-treaty", "union-state-security-concept", "minsk-summit-2024",
    ]
    (event,) = cfg.events
    assert event.id == "minsk-summit-2024"
    assert event.date.isoformat() == "2024-12-06"
    assert event.timezone == "Europe/Minsk"
    assert set(event.topics) == {t.id for t in cfg.topics}
    assert event.digest_time == time(21, 0)


def test_shipped_feeds_count_each_outlet_once() -> None:
    """Language editions of one outlet share a publisher; news-search feeds are aggregators,
    so neither can confirm a story on its own."""
    feeds = load_config(REPO / "feeds.yaml").feeds
    by_name = {f.name: f for f in feeds}
    for a, b in [("BelTA", "БелТА"), ("TASS", "ТАСС"), ("Kremlin", "Кремль"), ("Meduza", "Медуза")]:
        assert by_name[a].publisher == by_name[b].publisher == a
    search = [f for f in feeds if urlsplit(str(f.url)).hostname in {"news.google.com", "www.bing.com"}]
    assert len(search) >= 8
    assert all(f.aggregator for f in search)
    own = [f for f in feeds if f not in search]
    assert len({f.publisher for f in own}) == len(own) - 4  # the four two-language outlets


FEED = "feeds:\n  - url: https://example.org/rss\n"
TOPIC = "topics:\n  - id: alpha\n    title: Alpha\n    query: alpha\n"
EVENT = "events:\n  - id: ev\n    title: Ev\n    timezone: Europe/Minsk\n"


@pytest.mark.parametrize(
    ("text", "line", "key_path", "problem"),
    [
        (FEED + "    nmae: TASS\n", 3, "feeds[0].nmae", "unknown key 'nmae'"),
        ("intervall: 5m\n" + FEED, 1, "intervall", "unknown key 'intervall'"),
        ("timezone: Europe/Minks\n" + FEED, 1, "timezone", "unknown time zone 'Europe/Minks'"),
        ("feeds:\n  - url: ftp://example.org/x\n", 2, "feeds[0].url", "not an http(s) URL"),
        (FEED + "    lang: fr\n", 3, "feeds[0].lang", "Input should be"),
        ("feeds: []\n", 1, "feeds", "at least 1"),
        ("interval: 5m\n", 1, "feeds", "required key 'feeds' is missing"),
        (FEED + TOPIC + EVENT + "    date: 2024-13-01\n", 11, "events[0].date", "not a real date"),
        (FEED + TOPIC + EVENT + "    date: 06.12.2024\n", 11, "events[0].date",
         "not a date: write YYYY-MM-DD"),
        (FEED + TOPIC + EVENT + "    date: '2024-02-30'\n", 11, "events[0].date",
         "not a real date"),
        (FEED + TOPIC + EVENT.replace("Europe/Minsk", "Mars/Olympus") + "    date: 2024-12-06\n",
         10, "events[0].timezone", "unknown time zone"),
        (FEED + TOPIC + "  - id: alpha\n    title: Again\n    query: again\n", 7,
         "topics[1].id", "duplicate id 'alpha'"),
        (FEED + TOPIC + EVENT + "    date: 2024-12-06\n    topics: [alpha, nope]\n", 12,
         "events[0].topics[1]", "unknown topic 'nope'"),
        (FEED + "  - url: https://example.org/rss\n", 3, "feeds[1].url",
         "duplicate url 'https://example.org/rss'"),
        (FEED + "topics:\n  - id: Bad_Id\n    title: B\n    query: b\n", 4, "topics[0].id",
         "not a slug"),
        (FEED + "topics:\n  - id: b\n    title: B\n", 4, "topics[0]", "needs `query`"),
        (FEED + "topics:\n  - id: b\n    title: B\n    queries:\n      - ok\n      - '(open'\n",
         8, "topics[0].queries[1]", "("),
        (FEED + TOPIC + EVENT + "    date: 2024-12-06\n    reminders: [7d, '25:00']\n", 12,
         "events[0].reminders[1]", "not a reminder"),
        (FEED + TOPIC + EVENT + "    date: 2024-12-06\n    digest_time: '9pm'\n", 12,
         "events[0].digest_time", "not a time of day"),
        ("confirmations: 0\n" + FEED, 1, "confirmations", "greater than or equal to 1"),
    ],
    ids=["unknown-feed-key", "unknown-top-key", "bad-timezone", "non-http-url", "bad-lang",
         "no-feeds", "missing-feeds", "bad-date-month", "bad-date-format",
         "bad-date-day", "bad-event-timezone",
         "duplicate-topic-id", "event-unknown-topic", "duplicate-feed-url", "bad-slug",
         "topic-without-query", "bad-topic-query", "bad-reminder", "bad-digest-time",
         "zero-confirmations"],
)
def test_load_errors_point_at_line_and_key(
    tmp_path: Path, text: str, line: int | None, key_path: str, problem: str
) -> None:
    err = load_error(tmp_path, text)
    assert (err.line, err.key_path) == (line, key_path), str(err)
    assert problem in err.problem
    assert err.file is not None and err.file.endswith("feeds.yaml")
    prefix = f"{err.file}:{line}: {key_path}: " if line else f"{err.file}: {key_path}: "
    assert str(err).startswith(prefix)


@pytest.mark.parametrize(
    ("text", "line", "first"),
    [
        (FEED + TOPIC + EVENT + "    date: 2024-12-06\n    timezone: UTC\n", 12, 10),
        ("interval: 5m\n" + FEED + "interval: 1m\n", 4, 1),
    ],
    ids=["nested", "top-level"],
)
def test_duplicate_keys_are_errors(tmp_path: Path, text: str, line: int, first: int) -> None:
    err = load_error(tmp_path, text)
    assert err.line == line
    assert f"(first at line {first})" in err.problem


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    err = load_error(tmp_path, "interval: 10\ntimezone: Nowhere/Else\n" + FEED)
    lines = str(err).splitlines()
    assert len(lines) == 2 and len(err.more) == 1
    assert ":1: interval:" in lines[0] and ":2: timezone:" in lines[1]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("feeds:\n  - url: [unclosed\n", 3, "YAML syntax error"),
        ("feeds:\n  - url: a\n   bad: indent\n", 3, "YAML syntax error"),
        ("", None, "empty"),
        ("# only a comment\n", None, "empty"),
        ("- a\n- b\n", 1, "must be a mapping"),
        ("just text\n", 1, "must be a mapping"),
    ],
    ids=["unclosed-flow", "bad-indent", "empty", "comment-only", "top-level-list",
         "top-level-scalar"],
)
def test_file_level_errors(tmp_path: Path, text: str, line: int | None, problem: str) -> None:
    err = load_error(tmp_path, text)
    assert err.line == line and problem in err.problem, str(err)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as info:
        load_config(tmp_path / "nope.yaml")
    assert info.value.file == str(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)  # a directory
    (tmp_path / "latin1.yaml").write_bytes(b"feeds: \xff\n")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(tmp_path / "latin1.yaml")


def test_unsafe_yaml_tags_are_rejected(tmp_path: Path) -> None:
    err = load_error(tmp_path, "interval: !!python/object/apply:os.system ['true']\n" + FEED)
    assert err.line == 1 and "YAML" in err.problem


def test_unquoted_clock_times_stay_clock_times(tmp_path: Path) -> None:
    # YAML 1.1 would read 21:30 as the base-60 integer 1290.
    cfg = load_config(write(
        tmp_path, FEED + TOPIC + EVENT + "    date: 2024-12-06\n    digest_time: 21:30\n"
        "    reminders: [7d, 9:30]\n",
    ))
    assert cfg.events[0].digest_time == time(21, 30)
    assert cfg.events[0].reminders == ("7d", "09:30")


def test_direct_construction_still_checks_references() -> None:
    with pytest.raises(ValidationError, match=r"events\[0\]\.topics\[0\]: unknown topic"):
        Config.model_validate({
            "feeds": [{"url": "https://example.org/rss"}],
            "events": [{"id": "e", "title": "E", "date": "2024-12-06",
                        "timezone": "UTC", "topics": ["ghost"]}],
        })


DURING = FEED + "topics:\n  - id: t\n    title: T\n    during:\n"


@pytest.mark.parametrize(
    ("text", "line", "key_path", "problem"),
    [
        (DURING + "      from: 2024-12-08\n      until: 2024-12-07\n      queries: [a]\n",
         6, "topics[0].during", "`until` is before `from`"),
        (DURING + "      from: 2024-12-05\n      until: 2024-12-07\n      queries: ['a OR']\n",
         9, "topics[0].during.queries[0]", "OR"),
        (DURING + "      from_: 2024-12-05\n      until: 2024-12-07\n      queries: [a]\n",
         6, "topics[0].during.from", "required key 'from' is missing"),
    ],
    ids=["until-before-from", "bad-window-query", "python-name-not-accepted"],
)
def test_topic_window_errors(
    tmp_path: Path, text: str, line: int, key_path: str, problem: str
) -> None:
    err = load_error(tmp_path, text)
    assert (err.line, err.key_path) == (line, key_path), str(err)
    assert problem in err.problem


def test_topic_window_loads(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, DURING + "      from: 2024-12-05\n"
                            "      until: 2024-12-07\n      queries: [summit Minsk]\n"))
    (topic,) = cfg.topics
    assert topic.all_queries == ()
    assert topic.during is not None
    assert (topic.during.from_.isoformat(), topic.during.until.isoformat()) == (
        "2024-12-05", "2024-12-07")
    assert topic.during.queries == ("summit Minsk",)


def test_topic_all_queries_combines_both_keys() -> None:
    topic = TopicSpec(id="t", title="T", query="one", queries=("two", "three"))
    assert topic.all_queries == ("one", "two", "three")


@pytest.mark.parametrize(
    ("loc", "expected"),
    [(("topics", 2, "queries", 0), "topics[2].queries[0]"), (("interval",), "interval"), ((), "")],
    ids=["nested", "top", "empty"],
)
def test_format_key_path(loc: tuple[str | int, ...], expected: str) -> None:
    assert format_key_path(loc) == expected


# ---------------------------------------------------------------- environment


def test_settings_defaults() -> None:
    s = settings_from_env({})
    assert s.config_path == Path("./feeds.yaml")
    assert s.telegram_bot_token is None
    assert s.telegram_api_url == "https://api.telegram.org"
    assert s.database_url == "sqlite:///./data/summit-watch.db"
    assert s.admin_ids == frozenset()


def test_settings_from_env_values() -> None:
    s = settings_from_env({
        "BOT_CONFIG": "/etc/sw.yaml",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
        "BOT_DATABASE_URL": "postgresql+psycopg://u@db/sw",
        "BOT_ADMIN_IDS": " 12345, 67890 ,,",
    })
    assert s.config_path == Path("/etc/sw.yaml")
    assert s.telegram_bot_token == "123:abc"
    assert "123:abc" not in repr(s)
    assert s.telegram_api_url == "http://127.0.0.1:8081"
    assert s.database_url == "postgresql+psycopg://u@db/sw"
    assert s.admin_ids == frozenset({12345, 67890})


def test_config_flag_beats_env() -> None:
    env = {"BOT_CONFIG": "/etc/sw.yaml"}
    assert settings_from_env(env, config="other.yaml").config_path == Path("other.yaml")
    assert default_config_path(env) == Path("/etc/sw.yaml")
    assert default_config_path({"BOT_CONFIG": ""}) == Path("feeds.yaml")


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BOT_ADMIN_IDS": "123,abc"}, "BOT_ADMIN_IDS"),
        ({"BOT_ADMIN_IDS": "1.5"}, "BOT_ADMIN_IDS"),
        ({"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL"),
        ({"BOT_DATABASE_URL": "data.db"}, "BOT_DATABASE_URL"),
    ],
    ids=["admin-not-number", "admin-fraction", "api-url-no-scheme", "db-url-no-scheme"],
)
def test_bad_env_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_env(env)
    assert info.value.key_path == variable
    assert str(info.value).startswith(f"{variable}: ")


# ---------------------------------------------------------------- event helpers


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def event(**kw: object) -> EventSpec:
    base: dict[str, object] = {"id": "e", "title": "E", "date": "2024-12-06",
                               "timezone": "Europe/Minsk"}
    return EventSpec.model_validate(base | kw)


def test_start_utc_minsk() -> None:
    assert event().start_utc() == utc(2024, 12, 5, 21, 0)  # Minsk is UTC+3 all year


@pytest.mark.parametrize(
    ("kw", "start", "end"),
    [
        ({}, utc(2024, 12, 4, 21), utc(2024, 12, 7, 21)),
        ({"surge_window": {"before": "0s", "after": "0s"}}, utc(2024, 12, 5, 21),
         utc(2024, 12, 6, 21)),
        ({"surge_window": {"before": "12h"}}, utc(2024, 12, 5, 9), utc(2024, 12, 7, 21)),
        ({"timezone": "Europe/Berlin", "date": "2024-03-31"},  # DST starts that day
         utc(2024, 3, 29, 23), utc(2024, 4, 1, 22)),
    ],
    ids=["default-day-either-side", "day-only", "half-day-before", "dst-change-berlin"],
)
def test_surge_bounds(kw: dict[str, object], start: datetime, end: datetime) -> None:
    assert event(**kw).surge_bounds_utc() == (start, end)


@pytest.mark.parametrize(
    ("reminders", "expected"),
    [
        (None, [("7d", utc(2024, 11, 29, 6)), ("1d", utc(2024, 12, 5, 6)),
                ("08:00", utc(2024, 12, 6, 5))]),
        (["08:00", "0d", "2d"], [("2d", utc(2024, 12, 4, 6)), ("08:00", utc(2024, 12, 6, 5)),
                                 ("0d", utc(2024, 12, 6, 6))]),
    ],
    ids=["defaults", "sorted-earliest-first"],
)
def test_reminder_times(
    reminders: list[str] | None, expected: list[tuple[str, datetime]]
) -> None:
    ev = event() if reminders is None else event(reminders=reminders)
    assert ev.reminder_times_utc() == expected


def test_digest_time_and_repeated_reminders() -> None:
    assert event(digest_time="20:30").digest_utc() == utc(2024, 12, 6, 17, 30)
    with pytest.raises(ValidationError, match="must not repeat"):
        event(reminders=["1d", "1d"])
