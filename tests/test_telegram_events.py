"""Scenario tests of summit-day mode in chat: the operators' /event (list, move with its
announcements, add) and /topics with statuses and timelines. Uses the Application harness of
test_telegram_handlers.py (a real PTB Application on the fake Bot API, a real SQLite store
and a fixed clock at 2025-03-01 12:00 UTC; the configured event is minsk-summit on
2025-03-04 with no topics, so everyone subscribed follows it).
"""
# The fixtures `app` and `h` are imported from the harness module; tests take them as
# parameters, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from conftest_store import plan_of
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    ADMIN,
    FEED_URL,
    NOW,
    Harness,
    app,
    h,
)

from bot.config import Config, EventSpec
from bot.delivery.render import render_notice
from bot.model import Entry, FeedState, NewEntry, TimelineRow, TopicStatusRow
from bot.summit.jobs import effective_config


def event_of(config: Config, event_id: str) -> EventSpec | None:
    return next((e for e in config.events if e.id == event_id), None)


def subscribe(h: Harness, *chats: int) -> list[int]:
    for chat in chats:
        h.say(chat, "/start")
    return [h.sub(chat).id for chat in chats]


def pending_notices(h: Harness) -> list[tuple[int, str, str]]:
    """(subscriber id, key, kind) of every notice due now, claimed (so asked once per test)."""
    items = h.store.claim_notices(h.clock.now + timedelta(days=60), limit=500)
    return sorted((n.subscriber.id, n.key, n.kind) for n in items)


# ---------------------------------------------------------------- who may use /event


@pytest.mark.parametrize(
    "text",
    ["/event", "/event move minsk-summit 2025-03-10",
     "/event add forum | 2025-03-20 | Europe/Minsk | Minsk | Forum"],
    ids=["list", "move", "add"],
)
def test_event_refused_to_non_operators_and_changes_nothing(h: Harness, text: str) -> None:
    subscribe(h, 140)
    config = h.services.config
    assert "operators only" in h.say(140, text).text
    assert h.store.event_overrides() == []
    assert h.services.config is config
    assert pending_notices(h) == []


def test_event_alone_shows_usage_and_events(h: Harness) -> None:
    text = h.say(ADMIN, "/event").text
    assert "/event move" in text and "/event add" in text
    assert "<code>minsk-summit</code> — 2025-03-04, Minsk (Europe/Minsk)" in text


def test_event_is_not_in_the_public_menus() -> None:
    from bot.telegram.handlers import BOT_COMMANDS
    assert all(c.command != "event" for menu in BOT_COMMANDS.values() for c in menu)


# ---------------------------------------------------------------- /event move


def test_move_saves_override_announces_once_and_updates_running_config(h: Harness) -> None:
    followers = subscribe(h, 141, 142)
    subscribe(h, 143)
    h.say(143, "/stop")  # inactive chats are not told
    outbox_before = h.hooks.outbox_changed
    reply = h.say(ADMIN, "/event move minsk-summit 2025-03-06").text
    assert "2025-03-04 → <b>2025-03-06</b>" in reply and "2 chats" in reply
    [ov] = h.store.event_overrides()
    assert (ov.event_id, ov.date, ov.updated_by, ov.title) == (
        "minsk-summit", date(2025, 3, 6), ADMIN, None)
    moved = event_of(h.services.config, "minsk-summit")
    assert moved is not None and moved.date == date(2025, 3, 6)
    assert h.hooks.outbox_changed == outbox_before + 1
    assert "2025-03-06 (in 5 days)" in h.say(141, "/topics").text

    assert "already on 2025-03-06" in h.say(ADMIN, "/event move minsk-summit 2025-03-06").text
    key = "moved:minsk-summit:2025-03-04:2025-03-06"
    items = h.store.claim_notices(NOW + timedelta(days=60), limit=500)
    assert sorted((n.subscriber.id, n.key, n.kind) for n in items) == [
        (sub, key, "event_moved") for sub in followers]
    payload = dict(items[0].payload)
    assert payload.pop("attachment")["filename"] == "minsk-summit.ics"  # the updated calendar
    assert payload == {"event_id": "minsk-summit", "title": "Minsk summit",
                       "location": "Minsk", "old_date": "2025-03-04", "new_date": "2025-03-06"}
    assert "2025-03-04 → <b>2025-03-06</b>" in render_notice("event_moved", items[0].payload, "en")


