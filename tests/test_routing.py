"""Routing, the pure decision of who hears what: every subscriber state against a report,
a status change and a story, table-driven. Nothing here touches a store or a clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.delivery.routing import Report, Routing, route
from bot.model import Entry, MatchResult, WatchHit
from bot.model.routing import Audience, HeldStory, Listener, StatusNotice

TOPIC = "treaty"
NOTICE = f"status:{TOPIC}:signed"
PAYLOAD = {"topic_id": TOPIC, "status": "signed", "sources": ["BelTA", "TASS"]}


def entry(publisher: str = "TASS", title: str = "Treaty signed") -> Entry:
    return Entry(feed=publisher, feed_url=f"https://{publisher.lower()}.example/rss",
                 title=title, link=f"https://{publisher.lower()}.example/1", summary="",
                 publisher=publisher)


def report(key: str = "k1", *, entry_id: int = 10, cluster: int = 10, topics: tuple[str, ...] = (TOPIC,),
           watches: tuple[tuple[int, int], ...] = (), publisher: str = "TASS") -> Report:
    hits = tuple(WatchHit((sub, wid), "treaty", ("treaty",)) for sub, wid in watches)
    result = MatchResult(topics=topics, watches=hits, terms=("treaty",), status="signed",
                         topic_terms={t: ("treaty",) for t in topics})
    return Report(key, entry_id, cluster, entry(publisher), result)


@dataclass(frozen=True)
class Chat:
    """One subscriber in a state; `None` fields mean "not in that state"."""

    id: int
    active: bool = True
    follows: bool = True
    console: bool = False
    watch: int | None = None  # the id of its watch on "treaty"
    watch_live: bool = True
    holds_notice: bool = False
    holds_story: bool = False
    muted: bool = False  # muted the topic for now (the alert's 🔕 button)


def audience_of(chats: list[Chat]) -> Audience:
    listeners = {c.id: Listener(c.id, frozenset() if c.follows else frozenset({TOPIC}), c.console,
                                frozenset({TOPIC}) if c.muted else frozenset())
                 for c in chats if c.active}
    live = frozenset(c.watch for c in chats if c.watch is not None and c.watch_live and c.active)
    return Audience(listeners, live)


@dataclass
class Case:
    chat: Chat
    with_status: bool = False  # the report confirms the topic's status
    old_story: bool = False  # the report joins a story (cluster 1) chats may hold
    expect: str = ""  # what the chat gets: alert, story-edit, notice, notice-edit, nothing
    reasons: dict[str, Any] = field(default_factory=dict)


CASES = {
    "active-follower-alert": Case(Chat(1), expect="alert", reasons={"topics": [TOPIC]}),
    "stopped-follower-nothing": Case(Chat(1, active=False), expect="nothing"),
    "deactivated-holder-nothing": Case(Chat(1, active=False, holds_notice=True),
                                       with_status=True, expect="nothing"),
    "unfollowed-topic-nothing": Case(Chat(1, follows=False), expect="nothing"),
    "watch-only-alert": Case(Chat(1, follows=False, watch=7), expect="alert",
                             reasons={"watches": ["treaty"], "topics": []}),
    "removed-watch-nothing": Case(Chat(1, follows=False, watch=7, watch_live=False),
                                  expect="nothing"),
    "stopped-watch-owner-nothing": Case(Chat(1, active=False, follows=False, watch=7),
                                        expect="nothing"),
    "follower-and-watch-one-alert": Case(Chat(1, watch=7), expect="alert",
                                         reasons={"topics": [TOPIC], "watches": ["treaty"]}),
    "late-follower-new-notice": Case(Chat(1), with_status=True, expect="notice"),
    "holder-gets-edit": Case(Chat(1, holds_notice=True), with_status=True,
                             expect="notice-edit"),
    "holder-who-unfollowed-nothing": Case(Chat(1, follows=False, holds_notice=True),
                                          with_status=True, expect="nothing"),
    "watcher-told-by-notice-no-alert": Case(Chat(1, watch=7), with_status=True,
                                            expect="notice"),
    "watcher-not-following-gets-alert": Case(Chat(1, follows=False, watch=7),
                                             with_status=True, expect="alert"),
    "holder-of-story-gets-edit": Case(Chat(1, holds_story=True), old_story=True,
                                      expect="story-edit"),
    "no-story-held-new-alert": Case(Chat(1), old_story=True, expect="alert"),
    "stopped-story-holder-nothing": Case(Chat(1, active=False, holds_story=True),
                                         old_story=True, expect="nothing"),
    "muted-topic-dropped": Case(Chat(1, muted=True), expect="nothing"),
    "muted-topic-watch-still-alerts": Case(Chat(1, muted=True, watch=7), expect="alert",
                                           reasons={"topics": [], "watches": ["treaty"]}),
    "muted-topic-status-breaks-through": Case(Chat(1, muted=True), with_status=True,
                                              expect="notice"),
    "muted-holder-notice-kept-current": Case(Chat(1, muted=True, holds_notice=True),
                                             with_status=True, expect="notice-edit"),
    "muted-watcher-told-by-the-notice-only": Case(
        Chat(1, muted=True, watch=7), with_status=True, expect="notice"),
    "muted-story-holder-no-edit": Case(Chat(1, muted=True, holds_story=True), old_story=True,
                                       expect="nothing"),
}


def run(case: Case) -> Routing:
    chat = case.chat
    rep = report(cluster=1 if case.old_story else 10,
                 watches=((chat.id, chat.watch),) if chat.watch is not None else ())
    statuses = [StatusNotice(rep.key, TOPIC, NOTICE, PAYLOAD)] if case.with_status else []
    holders = {NOTICE: frozenset({chat.id})} if chat.holds_notice else {}
    held = {(chat.id, 1): HeldStory(99, chat.id, 1, "BelTA", {"topics": [TOPIC]})
            } if chat.holds_story else {}
    return route([rep], statuses, audience_of([chat]), held, holders)


def outcome(routing: Routing, chat: int) -> str:
    got = ([("alert", a.why) for a in routing.alerts if a.subscriber_id == chat]
           + [("story-edit", e.why) for e in routing.story_edits]
           + [("notice", n.payload) for n in routing.notices if n.subscriber_id == chat]
           + [("notice-edit", e.payload) for e in routing.notice_edits if chat in e.subscriber_ids])
    assert len(got) <= 1, f"more than one message for one report: {got}"
    return got[0][0] if got else "nothing"


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_each_subscriber_state_gets_exactly_its_message(case: Case) -> None:
    routing = run(case)
    assert outcome(routing, case.chat.id) == case.expect
    if case.expect == "alert":
        (alert,) = routing.alerts
        for key, value in case.reasons.items():
            assert alert.why[key] == value
        assert alert.why["status"] == ("signed" if alert.why["topics"] else None)


def test_story_edit_names_the_new_publisher_once() -> None:
    held = {(1, 1): HeldStory(99, 1, 1, "BelTA", {"topics": [TOPIC]})}
    audience = audience_of([Chat(1)])
    reports = [report("k1", entry_id=11, cluster=1, publisher="TASS"),
               report("k2", entry_id=12, cluster=1, publisher="TASS"),  # same outlet again
               report("k3", entry_id=13, cluster=1, publisher="BelTA"),  # the alert's own
               report("k4", entry_id=14, cluster=1, publisher="Reuters")]
    routing = route(reports, [], audience, held, {})
    (edit,) = routing.story_edits
    assert edit.row_id == 99 and routing.alerts == []
    assert [a["publisher"] for a in edit.why["also"]] == ["TASS", "Reuters"]


def test_reports_of_a_new_story_in_one_commit_are_one_alert() -> None:
    audience = audience_of([Chat(1), Chat(2)])
    reports = [report("k1", entry_id=20, cluster=20, publisher="BelTA"),
               report("k2", entry_id=21, cluster=20, publisher="TASS")]
    routing = route(reports, [], audience, {}, {})
    assert sorted(a.subscriber_id for a in routing.alerts) == [1, 2]
    assert all([x["publisher"] for x in a.why["also"]] == ["TASS"] for a in routing.alerts)


def test_notice_goes_to_every_current_follower_with_the_last_state() -> None:
    """A breaking and a confirming report in one commit: one notice each, the later state."""
    chats = [Chat(1), Chat(2, holds_notice=True), Chat(3, follows=False), Chat(4, active=False)]
    first, second = report("k1"), report("k2", entry_id=11, cluster=11)
    unconfirmed = {**PAYLOAD, "sources": ["BelTA"], "confirmed": False}
    confirmed = {**PAYLOAD, "confirmed": True}
    statuses = [StatusNotice("k1", TOPIC, NOTICE, unconfirmed),
                StatusNotice("k2", TOPIC, NOTICE, confirmed)]
    routing = route([first, second], statuses, audience_of(chats), {},
                    {NOTICE: frozenset({2, 4})})
    assert [(n.subscriber_id, n.payload) for n in routing.notices] == [(1, confirmed)]
    (edit,) = routing.notice_edits
    assert edit.subscriber_ids == {2} and edit.payload == confirmed
    assert routing.alerts == []  # both reports were told by the notice; chat 3 follows not


def test_console_prints_the_entry_and_the_notice() -> None:
    console = Chat(0, console=True)
    rep = report()
    routing = route([rep], [StatusNotice(rep.key, TOPIC, NOTICE, PAYLOAD)],
                    audience_of([console]), {}, {})
    assert [a.subscriber_id for a in routing.alerts] == [0]
    assert [n.subscriber_id for n in routing.notices] == [0]
