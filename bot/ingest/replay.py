"""Replay: the matcher over saved RSS/Atom files, ignoring seen-state and backlog policy.

Time-dependent rules are judged at each entry's publication time, never the wall clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from bot.ingest.feedparse import FeedError, Origin, parse_feed
from bot.ingest.publishers import NO_PUBLISHERS, Publishers
from bot.matching.matcher import Matcher
from bot.model import Entry, MatchResult


def read_feed_file(path: Path, warn: Callable[[str], None],
                   publishers: Publishers = NO_PUBLISHERS) -> list[Entry]:
    """Entries of one saved feed file, named after the feed's title; problems are
    reported through `warn`, not raised."""
    try:
        body = path.read_bytes()
    except OSError as err:
        warn(f"{path}: cannot read: {err.strerror or err}")
        return []
    try:
        origin = Origin(path.name, path.resolve().as_uri(), publishers=publishers)
        parsed = parse_feed(body, content_type=None, origin=origin, now=datetime.now(UTC))
    except FeedError as err:
        warn(f"{path}: not a usable feed: {err}")
        return []
    if parsed.warning:
        warn(f"{path}: parsed with a warning: {parsed.warning}")
    name = parsed.title or path.name
    # An entry credited to the feed itself is credited to its title, like its feed name.
    return [dataclasses.replace(e, feed=name, publisher=name if e.publisher == path.name
                                else e.publisher) for e in parsed.entries]


def replay(
    paths: Iterable[Path], matcher: Matcher, warn: Callable[[str], None],
    publishers: Publishers = NO_PUBLISHERS,
) -> Iterator[tuple[Entry, MatchResult]]:
    """Every entry of every file that matches a topic or a watch, in file order."""
    for path in paths:
        for entry in read_feed_file(path, warn, publishers):
            result = matcher.match_entry(entry, at=entry.published)
            if result.any:
                yield entry, result
