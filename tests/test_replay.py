"""Replay: bot/replay.py in-process, and the whole query language through `python -m bot replay`.

The query-language table is replayed in one subprocess: every case's headline becomes an
item of one feed and every case's query a `--watch`; each case then checks whether its own
query is listed among the watches of its own item.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from bot.config import load_config
from bot.ingest.replay import read_feed_file, replay
from bot.matching.topics import build_matcher

ROOT = Path(__file__).resolve().parent.parent
REPLAY = Path(__file__).parent / "fixtures" / "replay"

# (id, query, headline, matches?, words of the headline expected in `matched` if it matches)
CASES: list[tuple[str, str, str, bool, str]] = [
    # words, AND, OR, NOT, groups
    ("word", "Minsk", "Talks held in Minsk today", True, "minsk"),
    ("word-absent", "Minsk", "Talks held in Kazan today", False, ""),
    ("implicit-and", "Belarus treaty", "Belarus signs treaty with Russia", True, "belarus treaty"),
    ("implicit-and-missing", "Belarus treaty", "Belarus signs deal with Russia", False, ""),
    ("explicit-and", "Belarus AND deal", "Belarus signs deal with Russia", True, "belarus deal"),
    ("or-right", "Minsk OR Moscow", "Delegation arrives in Moscow", True, "moscow"),
    ("or-neither", "Minsk OR Moscow", "Delegation arrives in Kazan", False, ""),
    ("not-excludes", "summit NOT Kazan", "Summit opens in Kazan", False, ""),
    ("not-allows", "summit NOT Kazan", "Summit opens in Astana", True, "summit"),
    ("minus-excludes", "forum -Kazan", "Forum opens in Kazan", False, ""),
    ("minus-allows", "forum -Kazan", "Forum opens in Astana", True, "forum"),
    ("group-and", "(Minsk OR Moscow) summit", "Moscow summit postponed", True, "moscow summit"),
    ("group-missing", "(Minsk OR Moscow) summit", "Moscow talks postponed", False, ""),
    ("or-binds-looser", "Minsk OR Moscow summit", "Minsk talks postponed", True, "minsk"),
    ("not-group", "visit NOT (Kazan OR Astana)", "A visit to Astana", False, ""),
    # phrases
    ("phrase", '"union state"', "The Union State budget approved", True, "union state"),
    ("phrase-order", '"union state"', "A state of the union address", False, ""),
    ("phrase-adjacent", '"union state"', "Union of the state workers", False, ""),
    # prefixes and word boundaries
    ("prefix", "lukashenk*", "Lukashenko meets governors", True, "lukashenko"),
    ("prefix-other", "lukashenk*", "Lukashevich meets governors", False, ""),
    ("boundary", "Iran", "Iranian delegation visits Minsk", False, ""),
    ("boundary-prefix", "Iran*", "Iranian delegation visits Minsk", True, "iranian"),
    ("boundary-possessive", "Iran", "Iran's delegation visits Minsk", True, "iran"),
    ("boundary-inside", "arus", "Belarus hosts the forum", False, ""),
    ("prefix-phrase", '"union stat*"', "Union statute amended", True, "union statute"),
    # NEAR/n
    ("near-close", "treaty NEAR/2 signed", "Treaty was quickly signed", True, "treaty signed"),
    ("near-far", "treaty NEAR/2 signed", "Treaty text, drafted for months, was signed", False, ""),
    ("near-either-order", "treaty NEAR/2 signed", "Signed yesterday: the treaty", True, "signed"),
    ("near-phrase", '"security guarantee" NEAR/3 Minsk', "Minsk seeks security guarantees", True,
     "security guarantees"),
    ("near-group", "(Minsk OR Moscow) NEAR/1 talks", "Moscow hosts talks", True, "moscow talks"),
    # case, NFKC, casefold, ё, quotes, dashes
    ("case-upper-query", "MINSK", "talks in minsk", True, "minsk"),
    ("case-upper-text", "minsk", "TALKS IN MINSK", True, "minsk"),
    ("nfkc-fullwidth", "ＭＩＮＳＫ", "Talks in Minsk", True, "minsk"),
    ("nfkc-ligature", "ﬁnal", "Final round of talks", True, "final"),
    ("casefold-sharp-s", "straße", "STRASSE gesperrt", True, "strasse"),
    ("yo-in-query", "ёлка", "Новогодняя елка в Минске", True, "елка"),
    ("yo-in-text", "елка", "Новогодняя ЁЛКА в Минске", True, "елка"),
    ("dash-en", "Russia–Belarus", "Russia-Belarus talks end", True, "russia belarus"),
    ("dash-hyphen-query", "Russia-Belarus", "Russia—Belarus talks end", True, "russia belarus"),
    ("dash-order", "Russia-Belarus", "Belarus-Russia talks end", False, ""),
    ("apostrophe-be", "сям'я", "Сямʼя і дзеці", True, "сямя"),
    ("quotes-guillemets", "«union state»", "A state of the union address", False, ""),
    ("quotes-curly", "“union state”", "The Union State budget", True, "union state"),
    ("quotes-low-high", "„union state“", "Union of the state workers", False, ""),
    ("soft-hyphen", "security", "Secu\u00adrity talks", True, "security"),
    # inflection: en, ru, be, uk
    ("en-plural", "security guarantee", "New security guarantees", True, "security guarantees"),
    ("en-verb", "signing", "Leaders signed the pact", True, "signed"),
    ("en-phrase-plural", '"security guarantee"', "Security guarantees given", True,
     "security guarantees"),
    ("ru-case", "гарантии безопасности", "Договор о гарантиях безопасности", True,
     "гарантиях безопасности"),
    ("ru-phrase-case", '"гарантии безопасности"', "Речь о гарантиях безопасности", True,
     "гарантиях безопасности"),
    ("ru-genitive", "союзное государство", "Бюджет Союзного государства", True,
     "союзного государства"),
    ("be-case", '"гарантыі бяспекі"', "Дамова аб гарантыях бяспекі", True, "гарантыях бяспекі"),
    ("be-noun", "дамова", "Тэкст дамовы апублікаваны", True, "дамовы"),
    ("be-adjective", "саюзная дзяржава", "Бюджэт Саюзнай дзяржавы", True, "саюзнай дзяржавы"),
    ("uk-case", '"гарантії безпеки"', "Угода щодо гарантіями безпеки", True, "гарантіями безпеки"),
    ("uk-genitive", "угода", "Текст угоди оприлюднено", True, "угоди"),
]


def _feed(cases: list[tuple[str, str, str, bool, str]]) -> str:
    items = "".join(
        f"<item><title>{escape(headline)}</title><link>https://q.example.test/{case}</link></item>"
        for case, _, headline, _, _ in cases
    )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Queries</title>{items}</channel></rss>\n")


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One `replay --json` over all cases, keyed by case id (unmatched items are absent)."""
    tmp = tmp_path_factory.mktemp("query-language")
    feed = tmp / "cases.rss"
    feed.write_text(_feed(CASES), encoding="utf-8")
    config = tmp / "cfg.yaml"  # no topics: only the watches decide what is printed
    config.write_text("feeds:\n  - url: https://q.example.test/rss\n", encoding="utf-8")
    watches = [f"--watch={query}" for query in dict.fromkeys(q for _, q, _, _, _ in CASES)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "replay", "--config", str(config), "--json", *watches,
         str(feed)],
        cwd=tmp, env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    return {row["link"].rsplit("/", 1)[1]: row for row in rows}


