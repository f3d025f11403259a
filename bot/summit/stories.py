"""Cross-entry state of the poll pipeline: which story (cluster) a new entry belongs to,
and how topic statuses move, with the breaking alerts and in-place edits that follow.

Everything it decides is written by `commit_poll` in the entries' own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.model import Entry, MatchResult, NewNotice, TimelineRow, TopicStatusRow
from bot.store import Store
from bot.summit.clusters import Candidate, ClusterIndex, Signature, signature
from bot.summit.timeline import Report, TopicStatus, apply


@dataclass
class StatusChanges:
    """What one poll commit must also write about topic statuses."""

    topic_updates: list[TopicStatusRow] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)
    notices: list[NewNotice] = field(default_factory=list)
    notice_updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # (entry key, topic) pairs whose report moved or confirmed the topic's status.
    absorbed: set[tuple[str, str]] = field(default_factory=set)

    def as_kwargs(self) -> dict[str, Any]:
        return {"topic_updates": self.topic_updates, "timeline": self.timeline,
                "notices": self.notices, "notice_updates": self.notice_updates}


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
                self._index.add(Candidate(row.cluster_id or row.entry_id, signature(row.title, row.summary),
                                          row.published or row.seen_at, row.feed))
        return self._index

    def cluster_of(self, sig: Signature, entry: Entry, now: datetime) -> int | None:
        return self.index(now).assign(sig, entry.published or now, entry.feed, self.config.cluster_window)

    def remember(self, entry_id: int, cluster_id: int | None, sig: Signature, entry: Entry, now: datetime) -> None:
        index = self.index(now)
        index.add(Candidate(cluster_id or entry_id, sig, entry.published or now, entry.feed))
        index.prune(now - self.config.cluster_window * 2)

    def status_changes(self, reports: Sequence[tuple[str, Entry, MatchResult]], now: datetime) -> StatusChanges:
        """Apply each entry's reported status to its topics, in order."""
        changes = StatusChanges()
        reports = [r for r in reports if r[2].status and r[2].topics]
        if not reports:
            return changes
        current = {k: TopicStatus(v.topic_id, v.status, v.since, v.sources, v.confirmed)
                   for k, v in self.store.topic_statuses().items()}
        for key, entry, result in reports:
            assert result.status is not None
            for topic in result.topics:
                state = current.get(topic) or TopicStatus(topic)
                decision = apply(state, Report(topic, result.status, entry.feed, entry.published, now),
                                 self.config.confirmations)
                if decision.kind == "ignore":
                    continue
                current[topic] = new = decision.new
                self._record(changes, decision.kind, new, key, entry)
                changes.absorbed.add((key, topic))
        return changes

    def _record(self, changes: StatusChanges, kind: str, new: TopicStatus, key: str, entry: Entry) -> None:
        assert new.status is not None and new.since is not None
        changes.topic_updates.append(TopicStatusRow(new.topic_id, new.status, new.since, new.sources, new.confirmed))
        changes.timeline.append(TimelineRow(new.topic_id, new.status, new.since, entry.feed, key, entry.title, entry.link))
        notice_key = status_key(new.topic_id, new.status)
        first = (entry.title, entry.link) if kind == "breaking" else self._first_report(new, changes)
        payload = self._payload(new, first)
        if kind == "breaking":
            followers = self.store.followers_by_topic([new.topic_id]).get(new.topic_id, ())
            changes.notices += [NewNotice(sub, notice_key, "status", payload) for sub in followers]
        else:
            changes.notice_updates.append((notice_key, payload))

    def _first_report(self, status: TopicStatus, changes: StatusChanges) -> tuple[str, str | None] | None:
        """The headline that broke this status: in this batch, else in the stored timeline."""
        stored = reversed(self.store.timeline(status.topic_id, limit=50))  # oldest first
        rows = [r for r in stored if r.status == status.status]
        rows += [r for r in changes.timeline if r.topic_id == status.topic_id and r.status == status.status]
        return (rows[0].title, rows[0].link) if rows else None

    def _payload(self, status: TopicStatus, first: tuple[str, str | None] | None) -> dict[str, Any]:
        topic = self.config.topic(status.topic_id)
        payload: dict[str, Any] = {
            "topic_id": status.topic_id, "topic_title": topic.title if topic else status.topic_id,
            "status": status.status, "sources": list(status.sources), "confirmed": status.confirmed,
            "needed": self.config.confirmations,
        }
        if first is not None:
            payload.update(title=first[0], link=first[1])
        return payload
