"""The query parser: accepted syntax, limits, and errors that say what and where."""

from __future__ import annotations

import pytest

from bot.matching.query import (
    And,
    Near,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    parse_query,
    parse_watch,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran", "Term"),
        ("Iran*", "Term"),
        ('"security guarantees"', "Phrase"),
        ("treaty Belarus", "And"),
        ("treaty AND Belarus", "And"),
        ("treaty OR pact", "Or"),
        ("treaty -Ukraine", "And"),
        ("treaty NOT Ukraine", "And"),
        ("(treaty OR pact) Belarus", "And"),
        ("concept NEAR/3 union", "Near"),
        ("(putin OR путин) NEAR/5 (minsk OR минск)", "Near"),
        ("Russia-Belarus", "Phrase"),
        ("Russia — Belarus", "And"),
        ("«гарантии безопасности»", "Phrase"),
        ("“security guarantees”", "Phrase"),
    ],
    ids=[
        "word", "prefix", "phrase", "implicit-and", "explicit-and", "or", "minus-not",
        "not-keyword", "group", "near", "near-or-groups", "hyphenated-word-is-phrase", "free-standing-dash-ignored",
        "guillemets-are-phrase-quotes", "curly-quotes",
    ],
)
def test_parses(text: str, expected: str) -> None:
    assert type(parse_query(text).root).__name__ == expected


def test_tree_shape() -> None:
    root = parse_query('(treaty OR "security pact") belarus* -ukraine').root
    assert isinstance(root, And)
    group, prefix, negated = root.children
    assert isinstance(group, Or) and isinstance(group.children[1], Phrase)
    assert isinstance(prefix, Term) and prefix.prefix and prefix.key == "belarus"
    assert isinstance(negated, Not) and isinstance(negated.child, Term)


def test_near_distance_and_default() -> None:
    near = parse_query("a1 NEAR/7 b2").root
    assert isinstance(near, Near) and near.distance == 7
    default = parse_query("a1 NEAR/ b2").root
    assert isinstance(default, Near) and default.distance == 5


@pytest.mark.parametrize(
    ("text", "negated"),
    [("treaty -(ukraine OR kyiv)", True), ("treaty NOT (ukraine OR kyiv)", True),
     ("treaty - (ukraine OR kyiv)", False), ("Russia — (Belarus OR Minsk)", False)],
    ids=["minus-group", "not-group", "spaced-dash-is-punctuation", "em-dash-is-punctuation"],
)
def test_minus_before_a_group_excludes_it(text: str, negated: bool) -> None:
    root = parse_query(text).root
    assert isinstance(root, And)
    assert isinstance(root.children[1], Not) is negated


def test_lowercase_keywords_are_words() -> None:
    root = parse_query("war or peace").root
    assert isinstance(root, And) and len(root.children) == 3


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", "empty", 0),
        ("   ", "empty", 0),
        ("(treaty OR pact", "never closed", 0),
        ("treaty)", "')' without '('", 6),
        ('"security guarantees', "unclosed quote", 0),
        ("treaty OR", "OR needs a term after it", 7),
        ("OR treaty", "OR needs a term before it", 0),
        ("treaty AND", "AND needs a term after it", 7),
        ("NOT", "NOT needs a term after it", 0),
        ("NOT ukraine", "at least one word that must appear", 0),
        ("-ukraine -war", "at least one word that must appear", 0),
        ("treaty OR -ukraine", "at least one word that must appear", 0),
        ("ir*", "at least 3 letters", 0),
        ("ir*an", "only allowed at the end", 2),
        ("()", "empty parentheses", 0),
        ("a1 NEAR/0 b2", "NEAR distance", 3),
        ("a1 NEAR/99 b2", "NEAR distance", 3),
        ("(a1 b2) NEAR/3 c3", "NEAR joins", 8),
        ("!!! —", "empty", 0),
        ("((((((((((deep))))))))))", "nest deeper", 8),
    ],
    ids=[
        "empty", "blank", "unclosed-paren", "stray-close-paren", "unclosed-quote",
        "dangling-or", "leading-or", "dangling-and", "bare-not", "only-negative",
        "only-minus", "or-with-negative-branch", "short-wildcard", "inner-wildcard",
        "empty-group", "near-zero", "near-too-far", "near-with-and-group", "punctuation-only",
        "too-deep",
    ],
)
def test_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(text)
    assert message in err.value.message
    assert err.value.position == position
    assert f"at character {position + 1}" in str(err.value)


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("x" * 301, {}, "longer than 300"),
        ("a" * 10, {"max_length": 5}, "longer than 5"),
        (" ".join(f"w{i}" for i in range(21)), {}, "too many terms (the limit is 20)"),
        ("one two three", {"max_terms": 2}, "too many terms (the limit is 2)"),
        ('"a1 b2 c3 d4 e5 f6"', {"max_terms": 5}, "too many terms"),
    ],
    ids=["length-default", "length-custom", "terms-default", "terms-custom", "phrase-words-count"],
)
def test_limits(text: str, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_query(text, **kwargs)


def test_hostile_input_is_rejected_quickly() -> None:
    # Deep nesting or operator soup never recurses without bound or raises anything else.
    for text in ["(" * 5000, ")" * 5000, "NOT " * 2000 + "x", "a OR " * 60 + "b", '"' * 999]:
        with pytest.raises(QueryError):
            parse_query(text, max_length=100_000, max_terms=50)


@pytest.mark.parametrize(
    ("text", "refused"),
    [("the", True), ("the NEAR/20 of", True), ('"in the" OR и', True), ("a b c", True),
     ("the -treaty", True), ("(the OR treaty) minsk", False), ("the treaty", False),
     ("(the OR treaty)", True), ("con*", False), ('"the union"', False), ("и NEAR/3 в", True),
     ("die Unionsstaat", False)],
    ids=["one-article", "near-of-function-words", "phrase-or-conjunction", "short-letters",
         "only-an-exclusion-names", "and-with-a-name", "article-and-name", "or-with-article",
         "prefix", "phrase-with-a-name", "russian-conjunctions", "german-with-a-name"],
)
def test_a_watch_of_only_function_words_is_refused(text: str, refused: bool) -> None:
    """It would match almost every entry: a firehose, not a watch (topics may still use
    such words inside their own queries)."""
    if refused:
        with pytest.raises(QueryError, match="very common"):
            parse_watch(text, max_length=300, max_terms=20)
    else:
        assert parse_watch(text, max_length=300, max_terms=20).text == text
