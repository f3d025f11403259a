"""What routing decides from, and what it decides: the chats listening when a poll commits
(its audience), the alerts chats already hold about a story, and the plan one poll commit
writes. The store builds the inputs inside the commit's transaction and applies the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.model.news import Entry
from bot.model.records import NewAlert, NewNotice, TimelineRow, TopicStatusRow


@dataclass(frozen=True, slots=True)
class ChatControls:
    """What the buttons under a chat's alerts act on: its running topic mutes (topic id ->
    until when) and its watches (query text -> watch id)."""

    topic_mutes: Mapping[str, datetime] = field(default_factory=dict)
    watches: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Listener:
    """An active chat as routing sees it; stopped and deactivated chats are not listeners."""

    id: int
    unfollowed: frozenset[str] = frozenset()  # topics the chat turned off
    console: bool = False  # the console subscriber: one line per matched entry, always
    muted: frozenset[str] = frozenset()  # topics muted for now: their alerts are dropped

    def follows(self, topic_id: str) -> bool:
        return topic_id not in self.unfollowed

    def hears(self, topic_id: str) -> bool:
        """Follows the topic and has not muted it for now."""
        return topic_id not in self.unfollowed and topic_id not in self.muted


@dataclass(frozen=True, slots=True)
class Audience:
    """Who listens at the moment of the commit: the active chats and their live watches."""

    listeners: Mapping[int, Listener] = field(default_factory=dict)
    watch_ids: frozenset[int] = frozenset()  # watches that still exist, of active chats

    def followers(self, topic_id: str) -> list[int]:
        """Active chats following the topic, console included, by id."""
        return sorted(i for i, ln in self.listeners.items() if ln.follows(topic_id))

    def hearers(self, topic_id: str) -> list[int]:
        """The followers that have not muted the topic for now, by id."""
        return sorted(i for i, ln in self.listeners.items() if ln.hears(topic_id))


@dataclass(frozen=True, slots=True)
class HeldStory:
    """The alert a chat already holds about a story; later reports of it edit this alert."""

    row_id: int
    subscriber_id: int
    cluster_id: int
    publisher: str  # who published the alert's own entry: never listed again as "also"
    why: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Inserted:
    """An entry this commit recorded: its row id, its story, its text."""

    id: int
    cluster_id: int
    entry: Entry


@dataclass(frozen=True, slots=True)
class StatusNotice:
    """A topic status a report broke or confirmed: the notice `key` and its current state.
    Every current follower of the topic is told through it (see delivery.routing)."""

    entry_key: str
    topic_id: str
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoryEdit:
    """An alert already queued or sent gains later reports (`why` replaces the old one)."""

    row_id: int
    why: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoticeEdit:
    """A notice's new payload, for the chats among its holders that should see it."""

    key: str
    subscriber_ids: frozenset[int]
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PollPlan:
    """Everything one poll commit writes besides the entries and the feed state."""

    alerts: tuple[NewAlert, ...] = ()
    story_edits: tuple[StoryEdit, ...] = ()
    notices: tuple[NewNotice, ...] = ()
    notice_edits: tuple[NoticeEdit, ...] = ()
    topic_updates: tuple[TopicStatusRow, ...] = ()
    timeline: tuple[TimelineRow, ...] = ()


class PollView(Protocol):
    """What a planner may read inside the poll's transaction (the store implements it)."""

    @property
    def inserted(self) -> Mapping[str, Inserted]: ...  # by primary key

    def topic_statuses(self) -> dict[str, TopicStatusRow]: ...

    def audience(self, watch_ids: Iterable[int]) -> Audience: ...

    def held_stories(self, cluster_ids: Iterable[int]) -> dict[tuple[int, int], HeldStory]: ...

    def notice_holders(self, keys: Iterable[str]) -> dict[str, frozenset[int]]: ...
