"""Plain data shared by the pure core and the adapters: entries, matches, statuses.

Nothing here does I/O; every type is frozen so it can cross threads and be cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Status = Literal["expected", "signed", "ratified", "in_force"]
# An entry's summary is cut to this many characters when it is parsed: the live poll, the
# stored copy (read by /watch previews and digests) and `replay` all match the same text.
SUMMARY_MAX = 1000
TITLE_MAX = 500  # a headline longer than this is a feed bug; it is cut, not matched whole
# Order matters: a topic's status only ever moves forward along this list.
STATUS_ORDER: tuple[Status, ...] = ("expected", "signed", "ratified", "in_force")


@dataclass(frozen=True, slots=True)
class Entry:
    """One parsed feed entry, HTML already stripped, dates already in UTC."""

    feed: str  # the feed's name (config `name`, else its host)
    feed_url: str
    title: str
    link: str | None
    summary: str
    published: datetime | None = None
    guid: str | None = None
    lang: str | None = None
    # The outlet credited in alerts and counted for confirmations: the feed's publisher,
    # or for an aggregator's item the outlet the item names. Defaults to the feed's name.
    publisher: str = ""

    def __post_init__(self) -> None:
        if not self.publisher:
            object.__setattr__(self, "publisher", self.feed)

    @property
    def text(self) -> str:
        """The text the matcher reads: title, then summary."""
        return f"{self.title}\n{self.summary}" if self.summary else self.title


@dataclass(frozen=True, slots=True)
class WatchHit:
    """A subscriber watch that matched: its opaque key and the query text."""

    key: object
    query: str
    terms: tuple[str, ...] = ()  # the entry's words this watch matched


@dataclass(frozen=True, slots=True)
class MatchResult:
    """What the matcher found in one entry."""

    topics: tuple[str, ...] = ()
    watches: tuple[WatchHit, ...] = ()
    terms: tuple[str, ...] = ()  # surface forms from the entry text, for highlighting
    status: Status | None = None
    topic_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per topic, the concepts (term sets) whose words made it match, in query order; topics
    # matched by explicit words or phrases alone have no entry.
    topic_concepts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.topics or self.watches)
