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
from bot.matching.cue_needles import needles
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
@given(st.lists(st.sampled_from(
    ["signed", "sign", "treaty", "will", "be", "ratified", "подписали", "договор", "не",
     "ратифицировал", "вступил", "в", "силу", "падпісалі", "дамову", "набыла", "моц",
     "unterzeichnet", "tritt", "in", "kraft", "not", "yet", "the", "was", "после",
     "подписания", "expected", "to", "a", "ink", "deal", "law", "into", "concluded"]),
    max_size=14))
def test_needles_change_nothing_on_word_salad(words: list[str]) -> None:
    text = " ".join(words)
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


def test_most_cues_have_needles() -> None:
    assert sum(1 for *_, words in status._CUES if words) >= 150
