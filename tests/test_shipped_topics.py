"""The shipped feeds.yaml topics on headlines written for these tests (not the eval data).

Hits in every supported language, and the near misses the product must stay silent on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher

ROOT = Path(__file__).resolve().parent.parent
SUMMIT_DAY = datetime(2024, 12, 6, 15, tzinfo=UTC)
LATER = datetime(2025, 11, 3, 9, tzinfo=UTC)
TREATY, CONCEPT, SUMMIT = "security-guarantees-treaty", "union-state-security-concept", "minsk-summit-2024"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return build_matcher(load_config(ROOT / "feeds.yaml"))


@pytest.mark.parametrize(
    ("title", "summary", "at", "topic"),
    [
        ("Minsk and Moscow ink security guarantees treaty", "", SUMMIT_DAY, TREATY),
        ("Duma backs pact", "Deputies ratified the agreement on security guarantees with Belarus.", LATER, TREATY),
        ("Lukashenko signs security treaty into law", "", LATER, TREATY),
        ("Госдума ратифицировала договор с Белоруссией о гарантиях безопасности", "", LATER, TREATY),
        ("Соглашение о гарантиях безопасности между РФ и РБ вступило в силу", "", LATER, TREATY),
        ("Палата прадстаўнікоў ратыфікавала дамову аб гарантыях бяспекі", "у межах Саюзнай дзяржавы", LATER, TREATY),
        ("Росія та Білорусь підписали договір про гарантії безпеки", "", SUMMIT_DAY, TREATY),
        ("Vertrag über Sicherheitsgarantien mit Belarus unterzeichnet", "", SUMMIT_DAY, TREATY),
        ("Leaders adopt the Security Concept of the Union State", "", SUMMIT_DAY, CONCEPT),
        ("В Минске утвердили новую Концепцию безопасности Союзного государства", "", SUMMIT_DAY, CONCEPT),
        ("Прэзідэнты зацвердзілі Канцэпцыю бяспекі Саюзнай дзяржавы", "", SUMMIT_DAY, CONCEPT),
        ("Sicherheitskonzept des Unionsstaates verabschiedet", "", SUMMIT_DAY, CONCEPT),
        ("Supreme State Council meets in Minsk for Union State anniversary", "", None, SUMMIT),
        ("Высший госсовет соберется в Минске в декабре", "", None, SUMMIT),
        ("Putin lands in Minsk", "The Russian leader arrived for talks.", SUMMIT_DAY, SUMMIT),
    ],
    ids=[
        "en-signing", "en-ratification-in-summary", "en-signed-into-law", "ru-ratification",
        "ru-in-force-agreement", "be-ratification", "uk-signing", "de-signing", "en-concept",
        "ru-concept", "be-concept", "de-concept", "en-summit-undated", "ru-summit-undated",
        "en-summit-week-visit",
    ],
)
def test_reports_are_caught(matcher: Matcher, title: str, summary: str, at: datetime | None, topic: str) -> None:
    assert topic in matcher.match(title, summary, at).topics


@pytest.mark.parametrize(
    ("title", "summary", "at"),
    [
        ("Europe weighs security guarantees for Ukraine", "Leaders met in Paris.", LATER),
        ("Гарантии безопасности для Украины обсудят в Женеве", "", LATER),
        ("Lukashenko guarantees the safety of nuclear weapons stored in Belarus", "", LATER),
        ("Belarus adopts new national security concept", "The All-Belarusian People's Assembly approved it.", LATER),
        ("Концепция национальной безопасности Беларуси принята", "", LATER),
        ("Russia updates its nuclear doctrine", "Belarus is now covered by the deterrent.", LATER),
        ("Poland and the Baltic states sign mutual defence pact", "", LATER),
        ("Japan and the Philippines sign security agreement", "", LATER),
        ("Заседание Высшего госсовета Союзного государства пройдет в Москве", "", LATER),
        ("Supreme State Council to meet in Minsk", "", datetime(2016, 1, 19, tzinfo=UTC)),
        ("Putin visits Minsk", "Talks on gas prices.", LATER),
        ("Zapad drills begin on Belarus territory", "Union State defence planning tested.", LATER),
    ],
    ids=[
        "ukraine-guarantees", "ukraine-guarantees-ru", "guarantees-safety-verb",
        "national-security-concept", "national-security-concept-ru", "nuclear-doctrine-alone",
        "other-countries-defence-pact", "other-security-agreement", "other-council-session-ru",
        "old-council-in-minsk-dated", "visit-outside-summit-week", "military-drills",
    ],
)
def test_near_misses_stay_silent(matcher: Matcher, title: str, summary: str, at: datetime | None) -> None:
    assert matcher.match(title, summary, at).topics == ()


@pytest.mark.parametrize(
    ("title", "status"),
    [
        ("Putin and Lukashenko to sign security guarantees treaty on Friday", "expected"),
        ("Putin and Lukashenko sign security guarantees treaty", "signed"),
        ("Federation Council ratifies security guarantees treaty with Belarus", "ratified"),
        ("Security guarantees treaty with Belarus enters into force", "in_force"),
    ],
    ids=["expected", "signed", "ratified", "in-force"],
)
def test_topic_matches_carry_status(matcher: Matcher, title: str, status: str) -> None:
    assert matcher.match(title, "", LATER).status == status


# Topics as concepts: the same treaty named by a synonym, described by its content, or with
# its title's words in another order, in every language; and the near misses that share
# some of its words. Written for these tests, not taken from any evaluation set.
@pytest.mark.parametrize(
    ("title", "summary", "at"),
    [
        ("Security guarantees treaty: Moscow and Minsk finally sign", "", SUMMIT_DAY),
        ("Minsk gets Moscow's guarantee of its security in new Union State pact", "", SUMMIT_DAY),
        ("Kremlin pact pledges to defend Belarus if attacked", "Russia and Belarus signed it in Minsk.", SUMMIT_DAY),
        ("Russia's nuclear shield covers Belarus under accord signed by Putin and Lukashenko", "", SUMMIT_DAY),
        ("Duma green-lights mutual defence treaty with Minsk", "", LATER),
        ("Соглашение о взаимной безопасности России и Беларуси вступило в силу", "", LATER),
        ("Лукашенко: гарантии безопасности со стороны России закреплены в договоре", "", LATER),
        ("Палата представителей одобрила договор с Россией о гарантиях безопасности", "", LATER),
        ("Пагадненне Мінска з Масквой пра ўзаемную бяспеку: што ў ім напісана", "", LATER),
        ("Верхня палата РФ схвалила договір з Мінськом про гарантії безпеки", "", LATER),
        ("Russland garantiert Belarus' Sicherheit: Vertrag ratifiziert", "", LATER),
        ("Beistandspakt zwischen Moskau und Minsk unterzeichnet", "", SUMMIT_DAY),
        ("Treaty on security guarantees enters into force", "", LATER),
        ("Дамову пра гарантыі бяспекі ратыфікуюць у лютым", "", LATER),
    ],
    ids=[
        "en-inverted-title", "en-guarantee-of-its-security", "en-pledges-to-defend",
        "en-nuclear-shield-accord", "en-mutual-defence-treaty", "ru-mutual-security",
        "ru-guarantees-in-treaty", "ru-chamber-russia-only", "be-mutual-security",
        "uk-minsk-and-guarantees", "de-guarantees-verb", "de-assistance-pact",
        "en-short-title-alone", "be-short-title-alone",
    ],
)
def test_paraphrases_are_caught(matcher: Matcher, title: str, summary: str, at: datetime) -> None:
    assert TREATY in matcher.match(title, summary, at).topics


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Minsk agreements: Moscow says Kyiv ignored security guarantees", ""),
        ("Lukashenko offers Minsk for Ukraine peace talks, calls for security guarantees deal", ""),
        ("Russia publishes draft treaty with NATO on security guarantees", ""),
        ("Лукашенко поддержал требования России о гарантиях безопасности со стороны НАТО", ""),
        ("CSTO summit in Minsk: Putin praises Collective Security Treaty", ""),
        ("Russia and Belarus sign agreement on information security cooperation", ""),
        ("Belarus and Iran sign military cooperation agreement", ""),
        ("Russia and Belarus sign agreement on mutual guarantees of investments", ""),
        ("Russia and Belarus agree to deploy Oreshnik; deal on nuclear weapons storage signed", ""),
        ("Ukraine and Germany sign agreement on security guarantees", "Berlin pledges air defence."),
        ("Украина и Франция подписали соглашение о гарантиях безопасности", ""),
        ("Sicherheitsgarantien für die Ukraine: Gipfel in London", ""),
        ("Putin signs law ratifying mutual defence treaty with North Korea", ""),
        ("Russia and Belarus sign agreement on joint air defence system", ""),
        ("Zelensky: a treaty on security guarantees must come before any ceasefire", ""),
        ("Moscow wants a treaty on security guarantees from Washington", ""),
    ],
    ids=[
        "minsk-accords", "ukraine-peace-talks-in-minsk", "nato-guarantees-2021",
        "nato-guarantees-2021-ru", "csto-collective-security-treaty", "information-security",
        "other-country-military-cooperation", "investment-guarantees", "nuclear-storage-deal",
        "ukraine-agreement", "ukraine-agreement-ru", "ukraine-guarantees-de",
        "north-korea-mutual-defence", "air-defence-agreement", "short-title-for-ukraine",
        "short-title-with-the-us",
    ],
)
def test_concept_near_misses_stay_silent(matcher: Matcher, title: str, summary: str) -> None:
    assert TREATY not in matcher.match(title, summary, LATER).topics


@pytest.mark.parametrize(
    ("title", "topic", "concepts"),
    [
        ("Russia and Belarus sign security guarantees treaty", TREATY,
         {"agreement", "security guarantees", "belarus", "russia"}),
        ("Leaders adopt the Security Concept of the Union State", CONCEPT, {"security concept", "union state"}),
    ],
    ids=["treaty", "concept"],
)
def test_alerts_name_the_concepts_that_matched(matcher: Matcher, title: str, topic: str,
                                               concepts: set[str]) -> None:
    result = matcher.match(title, "", SUMMIT_DAY)
    assert concepts <= set(result.topic_concepts[topic])
