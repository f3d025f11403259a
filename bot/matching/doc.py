"""An entry's text prepared for matching (`Doc`): words, stems, positions, 3-letter
buckets; and where a term, phrase or OR-group of them occurs in it (`spans`). ORs of plain
alternatives (term sets, mostly) are gathered into interned `Group`s found once per entry.
"""

from __future__ import annotations

from collections.abc import KeysView
from dataclasses import dataclass
from functools import lru_cache

from bot.matching.filters import Provenance
from bot.matching.query import MIN_PREFIX, And, Near, Node, Not, Or, Phrase, Term
from bot.matching.textnorm import STEM_CACHE, fold, stem, word_list


class Doc:
    """An entry's text prepared once for evaluating many queries."""

    __slots__ = ("_buckets", "_group_spans", "_groups", "_positions", "_prefix_cache", "_sets",
                 "meta", "stems", "words")

    def __init__(self, text: str, meta: Provenance | None = None) -> None:
        self.meta = meta  # what `source:` and `lang:` filters read
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


def group_words(group: Group, doc: Doc) -> list[int]:
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


def group_spans(group: Group, doc: Doc) -> list[tuple[int, int]]:
    """Where any alternative of the group occurs, in no particular order (found once)."""
    found = doc._group_spans.get(group)
    if found is None:
        found = doc._group_spans[group] = _find_group_spans(group, doc)
    return found


def _find_group_spans(group: Group, doc: Doc) -> list[tuple[int, int]]:
    found = [(p, p) for p in group_words(group, doc)]
    keys = doc.keys
    for key in group.phrases.keys() & keys:
        for phrase in group.phrases[key]:
            found += spans(phrase, doc)
    for phrase in group.other:
        found += spans(phrase, doc)
    return found


def spans(node: Node | Group, doc: Doc) -> list[tuple[int, int]]:
    """(first, last) word positions where a term, phrase or OR-group of them occurs; each
    costs time linear in the entry's words, whatever the query."""
    if isinstance(node, Or):
        return [span for child in node.children for span in spans(child, doc)]
    if isinstance(node, Term):
        return [(p, p) for p in doc.positions(node)]
    if isinstance(node, Group):
        return group_spans(node, doc)
    assert isinstance(node, Phrase)
    first, *rest = node.terms
    starts = doc.positions(first)
    if not starts:  # the common case: the phrase's first word is not there at all
        return []
    following = [doc.position_set(t) for t in rest]
    return [(start, start + len(rest)) for start in starts
            if all(start + k + 1 in at for k, at in enumerate(following))]


