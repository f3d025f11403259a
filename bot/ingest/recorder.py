"""Recording one feed's parsed entries, straight down: drop what was seen, match, file each
entry under a story, then commit the entries with what routing decides, in one transaction.

Runs in a worker thread, one feed at a time: stories and topic statuses are shared across
feeds, and each decision must see the previous feed's commit.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config import Config
from bot.delivery.routing import Report, route
from bot.ingest.identity import entry_keys
from bot.ingest.schedule import backlog_cutoff
from bot.matching.matcher import Matcher
from bot.model import Entry, FeedState, MatchResult, NewEntry
from bot.model.routing import PollPlan, PollView
from bot.store import Store
from bot.store.entries import Planner
from bot.summit.clusters import Signature, signature
from bot.summit.stories import StoryTracker


@dataclass(frozen=True, slots=True)
class Recorded:
    """What recording one feed's entries did."""

    new: int = 0  # entries recorded for the first time
    alerts: int = 0  # outbox rows written or edited


@dataclass(frozen=True, slots=True)
class _Candidate:
    key: str
    entry: Entry
    result: MatchResult
    signature: Signature | None  # None: recorded silently (backlog, too old)
    cluster: int | None


class Recorder:
    """Owns the story index; `record` is called from worker threads, one at a time."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.stories = StoryTracker(config, store)
        self._lock = threading.Lock()

    def record(self, state: FeedState, entries: Sequence[Entry], now: datetime,
               matcher: Matcher) -> Recorded:
        with self._lock:
            self.stories.index(now)  # rebuilt from the store once, on the first feed
            keyed = [(e, entry_keys(e)) for e in entries]
            candidates, new_entries = self._candidates(state, keyed, now, matcher)
            listed = [k for _, keys in keyed for k in keys]
            saved = self.store.commit_poll(dataclasses.replace(state, primed=True), new_entries,
                                           now=now, plan=self._planner(candidates, now),
                                           listed=listed)
            for candidate in candidates:
                entry_id = saved.entry_ids.get(candidate.key)
                if entry_id is not None and candidate.signature is not None:
                    self.stories.remember(entry_id, candidate.cluster, candidate.signature,
                                          candidate.entry, now)
        # An alert edited to add a report counts too: its chat hears of the entry.
        return Recorded(saved.inserted, len(saved.outbox_ids) + len(saved.outbox_updated))

    def _candidates(self, state: FeedState, keyed: Sequence[tuple[Entry, tuple[str, ...]]],
                    now: datetime, matcher: Matcher) -> tuple[list[_Candidate], list[NewEntry]]:
        """Entries (with their identity keys) none of whose keys was seen, matched and filed
        under a story."""
        known = self.store.known_keys(k for _, keys in keyed for k in keys)
        candidates: list[_Candidate] = []
        new_entries: list[NewEntry] = []
        for entry, keys in keyed:
            if known.intersection(keys):
                continue
            result = matcher.match_entry(entry, at=entry.published or now)
            key, sig, cluster = keys[0], None, None  # the primary key (identity.primary_key)
            if self._may_alert(entry, state, now):  # a new feed's backlog is not news
                sig = signature(entry.title, entry.summary)
                cluster = self.stories.cluster_of(sig, entry, now)
            candidates.append(_Candidate(key, entry, result, sig, cluster))
            new_entries.append(NewEntry(key, keys, entry, result.status, result.topics,
                                        cluster_id=cluster))
        return candidates, new_entries

    def _may_alert(self, entry: Entry, state: FeedState, now: datetime) -> bool:
        """A new feed's backlog is recorded silently (unless `backfill` lets recent entries
        through), and so is anything older than retention, whose keys may be pruned."""
        if not state.primed:
            cutoff = backlog_cutoff(self.config, now)
            return cutoff is not None and entry.published is not None and entry.published >= cutoff
        return entry.published is None or entry.published >= now - self.config.retention

    def _planner(self, candidates: Sequence[_Candidate], now: datetime) -> Planner:
        matched = [c for c in candidates if c.signature is not None and c.result.any]

        def plan(view: PollView) -> PollPlan:
            """Inside the commit: statuses, audience and held alerts read there, then route."""
            reports = [Report(c.key, ins.id, ins.cluster_id, ins.entry, c.result)
                       for c in matched if (ins := view.inserted.get(c.key)) is not None]
            if not reports:
                return PollPlan()
            changes = self.stories.status_changes(
                [(r.key, r.entry, r.result) for r in reports], view.topic_statuses(), now)
            watch_ids = {hit.key[1] for r in reports for hit in r.result.watches
                         if isinstance(hit.key, tuple)}
            old_stories = {r.cluster_id for r in reports if not r.new_story}
            routing = route(
                reports, changes.notices, view.audience(watch_ids),
                view.held_stories(old_stories) if old_stories else {},
                view.notice_holders(n.key for n in changes.notices),
            )
            return PollPlan(tuple(routing.alerts), tuple(routing.story_edits),
                            tuple(routing.notices), tuple(routing.notice_edits),
                            tuple(changes.topic_updates), tuple(changes.timeline))

        return plan
