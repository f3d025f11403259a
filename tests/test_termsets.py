"""Term sets: compiling `termsets:` members, `@name` in queries (expansion, limits, errors
with positions), chained NEAR, the matcher's concept explanations, and load-time checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.matching.matcher import Matcher, TopicRule, anchors
from bot.matching.query import And, Near, Not, Or, Phrase, QueryError, Term, parse_query
from bot.matching.termsets import (
    MAX_EXPANDED,
    compile_termsets,
    concept_label,
    termset_problems,
)
from bot.matching.topics import build_matcher, topic_problems

RAW = {
    "agreement": ["treaty", "agreement", "pact*", "договор", "дамов*", "Vertrag"],
    "parties": ["Russia", "Belarus*", "Minsk", "Lukashenk*", "Лукашенко"],
    "security-guarantees": ["security guarantee", '"гарантии безопасности"'],
    "everything": ["@agreement", "@parties", "deal"],
}
SETS = compile_termsets(RAW)


def parse(text: str, **kwargs: int) -> Or | And | Near | Not | Term | Phrase:
    return parse_query(text, termsets=SETS, **kwargs).root


def words_of(node: Or) -> list[str]:
    return [str(child) for child in node.children]


def test_members_compile_to_one_labelled_or() -> None:
    agreement = SETS["agreement"]
    assert agreement.concept == "agreement"
    assert words_of(agreement) == ["treaty", "agreement", "pact*", "договор", "дамов*", "vertrag"]
    assert isinstance(SETS["security-guarantees"].children[0], Phrase)
    assert isinstance(SETS["security-guarantees"].children[1], Phrase)


def test_a_set_includes_earlier_sets_flat_and_without_repeats() -> None:
    everything = compile_termsets({**RAW, "everything": ["@agreement", "treaty", "@parties", "deal"]})[
        "everything"
    ]
    assert all(isinstance(c, (Term, Phrase)) for c in everything.children)
    assert words_of(everything) == words_of(SETS["agreement"]) + words_of(SETS["parties"]) + ["deal"]


@pytest.mark.parametrize(
    ("name", "label"),
    [("agreement", "agreement"), ("security-guarantees", "security guarantees"), ("union_state", "union state")],
    ids=["plain", "dash", "underscore"],
)
def test_concept_label(name: str, label: str) -> None:
    assert concept_label(name) == label


@pytest.mark.parametrize(
    ("raw", "where", "message"),
    [
        ({"a": ["treaty OR pact"]}, ("a", 0), "without operators"),
        ({"a": ["treaty -ukraine"]}, ("a", 0), "without operators"),
        ({"a": ["(treaty)"]}, ("a", 0), "without operators"),
        ({"a": ["x NEAR/2 y"]}, ("a", 0), "without operators"),
        ({"a": ["ok", "@a"]}, ("a", 1), "cannot include itself"),
        ({"a": ["@b"], "b": ["x1"]}, ("a", 0), "defined further down"),
        ({"a": ["@nowhere"]}, ("a", 0), "unknown term set @nowhere"),
        ({"a": ["tr*"]}, ("a", 0), "at least 3 letters"),
        ({"a": ["!!!"]}, ("a", 0), "empty"),
        ({"a": ['"unclosed']}, ("a", 0), "unclosed quote"),
        ({"a": [f"w{i}" for i in range(400)], "b": [f"v{i}" for i in range(400)],
          "c": ["@a", "@b"]}, ("c",), f"the limit is {MAX_EXPANDED}"),
    ],
    ids=["or", "minus", "group", "near", "self", "later-set", "unknown-set", "short-prefix",
         "punctuation", "unclosed-quote", "expansion-limit"],
)
def test_bad_members_are_reported_by_name_and_index(
    raw: dict[str, list[str]], where: tuple[str | int, ...], message: str
) -> None:
    problems = termset_problems(raw)
    assert [p[0] for p in problems] == [where]
    assert message in problems[0][1]
    with pytest.raises(QueryError, match=message):
        compile_termsets(raw)


def test_a_set_with_a_bad_member_keeps_its_good_ones_for_checking() -> None:
    assert termset_problems({"a": ["treaty", "x OR y"], "b": ["@a", "pact"]}) == [
        (("a", 1), "a term set member is one word, prefix*, phrase or @set, without operators (at character 1)")
    ]


# ---------------------------------------------------------------- @name in queries


def test_a_reference_expands_to_the_compiled_set() -> None:
    root = parse("@agreement belarus")
    assert isinstance(root, And)
    assert root.children[0] is SETS["agreement"]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("@Agreement", lambda r: r is SETS["agreement"]),
        ("@agreement, Minsk", lambda r: isinstance(r, And) and r.children[0] is SETS["agreement"]),
        ("-@parties treaty", lambda r: isinstance(r, And) and isinstance(r.children[0], Not)),
        ("treaty NOT @parties", lambda r: isinstance(r, And) and r.children[1] == Not(SETS["parties"])),
        ("@parties NEAR/4 @agreement", lambda r: isinstance(r, Near) and r.left is SETS["parties"]),
        ("@parties NEAR/4 (@agreement OR deal)", lambda r: isinstance(r, Near) and isinstance(r.right, Or)),
        ("(@agreement OR pact) minsk", lambda r: isinstance(r, And)),
        ('"@agreement minsk"', lambda r: isinstance(r, Phrase) and str(r) == '"agreement minsk"'),
    ],
    ids=["name-case-folded", "trailing-comma", "minus-set", "not-set", "set-near-set",
         "near-or-group-with-set", "set-in-group", "inside-quotes-is-text"],
)
def test_reference_forms(text: str, check: object) -> None:
    assert callable(check) and check(parse(text))


def test_a_set_counts_as_one_term_whatever_its_size() -> None:
    big = compile_termsets({"big": [f"word{i}" for i in range(50)]})
    query = parse_query("@big minsk", max_terms=2, termsets=big)
    assert isinstance(query.root, And) and len(query.root.children[0].children) == 50  # type: ignore[union-attr]
    with pytest.raises(QueryError, match=r"too many terms \(the limit is 2\)"):
        parse_query("@big minsk moscow", max_terms=2, termsets=big)


@pytest.mark.parametrize(
    ("text", "termsets", "message", "position"),
    [
        ("treaty @nope", RAW, "unknown term set @nope; known: @agreement, @parties", 7),
        ("@nope", {}, "no term sets are configured", 0),
        ("minsk @", RAW, "'@' needs a term set name", 6),
        ("@tre!aty", RAW, "'@' needs a term set name", 0),
        ("-@nope minsk", RAW, "unknown term set @nope", 1),
        ("NOT @parties", RAW, "at least one word that must appear", 0),
    ],
    ids=["unknown", "none-configured", "bare-at", "bad-name", "negated-unknown", "only-negative"],
)
def test_reference_errors_say_what_and_where(
    text: str, termsets: dict[str, list[str]], message: str, position: int
) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(text, termsets=compile_termsets(termsets))
    assert message in err.value.message
    assert err.value.position == position


def test_without_termsets_an_at_word_is_an_error_not_silently_a_word() -> None:
    with pytest.raises(QueryError, match="unknown term set @belta"):
        parse_query("@belta")


# ---------------------------------------------------------------- chained NEAR and matching


def test_chained_near_is_pairwise() -> None:
    root = parse("@parties NEAR/3 @agreement NEAR/2 @security-guarantees")
    assert isinstance(root, And)
    first, second = root.children
    assert isinstance(first, Near) and isinstance(second, Near)
    assert (first.left, first.right, first.distance) == (SETS["parties"], SETS["agreement"], 3)
    assert (second.left, second.right, second.distance) == (SETS["agreement"], SETS["security-guarantees"], 2)


CONCEPT = "@parties NEAR/6 @agreement NEAR/4 @security-guarantees"


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("Russia and Belarus sign security guarantees treaty", True),
        ("Treaty on security guarantees signed by Lukashenko", True),
        ("Договор о гарантиях безопасности подписали Путин и Лукашенко", True),
        ("Belarus pact: security guarantees", True),
        ("Security guarantees for Ukraine treaty discussed in Paris", False),
        ("Russia and Belarus sign treaty on visas and trade while security guarantees for Ukraine are debated", False),
        ("Belarus treaty", False),
    ],
    ids=["en-word-order-1", "en-word-order-2", "ru-inflected", "prefix-member",
         "no-party", "guarantees-too-far", "no-subject"],
)
def test_concept_query_matches_any_member_in_any_inflection(text: str, hit: bool) -> None:
    m = Matcher([TopicRule("t", parse_query(CONCEPT, termsets=SETS))])
    assert bool(m.match(text).topics) is hit


def test_anchors_of_a_set_are_the_union_of_its_members() -> None:
    assert anchors(SETS["parties"]) == {
        (False, "russia"), (True, "belarus"), (False, "minsk"), (True, "lukashenk"), (False, "лукашенк")
    }
    # An AND still files the query under its smallest anchor set, not under every member.
    assert anchors(parse("@agreement minsk")) == {(False, "minsk")}
    # So does a NEAR: both sides are required.
    assert anchors(parse("@parties NEAR/5 ratif*")) == {(True, "ratif")}
    assert anchors(parse("ratif* NEAR/5 @parties")) == {(True, "ratif")}


@pytest.mark.parametrize(
    ("rules", "text", "expected"),
    [
        ([CONCEPT], "Belarus signs security guarantees treaty",
         {"t": ("parties", "agreement", "security guarantees")}),
        (["@agreement NEAR/3 @parties"], "Belarus signs treaty", {"t": ("agreement", "parties")}),
        (["belarus OR (@agreement NEAR/1 moscow)"], "Belarus treaty is far from Moscow", {}),
        (["@agreement -@parties"], "Pact with Ukraine", {"t": ("agreement",)}),
        (['"security guarantee" belarus'], "Belarus security guarantees", {}),
        (["minsk", "@parties NEAR/2 @agreement"], "Minsk treaty with Russia", {"t": ("parties", "agreement")}),
    ],
    ids=["three-concepts-in-query-order", "query-order-not-text-order", "unused-set-not-named",
         "negated-set-not-named", "explicit-words-no-concept", "merged-over-rules"],
)
def test_topic_concepts_explain_the_match(
    rules: list[str], text: str, expected: dict[str, tuple[str, ...]]
) -> None:
    m = Matcher([TopicRule("t", parse_query(q, termsets=SETS)) for q in rules])
    result = m.match(text)
    assert result.topics == ("t",)
    assert result.topic_concepts == expected


# ---------------------------------------------------------------- config


CONFIG = """\
feeds:
  - url: https://example.org/rss