@pytest.mark.parametrize(
    ("case", "query", "headline", "matches", "surface"), CASES, ids=[c[0] for c in CASES]
)
def test_query_language(
    replayed: dict[str, dict[str, Any]], case: str, query: str, headline: str, matches: bool,
    surface: str,
) -> None:
    row = replayed.get(case, {"watches": [], "matched": []})
    assert (query.strip() in row["watches"]) is matches, f"{query!r} on {headline!r}"
    # Other cases' queries may add words to `matched`; this query's own words must be there.
    assert set(surface.split()) <= set(row["matched"])


# ---------------------------------------------------------------- bot/replay.py in-process


def test_read_feed_file_names_entries_after_the_feed_title() -> None:
    warnings: list[str] = []
    entries = read_feed_file(REPLAY / "agencies.atom", warnings.append)
    assert warnings == []
    assert [e.feed for e in entries] == ["Лента агентства"] * 3
    assert entries[0].published == datetime(2024, 12, 6, 9, 0, tzinfo=UTC)
    assert entries[0].summary == "Церемония прошла во Дворце Независимости."


@pytest.mark.parametrize(
    ("name", "needle"),
    [("not_a_feed.html", "HTML"), ("entity_bomb.xml", "entities"), ("missing.rss", "cannot read")],
    ids=["html-page", "entity-bomb", "missing-file"],
)
def test_read_feed_file_warns_instead_of_raising(name: str, needle: str) -> None:
    warnings: list[str] = []
    assert read_feed_file(REPLAY / name, warnings.append) == []
    assert len(warnings) == 1 and name in warnings[0] and needle in warnings[0]


def test_replay_yields_matches_in_file_order_judged_at_publication() -> None:
    matcher = build_matcher(load_config(ROOT / "feeds.yaml"), [("w", "rouble OR рубля")])
    warnings: list[str] = []
    files = [REPLAY / "minsk_week.rss", REPLAY / "nope.rss", REPLAY / "agencies.atom"]
    found = [
        (e.link, r.topics, [w.key for w in r.watches])
        for e, r in replay(files, matcher, warnings.append)
    ]
    visit = "https://wire.example.test/2024/12/06/putin-minsk?ref=rss&id=42"
    assert found == [
        (visit, ("minsk-summit-2024",), []),
        ("https://wire.example.test/2024/12/06/treaty", ("security-guarantees-treaty",), []),
        ("https://lenta.example.test/news/101", ("security-guarantees-treaty",), []),
        ("https://lenta.example.test/news/102", ("union-state-security-concept",), []),
        ("https://lenta.example.test/news/103", (), ["w"]),
    ]
    assert len(warnings) == 1 and "nope.rss" in warnings[0]
