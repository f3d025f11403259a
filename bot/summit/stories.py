"""Cross-entry state of the poll pipeline: which story (cluster) a new entry belongs to,
and how its reports move topic statuses (the status notices routing then delivers).

Everything it decides is written by `commit_poll` in the entries' own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.model import Entry, MatchResult, TimelineRow, TopicStatusRow
from bot.model.routing import StatusNotice
from bot.store import Store
from bot.summit.clusters import Candidate, ClusterIndex, Signature, signature
from bot.summit.timeline import Report, TopicStatus, apply


@dataclass
class StatusChanges:
    """What one poll commit must also write about topic statuses, and the notices that
    tell followers (one per report that broke or confirmed a status)."""

    topic_updates: list[TopicStatusRow] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    notices: list[StatusNotice] = field(default_factory=list)


def status_key(topic_id: str, status: str) -> str:
    return f"status:{topic_id}:{status}"


class StoryTracker:
    """Clusters and statuses across feeds. Not thread-safe: the pipeline serialises calls."""

    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self._index: ClusterIndex | None = None

    def index(self, now: datetime) -> ClusterIndex:
        """The cluster index, rebuilt from stored entries after a restart."""
        if self._index is None:
            self._index = ClusterIndex()
            for row in self.store.cluster_candidates(now - self.config.cluster_window):
                self._index.add(Candidate(row.cluster_id or row.entry_id,
                                          signature(row.title, row.summary),
                                          row.published or row.seen_at, row.feed))
        return self._index

    def cluster_of(self, sig: Signature, entry: Entry, now: datetime) -> int | None:
        return self.index(now).assign(sig, entry.published or now, entry.feed,
                                      self.config.cluster_window)

    def remember(self, entry_id: int, cluster_id: int | None, sig: Signature, entry: Entry,
                 now: datetime) -> None:
        index = self.index(now)
        index.add(Candidate(cluster_id or entry_id, sig, entry.published or now, entry.feed))
        index.prune(now - self.config.cluster_window * 2)

    def status_changes(self, reports: Sequence[tuple[str, Entry, MatchResult]],
                       stored: Mapping[str, TopicStatusRow], now: datetime) -> StatusChanges:
        """Apply each entry's reported status to its topics, in order, starting from the
        `stored` statuses (read, and locked, by the commit that will write the result)."""
        changes = StatusChanges()
        current = {k: TopicStatus(v.topic_id, v.status, v.since, v.sources, v.confirmed)
                   for k, v in stored.items()}
        for key, entry, result in reports:
            if result.status is None:
                continue
            for topic in result.topics:
                state = current.get(topic) or TopicStatus(topic)
                decision = apply(state, Report(topic, result.status, entry.publisher,
                                               entry.published, now), self.config.confirmations)
                if decision.kind == "ignore":
                    continue
                current[topic] = decision.new
                self._record(changes, decision.kind == "breaking", decision.new, key, entry)
        return changes

    def _record(self, changes: StatusChanges, breaking: bool, new: TopicStatus, key: str,
                entry: Entry) -> None:
        assert new.status is not None and new.since is not None
        changes.topic_updates.append(
            TopicStatusRow(new.topic_id, new.status, new.since, new.sources, new.confirmed))
        changes.timeline.append(TimelineRow(new.topic_id, new.status, new.since,
                                            entry.publisher, key, entry.title, entry.link))
        first = (entry.title, entry.link) if breaking else self._first_report(new, changes)
        changes.notices.append(StatusNotice(key, new.topic_id, status_key(new.topic_id, new.status),
                                            self._payload(new, first)))

    def _first_report(self, status: TopicStatus,
                      changes: StatusChanges) -> tuple[str, str | None] | None:
        """The headline that broke this status: in this batch, else in the stored timeline."""
        stored = reversed(self.store.timeline(status.topic_id, limit=50))  # oldest first
        rows = [r for r in stored if r.status == status.status]
        rows += [r for r in changes.timeline
                 if r.topic_id == status.topic_id and r.status == status.status]
        return (rows[0].title, rows[0].link) if rows else None

    def _payload(self, status: TopicStatus,
                 first: tuple[str, str | None] | None) -> dict[str, Any]:
        topic = self.config.topic(status.topic_id)
        payload: dict[str, Any] = {
            "topic_id": status.topic_id, "topic_title": topic.title if topic else status.topic_id,
            "status": status.status, "sources": list(status.sources),
            "confirmed": status.confirmed, "needed": self.config.confirmations,
        }
        if first is not None:
            payload.update(title=first[0], link=first[1])
        return payload
