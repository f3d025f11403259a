"""Signing-status detection: what milestone a news entry reports for an agreement it is about.

Pure and data-driven: cue tables live in `bot.matching.status_cues`; this module only resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    found = [
        Cue(m.start(), m.end(), status)
        for status, pattern, words in _CUES
        if words is None or any(w in normalized for w in words)
        for m in pattern.finditer(normalized)
    ]
    return sorted(found, key=lambda c: (c.start, -(c.end - c.start)))


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
