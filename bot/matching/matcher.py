"""Compiles topics and watches into one anchor index and matches entries against it.

Pure: no I/O, no clock. Each query is filed under the words it cannot match without, so
an entry only evaluates queries whose anchor words it contains.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, KeysView, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.matching.query import MIN_PREFIX, And, Near, Node, Not, Or, Phrase, Query, Term
from bot.matching.stopwords import is_common
from bot.matching.textnorm import STEM_CACHE, fold, plain, stem, strip_html, word_list
from bot.model import MatchResult, Status, WatchHit

Anchor = tuple[bool, str]  # (is_prefix, key)
StatusFn = Callable[[str, str], Status | None]


class Doc:
    """An entry's text prepared once for evaluating many queries."""

    __slots__ = ("_buckets", "_group_spans", "_groups", "_positions", "_prefix_cache", "_sets",
                 "stems", "words")

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
        self._sets: dict[Term, frozenset[int]] = {}
        self._groups: dict[Group, list[int]] = {}
        self._group_spans: dict[Group, list[tuple[int, int]]] = {}

    @property
    def keys(self) -> KeysView[str]:
        """The entry's distinct stems."""
        return self._positions.keys()

    def positions_of(self, key: str) -> list[int]:
        return self._positions.get(key, [])

    @property
    def buckets(self) -> dict[str, list[int]]:
        """Word positions by their first MIN_PREFIX letters (built on the first use)."""
        if self._buckets is None:
            buckets: dict[str, list[int]] = {}
            for i, w in enumerate(self.words):
                buckets.setdefault(w[:MIN_PREFIX], []).append(i)
            self._buckets = buckets
        return self._buckets

    def positions(self, term: Term) -> list[int]:
        if not term.prefix:
            return self._positions.get(term.key, [])
        return self.prefixed(term.key)

    def prefixed(self, prefix: str) -> list[int]:
        """Positions of the words starting with `prefix` (at least MIN_PREFIX letters)."""
        hit = self._prefix_cache.get(prefix)
        if hit is None:
            bucket = self.buckets.get(prefix[:MIN_PREFIX], ())
            words = self.words
            hit = self._prefix_cache[prefix] = [i for i in bucket if words[i].startswith(prefix)]
        return hit


    def position_set(self, term: Term) -> frozenset[int]:
        """`positions` as a set, for constant-time "is it at i?" (phrases)."""
        found = self._sets.get(term)
        if found is None:
            found = self._sets[term] = frozenset(self.positions(term))
        return found


@dataclass(frozen=True, slots=True, eq=False)
class Group:
    """The words, prefixes and phrases of an OR (a term set, usually), found by intersecting
    them with the entry's distinct stems and 3-letter word starts, not one by one."""

    exact: frozenset[str]  # single words, by stem
    prefixes: dict[str, tuple[str, ...]]  # by their first MIN_PREFIX letters
    phrases: dict[str, tuple[Phrase, ...]]  # by the stem of their first word
    other: tuple[Phrase, ...] = ()  # phrases that start with a prefix: tried every time


@lru_cache(maxsize=4096)
def _group(children: tuple[Term | Phrase, ...]) -> Group:
    """One Group per distinct set of alternatives (interned: the watches naming one term
    set share it, and an entry finds its words once for all of them)."""
    prefixes: dict[str, list[str]] = {}
    phrases: dict[str, list[Phrase]] = {}
    other: list[Phrase] = []
    for child in children:
        if isinstance(child, Phrase):
            first = child.terms[0]
            if first.prefix:
                other.append(child)
            else:
                phrases.setdefault(first.key, []).append(child)
        elif child.prefix:
            prefixes.setdefault(child.key[:MIN_PREFIX], []).append(child.key)
    return Group(frozenset(c.key for c in children if isinstance(c, Term) and not c.prefix),
                 {k: tuple(v) for k, v in prefixes.items()},
                 {k: tuple(v) for k, v in phrases.items()}, tuple(other))


def _alternatives(node: Or) -> list[Node]:
    """The children of an OR with nested ORs (term sets naming term sets) flattened:
    OR is associative, and the labels that explain a match come from the parsed query."""
    found: list[Node] = []
    for child in node.children:
        found += _alternatives(child) if isinstance(child, Or) else [child]
    return found


def grouped(node: Node) -> Node | Group:
    """`node` with the words and phrases of every OR gathered into one Group."""
    if isinstance(node, Or):
        children = _alternatives(node)
        simple = [c for c in children if isinstance(c, (Term, Phrase))]
        rest = tuple(grouped(c) for c in children if not isinstance(c, (Term, Phrase)))
        if len(simple) < 2:
            return Or(tuple(grouped(c) for c in children), node.concept)  # type: ignore[misc]
        group = _group(tuple(simple))
        return Or((group, *rest), node.concept) if rest else group  # type: ignore[arg-type]
    if isinstance(node, And):
        return And(tuple(grouped(c) for c in node.children))  # type: ignore[misc]
    if isinstance(node, Not):
        return Not(grouped(node.child))  # type: ignore[arg-type]
    if isinstance(node, Near):
        return Near(grouped(node.left), grouped(node.right), node.distance)  # type: ignore[arg-type]
    return node


