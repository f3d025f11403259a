"""The command line as a subprocess: replay output, exit codes, error messages, check, evaluate.

Every test runs `python -m bot ...` for real, with `--config` pointing at the shipped
feeds.yaml or a small config written to tmp_path, over hand-written feed files.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "feeds.yaml"
REPLAY = Path(__file__).parent / "fixtures" / "replay"
WIRE = REPLAY / "minsk_week.rss"  # RSS, English, five items (see the file)
LENTA = REPLAY / "agencies.atom"  # Atom, Russian, three entries

JSON_KEYS = {"link", "title", "feed", "published", "topics", "watches", "status", "matched", "concepts"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


def run_bot(*args: str | Path, cwd: Path) -> Run:
    """`python -m bot ARGS` in `cwd` with a clean environment (no BOT_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def run_many(calls: Mapping[str, tuple[str | Path, ...]], cwd: Path) -> dict[str, Run]:
    """Several independent runs side by side: each start-up costs ~0.5 s of imports."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(run_bot, *args, cwd=cwd) for key, args in calls.items()}
        return {key: future.result() for key, future in futures.items()}


def by_link(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["link"]: row for row in rows}


# ---------------------------------------------------------------- replay output


@pytest.fixture(scope="module")
def shipped_replay(tmp_path_factory: pytest.TempPathFactory) -> Run:
    cwd = tmp_path_factory.mktemp("replay")
    args = ("replay", "--config", SHIPPED, "--json", "--watch", "snowfall", WIRE, LENTA)
    return run_bot(*args, cwd=cwd)


def test_replay_json_prints_one_object_per_matching_entry(shipped_replay: Run) -> None:
    assert shipped_replay.code == 0, shipped_replay.err
    rows = shipped_replay.json_lines()
    for row in rows:
        assert JSON_KEYS <= row.keys()
        assert isinstance(row["topics"], list) and isinstance(row["watches"], list)
        assert isinstance(row["matched"], list)
    assert [r["link"] for r in rows] == [
        "https://wire.example.test/2024/12/06/putin-minsk?ref=rss&id=42",
        "https://wire.example.test/2024/12/06/treaty",
        "https://wire.example.test/2024/12/06/weather",
        "https://lenta.example.test/news/101",
        "https://lenta.example.test/news/102",
    ], "file order, entries matching nothing (2025 visit, undated visit, rouble) left out"


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (
            "https://wire.example.test/2024/12/06/putin-minsk?ref=rss&id=42",
            {"title": "Putin lands in Minsk", "feed": "Wire Desk",
             "published": "2024-12-06T06:15:00Z",
             "topics": ["minsk-summit-2024"], "watches": [], "status": None,
             "matched": ["putin", "minsk"]},
        ),
        (
            "https://wire.example.test/2024/12/06/treaty",
            # Every word a matching concept used: the parties, the act and the subject.
            {"topics": ["security-guarantees-treaty"], "status": "signed",
             "published": "2024-12-06T11:40:00Z",
             "matched": ["belarus", "russia", "sign", "treaty", "on", "security", "guarantees",
                         "signed"]},
        ),
        (
            "https://wire.example.test/2024/12/06/weather",
            {"topics": [], "watches": ["snowfall"], "status": None, "matched": ["snowfall"]},
        ),
        (
            "https://lenta.example.test/news/101",
            {"feed": "Лента агентства", "topics": ["security-guarantees-treaty"],
             "status": "signed",
             "title": "Лукашенко и Путин подписали договор о гарантиях безопасности",
             "published": "2024-12-06T09:00:00Z"},
        ),
        (
            "https://lenta.example.test/news/102",
            # A concept "утверждена" (approved) is adopted: for a concept, that is its signing.
            {"topics": ["union-state-security-concept"], "status": "signed"},
        ),
    ],
    ids=["summit-week-visit", "en-treaty-signed", "watch-only", "ru-treaty-signed", "ru-concept"],
)
def test_replay_json_fields(shipped_replay: Run, link: str, expected: dict[str, Any]) -> None:
    row = by_link(shipped_replay.json_lines())[link]
    assert row["link"] == link  # exactly as in the feed: query string and '&' kept
    assert {k: row[k] for k in expected} == expected


def test_replay_published_is_iso_8601_or_null(shipped_replay: Run) -> None:
    for row in shipped_replay.json_lines():
        if row["published"] is not None:
            assert datetime.fromisoformat(row["published"]).utcoffset() is not None


def test_replay_without_json_prints_readable_lines(tmp_path: Path) -> None:
    run = run_bot("replay", "--config", SHIPPED, WIRE, cwd=tmp_path)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 2
    visit, treaty = lines
    with pytest.raises(json.JSONDecodeError):
        json.loads(visit)
    # Times are shown in the config's zone (Europe/Minsk, UTC+3), not UTC.
    assert "2024-12-06 09:15" in visit and "Wire Desk" in visit and "Putin lands in Minsk" in visit
    assert "minsk-summit-2024" in visit
    assert visit.endswith("https://wire.example.test/2024/12/06/putin-minsk?ref=rss&id=42")
    assert treaty.startswith("[SIGNED] 2024-12-06 14:40")
    assert "security-guarantees-treaty" in treaty and "guarantees" in treaty


def test_replay_of_nothing_matching_prints_nothing(tmp_path: Path) -> None:
    config = tmp_path / "cfg.yaml"
    config.write_text(
        "feeds:\n  - url: https://a.example.test/rss\n"
        "topics:\n  - id: weather\n    title: Weather\n    query: hailstorm\n",
        encoding="utf-8",
    )
    run = run_bot("replay", "--config", config, "--json", WIRE, LENTA, cwd=tmp_path)
    assert (run.code, run.out) == (0, "")


# ---------------------------------------------------------------- time-dependent rules


def test_summit_window_is_judged_at_publication_time(tmp_path: Path) -> None:
    """`during:` 2024-12-01..2024-12-08 in Europe/Minsk (UTC+3), whatever today's date is."""
    dates = {
        "inside": "Fri, 06 Dec 2024 10:00:00 GMT",
        "first-minute": "Sat, 30 Nov 2024 21:00:00 GMT",  # 00:00 on 1 Dec in Minsk
        "before": "Sat, 30 Nov 2024 20:59:00 GMT",  # 23:59 on 30 Nov in Minsk
        "last-day": "Sun, 08 Dec 2024 20:30:00 GMT",  # 23:30 on 8 Dec in Minsk
        "after": "Sun, 08 Dec 2024 21:00:00 GMT",  # 00:00 on 9 Dec in Minsk
        "next-year": "Sat, 06 Dec 2025 10:00:00 GMT",
    }
    items = "".join(
        f"<item><title>Putin lands in Minsk</title><link>https://t.example.test/{name}</link>"
        f"<pubDate>{date}</pubDate></item>"
        for name, date in dates.items()
    )
    feed = tmp_path / "window.rss"
    feed.write_text(f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>', "utf-8")
    run = run_bot("replay", "--config", SHIPPED, "--json", feed, cwd=tmp_path)
    assert run.code == 0, run.err
    matched = {row["link"].rsplit("/", 1)[1]: row["topics"] for row in run.json_lines()}
    inside = ("inside", "first-minute", "last-day")
    assert matched == {name: ["minsk-summit-2024"] for name in inside}


# ---------------------------------------------------------------- malformed queries


MALFORMED = {
    "open-paren": ("(Minsk Moscow", "unbalanced parenthesis: '(' is never closed (at character 1)"),
    "close-paren": ("Minsk) summit", "unbalanced parenthesis: ')' without '(' (at character 6)"),
    "open-quote": ('"union state', "unclosed quote (at character 1)"),
    "empty": ("   ", "the query is empty"),
    "only-not": ("NOT Minsk", "at least one word that must appear"),
    "dangling-or": ("Minsk OR", "OR needs a term after it (at character 7)"),
    "inner-star": ("Min*sk", "'*' is only allowed at the end of a word (at character 4)"),
    "short-prefix": ("mi*", "a wildcard needs at least 3 letters"),
    "near-zero": ("Minsk NEAR/0 talks", "NEAR distance must be 1..20 (at character 7)"),
    "near-group": ("Minsk NEAR/3 (talks -summit)", "NEAR joins words, phrases"),
    "too-many-terms": (" ".join(f"w{i}" for i in range(21)), "too many terms (the limit is 20)"),
    "too-long": ("a" * 301, "longer than 300 characters"),
    "too-deep": ("((((((((((deep))))))))))", "nest deeper than 8"),
}


@pytest.fixture(scope="module")
def malformed_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    calls = {
        case: ("replay", "--config", SHIPPED, f"--watch={query}", WIRE)
        for case, (query, _) in MALFORMED.items()
    }
    return run_many(calls, tmp_path_factory.mktemp("malformed"))


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_watch_exits_2_naming_what_and_where(
    malformed_runs: dict[str, Run], case: str
) -> None:
    run = malformed_runs[case]
    assert run.code == 2
    assert run.out == ""
    assert MALFORMED[case][1] in run.err
    assert "--watch" in run.err and "Traceback" not in run.err


# ---------------------------------------------------------------- config errors


BROKEN_CONFIGS = {
    "broken-yaml": ("interval: 10m\nfeeds: [\n  - url: x\n", "cfg.yaml:3: YAML syntax error"),
    "unknown-key": ("interval: 10m\nintervall: 5m\nfeeds:\n  - url: https://a.example.test/rss\n",
                    "cfg.yaml:2: intervall: unknown key 'intervall'"),
    "duration-without-unit": ("interval: 10\nfeeds:\n  - url: https://a.example.test/rss\n",
                              "cfg.yaml:1: interval:"),
    "bad-topic-query": (("feeds:\n  - url: https://a.example.test/rss\ntopics:\n  - id: t\n"
                         "    title: T\n    query: '(minsk'\n"),
                        "cfg.yaml:6: topics[0].query: unbalanced parenthesis"),
}


@pytest.fixture(scope="module")
def broken_config_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    calls: dict[str, tuple[str | Path, ...]] = {}
    for case, (text, _) in BROKEN_CONFIGS.items():
        config = tmp_path_factory.mktemp(case) / "cfg.yaml"
        config.write_text(text, encoding="utf-8")
        calls[f"check-{case}"] = ("check", "--config", config)
        calls[f"replay-{case}"] = ("replay", "--config", config, WIRE)
    return run_many(calls, tmp_path_factory.mktemp("configs"))


@pytest.mark.parametrize("case", list(BROKEN_CONFIGS))
@pytest.mark.parametrize("command", ["check", "replay"])
def test_config_error_exits_2_with_file_line_key(
    broken_config_runs: dict[str, Run], case: str, command: str
) -> None:
    run = broken_config_runs[f"{command}-{case}"]
    assert run.code == 2
    assert run.out == ""
    assert BROKEN_CONFIGS[case][1] in run.err
    assert "Traceback" not in run.err


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    run = run_bot("check", "--config", tmp_path / "nowhere.yaml", cwd=tmp_path)
    assert run.code == 2
    assert "nowhere.yaml" in run.err and "not found" in run.err


def test_check_accepts_the_shipped_config(tmp_path: Path) -> None:
    run = run_bot("check", "--config", SHIPPED, cwd=tmp_path)
    assert run.code == 0, run.err
    assert "valid" in run.out and "3 topics" in run.out


# ---------------------------------------------------------------- unusable feed files


def test_unusable_files_are_reported_and_the_rest_still_replayed(tmp_path: Path) -> None:
    missing = tmp_path / "gone.rss"
    files = [REPLAY / "not_a_feed.html", WIRE, REPLAY / "entity_bomb.xml", missing, LENTA]
    run = run_bot("replay", "--config", SHIPPED, "--json", *files, cwd=tmp_path)
    assert run.code == 0
    warnings = run.err.splitlines()
    assert len(warnings) == 3, run.err
    assert "not_a_feed.html" in warnings[0] and "HTML" in warnings[0]
    assert "entity_bomb.xml" in warnings[1] and "entities" in warnings[1]
    assert "gone.rss" in warnings[2]
    assert "Traceback" not in run.err
    links = [row["link"] for row in run.json_lines()]
    assert len(links) == 4 and "https://lenta.example.test/news/102" in links


# ---------------------------------------------------------------- evaluate

# Six invented labelled items: 3 relevant (2 alerted, 1 missed), 1 borderline (ignored),
# 2 not relevant (1 false alert). Status: one right (signed), one wrong (want ratified).
LABELLED = [
    {"id": "e1", "date": "2024-12-06", "relevant": True, "expected_status": "signed",
     "title": "Belarus and Russia sign treaty on security guarantees"},
    {"id": "e2", "date": "2024-12-06", "relevant": True, "expected_status": "ratified",
     "title": "Minsk expects to sign security guarantees treaty with Moscow"},
    {"id": "e3", "date": "2024-12-06", "relevant": True,
     "title": "Allies agree on a shared defence umbrella"},
    {"id": "e4", "date": "2024-12-06", "relevant": False, "borderline": True,
     "title": "Putin lands in Minsk"},
    {"id": "e5", "date": "2024-12-05", "relevant": False,
     "title": "Putin lands in Minsk for a dinner"},
    {"id": "e6", "date": "2024-12-05", "relevant": False, "title": "Snowfall across the region"},
]


def test_evaluate_prints_recall_precision_and_status_accuracy(tmp_path: Path) -> None:
    data = tmp_path / "labelled.jsonl"
    lines = [json.dumps(item, ensure_ascii=False) for item in LABELLED]
    data.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    run = run_bot("evaluate", "--config", SHIPPED, "--misses", data, cwd=tmp_path)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split()[:2] == ["recall", "0.667"] and "(2/3 " in lines[0]
    assert lines[1].split()[:2] == ["precision", "0.667"] and "(2/3 " in lines[1]
    assert lines[2].split()[:3] == ["status", "accuracy", "0.500"] and "(1/2)" in lines[2]
    assert any("e3:" in line for line in lines), "--misses lists the missed item"
    assert any("e5:" in line and "minsk-summit-2024" in line for line in lines)


def test_evaluate_of_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    run = run_bot("evaluate", "--config", SHIPPED, tmp_path / "none.jsonl", cwd=tmp_path)
    assert run.code == 1
    assert "none.jsonl" in run.err and "Traceback" not in run.err


# ---------------------------------------------------------------- db


def test_db_upgrade_then_current(tmp_path: Path) -> None:
    """`db upgrade` creates the schema under ./data (the default URL), `db current` reports
    the head revision; a second upgrade changes nothing."""
    first = run_bot("db", "upgrade", "--config", SHIPPED, cwd=tmp_path)
    assert first.code == 0, first.err
    assert "upgraded from empty to revision" in first.out and "(head)" in first.out
    assert (tmp_path / "data" / "summit-watch.db").is_file()
    again = run_bot("db", "upgrade", "--config", SHIPPED, cwd=tmp_path)
    assert again.code == 0 and "already at revision" in again.out
    current = run_bot("db", "current", "--config", SHIPPED, cwd=tmp_path)
    assert current.code == 0 and current.out.strip().endswith("(head)")


def test_db_refuses_a_database_it_cannot_upgrade(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with sqlite3.connect(tmp_path / "data" / "summit-watch.db") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    done = run_bot("db", "upgrade", "--config", SHIPPED, cwd=tmp_path)
    assert done.code == 1 and "newer version" in done.out
