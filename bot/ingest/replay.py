"""Replay: the matcher over saved RSS/Atom files, ignoring seen-state and backlog policy.

Time-dependent rules are judged at each entry's publication time, never the wall clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bot.ingest.feedparse import FeedError, parse_feed
from bot.matching.matcher import Matcher
from bot.model import Entry, MatchResult


def read_feed_file(path: Path, warn: Callable[[str], None]) -> list[Entry]:
    """Entries of one saved feed file; problems are reported through `warn`, not raised."""
    try:
        body = path.read_bytes()
    except OSError as err:
        warn(f"{path}: cannot read: {err.strerror or err}")
        return []
    try:
        parsed = parse_feed(body, content_type=None, feed_name=path.name, feed_url=path.resolve().as_uri())
    except FeedError as err:
        warn(f"{path}: not a usable feed: {err}")
        return []
    if parsed.warning:
        warn(f"{path}: parsed with a warning: {parsed.warning}")
    name = parsed.title or path.name
    return [dataclasses.replace(e, feed=name) for e in parsed.entries]


def replay(
    paths: Iterable[Path], matcher: Matcher, warn: Callable[[str], None]
) -> Iterator[tuple[Entry, MatchResult]]:
    """Every entry of every file that matches a topic or a watch, in file order."""
    for path in paths:
        for entry in read_feed_file(path, warn):
            result = matcher.match(entry.title, entry.summary, at=entry.published)
            if result.any:
                yield entry, result
