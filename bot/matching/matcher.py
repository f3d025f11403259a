"""Compiles topics and watches into one anchor index and matches entries against it.

Pure: no I/O, no clock. Each query is filed under the words it cannot match without, so
an entry only evaluates queries whose anchor words it contains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.matching.query import MIN_PREFIX, And, Near, Node, Not, Or, Phrase, Query, Term
from bot.matching.textnorm import STEM_CACHE, fold, plain, stem, strip_html, word_list
from bot.model import MatchResult, Status, WatchHit

Anchor = tuple[bool, str]  # (is_prefix, key)
StatusFn = Callable[[str, str], Status | None]


class Doc:
    """An entry's text prepared once for evaluating many queries."""

    __slots__ = ("_buckets", "_positions", "_prefix_cache", "stems", "words")

    def __init__(self, text: str) -> None:
        self.words = word_list(fold(text))
        cache = STEM_CACHE
        self.stems = [cache.get(w) or stem(w) for w in self.words]
        positions: dict[str, list[int]] = {}
        for i, s in enumerate(self.stems):
            if s in positions:
                positions[s].append(i)
            else:
                positions[s] = [i]
        self._positions = positions
        self._buckets: dict[str, list[int]] | None = None
        self._prefix_cache: dict[str, list[int]] = {}

    def positions(self, term: Term) -> list[int]:
        if not term.prefix:
            return self._positions.get(term.key, [])
        hit = self._prefix_cache.get(term.key)
        if hit is None:
            if self._buckets is None:  # built on the first prefix term only
                self._buckets = {}
                for i, w in enumerate(self.words):
                    self._buckets.setdefault(w[:MIN_PREFIX], []).append(i)
            bucket = self._buckets.get(term.key[:MIN_PREFIX], ())
            hit = [i for i in bucket if self.words[i].startswith(term.key)]
            self._prefix_cache[term.key] = hit
        return hit


def _spans(node: Node, doc: Doc) -> list[tuple[int, int]]:
    """(first, last) word positions where a term, phrase or OR-group of them occurs."""
    if isinstance(node, Or):
        return [span for child in node.children for span in _spans(child, doc)]
    if isinstance(node, Term):
        return [(p, p) for p in doc.positions(node)]
    assert isinstance(node, Phrase)
    first, *rest = node.terms
    out = []
    for start in doc.positions(first):
        if all(start + k + 1 in doc.positions(t) for k, t in enumerate(rest)):
            out.append((start, start + len(rest)))
    return out


def evaluate(node: Node, doc: Doc, hits: set[int]) -> bool:
    """Does the node match the doc? Positions of matched positive terms go into `hits`."""
    if isinstance(node, Term):  # the common case, without building spans
        found = doc.positions(node)
        hits.update(found)
        return bool(found)
    if isinstance(node, Phrase):
        spans = _spans(node, doc)
        for a, b in spans:
            hits.update(range(a, b + 1))
        return bool(spans)
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
    matched = False
    for child in node.children:  # no short-cut: every matching branch explains the hit
        matched = evaluate(child, doc, hits) or matched
    return matched


def _near(node: Near, doc: Doc, hits: set[int]) -> bool:
    found = False
    for a1, b1 in _spans(node.left, doc):
        for a2, b2 in _spans(node.right, doc):
            # NEAR/n allows at most n words between the spans; overlapping spans are not "near".
            gap = a2 - b1 - 1 if a2 > b1 else a1 - b2 - 1
            if 0 <= gap <= node.distance:
                hits.update(range(a1, b1 + 1))
                hits.update(range(a2, b2 + 1))
                found = True
    return found


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
        if any(a in hits for child in node.children for a, _ in _spans(child, doc))
    ]


def anchors(node: Node) -> frozenset[Anchor] | None:
    """Terms of which at least one must occur for the node to match; None if unanchorable."""
    if isinstance(node, Term):
        return frozenset({(node.prefix, node.key)})
    if isinstance(node, Phrase):
        # Any word of a phrase is required; the longest is usually the rarest.
        best = max(node.terms, key=lambda t: (not t.prefix, len(t.key)))
        return frozenset({(best.prefix, best.key)})
    if isinstance(node, Not):
        return None
    # Both sides of a NEAR are required, like the parts of an AND: file it under the
    # smaller one ("@belarus NEAR/5 ratif*" under ratif*, not every spelling of Belarus).
    children = (node.left, node.right) if isinstance(node, Near) else node.children
    options = [anchors(c) for c in children]
    if isinstance(node, Or):
        if any(o is None for o in options):
            return None
        return frozenset().union(*(o for o in options if o is not None))
    usable = [o for o in options if o is not None]
    return min(usable, key=lambda o: (len(o), -min(len(k) for _, k in o))) if usable else None


