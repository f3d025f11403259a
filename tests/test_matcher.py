"""The matcher: every point of the query language against entry text, and the index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.doc import Doc
from bot.matching.doc import spans as _spans
from bot.matching.evaluate import evaluate
from bot.matching.matcher import Matcher, TopicRule, anchors
from bot.matching.query import Near, parse_query


def watch_hits(query: str, text: str) -> bool:
    m = Matcher(watches=[("w", parse_query(query))])
    return bool(m.match(text).watches)


@pytest.mark.parametrize(
    ("query", "text", "hit"),
    [
        ("Iran", "Talks with IRAN resume", True),
        ("Iran", "Iranian delegation arrives", False),
        ("Iran*", "Iranian delegation arrives", True),
        ("iran", "Pre-Iran talks", True),
        ("ёлка", "Новогодняя елка в Минске", True),
        ("елка", "Новогодняя ЁЛКА в Минске", True),
        ('"union state"', "the Union-State summit", True),
        ('"union state"', "a state union", False),
        ("ﬁnal", "the final text", True),  # NFKC folds the ﬁ ligature
        ("Straße", "STRASSE closed", True),  # casefold
        ('"Belarus\'s treaty"', "Belarus’s treaty signed", True),
        ("minsk—moscow", "Minsk–Moscow pipeline", True),
        ('"security guarantee"', "new security guarantees for Minsk", True),
        ("security guarantee", "guarantees of security", True),
        ('"security guarantee"', "guarantees of security", False),
        ('"гарантии безопасности"', "договор о гарантиях безопасности", True),
        ('"гарантии безопасности"', "гарантирует безопасность ядерного оружия", False),
        ("договор", "договора, договором и договоре", True),
        ("дамова", "паводле дамовы аб гарантыях", True),
        ('"гарантії безпеки"', "угода про гарантії безпеки", True),
        ("treaty -Ukraine", "Treaty on Belarus", True),
        ("treaty -Ukraine", "Treaty on Ukraine", False),
        ("treaty NOT (Ukraine OR Kyiv)", "Treaty signed in Kyiv", False),
        ("(treaty OR pact) Belarus", "Belarus pact", True),
        ("(treaty OR pact) Belarus", "Belarus deal", False),
        ("concept NEAR/2 union", "concept of the union", True),
        ("concept NEAR/1 union", "concept of the union", False),
        ("union NEAR/2 concept", "concept of the union", True),
        ('"security concept" NEAR/4 "union state"', "Security Concept of the Union State", True),
        ("(putin OR путин) NEAR/3 (minsk OR минск)", "Путин прибыл в Минск", True),
        ("Lukashenko", "<b>Lukashenko</b> &amp; Putin", True),
        ("amp", "<b>Lukashenko</b> &amp; Putin", False),
        ("2024", "summit of 2024", True),
        ("25th", "the 25th anniversary", True),
        ('"гарантыі бяспекі"', "Дамова пра гарантыі бясьпекі ўступіла ў сілу", True),
        ('"гарантыі бясьпекі"', "дамова аб гарантыях бяспекі", True),
        ("бясьп*", "сістэма бяспекі", True),
        ("Мінск", "Сустрэча ў Менску", True),
        ("расія", "Візыт у Расею", True),
    ],
    ids=[
        "case-insensitive", "word-boundary", "prefix-wildcard", "hyphen-is-boundary",
        "yo-in-query", "yo-in-text", "phrase-across-hyphen", "phrase-order", "nfkc-ligature",
        "casefold-eszett", "curly-apostrophe", "dash-variants", "en-plural-in-phrase",
        "en-and-any-order", "en-phrase-order", "ru-inflection-phrase", "ru-near-miss-verb",
        "ru-cases", "be-inflection", "uk-inflection", "not-absent", "not-present",
        "not-group", "or-group-hit", "or-group-miss", "near-within", "near-too-far",
        "near-either-order", "near-phrases", "near-or-groups", "html-stripped",
        "html-entities-not-words", "digits", "ordinal", "be-classical-text",
        "be-classical-query", "be-classical-prefix", "be-classical-minsk", "be-classical-russia",
    ],
)
def test_query_semantics(query: str, text: str, hit: bool) -> None:
    assert watch_hits(query, text) is hit


def test_result_lists_topics_watches_and_terms() -> None:
    topics = [
        TopicRule("treaty", parse_query('"security guarantee" belarus')),
        TopicRule("concept", parse_query('"security concept"')),
    ]
    m = Matcher(topics, watches=[((7, 1), parse_query("minsk")), ((8, 2), parse_query("oil"))])
    result = m.match("Belarus security guarantees signed", "Ceremony in <i>Minsk</i>")
    assert result.topics == ("treaty",)
    assert [w.key for w in result.watches] == [(7, 1)]
    assert result.watches[0].query == "minsk"
    assert set(result.terms) == {"belarus", "security", "guarantees", "minsk"}
    assert result.topic_terms == {"treaty": ("belarus", "security", "guarantees")}


def test_topic_with_several_queries_is_reported_once_in_config_order() -> None:
    rules = [
        TopicRule("b", parse_query("alpha")),
        TopicRule("a", parse_query("beta")),
        TopicRule("b", parse_query("gamma")),
    ]
    assert Matcher(rules).match("gamma beta alpha").topics == ("b", "a")


def test_status_is_asked_only_for_topic_matches() -> None:
    calls: list[str] = []

    def status(title: str, summary: str) -> None:
        calls.append(title)

    m = Matcher([TopicRule("t", parse_query("treaty"))], [("w", parse_query("oil"))], status)
    m.match("oil prices")
    m.match("treaty signed")
    assert calls == ["treaty signed"]


WINDOW = (datetime(2024, 12, 1, tzinfo=UTC), datetime(2024, 12, 9, tzinfo=UTC))


@pytest.mark.parametrize(
    ("at", "hit"),
    [
        (datetime(2024, 12, 6, 12, tzinfo=UTC), True),
        (datetime(2024, 12, 1, tzinfo=UTC), True),
        (datetime(2024, 12, 9, tzinfo=UTC), False),
        (datetime(2016, 1, 19, tzinfo=UTC), False),
        (None, False),
    ],
    ids=["inside", "window-start", "window-end-exclusive", "years-before", "undated"],
)
def test_windowed_rules_use_publication_time(at: datetime | None, hit: bool) -> None:
    m = Matcher([TopicRule("summit", parse_query('"state council"'), WINDOW)])
    assert bool(m.match("State Council meets", at=at).topics) is hit


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("treaty", {(False, "treati")}),
        ("iran*", {(True, "iran")}),
        ('"security guarantee"', {(False, "guarante")}),
        ("treaty OR pact", {(False, "treati"), (False, "pact")}),
        ("treaty -ukraine", {(False, "treati")}),
        ("(a1 OR b2) treaty", {(False, "treati")}),
        ("the treaty", {(False, "treati")}),
        ("(pact OR accord OR deal) NEAR/5 (the OR of)", {(False, "pact"), (False, "accord"),
                                                      (False, "deal")}),
    ],
    ids=["word", "prefix", "phrase-longest-word", "or-union", "and-skips-not", "and-picks-smallest",
         "and-avoids-function-word", "near-avoids-function-words"],
)
def test_anchors(query: str, expected: set[tuple[bool, str]]) -> None:
    assert anchors(parse_query(query).root) == expected


def test_candidates_grow_with_matching_queries_not_total_watches() -> None:
    watches = [((i,), parse_query(f"word{i} OR term{i}x*")) for i in range(5000)]
    watches.append((("target",), parse_query("summit minsk")))
    m = Matcher(watches=watches)
    doc = Doc("Summit in Minsk with word17 and term42x")
    assert len(m.candidates(doc)) == 3  # summit/minsk, word17, term42*
    hits = {w.key for w in m.match("Summit in Minsk with word17 and term42x").watches}
    assert hits == {("target",), (17,), (42,)}


# ---------------------------------------------------------------- NEAR by merging, checked


def _near_by_all_pairs(query: str, text: str) -> tuple[bool, set[int]]:
    """The definition of NEAR, pair by pair (quadratic): what the merge must reproduce."""
    node = parse_query(query).root
    assert isinstance(node, Near)
    doc, hits, found = Doc(text), set(), False
    for a1, b1 in _spans(node.left, doc):
        for a2, b2 in _spans(node.right, doc):
            gap = a2 - b1 - 1 if a2 > b1 else a1 - b2 - 1
            if 0 <= gap <= node.distance:
                hits |= set(range(a1, b1 + 1)) | set(range(a2, b2 + 1))
                found = True
    return found, hits


WORDS = ["minsk", "moscow", "treaty", "tre", "sign", "signed", "pact", "the", "union", "state"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60),
       st.sampled_from(["treaty", "tre*", '"union state"', "(sign* OR pact)", "the"]),
       st.sampled_from(["minsk", "sig*", '"the union"', "(treaty OR state)", "the"]),
       st.integers(1, 20))
def test_near_by_merging_matches_the_pairwise_definition(words: list[str], left: str,
                                                         right: str, distance: int) -> None:
    query, text = f"{left} NEAR/{distance} {right}", " ".join(words)
    hits: set[int] = set()
    found, every_hit = _near_by_all_pairs(query, text)
    assert evaluate(parse_query(query).root, Doc(text), hits) is found
    # The explanation is a witness: places of both sides that really are near each other.
    assert hits <= every_hit
    assert bool(hits) is found


# ---------------------------------------------------------------- incremental changes

QUERIES = ["treaty", "tre*", '"union state"', "minsk NEAR/3 treaty", "sign* -pact", "the state",
           "(pact OR treaty) minsk", "moscow"]
TEXTS = [" ".join(words) for words in (WORDS[:4], WORDS[3:8], WORDS[5:], WORDS[::2], WORDS[1::3])]


def _result(m: Matcher, text: str) -> tuple[object, ...]:
    r = m.match(text)
    return r.topics, sorted((str(h.key), h.terms) for h in r.watches), r.terms


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(0, len(QUERIES) - 1)), st.sets(st.integers(0, len(QUERIES) - 1)),
       st.sets(st.integers(0, len(QUERIES) - 1)))
def test_a_changed_matcher_matches_like_one_built_afresh(start: set[int], add: set[int],
                                                         drop: set[int]) -> None:
    topic = [TopicRule("t", parse_query("treaty"))]
    before = Matcher(topic, [(n, parse_query(QUERIES[n])) for n in sorted(start)])
    snapshot = [_result(before, text) for text in TEXTS]
    after = before.changed([(n, parse_query(QUERIES[n])) for n in sorted(add)], drop - add)
    final = (start - drop) | add
    fresh = Matcher(topic, [(n, parse_query(QUERIES[n])) for n in sorted(final)])
    assert after.watch_keys == frozenset(final) and len(after) == len(final) + 1
    assert [_result(after, t) for t in TEXTS] == [_result(fresh, t) for t in TEXTS]
    assert [_result(before, t) for t in TEXTS] == snapshot, "the old matcher is untouched"
