""""One story, one message": near-duplicate detection of entries from different feeds by
their title and summary stems (en/ru/be/uk/de, within one language), within a time window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.matching.stopwords import STOP_WORDS
from bot.matching.textnorm import normalize, stem, word_list

SUMMARY_WORDS = 30
MIN_WORD_LEN = 3


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Names in nearly every story this bot reads weigh half: "Putin and Lukashenko" alone
# must not make two different stories look alike.
_DOMAIN_WORDS = (
    "belarus belarusian belarusians russia russian russians putin lukashenko minsk moscow"
    " kremlin union state беларусь беларуси белоруссия белоруссии белорусский россия россии"
    " российский путин лукашенко минск минске москва москве кремль союзного союзное"
    " государства беларусі расія расіі расійскі пуцін лукашэнка мінск мінску масква"
    " росія росії російський путін лукашенко мінськ москва weißrussland belarussisch"
    " russland russisch moskau lukaschenko kreml"
)
_DOMAIN = frozenset(stem(w) for w in _set(normalize(_DOMAIN_WORDS)))
DOMAIN_WEIGHT = 0.5

# Milestones and kinds of news: English by whole word, the other languages by prefix. Two titles naming different kinds (a signing
# and a ratification; talks and a signing; "to sign" and "signed") report different stories
# even when every other word is shared.
_ACTIONS: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    # (kind, English words, word prefixes in ru/be/uk/de)
    ("sign", _set("sign signs signed signing signature ink inks inked seal seals sealed"),
     ("подпис", "подпиш", "падпіс", "падпіш", "підпис", "підпиш", "unterzeichn", "unterschr")),
    ("ratify", _set("ratify ratifies ratified ratifying ratification"),
     ("ратиф", "ратыф", "ratifiz")),
    ("in_force", _set("force effect"),
     ("вступ", "уступ", "набу", "чинн", "kraft")),
    ("talks", _set("talk talks discuss discusses discussed discussing meet meets met"
                   " meeting phone call"),
     ("переговор", "обсуд", "обсужд", "встрет", "встреч", "абмерк", "перамов", "сустр",
      "обговор", "зустр", "gespräch", "besprech", "treffen", "trafen", "telefon")),
    ("future", _set("will expect expects expected plan plans planned upcoming ahead"
                    " prepare prepares preparing"),
     ("будет", "будут", "планир", "намер", "ожида", "предстоит", "подпишут", "подпишет",
      "ратифицирует", "будзе", "будуць", "плану", "буде", "будуть", "планую", "wird",
      "werden", "soll", "geplant")),
)
# "to sign", "set to ratify": the infinitive marks a preview, not the event.
_FUTURE_BEFORE = frozenset({"to"})

TITLE_WEIGHT = 0.4
ACTION_PENALTY = 0.5
DEFAULT_THRESHOLD = 0.56


def _weight(stems: frozenset[str]) -> float:
    # Set operations in C: this runs twice per comparison on the hot path.
    return len(stems) - (1.0 - DOMAIN_WEIGHT) * len(stems & _DOMAIN)


@dataclass(frozen=True, slots=True)
class Signature:
    """What clustering compares: content stems of the title and of the summary's start,
    and the kinds of news the title names (see `_ACTIONS`)."""

    title: frozenset[str]
    summary: frozenset[str]
    actions: frozenset[str]
    # Derived once here because every comparison needs them.
    title_weight: float = field(init=False, compare=False, repr=False)
    summary_weight: float = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title_weight", _weight(self.title))
        object.__setattr__(self, "summary_weight", _weight(self.summary))

    @property
    def index_stems(self) -> frozenset[str]:
        """The stems `ClusterIndex` files this signature under: all but the ubiquitous names."""
        return (self.title | self.summary) - _DOMAIN


def _content_stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(
        stem(w) for w in words if len(w) >= MIN_WORD_LEN and w not in STOP_WORDS
    )


def _actions(words: Sequence[str]) -> frozenset[str]:
    found: set[str] = set()
    for i, word in enumerate(words):
        for kind, exact, prefixes in _ACTIONS:
            if word in exact or word.startswith(prefixes):
                found.add(kind)
                if kind in ("sign", "ratify") and i and words[i - 1] in _FUTURE_BEFORE:
                    found.add("future")
    return frozenset(found)


def signature(title: str, summary: str) -> Signature:
    """The signature of one entry; the summary counts only for its first SUMMARY_WORDS."""
    title_words = word_list(normalize(title))
    # Cut before normalising: some feeds put a whole article in the summary.
    summary_words = word_list(normalize(summary[: SUMMARY_WORDS * 15]))[:SUMMARY_WORDS]
    return Signature(
        title=_content_stems(title_words),
        summary=_content_stems(summary_words),
        actions=_actions(title_words),
    )


def set_score(a: frozenset[str], b: frozenset[str]) -> float:
    """Mean of the weighted overlap coefficient and the weighted Jaccard index of two sets.

    The overlap coefficient (shared / smaller) lets a short headline match a longer one that
    adds a place or a date; Jaccard (shared / union) keeps one shared name from counting as
    much as a whole shared headline.
    """
    return _score(a, _weight(a), b, _weight(b))


def _score(a: frozenset[str], wa: float, b: frozenset[str], wb: float) -> float:
    if not a or not b:
        return 0.0
    shared = _weight(a & b)
    if not shared:
        return 0.0
    return 0.5 * (shared / min(wa, wb) + shared / (wa + wb - shared))


def similarity(a: Signature, b: Signature) -> float:
    """How alike two entries are, in [0, 1]:

        t = set_score(titles), s = set_score(summaries) (0 when either summary is empty)
        score = max(t, TITLE_WEIGHT * t + (1 - TITLE_WEIGHT) * s)
        score *= ACTION_PENALTY  when both titles name kinds of news and the kinds differ

    The summary can only raise the score: syndicated copies often differ in summary length
    or carry none. DEFAULT_THRESHOLD (0.56) was tuned on tests/test_clusters.py's pairs.
    """
    t = _score(a.title, a.title_weight, b.title, b.title_weight)
    s = _score(a.summary, a.summary_weight, b.summary, b.summary_weight)
    score = max(t, TITLE_WEIGHT * t + (1.0 - TITLE_WEIGHT) * s)
    if a.actions and b.actions and a.actions != b.actions:
        score *= ACTION_PENALTY
    return score


@dataclass(frozen=True, slots=True)
class Candidate:
    """An already-clustered entry that a new one may join."""

    cluster_id: int
    signature: Signature
    at: datetime
    feed: str


def _best(
    sig: Signature, at: datetime, candidates: Iterable[Candidate], window: timedelta,
    threshold: float,
) -> int | None:
    best: tuple[float, timedelta, int] | None = None
    for c in candidates:
        gap = abs(c.at - at)
        if gap > window:
            continue
        score = similarity(sig, c.signature)
        # Highest score wins; on a tie the candidate nearest in time.
        if score >= threshold and (best is None or (score, -gap) > (best[0], -best[1])):
            best = (score, gap, c.cluster_id)
    return best[2] if best else None


def assign(
    sig: Signature,
    at: datetime,
    feed: str,
    candidates: Sequence[Candidate],
    window: timedelta,
    threshold: float = DEFAULT_THRESHOLD,
) -> int | None:
    """The cluster of the best-matching candidate within `window` of `at` (either side),
    or None for a new story. `feed` is accepted for the caller's policy; same-feed entries
    may cluster (a re-titled item)."""
    del feed
    return _best(sig, at, candidates, window, threshold)


MAX_SCORED = 64


class ClusterIndex:
    """Candidates indexed by stem, so assigning only scores entries sharing a word.

    The ubiquitous names (Belarus, Putin, ...) are not indexed, or every candidate would be
    scored: a pair sharing nothing but such names is not compared unless one side has no
    other word (such candidates and queries fall back to a full scan). This can only miss a
    merge the plain `assign` would make, never add one.
    """

    def __init__(self) -> None:
        self._candidates: dict[int, Candidate] = {}
        self._by_stem: dict[str, set[int]] = {}
        self._unindexed: set[int] = set()  # candidates with no indexable stem
        self._next = 0

    def __len__(self) -> int:
        return len(self._candidates)

    def add(self, candidate: Candidate) -> None:
        key = self._next
        self._next += 1
        self._candidates[key] = candidate
        stems = candidate.signature.index_stems
        for s in stems:
            self._by_stem.setdefault(s, set()).add(key)
        if not stems:
            self._unindexed.add(key)

    def assign(
        self,
        sig: Signature,
        at: datetime,
        feed: str,
        window: timedelta,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> int | None:
        """As the module-level `assign`, over the indexed candidates."""
        del feed
        stems = sig.index_stems
        if not stems:
            return _best(sig, at, self._candidates.values(), window, threshold)
        shared: Counter[int] = Counter()
        for s in stems:
            shared.update(self._by_stem.get(s, ()))
        # Scoring is the costly part: only the candidates sharing the most words are
        # scored. A story's other reports share far more words than the day's other news.
        keys = set(self._unindexed) | {k for k, _ in shared.most_common(MAX_SCORED)}
        return _best(sig, at, (self._candidates[k] for k in keys), window, threshold)

    def prune(self, older_than: datetime) -> int:
        """Forget candidates from before `older_than`; returns how many were dropped."""
        old = [k for k, c in self._candidates.items() if c.at < older_than]
        for k in old:
            self._unindexed.discard(k)
            for s in self._candidates.pop(k).signature.index_stems:
                bucket = self._by_stem.get(s)
                if bucket is not None:
                    bucket.discard(k)
                    if not bucket:
                        del self._by_stem[s]
        return len(old)