@dataclass(frozen=True, slots=True)
class TopicRule:
    """One query of a topic; with a window it only counts for entries published inside it."""

    topic_id: str
    query: Query
    window: tuple[datetime, datetime] | None = None


@dataclass(frozen=True, slots=True)
class _Compiled:
    owner: tuple[str, Hashable]  # ("topic", id) or ("watch", key)
    query: Query
    window: tuple[datetime, datetime] | None = None

    def active(self, at: datetime | None) -> bool:
        if self.window is None:
            return True
        # An undated entry cannot prove it falls inside the window.
        return at is not None and self.window[0] <= at < self.window[1]


class Matcher:
    """All topics and watches compiled into an anchor index."""

    def __init__(
        self,
        topics: Sequence[TopicRule] = (),
        watches: Iterable[tuple[Hashable, Query]] = (),
        status_fn: StatusFn | None = None,
    ) -> None:
        self._compiled: list[_Compiled] = []
        self._concepts: list[tuple[Or, ...]] = []  # per compiled query, for explanations
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[str, list[int]] = defaultdict(list)
        self._topic_order = list(dict.fromkeys(rule.topic_id for rule in topics))
        self._status_fn = status_fn
        for rule in topics:
            self._add(_Compiled(("topic", rule.topic_id), rule.query, rule.window))
        for key, q in watches:
            self._add(_Compiled(("watch", key), q))
        # Prefix rules are bucketed by their first MIN_PREFIX letters, so each entry word
        # costs one lookup however many prefixes are indexed.
        self._prefix_buckets: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        for key, ids in self._prefix.items():
            self._prefix_buckets[key[:MIN_PREFIX]].append((key, ids))

    def _add(self, compiled: _Compiled) -> None:
        idx = len(self._compiled)
        self._compiled.append(compiled)
        self._concepts.append(concepts(compiled.query.root))
        found = anchors(compiled.query.root)
        if found is None:  # parse_query rejects these; keep them findable anyway
            self._exact[""].append(idx)
            return
        for is_prefix, key in found:
            (self._prefix if is_prefix else self._exact)[key].append(idx)

    def __len__(self) -> int:
        return len(self._compiled)

    def candidates(self, doc: Doc) -> list[int]:
        found: set[int] = set(self._exact.get("", ()))
        exact = self._exact
        for s in set(doc.stems):
            ids = exact.get(s)
            if ids:
                found.update(ids)
        buckets = self._prefix_buckets
        if buckets:
            for w in set(doc.words):
                bucket = buckets.get(w[:MIN_PREFIX])
                if bucket:
                    for key, ids in bucket:
                        if w.startswith(key):
                            found.update(ids)
        return sorted(found)

    def match(self, title: str, summary: str = "", at: datetime | None = None) -> MatchResult:
        """Match one entry (title plus summary, HTML stripped here) published at `at`."""
        doc = Doc(plain(f"{title}\n{summary}"))
        topics: dict[str, set[int]] = {}
        labels: dict[str, dict[str, None]] = {}
        watches: dict[Hashable, tuple[str, set[int]]] = {}
        compiled_all = self._compiled
        for idx in self.candidates(doc):
            compiled = compiled_all[idx]
            if compiled.window is not None and not compiled.active(at):
                continue
            hits: set[int] = set()
            if not evaluate(compiled.query.root, doc, hits):
                continue
            kind, key = compiled.owner
            if kind == "topic":
                topics.setdefault(str(key), set()).update(hits)
                for label in matched_concepts(self._concepts[idx], doc, hits):
                    labels.setdefault(str(key), {})[label] = None
            else:
                watches.setdefault(key, (compiled.query.text, set()))[1].update(hits)
        if not topics and not watches:
            return _NO_MATCH
        ordered = [t for t in self._topic_order if t in topics]
        status = None
        if ordered and self._status_fn:
            status = self._status_fn(strip_html(title), strip_html(summary))
        all_hits = set().union(*topics.values(), *(hits for _, hits in watches.values()))
        return MatchResult(
            topics=tuple(ordered),
            watches=tuple(
                WatchHit(key, text, _surface(doc, hits)) for key, (text, hits) in watches.items()
            ),
            terms=_surface(doc, all_hits),
            status=status,
            topic_terms={t: _surface(doc, topics[t]) for t in ordered},
            topic_concepts={t: tuple(labels[t]) for t in ordered if t in labels},
        )


_NO_MATCH = MatchResult()


def _surface(doc: Doc, hits: set[int]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for i in sorted(hits):
        seen.setdefault(doc.words[i], None)
    return tuple(seen)
