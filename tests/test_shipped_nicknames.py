"""The shipped treaty topic when reports name the treaty by its title with "mutual", by the
Belarusian word дагавор, or in classical Belarusian spelling; and the near misses that share
those words. Headlines written for these tests, not taken from any evaluation set.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher

ROOT = Path(__file__).resolve().parent.parent
LATER = datetime(2025, 6, 2, 9, tzinfo=UTC)
TREATY = "security-guarantees-treaty"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return build_matcher(load_config(ROOT / "feeds.yaml"))


CAUGHT: list[tuple[str, str, str]] = [
    # The short title with "mutual", and with the Belarusian word дагавор.
    ("en-mutual-title", "Treaty on mutual security guarantees takes effect", ""),
    ("ru-mutual-title", "Договор о взаимных гарантиях безопасности вступил в силу", ""),
    ("be-mutual-title", "Дамова аб узаемных гарантыях бяспекі ўступіла ў сілу", ""),
    ("uk-mutual-title", "Договір про взаємні гарантії безпеки набув чинності", ""),
    ("de-mutual-title", "Der Vertrag über wechselseitige Sicherheitsgarantien ist in Kraft", ""),
    ("be-dahavor-title", "Дагавор аб гарантыях бяспекі: што змянілася за год", ""),
    # Classical Belarusian spelling (taraškievica).
    ("be-classical-ratification", "Савет Рэспублікі ратыфікаваў дагавор з Расеяй аб гарантыях бясьпекі", ""),
    ("be-classical-instrumental", "Парлямэнт ухваліў дамову з Беларусьсю пра гарантыі бясьпекі", ""),
]


@pytest.mark.parametrize(("title", "summary"), [(t, s) for _, t, s in CAUGHT],
                         ids=[i for i, _, _ in CAUGHT])
def test_named_by_nickname_content_or_spelling(matcher: Matcher, title: str, summary: str) -> None:
    assert TREATY in matcher.match(title, summary, LATER).topics


def test_classical_belarusian_concept(matcher: Matcher) -> None:
    result = matcher.match("У Менску зацьвердзілі Канцэпцыю бясьпекі Саюзнай дзяржавы", "", LATER)
    assert "union-state-security-concept" in result.topics


SILENT: list[tuple[str, str, str]] = [
    ("ukraine-guarantees-be-classical", "Гарантыі бясьпекі для Ўкраіны: Захад абмяркоўвае дамову", ""),
    ("west-mutual-title", "Moscow says NATO must sign treaty on mutual security guarantees", ""),
    ("csto-be-classical", "Саміт АДКБ у Менску: лідэры падпісалі дэклярацыю аб калектыўнай бясьпецы", ""),
]


@pytest.mark.parametrize(("title", "summary"), [(t, s) for _, t, s in SILENT],
                         ids=[i for i, _, _ in SILENT])
def test_near_misses_of_the_new_names_stay_silent(matcher: Matcher, title: str, summary: str) -> None:
    assert TREATY not in matcher.match(title, summary, LATER).topics
