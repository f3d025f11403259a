"""One poll tick, straight down: due feeds, fetch, parse, dedupe, match, outbox.

Each feed is committed in its own transaction (entries marked seen together with their
alerts), so one bad feed never stops the others and a crash never half-records a feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import FeedSpec
from bot.ingest.feedparse import FeedError, Origin, parse_feed_async
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchResult, Outcome
from bot.ingest.publishers import Publishers
from bot.ingest.recorder import Recorder
from bot.ingest.schedule import (
    due_feeds,
    next_poll_after_failure,
    next_poll_after_success,
    tick_interval,
)
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher
from bot.model import FeedState
from bot.services import Services

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = timedelta(seconds=15)


@dataclass(frozen=True, slots=True)
class FeedReport:
    """What polling one feed did, for logs, `check --fetch` and tests."""

    feed: FeedSpec
    outcome: str  # "ok", "not_modified", "failed" or "cancelled"
    entries: int = 0  # entries in the fetched document
    new: int = 0  # entries recorded for the first time
    alerts: int = 0  # outbox rows written
    error: str | None = None
    http_status: str | None = None  # "200", "304", or the outcome, e.g. "timeout"
    elapsed: float = 0.0


class Poller:
    """Runs poll ticks for one Services; the matcher follows the audience's changes."""

    def __init__(self, services: Services, fetcher: Fetcher) -> None:
        self.services = services
        self.fetcher = fetcher
        self._matcher: Matcher | None = None
        self._generation: int | None = None  # the audience generation the matcher reflects
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Future[FetchResult]] = set()
        self._beat: datetime | None = None
        self._batch: list[FeedState] = []
        self.recorder = Recorder(services.config, services.store)
        self.publishers = Publishers.of(services.config.feeds)

    def stop(self) -> None:
        """Abandon in-flight fetches: nothing is committed for them, so nothing is lost."""
        self._stopping.set()
        for fetch in list(self._inflight):
            fetch.cancel()

    async def matcher(self) -> Matcher:
        """The matcher over the topics and the active chats' watches, rebuilt whenever the
        audience changed (a watch added or removed, /stop, /start, ...), here or in another
        process. The generation is read before the watches: a change made while rebuilding
        shows up as a newer generation next tick, so none is lost."""
        store = self.services.store
        generation = await asyncio.to_thread(store.audience_generation)
        if self._matcher is None or generation != self._generation:
            watches = await asyncio.to_thread(store.all_active_watches)
            self._matcher = build_matcher(
                self.services.config, [((w.subscriber_id, w.id), w.query) for w in watches]
            )
            self._generation = generation
        return self._matcher

    async def tick(self, now: datetime | None = None) -> list[FeedReport]:
        """Poll every feed that is due at `now`, concurrently within the fetcher's bounds."""
        now = now or self.services.now()
        store, config = self.services.store, self.services.config
        states = await asyncio.to_thread(store.get_feed_states, [f.url for f in config.feeds])
        due = due_feeds(config, states, now, tick_interval(config) / 2)
        await self._heartbeat(now)
        if not due:
            return []
        matcher = await self.matcher()
        reports = await asyncio.gather(
            *(self.poll_feed(f, states.get(f.url) or FeedState(f.url), now, matcher) for f in due)
        )
        batch, self._batch = self._batch, []
        await asyncio.to_thread(store.save_feed_states, batch)
        await asyncio.to_thread(store.set_meta, "last_poll_at", now.isoformat(), now=now)
        if any(r.alerts for r in reports):
            self.services.outbox_changed()
        return list(reports)

    async def _heartbeat(self, now: datetime) -> None:
        """`health` reads this: the poll loop is alive even when no feed is due."""
        if self._beat is None or now - self._beat >= HEARTBEAT_EVERY or now < self._beat:
            await asyncio.to_thread(self.services.store.set_meta, "heartbeat_at", now.isoformat(), now=now)
            self._beat = now

    async def poll_feed(self, feed: FeedSpec, state: FeedState, now: datetime, matcher: Matcher) -> FeedReport:
        started = time.monotonic()
        result = await self._fetch(feed, state, now)
        if result is None:
            return FeedReport(feed, "cancelled")
        if result.outcome is Outcome.NOT_MODIFIED:
            report = FeedReport(feed, "not_modified", http_status="304")
            await self._save(self._ok_state(feed, state, result, now))
        elif result.failed:
            report = await self._fail(feed, state, now, result.error or result.outcome.value,
                                      result.retry_after, _http_status(result))
        else:
            report = await self._ingest(feed, state, result, now, matcher)
        return dataclasses.replace(report, elapsed=time.monotonic() - started)

    async def _fetch(self, feed: FeedSpec, state: FeedState, now: datetime) -> FetchResult | None:
        if self._stopping.is_set():
            return None
        fetch = asyncio.ensure_future(
            self.fetcher.fetch(feed.url, etag=state.etag, last_modified=state.last_modified, now=now)
        )
        self._inflight.add(fetch)
        try:
            return await fetch
        except asyncio.CancelledError:
            if self._stopping.is_set() and fetch.cancelled():
                return None  # stop() abandoned it: nothing was committed for this feed
            raise
        finally:
            self._inflight.discard(fetch)

    async def _ingest(
        self, feed: FeedSpec, state: FeedState, result: FetchResult, now: datetime, matcher: Matcher
    ) -> FeedReport:
        try:
            parsed = await parse_feed_async(
                result.body or b"", content_type=result.content_type,
                origin=Origin.of(feed, self.publishers), now=now,
            )
        except FeedError as err:
            return await self._fail(feed, state, now, f"not a usable feed: {err}", None, _http_status(result))
        if parsed.warning:
            log.warning("%s: feed parsed with a warning: %s", feed.name, parsed.warning)
        if self._stopping.is_set():
            return FeedReport(feed, "cancelled")
        new_state = dataclasses.replace(self._ok_state(feed, state, result, now),
                                        last_changed_at=now)
        done = await asyncio.to_thread(self.recorder.record, new_state, parsed.entries, now,
                                       matcher)
        if done.new:
            log.info("%s: %d new entries, %d alerts", feed.name, done.new, done.alerts)
        return FeedReport(feed, "ok", len(parsed.entries), done.new, done.alerts,
                          http_status=_http_status(result))

    def _ok_state(self, feed: FeedSpec, state: FeedState, result: FetchResult, now: datetime) -> FeedState:
        return dataclasses.replace(
            state, etag=result.etag, last_modified=result.last_modified,
            next_poll_at=next_poll_after_success(self.services.config, feed, now),
            last_polled_at=now, last_ok_at=now, failures=0, last_error=None, last_http_status=_http_status(result),
        )

    async def _fail(self, feed: FeedSpec, state: FeedState, now: datetime, error: str,
                    retry_after: timedelta | None, http_status: str | None) -> FeedReport:
        failures = state.failures + 1
        new_state = dataclasses.replace(
            state, failures=failures, last_error=error, last_http_status=http_status, last_polled_at=now,
            next_poll_at=next_poll_after_failure(self.services.config, feed, failures, retry_after, now),
        )
        log.warning("%s: %s (failure %d in a row, next try %s)", feed.name, error, failures,
                    new_state.next_poll_at.isoformat() if new_state.next_poll_at else "?")
        await self._save(new_state)
        return FeedReport(feed, "failed", error=error, http_status=http_status)

    async def _save(self, state: FeedState) -> None:
        # 304s and failures only change scheduling fields: saved in one batch per tick.
        # Losing them in a crash only means an early re-poll.
        self._batch.append(state)


def _http_status(result: FetchResult) -> str:
    return str(result.status_code) if result.status_code else result.outcome.value


def _add_terms(reasons: dict[str, list[str]], terms: Sequence[str]) -> None:
    for term in terms:
        if term not in reasons["terms"]:
            reasons["terms"].append(term)
