"""Polls each feed when it is due, independently of every other: `dispatch` leases the due
feeds from the store and starts one task per feed without waiting for any; each task
fetches, parses and records its feed, straight down. A hanging feed holds only its task.

Each feed is committed in its own transaction (entries marked seen together with their
alerts), so one bad feed never stops the others and a crash never half-records a feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from bot.config import Config, FeedSpec
from bot.feedlist import with_chat_feeds
from bot.ingest.audience import AudienceMatcher
from bot.ingest.feedparse import FeedError, Origin, parse_feed_async
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FeedReport, FetchResult, Outcome, http_status_of
from bot.ingest.publishers import Publishers
from bot.ingest.recorder import Recorder
from bot.ingest.schedule import next_poll_after_failure, next_poll_after_success, surge_interval
from bot.matching.matcher import Matcher
from bot.model import FeedState
from bot.services import Services

log = logging.getLogger(__name__)
HEARTBEAT_EVERY = timedelta(seconds=15)
DISPATCH_SLACK = timedelta(milliseconds=500)  # a feed due this soon starts now
TASKS_PER_SLOT = 4  # feed tasks started per fetch slot: room for slow feeds beside fast ones
UNKNOWN_RETRY = timedelta(seconds=30)  # a feed another replica just added, not yet known here
LEASE_SLACK = timedelta(minutes=1)  # beyond the fetch timeout, for parsing and recording


class Poller:
    """Starts feed polls as they fall due and keeps the matcher in step with the audience."""

    def __init__(self, services: Services, fetcher: Fetcher) -> None:
        self.services = services
        self.fetcher = fetcher
        self.recorder = Recorder(services.config, services.store)
        self.publishers = Publishers.of(services.config.feeds)
        self.capacity = TASKS_PER_SLOT * fetcher.limits.max_concurrency
        self.lease = timedelta(seconds=fetcher.limits.total_timeout) + LEASE_SLACK
        self._config = services.config  # what _feeds, publishers and the recorder reflect
        self._feeds = {f.url: f for f in services.config.feeds}
        self._feeds_generation: int | None = None  # of the feeds added in chat
        self._audience = AudienceMatcher(services)
        self._running: dict[asyncio.Task[FeedReport], str] = {}
        self._unsaved: list[FeedState] = []  # 304s and failures, saved in one batch
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Task[object]] = set()  # poll tasks inside their fetch
        self._abandoned: set[asyncio.Task[object]] = set()  # ... that stop() cancelled
        self._dispatching = asyncio.Lock()
        self._more_due = False
        self._ticking = False
        self._synced = False
        self._surge: timedelta | None = None
        self._beat: datetime | None = None
        self._parsing = ThreadPoolExecutor(1, thread_name_prefix="parse")  # one is enough: GIL

    # ------------------------------------------------------------------ lifecycle

    def stop(self) -> None:
        """Start nothing more; abandon in-flight fetches (nothing is committed for them)."""
        self._stopping.set()
        for task in list(self._inflight):
            self._abandoned.add(task)
            task.cancel()

    async def close(self) -> None:
        """After `stop`: let the running tasks end, save what they left, free the threads."""
        await asyncio.gather(*self._running, return_exceptions=True)
        await self._save_batch(self.services.now())
        self._parsing.shutdown(wait=True)

    # ------------------------------------------------------------------ scheduling

    async def dispatch(self, now: datetime | None = None) -> list[asyncio.Task[FeedReport]]:
        """Start a task for every feed due by `now` that is not being polled, up to the
        task capacity; returns them. Never waits for a fetch."""
        now = now or self.services.now()
        async with self._dispatching:
            self.services.metrics.tick("poll dispatch")  # /healthz: the loop runs this job
            await self._housekeeping(now)
            room = self.capacity - len(self._running)
            if self._stopping.is_set() or room <= 0:
                return []
            db, store = self.services.db, self.services.store
            states = await db(store.claim_due_feeds, now + DISPATCH_SLACK, now, room, self.lease)
            self._more_due = len(states) == room
            if not states:
                return []
            await self._hand_back([s for s in states if s.url not in self._feeds], now)
            matcher = await self.matcher()
            return [self._start(self._feeds[s.url], s, now, matcher)
                    for s in states if s.url in self._feeds]

    async def tick(self, now: datetime | None = None) -> list[FeedReport]:
        """Poll every feed due at `now` and wait for all of them (tests, one-off runs)."""
        now = now or self.services.now()
        reports: list[FeedReport] = []
        self._ticking = True  # this loop starts the rest, not the tasks' refills
        try:
            while tasks := await self.dispatch(now):
                reports += await asyncio.gather(*tasks)
                await self._save_batch(now)
        finally:
            self._ticking = False
        await self._save_batch(now)
        return reports

    def _start(self, feed: FeedSpec, state: FeedState, now: datetime,
               matcher: Matcher) -> asyncio.Task[FeedReport]:
        task = asyncio.create_task(self.poll_feed(feed, state, now, matcher), name=feed.url)
        self._running[task] = feed.url
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[FeedReport]) -> None:
        self._running.pop(task, None)
        if task.cancelled():
            return
        if (error := task.exception()) is not None:
            log.error("polling %s failed: %r", task.get_name(), error)
        elif task.result().alerts:
            self.services.outbox_changed()  # deliver now, not at the next delivery tick
        # More feeds were due than there was room for: start them as room frees up.
        if self._more_due and not self._ticking and not self._stopping.is_set() and \
                len(self._running) <= self.capacity // 2:
            self._more_due = False
            asyncio.get_running_loop().create_task(self.dispatch())

    async def _follow_config(self) -> None:
        """Feeds added in chat, here or on another replica, join the running config; a config
        replaced since (OPML import, /event) gives its feeds and publishers to new polls."""
        services = self.services
        generation = await services.db(services.store.feeds_generation)
        if generation != self._feeds_generation:
            generation, rows = await services.db(services.store.chat_feeds_with_generation)
            services.config = with_chat_feeds(services.config, rows)
            self._feeds_generation = generation
        if services.config is not self._config:
            self._adopt(services.config)

    def _adopt(self, config: Config) -> None:
        urls = set(self._feeds)
        self._config = config
        self._feeds = {f.url: f for f in config.feeds}
        self.publishers = Publishers.of(config.feeds)
        self.recorder.config = config  # a plain attribute: its thread reads it per feed
        self._synced = self._synced and urls == set(self._feeds)

    async def _housekeeping(self, now: datetime) -> None:
        """Once: the config's feeds made the active ones. Each time: heartbeat, the batch
        of states saved, and surge's shorter interval applied when a surge begins."""
        db, store = self.services.db, self.services.store
        await self._follow_config()
        if not self._synced:
            added = await db(store.sync_feeds, list(self._feeds), now)
            self._synced = True
            if added:
                log.info("%d new feeds to poll", added)
        await self._heartbeat(now)
        await self._save_batch(now)
        if self.services.metrics.refresh_due("feed_lag"):
            self.services.metrics.set_feed_lag(await db(store.feed_lag, now))
        surge = surge_interval(self.services.config.events, now)
        if surge is not None and surge != self._surge:
            moved = await db(store.pull_forward, surge, now)
            log.info("surge: polling every %s; %d feeds brought forward", surge, moved)
        self._surge = surge

    async def _heartbeat(self, now: datetime) -> None:
        """`health` reads this: the poll loop is alive even when no feed is due."""
        if self._beat is None or now - self._beat >= HEARTBEAT_EVERY or now < self._beat:
            await self.services.db(self.services.store.set_meta, "heartbeat_at", now.isoformat(),
                                   now=now)
            self._beat = now

    async def _hand_back(self, states: list[FeedState], now: datetime) -> None:
        """Feeds leased but unknown here (added on another replica a moment ago, or dropped
        from this replica's config): give the lease back, due again shortly."""
        if states:
            log.info("%d due feeds are not in this process's config yet; handed back",
                     len(states))
            later = now + UNKNOWN_RETRY
            await self.services.db(self.services.store.save_feed_states,
                                   [dataclasses.replace(s, next_poll_at=later) for s in states])

    async def _save_batch(self, now: datetime) -> None:
        batch, self._unsaved = self._unsaved, []
        if not batch:
            return
        db, store = self.services.db, self.services.store
        try:
            await db(store.save_feed_states, batch)
        except Exception:  # one unstorable state must not cost the others
            log.exception("saving %d feed states failed; saving them one by one", len(batch))
            for state in batch:
                try:
                    await db(store.save_feed_states, [state])
                except Exception as err:  # noqa: BLE001 - dropped: due again after its lease
                    log.error("cannot save the state of %s: %s", state.url, err)
        await db(store.set_meta, "last_poll_at", now.isoformat(), now=now)

    async def matcher(self) -> Matcher:
        """The matcher over the topics and the active chats' watches, up to date."""
        return await self._audience.matcher(self.services.config)

    # ------------------------------------------------------------------ one feed

    async def poll_feed(self, feed: FeedSpec, state: FeedState, now: datetime,
                        matcher: Matcher) -> FeedReport:
        started = time.monotonic()
        result = await self._fetch(feed, state, now)
        if result is None:
            return FeedReport(feed, "cancelled")
        if result.outcome is Outcome.NOT_MODIFIED:
            report = FeedReport(feed, "not_modified", http_status="304")
            self._unsaved.append(self._ok_state(feed, state, result, now))
        elif result.failed:
            report = self._fail(feed, state, now, result.error or result.outcome.value,
                                result.retry_after, http_status_of(result), result.outcome.value)
        else:
            report = await self._ingest(feed, state, result, now, matcher)
        self.services.metrics.poll(report.outcome, report.reason)
        return dataclasses.replace(report, elapsed=time.monotonic() - started)

    async def _fetch(self, feed: FeedSpec, state: FeedState, now: datetime) -> FetchResult | None:
        if self._stopping.is_set():
            return None
        # In the poll's own task (most polls are 304s: no task per fetch); stop() cancels it.
        task = asyncio.current_task()
        assert task is not None, "polls run in tasks"
        self._inflight.add(task)
        try:
            return await self.fetcher.fetch(feed.url, etag=state.etag,
                                            last_modified=state.last_modified, now=now,
                                            suspect=state.failures > 0)
        except asyncio.CancelledError:
            if task in self._abandoned and task.uncancel() == 0:
                return None  # stop() abandoned it: nothing was committed for this feed
            raise
        finally:
            self._inflight.discard(task)
            self._abandoned.discard(task)

    async def _ingest(self, feed: FeedSpec, state: FeedState, result: FetchResult,
                      now: datetime, matcher: Matcher) -> FeedReport:
        try:
            parsed = await parse_feed_async(
                result.body or b"", content_type=result.content_type,
                origin=Origin.of(feed, self.publishers), now=now, executor=self._parsing,
            )
        except FeedError as err:
            self.services.metrics.parse_errors.inc()
            return self._fail(feed, state, now, f"not a usable feed: {err}", None,
                              http_status_of(result), "not_a_feed")
        if parsed.warning:
            log.warning("%s: feed parsed with a warning: %s", feed.name, parsed.warning)
        if self._stopping.is_set():
            return FeedReport(feed, "cancelled")
        new_state = dataclasses.replace(self._ok_state(feed, state, result, now),
                                        last_changed_at=now)
        done = await self.services.db(self.recorder.record, new_state, parsed.entries, now,
                                      matcher)
        self.services.metrics.recorded(done.new, done.alerts)
        if done.new:
            log.info("%s: %d new entries, %d alerts", feed.name, done.new, done.alerts)
        return FeedReport(feed, "ok", len(parsed.entries), done.new, done.alerts,
                          http_status=http_status_of(result))

    def _ok_state(self, feed: FeedSpec, state: FeedState, result: FetchResult,
                  now: datetime) -> FeedState:
        return dataclasses.replace(
            state, etag=result.etag, last_modified=result.last_modified,
            next_poll_at=next_poll_after_success(self.services.config, feed, now),
            last_polled_at=now, last_ok_at=now, failures=0, last_error=None,
            last_http_status=http_status_of(result),
        )

    def _fail(self, feed: FeedSpec, state: FeedState, now: datetime, error: str,
              retry_after: timedelta | None, http_status: str | None,
              reason: str) -> FeedReport:
        failures = state.failures + 1
        new_state = dataclasses.replace(
            state, failures=failures, last_error=error, last_http_status=http_status,
            last_polled_at=now,
            next_poll_at=next_poll_after_failure(self.services.config, feed, failures,
                                                 retry_after, now),
        )
        log.warning("%s: %s (failure %d in a row, next try %s)", feed.name, error, failures,
                    new_state.next_poll_at.isoformat() if new_state.next_poll_at else "?")
        self._unsaved.append(new_state)
        return FeedReport(feed, "failed", error=error, http_status=http_status, reason=reason)
