"""Cue needles: skipping a cue whose words are absent never changes what is found, and the
needles read from the cue table are the ones its regexes imply."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching import status
from bot.matching.cue_needles import needles, required_literals
from bot.matching.textnorm import normalize, unify_spelling

EVAL = Path(__file__).parent / "fixtures" / "eval"


def all_cues(text: str) -> list[tuple[int, int, str | None]]:
    return sorted((m.start(), m.end(), st) for st, pattern, _ in status._CUES
                  for m in pattern.finditer(text))


def fixture_texts() -> list[str]:
    texts = []
    for path in sorted(EVAL.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            texts += [item.get("title") or "", item.get("summary") or ""]
    return [unify_spelling(normalize(t[:status.MAX_CHARS])) for t in texts if t]


def test_needles_change_nothing_on_every_labelled_text() -> None:
    texts = fixture_texts()
    assert len(texts) > 600
    for text in texts:
        found = sorted((c.start, c.end, c.status) for c in status.find_cues(text))
        assert found == all_cues(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", " ", ", ", "-", "_", "2", "«", "."]), st.sampled_from(
    ["signed", "sign", "treaty", "will", "be", "ratified", "подписали", "договор", "не",
     "ратифицировал", "вступил", "в", "силу", "падпісалі", "дамову", "набыла", "моц",
     "unterzeichnet", "tritt", "in", "kraft", "not", "yet", "the", "was", "после",
     "подписания", "expected", "to", "a", "ink", "deal", "law", "into", "concluded"])),
    max_size=14))
def test_needles_change_nothing_on_word_salad(words: list[tuple[str, str]]) -> None:
    """Joined by spaces, punctuation, or nothing at all: a word glued to the one before
    (by a letter, a digit or `_`) starts no \\w+ run, and no cue may start there either."""
    text = "".join(sep + word for sep, word in words)
    assert sorted((c.start, c.end, c.status) for c in status.find_cues(text)) == all_cues(text)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(r"\bratified\b", ("ratified",)),
     (r"\bsigns?\b", ("sign",)),
     (r"\b(?:will|shall)\s+sign", ("will", "shall")),
     (r"\bда\s+x|\bрыхту\w+", ("да", "рыхту")),
     (r"\b[уў]ступ", None),
     (r"(?<!un)signed\b", None),
     (r"\b(?:sign|\w+ed)", None),
     (r"\bx(?:a|b)", None),
     (r"\b(?:vertrags|abkommens)?entwurf", None)],
    ids=["word", "optional-last-letter", "group", "top-level-or", "class-first", "lookbehind",
         "open-branch", "too-short", "optional-group"],
)
def test_needles_read_from_patterns(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert needles(pattern) == expected
    if expected:  # every needle really is where each match starts
        assert re.compile(pattern)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(r"(?<!un)signed\b", {"signed"}),
     (r"\bt(?:ook|akes)\s+effect\b", {"effect"}),
     (r"(?:\bnot|\bnever|n't)\s+x", {"not", "never", "n't"}),
     (r"[уў]ступіць\s+[уў]\s+сілу", {"ступіць"}),
     (r"(?:ab)+cde", {"cde"}),
     (r"(?:abc)+d", {"abc"}),
     (r"a?b*", None),
     (r"(?:sign)?ed|\w+", None),
     (r"(?i)signed", None),
     (r"(?<!un)(?i:SIGNED)\b", None),
     (r"[ab]", None)],
    ids=["lookbehind-then-word", "longest-part", "alternatives", "class-then-word",
         "repeat-then-shorter", "repeat-longer", "all-optional", "open-branch",
         "ignorecase", "ignorecase-group", "class-only"],
)
def test_required_literals_read_from_patterns(pattern: str,
                                              expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert found == (None if expected is None else frozenset(expected))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([p for _, p, words in status._CUES if words is None]),
       st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдеиклмнопрстуўіё '-.", max_size=60))
def test_a_text_without_required_literals_has_no_match(pattern: re.Pattern[str],
                                                       text: str) -> None:
    literals = required_literals(pattern.pattern)
    if literals is not None and not any(lit in text for lit in literals):
        assert pattern.search(text) is None


def test_most_cues_have_needles() -> None:
    assert sum(1 for *_, words in status._CUES if words) >= 150
