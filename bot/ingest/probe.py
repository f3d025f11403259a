"""`check --fetch`: fetch and parse every configured feed once and print a health table.

Ignores stored state (no conditional headers), so it shows what each feed serves now.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.config import Config, FeedSpec
from bot.ingest.feedparse import FeedError, Origin, parse_feed_async
from bot.ingest.fetch import Fetcher


@dataclass(frozen=True, slots=True)
class FeedHealth:
    feed: FeedSpec
    http_status: str  # the HTTP status, or the outcome (e.g. timeout)
    entries: int
    seconds: float
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


async def probe(fetcher: Fetcher, feed: FeedSpec) -> FeedHealth:
    started = time.monotonic()
    result = await fetcher.fetch(feed.url, now=datetime.now(UTC))
    http_status = str(result.status_code) if result.status_code else result.outcome.value
    if result.failed or result.body is None:
        return FeedHealth(feed, http_status, 0, time.monotonic() - started, result.error or http_status)
    try:
        parsed = await parse_feed_async(result.body, content_type=result.content_type,
                                        origin=Origin.of(feed))
    except FeedError as err:
        return FeedHealth(feed, http_status, 0, time.monotonic() - started, f"not a usable feed: {err}")
    return FeedHealth(feed, http_status, len(parsed.entries), time.monotonic() - started, None)


async def probe_all(config: Config, fetcher: Fetcher) -> list[FeedHealth]:
    return list(await asyncio.gather(*(probe(fetcher, f) for f in config.feeds)))


def format_table(rows: list[FeedHealth]) -> str:
    width = max([len(r.feed.name) for r in rows] + [4])
    lines = [f"{'FEED':<{width}}  {'STATUS':<12} {'ENTRIES':>7} {'TIME':>7}  ERROR"]
    for r in rows:
        lines.append(f"{r.feed.name:<{width}}  {r.http_status:<12} {r.entries:>7} {r.seconds:>6.2f}s  {r.error or ''}")
    failed = sum(not r.ok for r in rows)
    lines.append(f"{len(rows) - failed} of {len(rows)} feeds OK" + (f", {failed} failed" if failed else ""))
    return "\n".join(lines)
