"""Who hears what: given the matched entries one poll records, the topic statuses they
moved, who listens and what each chat already holds, decide every new message, every edit
and every silence. Pure: no I/O, no clock; the store runs it inside the poll's transaction.

The rules, in order:
1. Only listeners (active chats) hear anything; a stopped or deactivated chat is absent.
   A chat that muted a topic for now (the 🔕 button under an alert) gets no alerts for that
   topic meanwhile: they are dropped, not held. The whole-chat /mute is a pause ("hold
   alerts for a while") and delivers what it held; a topic mute is a judgement ("not this
   topic today"), and a day's backlog of it arriving when the mute ends would undo the
   press. Nothing that matters is lost: its watches still alert, and status changes
   (rule 2) still reach it, as they break through quiet hours.
2. A status change reaches every current follower of its topic once: holders of its
   notice get an edit, followers without one (late followers) a new notice with the
   current state. Holders who unfollowed are left alone.
3. A follower told of a report by the status notice gets no second message about it,
   whatever else matched (the console prints its line per entry and the notice both).
4. A report of a story a chat already holds an alert about edits that alert ("also:")
   unless its publisher is already named there; otherwise it is a new alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.model import Entry, MatchResult, NewAlert, NewNotice
from bot.model.routing import Audience, HeldStory, NoticeEdit, StatusNotice, StoryEdit


@dataclass(frozen=True, slots=True)
class Report:
    """A matched entry this commit recorded, and the story it belongs to."""

    key: str
    entry_id: int
    cluster_id: int
    entry: Entry
    result: MatchResult

    @property
    def new_story(self) -> bool:
        return self.cluster_id == self.entry_id


@dataclass
class Routing:
    """The decisions: new alerts, edits of held alerts, new notices, notice edits."""

    alerts: list[NewAlert] = field(default_factory=list)
    story_edits: list[StoryEdit] = field(default_factory=list)
    notices: list[NewNotice] = field(default_factory=list)
    notice_edits: list[NoticeEdit] = field(default_factory=list)


def route(reports: Sequence[Report], statuses: Sequence[StatusNotice], audience: Audience,
          held: Mapping[tuple[int, int], HeldStory],
          holders: Mapping[str, frozenset[int]]) -> Routing:
    """The whole decision for one commit (see the module docstring for the rules)."""
    routing = Routing()
    told = _status_notices(statuses, audience, holders, routing)
    stories = _Stories(held)
    for report in reports:
        for sub, why in _recipients(report, audience, told).items():
            stories.deliver(sub, report, why)
    routing.alerts, routing.story_edits = stories.result()
    return routing


def _status_notices(statuses: Sequence[StatusNotice], audience: Audience,
                    holders: Mapping[str, frozenset[int]],
                    routing: Routing) -> dict[str, set[int]]:
    """Rule 2; returns, per entry key, the chats the notices told of that entry."""
    final: dict[str, StatusNotice] = {}
    for notice in statuses:
        final[notice.key] = notice  # several reports in one commit: the last state wins
    told: dict[str, set[int]] = {}
    for notice in statuses:
        told.setdefault(notice.entry_key, set()).update(_chat_followers(audience, notice.topic_id))
    for key, notice in final.items():
        followers = set(audience.followers(notice.topic_id))
        holding = holders.get(key, frozenset()) & followers
        if holding:
            routing.notice_edits.append(NoticeEdit(key, frozenset(holding), notice.payload))
        routing.notices += [NewNotice(sub, key, "status", notice.payload)
                            for sub in sorted(followers - holding)]
    return told


def _chat_followers(audience: Audience, topic_id: str) -> list[int]:
    """Followers the notice tells of the report: the console prints each entry anyway."""
    return [s for s in audience.followers(topic_id) if not audience.listeners[s].console]


def _recipients(report: Report, audience: Audience,
                told: Mapping[str, set[int]]) -> dict[int, dict[str, Any]]:
    """Rules 1 and 3: who gets this entry and why (topics, watches, matched words)."""
    result, silenced = report.result, told.get(report.key, set())
    why: dict[int, dict[str, Any]] = {}
    for topic in result.topics:
        for sub in audience.hearers(topic):
            if sub not in silenced:
                reasons = why.setdefault(sub, _reasons())
                reasons["topics"].append(topic)
                _add_terms(reasons, result.topic_terms.get(topic, ()))
    for hit in result.watches:
        sub, watch_id = hit.key if isinstance(hit.key, tuple) else (None, None)
        if sub in audience.listeners and watch_id in audience.watch_ids and sub not in silenced:
            reasons = why.setdefault(sub, _reasons())
            reasons["watches"].append(hit.query)
            _add_terms(reasons, hit.terms)
    for reasons in why.values():  # the status speaks of topics, not of watches
        reasons["status"] = result.status if reasons["topics"] else None
        _add_concepts(reasons, result)
    return why


def _add_concepts(reasons: dict[str, Any], result: MatchResult) -> None:
    """why["concepts"], aligned with why["topics"]: the concepts each topic matched by
    ("agreement + security guarantees + belarus", "" for none); absent if none did."""
    concepts = [" + ".join(result.topic_concepts.get(t, ())) for t in reasons["topics"]]
    if any(concepts):
        reasons["concepts"] = concepts


def _reasons() -> dict[str, Any]:
    return {"topics": [], "watches": [], "terms": []}


def _add_terms(reasons: dict[str, Any], terms: Iterable[str]) -> None:
    for term in terms:
        if term not in reasons["terms"]:
            reasons["terms"].append(term)


class _Stories:
    """Rule 4, across the reports of one commit: one alert per chat and story."""

    def __init__(self, held: Mapping[tuple[int, int], HeldStory]) -> None:
        self.held = held
        self.new: dict[tuple[int, int], tuple[NewAlert, str]] = {}  # alert, its publisher
        self.edited: dict[int, dict[str, Any]] = {}  # held row id -> new why

    def deliver(self, sub: int, report: Report, why: dict[str, Any]) -> None:
        pair, publisher = (sub, report.cluster_id), report.entry.publisher
        if pair in self.new:
            alert, own = self.new[pair]
            _also(alert.why, own, report.entry)
        elif not report.new_story and pair in self.held:
            row = self.held[pair]
            current = self.edited.get(row.row_id) or dict(row.why)
            if _also(current, row.publisher, report.entry):
                self.edited[row.row_id] = current
        else:
            self.new[pair] = (NewAlert(report.key, sub, why), publisher)

    def result(self) -> tuple[list[NewAlert], list[StoryEdit]]:
        alerts = [alert for alert, _ in self.new.values()]
        return alerts, [StoryEdit(row_id, why) for row_id, why in self.edited.items()]


def _also(why: dict[str, Any], own_publisher: str, entry: Entry) -> bool:
    """Name `entry`'s publisher under "also" unless the alert already names it."""
    also = list(why.get("also") or [])
    named = {own_publisher} | {a.get("publisher") or a.get("feed") for a in also}
    if entry.publisher in named:
        return False
    also.append({"publisher": entry.publisher, "title": entry.title, "link": entry.link})
    why["also"] = also
    return True
