"""Compiles topics and watches into one anchor index and matches entries against it.

Pure: no I/O, no clock. Each query is filed under the words it cannot match without, so
an entry only evaluates queries whose anchor words it contains.
"""

from __future__ import annotations

import copy
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.matching.doc import Doc, Group, grouped
from bot.matching.evaluate import concepts, evaluate, matched_concepts
from bot.matching.filters import Filter, Provenance
from bot.matching.query import MIN_PREFIX, Near, Node, Not, Or, Phrase, Query, Term
from bot.matching.stopwords import is_common
from bot.matching.textnorm import plain, strip_html
from bot.model import Entry, MatchResult, Status, WatchHit

Anchor = tuple[bool, str]  # (is_prefix, key)
StatusFn = Callable[[str, str], Status | None]


def anchors(node: Node) -> frozenset[Anchor] | None:
    """Terms of which at least one must occur for the node to match; None if unanchorable."""
    if isinstance(node, Term):
        return frozenset({(node.prefix, node.key)})
    if isinstance(node, Phrase):
        # Any word of a phrase is required; the longest is usually the rarest.
        best = max(node.terms, key=lambda t: (not t.prefix, len(t.key)))
        return frozenset({(best.prefix, best.key)})
    if isinstance(node, (Not, Filter)):  # a filter says where from, not what it is about
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
    """All topics and watches compiled into an anchor index. Immutable once built:
    `changed` returns a new matcher sharing what did not change."""

    def __init__(
        self,
        topics: Sequence[TopicRule] = (),
        watches: Iterable[tuple[Hashable, Query]] = (),
        status_fn: StatusFn | None = None,
    ) -> None:
        self._compiled: list[_Compiled | None] = []  # None: a watch removed since
        self._concepts: list[tuple[Or, ...]] = []  # per compiled query, for explanations
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[str, list[int]] = defaultdict(list)
        self._watches: dict[Hashable, int] = {}  # watch key -> its index
        self._topic_order = list(dict.fromkeys(rule.topic_id for rule in topics))
        self._status_fn = status_fn
        for rule in topics:
            self._add(_Compiled(("topic", rule.topic_id), rule.query, rule.window))
        for key, q in watches:
            self._add(_Compiled(("watch", key), q))
        self._bucket_prefixes()

    def _bucket_prefixes(self) -> None:
        # Prefix rules are bucketed by their first MIN_PREFIX letters, so each entry word
        # costs one lookup however many prefixes are indexed.
        self._prefix_buckets: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        for key, ids in self._prefix.items():
            if ids:
                self._prefix_buckets[key[:MIN_PREFIX]].append((key, ids))

    def _add(self, compiled: _Compiled, owned: set[tuple[bool, str]] | None = None) -> None:
        """Index `compiled`; with `owned` (during `changed`), index lists are copied before
        their first change, so the matcher they came from stays as it was."""
        idx = len(self._compiled)
        compiled = dataclasses.replace(compiled, tree=grouped(compiled.query.root))
        self._compiled.append(compiled)
        self._concepts.append(concepts(compiled.query.root))
        if compiled.owner[0] == "watch":
            self._watches[compiled.owner[1]] = idx
        found = anchors(compiled.query.root) or frozenset({(False, "")})
        for anchor in found:  # "" : unanchorable (parse_query rejects these); always tried
            self._index_list(anchor, owned).append(idx)

    def _index_list(self, anchor: tuple[bool, str], owned: set[tuple[bool, str]] | None) -> list[int]:
        table = self._prefix if anchor[0] else self._exact
        if owned is not None and anchor not in owned:
            table[anchor[1]] = list(table.get(anchor[1], ()))
            owned.add(anchor)
        return table[anchor[1]]

    def changed(self, added: Iterable[tuple[Hashable, Query]] = (),
                removed: Iterable[Hashable] = ()) -> Matcher:
        """A matcher with these watches added and removed: only the index lists they touch
        are copied, so one /watch costs microseconds where a rebuild costs the whole index.
        This matcher is left as it was (polls in flight may still be using it)."""
        new = copy.copy(self)
        new._compiled, new._concepts = list(self._compiled), list(self._concepts)
        new._exact, new._prefix = defaultdict(list, self._exact), defaultdict(list, self._prefix)
        new._watches = dict(self._watches)
        owned: set[tuple[bool, str]] = set()
        for key in removed:
            new._remove(key, owned)
        for key, query in added:
            if key in new._watches:
                new._remove(key, owned)
            new._add(_Compiled(("watch", key), query), owned)
        new._bucket_prefixes()
        return new

    def _remove(self, key: Hashable, owned: set[tuple[bool, str]]) -> None:
        idx = self._watches.pop(key, None)
        compiled = self._compiled[idx] if idx is not None else None
        if idx is None or compiled is None:
            return
        self._compiled[idx] = None
        for anchor in anchors(compiled.query.root) or frozenset({(False, "")}):
            self._index_list(anchor, owned).remove(idx)

    @property
    def watch_keys(self) -> frozenset[Hashable]:
        return frozenset(self._watches)

    def __len__(self) -> int:
        return len(self._compiled) - self._compiled.count(None)

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

    def match_entry(self, entry: Entry, at: datetime | None = None) -> MatchResult:
        """`match` for a parsed or stored entry, with its provenance for the filters."""
        return self.match(entry.title, entry.summary, at, meta=Provenance.of(entry))

    def match(self, title: str, summary: str = "", at: datetime | None = None, *,
              meta: Provenance | None = None) -> MatchResult:
        """Match one entry (title plus summary, HTML stripped here) published at `at`;
        `meta` is what `source:` and `lang:` read (without it, only negated ones pass)."""
        doc = Doc(plain(f"{title}\n{summary}"), meta)
        topics: dict[str, set[int]] = {}
        labels: dict[str, dict[str, None]] = {}
        watches: dict[Hashable, tuple[str, set[int]]] = {}
        compiled_all = self._compiled
        for idx in self.candidates(doc):
            compiled = compiled_all[idx]
            if compiled is None or (compiled.window is not None and not compiled.active(at)):
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
