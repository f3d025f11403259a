"""Whether a compiled query matches a `Doc`, and which positions explain it; NEAR by
nearest-span search, so the cost stays linear in the entry whatever the query.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from bot.matching.doc import Doc, Group, group_spans, group_words, spans
from bot.matching.filters import Filter
from bot.matching.query import And, Near, Node, Not, Or, Phrase, Term


def evaluate(node: Node | Group, doc: Doc, hits: set[int]) -> bool:
    """Does the node match the doc? Positions of matched positive terms go into `hits`."""
    if isinstance(node, Term):  # the common case, without building spans
        found = doc.positions(node)
        hits.update(found)
        return bool(found)
    if isinstance(node, Group):
        if not node.phrases and not node.other:  # single words only: no spans needed
            found = group_words(node, doc)
            hits.update(found)
            return bool(found)
        found_spans = group_spans(node, doc)
        for a, b in found_spans:
            hits.update(range(a, b + 1))
        return bool(found_spans)
    if isinstance(node, Phrase):
        found_spans = spans(node, doc)
        for a, b in found_spans:
            hits.update(range(a, b + 1))
        return bool(found_spans)
    if isinstance(node, Near):
        return _near(node, doc, hits)
    if isinstance(node, Not):
        return not evaluate(node.child, doc, set())
    if isinstance(node, And):
        local: set[int] = set()
        if all(evaluate(c, doc, local) for c in node.children):
            hits.update(local)
            return True
        return False
    if isinstance(node, Filter):  # about the entry's origin: no word to highlight
        return node.accepts(doc.meta)
    matched = False
    for child in node.children:  # no short-cut: every matching branch explains the hit
        matched = evaluate(child, doc, hits) or matched
    return matched


# Explaining a match names each matched wording once, and at most this many per side.
HIGHLIGHT_SPANS = 32


def _near(node: Near, doc: Doc, hits: set[int]) -> bool:
    """NEAR/n: a left and a right span with at most n words between them, either order;
    overlapping spans are not "near". Each span asks for the nearest span of the other side
    (a binary search): no pair is ever enumerated, so the cost stays linear in the entry
    whatever the query. The side with fewer places decides; then the other side's wordings
    are explained too."""
    left = _Side(node.left, doc)
    if not left.starts:
        return False
    right = _Side(node.right, doc)
    if not right.starts:
        return False
    fewer, more = (left, right) if len(left.starts) <= len(right.starts) else (right, left)
    if not _explain(fewer, more, node.distance, doc, hits):
        return False
    _explain(more, fewer, node.distance, doc, hits)
    return True


def _explain(side: _Side, other: _Side, distance: int, doc: Doc, hits: set[int]) -> bool:
    """Put into `hits` the first place of each distinct wording of `side` that has a span
    of `other` in reach, with that span; False if none has. A wording already explained is
    skipped without a search ("the" ten times costs one)."""
    explained: set[str | tuple[str, ...]] = set()
    words = doc.words
    for a, b in side.each():
        wording = words[a] if a == b else tuple(words[a:b + 1])
        if wording in explained:
            continue
        witness = other.nearest(a, b, distance)
        if witness is not None:
            explained.add(wording)
            hits.update(range(a, b + 1), range(witness[0], witness[1] + 1))
            if len(explained) == HIGHLIGHT_SPANS:
                break
    return bool(explained)


class _Side:
    """One side of a NEAR: its spans sorted by start and by end, for nearest-span questions.
    Single words need no spans: their positions are both."""

    __slots__ = ("by_end", "ends", "spans", "starts")

    def __init__(self, node: Term | Phrase | Or | Group, doc: Doc) -> None:
        self.spans: list[tuple[int, int]] | None = None  # None: single words only
        if isinstance(node, Term):
            self.starts: Sequence[int] = doc.positions(node)
            self.ends: Sequence[int] = self.starts
        elif isinstance(node, Group) and not node.phrases and not node.other:
            self.starts = self.ends = group_words(node, doc)
        else:
            self.spans = sorted(spans(node, doc))
            self.by_end = sorted(self.spans, key=lambda span: span[1])
            self.starts = [a for a, _ in self.spans]
            self.ends = [b for _, b in self.by_end]

    def each(self) -> Iterable[tuple[int, int]]:
        return self.spans if self.spans is not None else ((p, p) for p in self.starts)

    def nearest(self, a: int, b: int, distance: int) -> tuple[int, int] | None:
        """A span of this side starting after (a, b), or ending before it, with at most
        `distance` words between; None if there is none."""
        after = bisect_right(self.starts, b)  # the first start past the span's end
        if after < len(self.starts) and self.starts[after] - b - 1 <= distance:
            return self._span(after, self.spans)
        before = bisect_left(self.ends, a) - 1  # the last end before the span's start
        if before >= 0 and a - self.ends[before] - 1 <= distance:
            return self._span(before, self.by_end if self.spans is not None else None)
        return None

    def _span(self, index: int, spans: list[tuple[int, int]] | None) -> tuple[int, int]:
        return spans[index] if spans is not None else (self.starts[index], self.starts[index])


def concepts(node: Node) -> tuple[Or, ...]:
    """The term-set expansions a query uses positively, in query order, each once."""
    if isinstance(node, Or) and node.concept:
        return (node,)
    if isinstance(node, Near):
        return _unique(concepts(node.left) + concepts(node.right))
    if isinstance(node, (And, Or)):
        return _unique(tuple(c for child in node.children for c in concepts(child)))
    return ()  # a word, a phrase, or NOT: a set under NOT explains no match


def _unique(found: tuple[Or, ...]) -> tuple[Or, ...]:
    return tuple(dict.fromkeys(found))


def matched_concepts(used: tuple[Or, ...], doc: Doc, hits: set[int]) -> list[str]:
    """Labels of the sets among `used` with a member at a matched position (so a set whose
    words occur only where the match did not use them is not named)."""
    if not used:
        return []
    return [
        node.concept or ""
        for node in used
        if any(a in hits for child in node.children for a, _ in spans(child, doc))
    ]