def test_moving_back_and_forth_never_repeats_an_announcement(h: Harness) -> None:
    [sub] = subscribe(h, 144)
    for day in ("2025-03-06", "2025-03-04", "2025-03-06"):
        h.say(ADMIN, f"/event move minsk-summit {day}")
    assert pending_notices(h) == [
        (sub, "moved:minsk-summit:2025-03-04:2025-03-06", "event_moved"),
        (sub, "moved:minsk-summit:2025-03-06:2025-03-04", "event_moved"),
    ]
    assert event_of(h.services.config, "minsk-summit").date == date(2025, 3, 6)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("minsk-summit 2025-13-01", "is not a date"),
        ("minsk-summit 04.03.2025", "is not a date"),
        ("minsk-summit 20250310", "is not a date"),
        ("minsk-summit 2025-02-27", "already passed"),
        ("no-such-event 2025-03-10", "no event <code>no-such-event</code>"),
        ("minsk-summit", "/event move &lt;event-id&gt;"),
        ("", "/event move &lt;event-id&gt;"),
        ("minsk-summit 2025-03-10 extra", "/event move &lt;event-id&gt;"),
    ],
    ids=["month-13", "dotted", "no-dashes", "past", "unknown-id", "no-date", "no-args", "extra"],
)
def test_bad_move_shows_usage_and_changes_nothing(h: Harness, args: str, expected: str) -> None:
    subscribe(h, 145)
    config = h.services.config
    reply = h.say(ADMIN, f"/event move {args}").text
    assert expected in reply
    assert "/event add" in reply and "<code>minsk-summit</code>" in reply  # usage and list
    assert h.store.event_overrides() == []
    assert h.services.config is config
    assert pending_notices(h) == []


# ---------------------------------------------------------------- /event add


def test_add_event_is_stored_visible_silent_and_survives_a_restart(h: Harness) -> None:
    subscribe(h, 150)
    reply = h.say(ADMIN, "/event add union-forum | 2025-03-20 | Europe/Moscow | Moscow | "
                         "Forum <of> regions | security").text
    assert "Added <b>Forum &lt;of&gt; regions</b>" in reply and "topics: security" in reply
    added = event_of(h.services.config, "union-forum")
    assert added is not None
    assert (added.date, added.timezone, added.location, added.topics) == (
        date(2025, 3, 20), "Europe/Moscow", "Moscow", ("security",))
    [ov] = h.store.event_overrides()
    assert (ov.title, ov.date, ov.timezone, ov.topics, ov.updated_by) == (
        "Forum <of> regions", date(2025, 3, 20), "Europe/Moscow", ("security",), ADMIN)
    topics = h.say(150, "/topics").text
    assert "Forum &lt;of&gt; regions</b>, Moscow — 2025-03-20 (in 19 days)" in topics
    assert h.button_data(h.say(150, "/topics")) == ["tu:union-treaty", "tu:security"]
    assert pending_notices(h) == []  # a new event is not announced
    # What the app rebuilds at start from the stored overrides is the same event.
    base = configured_only(h)
    assert event_of(effective_config(base, h.store.event_overrides()), "union-forum") == added


def configured_only(h: Harness) -> Config:
    """The configured events only: the running config minus what /event added or moved."""
    return h.services.config.model_copy(
        update={"events": tuple(e for e in h.services.config.events if e.id == "minsk-summit")})


def test_moving_an_added_event_keeps_its_fields_and_tells_only_its_followers(h: Harness) -> None:
    follower, other = subscribe(h, 151, 152)
    h.store.set_following(other, "security", False, now=NOW)
    h.say(ADMIN, "/event add union-forum | 2025-03-20 | Europe/Moscow | Moscow | Forum | security")
    reply = h.say(ADMIN, "/event move union-forum 2025-03-22").text
    assert "1 chat" in reply
    [ov] = h.store.event_overrides()
    assert (ov.title, ov.date, ov.timezone, ov.location, ov.topics) == (
        "Forum", date(2025, 3, 22), "Europe/Moscow", "Moscow", ("security",))
    assert pending_notices(h) == [
        (follower, "moved:union-forum:2025-03-20:2025-03-22", "event_moved")]


def test_add_without_topics_follows_every_topic(h: Harness) -> None:
    h.say(ADMIN, "/event add expo | 2025-04-02 | UTC |  | Expo")
    added = event_of(h.services.config, "expo")
    assert added is not None and added.topics == ("union-treaty", "security")
    assert added.location == ""


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("forum | 2025-03-20 | Mars/Olympus | Minsk | Forum", "unknown time zone"),
        ("forum | 2025-03-20 | Europe/Minsk | Minsk | Forum | security,nope",
         "Not among the tracked topics: nope"),
        ("Forum_1 | 2025-03-20 | Europe/Minsk | Minsk | Forum", "not a valid id"),
        ("minsk-summit | 2025-03-20 | Europe/Minsk | Minsk | Again", "already exists"),
        ("forum | 2025-3-20 | Europe/Minsk | Minsk | Forum", "is not a date"),
        ("forum | 2025-02-01 | Europe/Minsk | Minsk | Forum", "already passed"),
        ("forum | 2025-03-20 | Europe/Minsk | Minsk |  ", "not valid: title"),
        ("forum | 2025-03-20 | Europe/Minsk", "/event add &lt;event-id&gt;"),
    ],
    ids=["bad-zone", "unknown-topic", "bad-id", "exists", "bad-date", "past", "no-title",
         "too-few-parts"],
)
def test_bad_add_is_refused_with_reason_and_changes_nothing(
        h: Harness, args: str, expected: str) -> None:
    config = h.services.config
    reply = h.say(ADMIN, f"/event add {args}").text
    assert expected in reply
    assert "<code>minsk-summit</code>" in reply  # the event list follows
    assert h.store.event_overrides() == []
    assert h.services.config is config


