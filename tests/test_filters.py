"""The `source:` and `lang:` filters: parsing (with errors and positions), what an entry
answers to, matching through the index, and that filters never become anchors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.filters import Filter, Provenance, source_key
from bot.matching.matcher import Matcher, anchors
from bot.matching.query import And, Not, Or, QueryError, parse_query, parse_watch
from bot.matching.topics import build_matcher
from bot.model import Entry


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("treaty source:belta", "treaty AND source:belta"),
        ("treaty -source:ria", "treaty AND NOT source:ria"),
        ("treaty NOT source:ria", "treaty AND NOT source:ria"),
        ("treaty lang:be", "treaty AND lang:be"),
        ("treaty LANG:BE", "treaty AND lang:be"),
        ("Source:BelTA treaty", "source:belta AND treaty"),
        ('treaty source:"The Moscow Times"', "treaty AND source:themoscowtimes"),
        ("treaty source:«Наша Ніва»", "treaty AND source:нашаніва"),
        ("treaty source:ria.ru", "treaty AND source:riaru"),
        ("treaty source:РИА-Новости", "treaty AND source:риановости"),
        ("(treaty source:belta) OR (pact source:tass)",
         "(treaty AND source:belta) OR (pact AND source:tass)"),
        ("treaty -(source:ria OR source:tass)", "treaty AND NOT (source:ria OR source:tass)"),
        ('"source:belta" treaty', "source belta AND treaty"),  # quoted: just words
    ],
    ids=["source", "minus-source", "not-source", "lang", "upper-case", "mixed-case-name",
         "quoted-name", "guillemets-name", "domain", "punctuation-ignored", "or-of-ands",
         "not-group", "inside-quotes-is-text"],
)
def test_parses_filters(text: str, expected: str) -> None:
    assert show(parse_query(text).root) == expected


def show(node: object) -> str:
    """A readable rendering of a parsed tree."""
    if isinstance(node, And):
        return " AND ".join(_wrap(c) for c in node.children)
    if isinstance(node, Or):
        return " OR ".join(_wrap(c) for c in node.children)
    if isinstance(node, Not):
        return f"NOT {_wrap(node.child)}"
    if isinstance(node, Filter):
        return str(node)
    return " ".join(t.word for t in node.terms) if hasattr(node, "terms") else node.word  # type: ignore[attr-defined]


def _wrap(node: object) -> str:
    return f"({show(node)})" if isinstance(node, (And, Or)) else show(node)


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("source:belta", "only narrow a query down", 1),
        ("-source:ria", "only narrow a query down", 2),
        ("lang:be source:belta", "only narrow a query down", 1),
        ("treaty OR source:belta", "only narrow a query down", 11),
        ("NOT treaty source:belta", "only narrow a query down", 12),
        ("treaty lang:xx", "lang: takes a language code, one of be, de, en, ru, uk, not 'xx'", 13),
        ("treaty source:", "source: needs a value", 8),
        ("treaty lang: be", "lang: needs a value", 8),
        ("treaty source:---", "source: needs a name with letters or digits", 15),
        ('treaty source:"unclosed', "unclosed quote", 15),
        ("treaty source:" + "x" * 101, "longer than 100 characters", 15),
        ("treaty NEAR/3 source:belta", "NEAR joins words", 8),
        ("a b c source:x", "too many terms (the limit is 3)", 7),
    ],
    ids=["filter-alone", "negated-alone", "two-filters", "or-filter", "not-word-and-filter",
         "unknown-lang", "empty-source", "empty-lang", "no-letters", "unclosed-quote",
         "too-long", "near", "counts-as-a-term"],
)
def test_filter_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(text, max_terms=3 if text.startswith("a b c") else 20)
    assert message in err.value.message
    assert f"(at character {position})" in str(err.value)


def test_a_watch_of_function_words_and_a_filter_is_still_refused() -> None:
    with pytest.raises(QueryError, match="very common"):
        parse_watch("the source:belta", max_length=300, max_terms=20)


@pytest.mark.parametrize(
    ("name", "key"),
    [("BelTA", "belta"), ("The Moscow Times", "themoscowtimes"), ("РИА Новости", "риановости"),
     ("Радыё Свабода", "радыесвабода"), ("president.gov.by", "presidentgovby"),
     ("ＴＡＳＳ", "tass"), ("", "")],
    ids=["case", "spaces", "cyrillic", "yo-folded", "dots", "fullwidth", "empty"],
)
def test_source_key(name: str, key: str) -> None:
    assert source_key(name) == key


@pytest.mark.parametrize(
    ("prov", "keys"),
    [
        (Provenance("BelTA", "БелТА", "https://www.belta.by/politics/1.html", "ru"),
         {"belta", "белта", "beltaby"}),
        (Provenance("РИА Новости", "РИА Новости", "https://ria.ru/2024/x.html"),
         {"риановости", "riaru", "ria"}),
        (Provenance("Reuters", "Google News", "https://news.google.com/rss/articles/abc"),
         {"reuters", "googlenews"}),
        (Provenance("Reuters", "Bing News", None), {"reuters", "bingnews"}),
        (Provenance("eng.belta.by", "", "https://eng.belta.by/x"), {"engbeltaby", "beltaby", "belta"}),
    ],
    ids=["publisher-feed-domain", "domain-without-suffix", "aggregator-domain-ignored",
         "no-link", "subdomain"],
)
def test_what_an_entry_answers_to(prov: Provenance, keys: set[str]) -> None:
    assert prov.source_keys() == keys


BELTA = Provenance("BelTA", "БелТА", "https://www.belta.by/1", "ru")
BELTA_EN = Provenance("BelTA", "BelTA", "https://eng.belta.by/1", "en")
RIA = Provenance("РИА Новости", "РИА Новости", "https://ria.ru/1", "ru")
NN = Provenance("Наша Ніва", "Наша Ніва", "https://nashaniva.com/1", "be")
AGG = Provenance("Reuters", "Google News", "https://news.google.com/rss/articles/x", "en")


@pytest.mark.parametrize(
    ("query", "prov", "hit"),
    [
        ("treaty source:belta", BELTA, True),
        ("treaty source:belta", BELTA_EN, True),  # one publisher, two editions
        ("treaty source:БелТА", BELTA, True),  # the feed's display name
        ("treaty source:БелТА", BELTA_EN, False),
        ("treaty source:belta.by", BELTA, True),
        ("treaty source:belta", RIA, False),
        ("treaty source:ria", RIA, True),
        ("treaty -source:ria", RIA, False),
        ("treaty NOT source:ria", BELTA, True),
        ("treaty source:reuters", AGG, True),
        ("treaty source:google", AGG, False),  # a search engine is no source
        ("treaty source:\"google news\"", AGG, True),  # ...but its feed's name is
        ("treaty lang:be", NN, True),
        ("treaty lang:be", BELTA, False),
        ("treaty -lang:ru", BELTA_EN, True),
        ("treaty -lang:ru", BELTA, False),
        ("treaty (source:belta OR source:ria)", RIA, True),
        ("(treaty source:belta) OR (pact source:ria)", RIA, False),  # treaty from RIA
        ("treaty source:belt", BELTA, False),  # whole names only
        ("treaty source:belta", None, False),  # unknown provenance: no source
        ("treaty -source:belta", None, True),
        ("treaty lang:en", None, False),
    ],
    ids=["publisher", "publisher-other-edition", "feed-name", "feed-name-other-edition",
         "domain", "other-outlet", "domain-label", "minus-excludes", "not-keeps-others",
         "aggregated-item-publisher", "aggregator-domain", "aggregator-feed-name", "lang",
         "lang-other", "minus-lang-keeps", "minus-lang-excludes", "or-of-filters",
         "filter-per-branch", "no-partial-names", "unknown-provenance",
         "unknown-provenance-negated", "unknown-language"],
)
def test_filters_match(query: str, prov: Provenance | None, hit: bool) -> None:
    matcher = Matcher(watches=[("w", parse_query(query))])
    result = matcher.match("Treaty signed in Minsk", "", meta=prov)
    assert bool(result.watches) is hit
    if hit:
        assert result.watches[0].terms == ("treaty",)  # a filter highlights no word


@pytest.mark.parametrize(
    ("query", "anchor"),
    [("treaty source:belta", {(False, "treati")}),
     ("source:belta -source:ria lang:be treaty", {(False, "treati")}),
     ("(treaty OR pact) lang:ru", {(False, "treati"), (False, "pact")})],
    ids=["word", "word-after-filters", "or-group"],
)
def test_filters_are_never_anchors(query: str, anchor: set[tuple[bool, str]]) -> None:
    assert anchors(parse_query(query).root) == anchor


def test_an_entry_without_the_anchor_never_evaluates_a_filtered_query() -> None:
    matcher = Matcher(watches=[("w", parse_query("treaty -source:ria"))])
    from bot.matching.doc import Doc

    assert matcher.candidates(Doc("weather in Minsk", RIA)) == []
    assert matcher.candidates(Doc("treaty in Minsk", RIA)) == [0]


def test_match_entry_reads_publisher_feed_link_and_lang() -> None:
    entry = Entry(feed="РИА Новости", feed_url="https://ria.ru/export/rss2/index.xml",
                  title="Treaty on security guarantees ratified", link="https://ria.ru/1",
                  summary="", lang="ru")
    matcher = Matcher(watches=[(1, parse_query("treaty source:ria lang:ru")),
                               (2, parse_query("treaty -source:ria")),
                               (3, parse_query("treaty source:риановости"))])
    assert [hit.key for hit in matcher.match_entry(entry).watches] == [1, 3]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_filter_values_never_crash_the_parser(value: str) -> None:
    for field in ("source", "lang"):
        try:
            parse_query(f"treaty {field}:{value}")
        except QueryError as err:
            assert 0 <= err.position <= len(f"treaty {field}:{value}")


def test_topic_queries_in_the_config_take_filters(tmp_path: object) -> None:
    from bot.config import Config

    config = Config.model_validate({
        "feeds": [{"url": "https://www.belta.by/rss", "name": "БелТА", "publisher": "BelTA"}],
        "topics": [{"id": "t", "title": "T", "query": "treaty -source:ria"}],
    })
    matcher = build_matcher(config)
    assert matcher.match("treaty", meta=BELTA).topics == ("t",)
    assert matcher.match("treaty", meta=RIA).topics == ()
