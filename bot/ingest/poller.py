"""One poll tick, straight down: due feeds, fetch, parse, dedupe, match, outbox.

Each feed is committed in its own transaction (entries marked seen together with their
alerts), so one bad feed never stops the others and a crash never half-records a feed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import FeedSpec
from bot.ingest.feedparse import FeedError, parse_feed_async
from bot.ingest.fetch import Fetcher
from bot.ingest.identity import entry_keys, primary_key
from bot.ingest.outcome import FetchResult, Outcome
from bot.ingest.schedule import (
    backlog_cutoff,
    due_feeds,
    next_poll_after_failure,
    next_poll_after_success,
    tick_interval,
)
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher
from bot.model import Entry, FeedState, MatchResult, NewAlert, NewEntry
from bot.services import Services
from bot.store import CONSOLE_CHAT_ID
from bot.summit.clusters import Signature, signature
from bot.summit.stories import StoryTracker

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
    """Runs poll ticks for one Services; the matcher is rebuilt when watches change."""

    def __init__(self, services: Services, fetcher: Fetcher) -> None:
        self.services = services
        self.fetcher = fetcher
        self._matcher: Matcher | None = None
        self._stopping = asyncio.Event()
        self._inflight: set[asyncio.Future[FetchResult]] = set()
        self._beat: datetime | None = None
        self._batch: list[FeedState] = []
        self._record_lock = threading.Lock()
        self._console: int | None = None
        self.stories = StoryTracker(services.config, services.store)

    def invalidate_matcher(self) -> None:
        self._matcher = None

    def stop(self) -> None:
        """Abandon in-flight fetches: nothing is committed for them, so nothing is lost."""
        self._stopping.set()
        for fetch in list(self._inflight):
            fetch.cancel()

    async def matcher(self) -> Matcher:
        if self._matcher is None:
            watches = await asyncio.to_thread(self.services.store.all_active_watches)
            self._matcher = build_matcher(
                self.services.config, [((w.subscriber_id, w.id), w.query) for w in watches]
            )
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
                feed_name=feed.name, feed_url=feed.url, lang=feed.lang,
            )
        except FeedError as err:
            return await self._fail(feed, state, now, f"not a usable feed: {err}", None, _http_status(result))
        if parsed.warning:
            log.warning("%s: feed parsed with a warning: %s", feed.name, parsed.warning)
        if self._stopping.is_set():
            return FeedReport(feed, "cancelled")
        new_state = self._ok_state(feed, state, result, now)
        commit = await asyncio.to_thread(self._record, new_state, parsed.entries, now, matcher)
        if commit[0]:
            log.info("%s: %d new entries, %d alerts", feed.name, commit[0], commit[1])
        return FeedReport(feed, "ok", len(parsed.entries), commit[0], commit[1], http_status=_http_status(result))

    def _record(self, state: FeedState, entries: Sequence[Entry], now: datetime, matcher: Matcher) -> tuple[int, int]:
        """Dedupe, cluster, match and commit one feed's entries (runs in a worker thread).

        One feed at a time: story clusters and topic statuses are shared across feeds, and
        each decision must see the previous feed's commit.
        """
        with self._record_lock:
            return self._record_locked(state, entries, now, matcher)

    def _record_locked(self, state: FeedState, entries: Sequence[Entry], now: datetime,
                       matcher: Matcher) -> tuple[int, int]:
        store = self.services.store
        self.stories.index(now)  # rebuilt from the store once, on the first feed after start
        keyed = [(e, entry_keys(e)) for e in entries]
        known = store.known_keys(k for _, keys in keyed for k in keys)
        fresh = [(e, keys) for e, keys in keyed if not known.intersection(keys)]
        new_entries: list[NewEntry] = []
        matches: list[tuple[str, MatchResult]] = []
        reports: list[tuple[str, Entry, MatchResult]] = []
        signatures: dict[str, tuple[Signature, Entry, int | None]] = {}
        for entry, keys in fresh:
            result = matcher.match(entry.title, entry.summary, at=entry.published or now)
            key = primary_key(entry)
            cluster = None
            if self._may_alert(entry, state, now):  # a new feed's backlog is not news
                sig = signature(entry.title, entry.summary)
                cluster = self.stories.cluster_of(sig, entry, now)
                signatures[key] = (sig, entry, cluster)
                if result.any:
                    matches.append((key, result))
                    reports.append((key, entry, result))
            new_entries.append(NewEntry(key, keys, entry, result.status, result.topics, cluster_id=cluster))
        changes = self.stories.status_changes(reports, now)
        alerts = self._route(matches, frozenset(changes.absorbed)) if matches else []
        saved = store.commit_poll(dataclasses.replace(state, primed=True), new_entries, alerts,
                                  now=now, **changes.as_kwargs())
        for key, entry_id in saved.entry_ids.items():
            if key in signatures:
                sig, entry, cluster = signatures[key]
                self.stories.remember(entry_id, cluster, sig, entry, now)
        # Merged into an earlier alert of the same story counts as an alert too (it is edited).
        return saved.inserted, len(saved.outbox_ids) + len(saved.outbox_updated)

    def _console_id(self) -> int | None:
        if self._console is None:
            console = self.services.store.find_subscriber(CONSOLE_CHAT_ID)
            self._console = console.id if console else -1
        return self._console

    def _may_alert(self, entry: Entry, state: FeedState, now: datetime) -> bool:
        """A new feed's backlog is recorded silently (unless `backfill` lets recent entries
        through), and so is anything older than retention, whose keys may be pruned."""
        config = self.services.config
        if not state.primed:
            cutoff = backlog_cutoff(config, now)
            return cutoff is not None and entry.published is not None and entry.published >= cutoff
        return entry.published is None or entry.published >= now - config.retention

    def _route(self, matches: Sequence[tuple[str, MatchResult]],
               absorbed: frozenset[tuple[str, str]] = frozenset()) -> list[NewAlert]:
        """One alert per (subscriber, entry), merging every topic and watch that matched.

        A (entry, topic) in `absorbed` moved its topic's status: a chat following that topic
        learns of the report from the breaking status message (sent or edited) and gets no
        second message about it, whatever else matched. The console keeps its line per entry.
        """
        topic_ids = {t for _, r in matches for t in r.topics}
        followers = self.services.store.followers_by_topic(topic_ids) if topic_ids else {}
        console = self._console_id()
        alerts: list[NewAlert] = []
        for key, result in matches:
            why: dict[int, dict[str, list[str]]] = {}
            told = {sub for topic in result.topics if (key, topic) in absorbed
                    for sub in followers.get(topic, ()) if sub != console}
            for topic in result.topics:
                for sub in followers.get(topic, ()):
                    if sub in told:
                        continue
                    reasons = why.setdefault(sub, {"topics": [], "watches": [], "terms": []})
                    reasons["topics"].append(topic)
                    _add_terms(reasons, result.topic_terms.get(topic, ()))
            for hit in result.watches:
                owner = hit.key[0] if isinstance(hit.key, tuple) else None  # (subscriber, watch)
                if isinstance(owner, int) and owner not in told:
                    reasons = why.setdefault(owner, {"topics": [], "watches": [], "terms": []})
                    reasons["watches"].append(hit.query)
                    _add_terms(reasons, hit.terms)
            for sub, reasons in why.items():
                status = result.status if reasons["topics"] else None  # status speaks of topics
                _add_concepts(reasons, result)
                alerts.append(NewAlert(key, sub, {**reasons, "status": status}))
        return alerts

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


def _add_concepts(reasons: dict[str, list[str]], result: MatchResult) -> None:
    """why["concepts"], aligned with why["topics"]: the concepts each topic matched by
    ("agreement + security guarantees + belarus", "" for none); absent if none did."""
    concepts = [" + ".join(result.topic_concepts.get(t, ())) for t in reasons["topics"]]
    if any(concepts):
        reasons["concepts"] = concepts


def _add_terms(reasons: dict[str, list[str]], terms: Sequence[str]) -> None:
    for term in terms:
        if term not in reasons["terms"]:
            reasons["terms"].append(term)
