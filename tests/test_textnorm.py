"""bot/textnorm.py: normalisation, HTML stripping, word splitting and per-language stems."""

from __future__ import annotations

import pytest

from bot.matching.status_cues import ALL_CUES
from bot.matching.textnorm import (
    normalize,
    stem,
    stems,
    strip_html,
    unify_spelling,
    word_list,
    words,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Talks\tin\n MINSK ", "talks in minsk"),
        ("Ёлка и ёж", "елка и еж"),
        ("ＭＩＮＳＫ １２", "minsk 12"),
        ("ﬁnal", "final"),
        ("Straße", "strasse"),
        ("«Союз» „Саюз“ “Union”", '"союз" "саюз" "union"'),
        ("Belarus’s ‘own’ ʼ", "belarus's 'own' '"),
        ("a–b—c−d‑e", "a-b-c-d-e"),
        ("se\u00adcu\u200brity\ufeff", "security"),
        ("Ⅻ съезд", "xii съезд"),
        ("", ""),
    ],
    ids=["whitespace-case", "yo", "nfkc-fullwidth", "nfkc-ligature", "casefold-sharp-s",
         "double-quotes", "apostrophes", "dashes", "invisible-chars", "roman-numeral", "empty"],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["Talks in Minsk", "Переговоры «в Минске» — итоги", "ＡＢＣ"])
def test_normalize_is_idempotent(raw: str) -> None:
    assert normalize(normalize(raw)) == normalize(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>Tom &amp; <b>Jerry</b></p>", "Tom & Jerry"),
        ('<a href="https://x.test/">link</a>\n\n  text', "link text"),
        ("a &lt;b&gt; c", "a <b> c"),
        ("&nbsp;x&#8212;y&quot;", "x—y\""),
        ("plain headline", "plain headline"),
        ("<br/>Line<br>break", "Line break"),
    ],
    ids=["tags-and-entity", "attributes-newlines", "escaped-tag-stays-text", "numeric-entities",
         "no-html", "void-tags"],
)
def test_strip_html(raw: str, expected: str) -> None:
    assert strip_html(raw) == expected