def test_event_replies_in_russian(h: Harness) -> None:
    h.say(ADMIN, "/start", language_code="ru")
    assert "События" in h.say(ADMIN, "/event").text
    assert "уже прошла" in h.say(ADMIN, "/event move minsk-summit 2025-01-01").text
    assert "Перенесено" in h.say(ADMIN, "/event move minsk-summit 2025-03-05").text


# ---------------------------------------------------------------- /topics statuses and timeline


def record_reports(h: Harness) -> None:
    """Two sources confirm the union treaty's signing (after an 'expected' step); one
    unconfirmed source says the security pact is expected."""
    def entry(i: int, feed: str, title: str, at: datetime) -> NewEntry:
        return NewEntry(key=f"r{i}", keys=(), entry=Entry(
            feed=feed, feed_url=FEED_URL, title=title, link=f"https://news.example/r{i}",
            summary="", published=at))

    t1, t2, t3 = NOW - timedelta(hours=5), NOW - timedelta(hours=2), NOW - timedelta(hours=1)
    new = [entry(1, "Example News", "Treaty to be signed <today>", t1),
           entry(2, "Example News", "Union treaty signed in Minsk", t2),
           entry(3, "Other Wire", "Security pact expected next week", t3)]
    h.store.commit_poll(FeedState(FEED_URL), new, now=NOW, plan=plan_of(topic_updates=[
            TopicStatusRow("union-treaty", "signed", t2, ("Example News", "Other Wire"), True),
            TopicStatusRow("security", "expected", t3, ("Other Wire",), False)], timeline=[
            TimelineRow("union-treaty", "expected", t1, "Example News", "r1", new[0].entry.title,
                        new[0].entry.link),
            TimelineRow("union-treaty", "signed", t2, "Example News", "r2", new[1].entry.title,
                        new[1].entry.link),
            TimelineRow("security", "expected", t3, "Other Wire", "r3", new[2].entry.title,
                        new[2].entry.link)]))


def test_topics_shows_status_and_timeline_newest_first(h: Harness) -> None:
    subscribe(h, 160)
    assert "no status reports yet" in h.say(160, "/topics").text
    record_reports(h)
    msg = h.say(160, "/topics")
    text = msg.text
    assert "<b>✅ SIGNED</b> · confirmed by 2 outlets: Example News, Other Wire" in text
    assert "since 2025-03-01 13:00" in text  # 10:00 UTC in Minsk
    assert "<b>📅 EXPECTED</b> · unconfirmed (1 of 2 outlets): Other Wire" in text
    signed = text.index("2025-03-01 13:00 ✅ SIGNED — Example News: "
                        '<a href="https://news.example/r2">Union treaty signed in Minsk</a>')
    expected = text.index("2025-03-01 10:00 📅 EXPECTED — Example News: "
                          '<a href="https://news.example/r1">Treaty to be signed &lt;today&gt;</a>')
    assert signed < expected  # newest first
    assert text.index("Union State treaty") < signed < text.index("Security guarantees")
    assert "Minsk summit" in text and "in 3 days" in text
    assert h.button_data(msg) == ["tu:union-treaty", "tu:security"]
    h.press(160, msg.message_id, "tu:security", 160)  # the edited view keeps the timeline
    assert "tf:security" in h.button_data(msg) and "✅ SIGNED" in msg.text


def test_topics_in_russian(h: Harness) -> None:
    subscribe(h, 161)
    h.say(161, "/lang ru")
    record_reports(h)
    text = h.say(161, "/topics").text
    assert "ПОДПИСАНО" in text and "подтверждено: 2 издания" in text
    assert "не подтверждено (1 из 2)" in text and "через 3 дня" in text


def test_topics_follow_a_moved_event_at_once(h: Harness) -> None:
    subscribe(h, 162)
    h.say(ADMIN, "/event move minsk-summit 2025-03-02")
    assert "2025-03-02 (in 1 day)" in h.say(162, "/topics").text
    h.clock.now = datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    assert "2025-03-02 (today)" in h.say(162, "/topics").text

