"""Signing-status detection: what milestone a news entry reports for an agreement it is about.

Pure and data-driven: cue tables live in `bot.matching.status_cues`; this module only resolves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matching.cue_needles import required_literals
from bot.matching.status_cues import ALL_CUES, CompiledCue, compile_cues
from bot.matching.textnorm import normalize, unify_spelling
from bot.model import STATUS_ORDER, Status

_CUES: tuple[CompiledCue, ...] = compile_cues(ALL_CUES)
_COMPLETED: frozenset[Status] = frozenset({"signed", "ratified", "in_force"})
# News reports the milestone in the lede; reading only the start also bounds regex work on
# a feed that stuffs a whole article into its summary.
MAX_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue match in normalised text; status None marks a blocker (negation, submission)."""

    start: int
    end: int
    status: Status | None


def detect_status(title: str, summary: str = "") -> Status | None:
    """The milestone an entry reports, or None.

    Precedence, documented because several cues often co-occur:
    1. The headline wins: the summary is read only when the headline yields nothing.
    2. Within one text, overlapping cues resolve to the one that starts first (then the
       longest), so a modal or future frame ("will be signed", "будет подписан", "not
       ratified", "submitted ... for ratification") overrides the verb it governs.
    3. Among surviving cues the most advanced completed milestone wins
       (signed < ratified < in_force); `expected` only when no milestone is completed.
    """
    for text in (title, summary):
        status = status_of_text(text) if text else None
        if status is not None:
            return status
    return None


def status_of_text(text: str) -> Status | None:
    """The status one text (headline or summary) reports, by rules 2 and 3 above."""
    return _pick(_resolve(find_cues(unify_spelling(normalize(text[:MAX_CHARS])))))


def find_cues(normalized: str) -> list[Cue]:
    """Every cue match in already-normalised text (in unified spelling), in order of position."""
    found: list[Cue] = []
    starts = _INDEX.starts(normalized)
    for i in sorted(starts.keys() | _INDEX.searched(normalized)):  # table order: ties as ever
        status, pattern, _ = _CUES[i]
        if i not in starts:
            found += [Cue(m.start(), m.end(), status) for m in pattern.finditer(normalized)]
            continue
        end = 0
        for pos in sorted(starts[i]):
            # What finditer would find: it resumes after a match, and every match of this
            # cue starts at one of these positions.
            if pos >= end and (m := pattern.match(normalized, pos)) is not None:
                found.append(Cue(m.start(), m.end(), status))
                end = m.end()
    return sorted(found, key=lambda c: (c.start, -(c.end - c.start)))


class _NeedleIndex:
    """Where in a text each cue can match. A cue's needles follow `\\b`, so a match starts
    where one of the text's \\w+ runs starts with a needle: the regex is tried there only,
    not at every position of a 3,000-character summary, and cues whose needles are absent
    are not run at all. Cues without needles need one of their required literals."""

    def __init__(self, cues: tuple[CompiledCue, ...]) -> None:
        self.by_needle: dict[str, list[int]] = {}
        for i, (_, _, words) in enumerate(cues):
            for word in words or ():
                self.by_needle.setdefault(word, []).append(i)
        self.by_start: dict[str, list[str]] = {}  # needles by their first two letters
        for needle in self.by_needle:
            self.by_start.setdefault(needle[:2], []).append(needle)
        # Cues without needles are searched whole, and only if a required literal is there.
        self.literals = {i: required_literals(pattern.pattern)
                         for i, (_, pattern, words) in enumerate(cues) if words is None}

    def searched(self, text: str) -> set[int]:
        """The cues without needles that may match `text`: one of their literals is in it."""
        return {cue for cue, literals in self.literals.items()
                if literals is None or any(literal in text for literal in literals)}

    def starts(self, text: str) -> dict[int, set[int]]:
        """Cue index -> the positions in `text` where one of its needles starts a word."""
        found: dict[int, set[int]] = {}
        for word in _WORD.finditer(text):
            for needle in self.by_start.get(word[0][:2], ()):
                if word[0].startswith(needle):
                    for cue in self.by_needle[needle]:
                        found.setdefault(cue, set()).add(word.start())
        return found


_WORD = re.compile(r"\w+")
_INDEX = _NeedleIndex(_CUES)


def _resolve(cues: list[Cue]) -> list[Cue]:
    """Drop every cue that overlaps an earlier-starting (or equal-start, longer) kept cue."""
    kept: list[Cue] = []
    for cue in cues:
        if kept and cue.start < kept[-1].end:
            continue
        kept.append(cue)
    return kept


def _pick(cues: list[Cue]) -> Status | None:
    completed = [c.status for c in cues if c.status in _COMPLETED]
    if completed:
        return max(completed, key=STATUS_ORDER.index)
    if any(c.status == "expected" for c in cues):
        return "expected"
    return None