def _group_words(group: Group, doc: Doc) -> list[int]:
    """Where the group's single words and prefixes occur, in order (found once per entry)."""
    found = doc._groups.get(group)
    if found is None:
        found = doc._groups[group] = sorted(_find_group_words(group, doc))
    return found


def _find_group_words(group: Group, doc: Doc) -> list[int]:
    found: list[int] = []
    for key in group.exact.intersection(doc.keys):
        found += doc.positions_of(key)
    if group.prefixes:
        words, buckets = doc.words, doc.buckets
        for start in group.prefixes.keys() & buckets.keys():
            wanted = group.prefixes[start]
            found += [i for i in buckets[start] if words[i].startswith(wanted)]
    return found


def _group_spans(group: Group, doc: Doc) -> list[tuple[int, int]]:
    """Where any alternative of the group occurs, in no particular order (found once)."""
    found = doc._group_spans.get(group)
    if found is None:
        found = doc._group_spans[group] = _find_group_spans(group, doc)
    return found


def _find_group_spans(group: Group, doc: Doc) -> list[tuple[int, int]]:
    spans = [(p, p) for p in _group_words(group, doc)]
    keys = doc.keys
    for key in group.phrases.keys() & keys:
        for phrase in group.phrases[key]:
            spans += _spans(phrase, doc)
    for phrase in group.other:
        spans += _spans(phrase, doc)
    return spans


def _spans(node: Node | Group, doc: Doc) -> list[tuple[int, int]]:
    """(first, last) word positions where a term, phrase or OR-group of them occurs; each
    costs time linear in the entry's words, whatever the query."""
    if isinstance(node, Or):
        return [span for child in node.children for span in _spans(child, doc)]
    if isinstance(node, Term):
        return [(p, p) for p in doc.positions(node)]
    if isinstance(node, Group):
        return _group_spans(node, doc)
    assert isinstance(node, Phrase)
    first, *rest = node.terms
    starts = doc.positions(first)
    if not starts:  # the common case: the phrase's first word is not there at all
        return []
    following = [doc.position_set(t) for t in rest]
    return [(start, start + len(rest)) for start in starts
            if all(start + k + 1 in at for k, at in enumerate(following))]


def evaluate(node: Node | Group, doc: Doc, hits: set[int]) -> bool:
    """Does the node match the doc? Positions of matched positive terms go into `hits`."""
    if isinstance(node, Term):  # the common case, without building spans
        found = doc.positions(node)
        hits.update(found)
        return bool(found)
    if isinstance(node, Group):
        if not node.phrases and not node.other:  # single words only: no spans needed
            found = _group_words(node, doc)
            hits.update(found)
            return bool(found)
        spans = _group_spans(node, doc)
        for a, b in spans:
            hits.update(range(a, b + 1))
        return bool(spans)
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


# Explaining a match needs only the first few matched places; the match itself is exact.
HIGHLIGHT_SPANS = 32


def _near(node: Near, doc: Doc, hits: set[int]) -> bool:
    """NEAR/n: a left and a right span with at most n words between them, either order;
    overlapping spans are not "near". Each span of the side with fewer places asks for the
    nearest span of the other side (a binary search): no pair is ever enumerated, so the
    cost stays linear in the entry whatever the query. Hits: up to HIGHLIGHT_SPANS places
    of that side, each with the nearest span that put it in reach."""
    left = _Side(node.left, doc)
    if not left.starts:
        return False
    right = _Side(node.right, doc)
    if not right.starts:
        return False
    fewer, more = (left, right) if len(left.starts) <= len(right.starts) else (right, left)
    found = False
    for a, b in fewer.each():
        witness = more.nearest(a, b, node.distance)
        if witness is not None:
            hits.update(range(a, b + 1), range(witness[0], witness[1] + 1))
            found = True
            if len(hits) >= 2 * HIGHLIGHT_SPANS:
                break
    return found


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
            self.starts = self.ends = _group_words(node, doc)
        else:
            self.spans = sorted(_spans(node, doc))
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
    return min(usable, key=_anchor_cost) if usable else None


def _anchor_cost(option: frozenset[Anchor]) -> tuple[int, int]:
    """How often a set of anchors makes its query a candidate, roughly: each anchor counts,
    a function word as much as a whole term set (it is in nearly every entry)."""
    return (sum(COMMON_COST if is_common(key) else 1 for _, key in option),
            -min(len(key) for _, key in option))


COMMON_COST = 100


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
    tree: Node | Group | None = None  # the query as evaluated (`grouped`)

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
        compiled = dataclasses.replace(compiled, tree=grouped(compiled.query.root))
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
        """The queries whose anchors the entry has: set intersections, then only the words
        sharing a prefix anchor's first letters are compared with it."""
        found: set[int] = set(self._exact.get("", ()))
        exact = self._exact
        for stem_key in exact.keys() & doc.keys:
            found.update(exact[stem_key])
        buckets = self._prefix_buckets
        if buckets:
            for start in buckets.keys() & doc.buckets.keys():
                for key, ids in buckets[start]:
                    if doc.prefixed(key):  # kept by the doc for evaluating them next
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
            if not evaluate(compiled.tree or compiled.query.root, doc, hits):
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
