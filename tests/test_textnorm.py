"""bot/textnorm.py: normalisation, HTML stripping, word splitting and per-language stems."""

from __future__ import annotations

import pytest

from bot.matching.textnorm import normalize, stem, stems, strip_html, word_list, words


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
    [("дамова", "дамовай"), ("саюзная", "саюзнай"), ("саюзная", "саюзнаму")],
    ids=["noun-instrumental", "adjective-genitive", "adjective-dative"],
)
def test_belarusian_forms_without_distinctive_letters(a: str, b: str) -> None:
    assert stem(a) == stem(b)