termsets:
  agreement: [treaty, pact]
  parties: [belarus*, "@agreement", minsk]
topics:
  - id: alpha
    title: Alpha
    query: '@agreement NEAR/3 @parties'
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_config_term_sets_serve_topics_and_watches(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, CONFIG), checks=[topic_problems])
    matcher = build_matcher(config, [("w1", "@agreement oil"), ("gone", "@removed minsk")])
    result = matcher.match("Belarus pact on oil")
    assert result.topics == ("alpha",)
    assert [w.key for w in result.watches] == ["w1"]  # the watch on a missing set is skipped
    assert result.topic_concepts == {"alpha": ("agreement", "parties")}


@pytest.mark.parametrize(
    ("old", "new", "line", "key_path", "problem"),
    [
        ("parties: [belarus*,", "parties: [belarus OR x,", 5, "termsets.parties[0]", "without operators"),
        ("'@agreement NEAR/3 @parties'", "'@agreement NEAR/3 @party'", 9, "topics[0].query",
         "unknown term set @party"),
        ("  agreement: [treaty, pact]", "  Agreement: [treaty, pact]", 4, "termsets.Agreement",
         "is not a term set name"),
        ("  agreement: [treaty, pact]", "  agreement: []", 4, "termsets.agreement", "at least 1 item"),
    ],
    ids=["bad-member", "unknown-set-in-topic", "bad-name", "empty-set"],
)
def test_term_set_problems_name_file_line_and_key(
    tmp_path: Path, old: str, new: str, line: int, key_path: str, problem: str
) -> None:
    assert old in CONFIG
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, CONFIG.replace(old, new)), checks=[topic_problems])
    err = info.value
    assert (err.line, err.key_path) == (line, key_path)
    assert problem in err.problem