def test_strip_html_keeps_comparison_signs() -> None:
    assert strip_html("Inflation < 5% while rates > 3%") == "Inflation < 5% while rates > 3%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("belarus's talks", [("belarus", 0, 9), ("talks", 10, 15)]),
        ("russia-belarus", [("russia", 0, 6), ("belarus", 7, 14)]),
        ("сям'я", [("сямя", 0, 5)]),
        ("a_b 25th", [("a", 0, 1), ("b", 2, 3), ("25th", 4, 8)]),
        ("минск, 2024!", [("минск", 0, 5), ("2024", 7, 11)]),
        ("'quoted' word", [("quoted", 1, 7), ("word", 9, 13)]),
        ("...", []),
    ],
    ids=["possessive", "hyphen-splits", "be-apostrophe", "underscore-digits", "punctuation",
         "edge-quotes", "no-words"],
)
def test_words_with_offsets(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert words(text) == expected
    assert word_list(text) == [w for w, _, _ in expected]


# Pairs of inflected forms that must share a stem, and pairs that must not.
SAME_STEM = [
    ("en", "guarantee", "guarantees"),
    ("en", "signing", "signed"),
    ("en", "agreement", "agreements"),
    ("ru", "гарантии", "гарантиях"),
    ("ru", "договор", "договоров"),
    ("ru", "союзное", "союзного"),
    ("ru", "минск", "минске"),
    ("ru-yo", "ёлка", "елки"),
    ("be", "гарантыі", "гарантыях"),
    ("be", "бяспекі", "бяспека"),
    ("be", "мінскі", "мінскага"),
    ("uk", "гарантії", "гарантіями"),
    ("uk", "білорусь", "білорусі"),
    ("uk", "угода", "угоди"),
    ("de", "vertrag", "verträge"),
    ("de", "gespräch", "gespräche"),
]
DIFFERENT_STEM = [
    ("en", "iran", "iranian"),
    ("en", "union", "unit"),
    ("ru", "мир", "миру-мир"),
    ("cross-script", "minsk", "минск"),
]


@pytest.mark.parametrize(("lang", "a", "b"), SAME_STEM, ids=[f"{l}-{a}-{b}" for l, a, b in SAME_STEM])
def test_inflections_share_a_stem(lang: str, a: str, b: str) -> None:
    assert stem(normalize(a)) == stem(normalize(b))


@pytest.mark.parametrize(
    ("lang", "a", "b"), DIFFERENT_STEM, ids=[f"{l}-{a}-{b}" for l, a, b in DIFFERENT_STEM]
)
def test_different_words_keep_different_stems(lang: str, a: str, b: str) -> None:
    assert stem(a) != stem(b)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("2024", "2024"), ("25th", "25th"), ("ўрад", "ўрад"), ("日本", "日本"), ("мінск", "мінск")],
    ids=["digits", "alnum", "short-be", "other-script", "be-no-suffix"],
)
def test_stem_leaves_non_inflecting_words(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_stems_normalises_then_stems_every_word() -> None:
    assert stems("Гарантии БЕЗОПАСНОСТИ, guarantees!") == ["гарант", "безопасн", "guarante"]


def test_russian_belarus_nominative_and_genitive_share_a_stem() -> None:
    assert stem("беларусь") == stem("беларуси")


@pytest.mark.parametrize(
    ("a", "b"),
    [("дамова", "дамовай"), ("саюзная", "саюзнай"), ("саюзная", "саюзнаму"), ("ядзерны", "ядзернага")],
    ids=["noun-instrumental", "adjective-genitive", "adjective-dative", "adjective-masculine-genitive"],
)
def test_belarusian_forms_without_distinctive_letters(a: str, b: str) -> None:
    assert stem(a) == stem(b)


# Belarusian classical orthography (taraškievica) and the official one: the same word in
# both spellings is one word. Words written for these tests.
TWO_SPELLINGS = [
    ("soft-sign-sp", "бясьпека", "бяспека"),
    ("soft-sign-sv", "сьвятар", "святар"),
    ("soft-sign-ss", "з Беларусьсю", "з беларуссю"),
    ("soft-sign-cv", "зацьвердзіць", "зацвердзіць"),
    ("soft-sign-sc", "бел-чырвона-белы сьцяг", "бел-чырвона-белы сцяг"),
    ("soft-sign-sl", "пасьля саміту", "пасля саміту"),
    ("soft-sign-nn", "падпісаньне", "падпісанне"),
    ("soft-sign-ll", "вясельле", "вяселле"),
    ("soft-sign-cc", "разьвіцьцё", "развіццё"),
    ("soft-sign-dzv", "дзьве дамовы", "дзве дамовы"),
    ("soft-sign-zm", "зьмена ўлады", "змена ўлады"),
    ("soft-sign-noun-end", "бясьпечнасьць", "бяспечнасць"),
    ("prefix-apostrophe", "зьезд", "з'езд"),
    ("prefix-apostrophe-ja", "зьява", "з’ява"),
    ("loan-e-m", "дакумэнт", "дакумент"),
    ("loan-e-f", "Савет Фэдэрацыі", "Савет Федэрацыі"),
    ("loan-e-s", "сэнатары", "сенатары"),
    ("loan-e-n", "генэрал", "генерал"),
    ("loan-l-parliament", "парлямэнт", "парламент"),
    ("loan-l-diplomat", "дыплямат", "дыпламат"),
    ("loan-l-declaration", "дэклярацыя", "дэкларацыя"),
    ("loan-l-plan", "заплянаваны візыт", "запланаваны візыт"),
    ("word-initial-u-short", "прапанаваў Ўкраіне ўзаемную дамову", "прапанаваў Украіне узаемную дамову"),
    ("name-minsk", "у Менску", "у Мінску"),
    ("name-russia", "з Расеяй", "з Расіяй"),
    ("name-russian", "расейскі бок", "расійскі бок"),
]


@pytest.mark.parametrize(("classical", "official"), [(c, o) for _, c, o in TWO_SPELLINGS],
                         ids=[i for i, _, _ in TWO_SPELLINGS])
def test_belarusian_spellings_meet(classical: str, official: str) -> None:
    assert stems(classical) == stems(official)
    assert word_list(normalize(classical)) == word_list(normalize(official))


# Russian and Ukrainian words with a soft sign or «э» that the Belarusian rules leave alone.
@pytest.mark.parametrize(
    "word",
    ["только", "больше", "фильм", "сильный", "тьма", "друзья", "львов", "поэт", "этот",
     "обменяться", "донецьк", "спільна", "сільська", "близько", "раса", "расе", "менее", "пляж",
     "пляц", "абмяняліся"],
)
def test_other_languages_keep_their_spelling(word: str) -> None:
    assert word_list(word) == [word]


def test_words_keep_offsets_in_the_original_text() -> None:
    text = normalize("Беларусьсю, бясьпека")
    assert words(text) == [("беларуссю", 0, 10), ("бяспека", 12, 20)]


@pytest.mark.parametrize(
    ("a", "b"),
    [("расія", "расіі"), ("расія", "расіяй"), ("росія", "росією"), ("гарантія", "гарантіями"),
     ("гарантія", "гарантій"), ("російський", "російської"), ("беларусь", "беларуссю")],
    ids=["be-ija-genitive", "be-ija-instrumental", "uk-ija-instrumental", "uk-ija-plural",
         "uk-ija-genitive-plural", "uk-adjective", "be-instrumental-doubled-s"],
)
def test_be_uk_noun_and_adjective_paradigms(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_status_cues_are_written_in_unified_spelling() -> None:
    """Cue patterns run on unified text, so no literal in them may be a form the spelling
    rules rewrite (it would never match)."""
    assert [p for _, p in ALL_CUES if unify_spelling(p) != p] == []
