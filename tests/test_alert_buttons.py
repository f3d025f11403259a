"""The buttons under an alert: delivered by the TelegramSink through the fake Bot API,
pressed in the running Application (the harness of test_telegram_handlers.py): 🔕 mutes the
topic for this chat for a day (pressed again: lifted), ✖ removes the watch; answered, redrawn
in place, stale presses answered, admins only in groups, and kept as pressed when a later
report edits the alert; a muted topic's alert is dropped while the watch's still arrives.
"""
# The fixtures `app` and `h` are imported from the harness module; tests take them as
# parameters, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest_store import plan_of
from fakebotapi import DEFAULT_TOKEN, SentMessage
from telegram import Bot
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    FEED_URL,
    GROUP_ADMIN,
    MEMBER,
    NOW,
    SUPERGROUP,
    Harness,
    app,
    h,
)

from bot.delivery.controls import alert_buttons, parse_data
from bot.delivery.drainer import Drainer
from bot.delivery.html import cut, local_time
from bot.delivery.ratelimit import Limits, RateLimiter
from bot.delivery.sender import Sender
from bot.delivery.telegram_sink import TelegramSink
from bot.i18n import LANGS, t
from bot.model import ChatControls, Entry, FeedState, NewAlert, NewEntry, OutboxItem

FAST = Limits(global_per_second=1000, chat_interval=0.0)
TOPIC_TITLE = "Security guarantees"


def sink(h: Harness, bot: Bot) -> TelegramSink:
    titles = {tp.id: tp.title for tp in h.services.config.topics}
    return TelegramSink(Sender(bot, RateLimiter(FAST)), h.store, h.services.config.tz, titles,
                        clock=h.clock)


def deliver(h: Harness, chat_id: int, why: dict[str, Any], key: str = "k1") -> SentMessage:
    """Queue one alert for the chat's subscriber and drain it to the fake Bot API."""
    sub = h.sub(chat_id)
    entry = Entry(feed="Example News", feed_url=FEED_URL, title=f"Pipeline treaty news {key}",
                  link=f"https://news.example/{key}", summary="", published=NOW)
    h.store.commit_poll(FeedState(FEED_URL), [NewEntry(key, (key,), entry)], now=h.clock.now,
                        plan=plan_of(alerts=[NewAlert(key, sub.id, why)]))

    async def drain() -> None:
        async with Bot(DEFAULT_TOKEN, base_url=h.api.base_url) as bot:
            await Drainer(h.store, sink(h, bot), h.clock).drain()

    asyncio.run(drain())
    return h.api.wait_for(lambda m: m.chat_id == chat_id and key in m.text)


def buttons(msg: SentMessage) -> list[tuple[str, str]]:
    rows = (msg.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def answers(h: Harness) -> list[dict[str, Any]]:
    return [c.params for c in h.calls("answerCallbackQuery")]


WHY = {"topics": ["security"], "watches": ["pipeline"], "terms": ["pipeline"], "status": None}


def test_alert_buttons_mute_the_topic_and_stop_the_watch_in_place(h: Harness) -> None:
    h.say(301, "/start")
    h.say(301, "/watch pipeline")
    sub = h.sub(301)
    [watch] = h.store.list_watches(sub.id)
    alert = deliver(h, 301, WHY)
    assert buttons(alert) == [(f"🔕 Mute “{TOPIC_TITLE}” for a day", "mt:security"),
                              ("✖ Stop this watch", f"sw:{watch.id}")]

    h.press(301, alert.message_id, "mt:security", 301)
    until = NOW + timedelta(days=1)
    assert h.store.topic_mutes(sub.id, now=NOW) == {"security": until}
    assert h.sub(301).muted_until is None  # only the topic, not the whole chat
    shown = local_time(until, ZoneInfo("Europe/Minsk"), "en")
    assert answers(h)[-1]["text"] == (
        f"🔕 “{TOPIC_TITLE}” is muted here until {shown}: its alerts are dropped, not held. "
        "Watches and status changes still come through. Press again to undo.")
    assert buttons(alert)[0] == (f"✅ “{TOPIC_TITLE}” muted until {shown[-5:]} · undo",
                                 "mt:security")

    h.clock.now = NOW + timedelta(hours=1)
    h.press(301, alert.message_id, "mt:security", 301)  # again: the mute is lifted
    assert h.store.topic_mutes(sub.id, now=h.clock.now) == {}
    assert answers(h)[-1]["text"] == f"🔔 “{TOPIC_TITLE}” alerts in this chat again."
    assert buttons(alert)[0] == (f"🔕 Mute “{TOPIC_TITLE}” for a day", "mt:security")
    h.press(301, alert.message_id, "mt:security", 301)  # and muted once more, from now
    assert h.store.topic_mutes(sub.id, now=h.clock.now) == {
        "security": h.clock.now + timedelta(days=1)}

    h.press(301, alert.message_id, f"sw:{watch.id}", 301)
    assert h.store.list_watches(sub.id) == []
    assert answers(h)[-1]["text"] == "✖ Watch stopped: pipeline"
    assert buttons(alert)[1] == ("✅ Watch stopped", f"sw:{watch.id}")
    h.press(301, alert.message_id, f"sw:{watch.id}", 301)
    assert answers(h)[-1]["text"] == "Already removed"
    # Five redraws asked for; the repeated stop was answered "not modified".
    assert len(h.calls("editMessageReplyMarkup")) == 5


def test_a_later_report_editing_the_alert_keeps_what_was_pressed(h: Harness) -> None:
    h.say(302, "/start")
    h.say(302, "/watch pipeline")
    alert = deliver(h, 302, WHY)
    h.press(302, alert.message_id, "mt:security", 302)
    stored = h.store.recent_entries(since=NOW - timedelta(days=1))[0]
    # What the drainer hands the sink when a later report of the story reopens the alert.
    item = OutboxItem(1, h.sub(302), stored, {**WHY, "also": [{"publisher": "TASS"}]}, 2, NOW,
                      message_id=alert.message_id)

    async def edit() -> None:
        async with Bot(DEFAULT_TOKEN, base_url=h.api.base_url) as bot:
            await sink(h, bot).deliver(item)

    asyncio.run(edit())
    [edit_call] = h.api.edits(302)
    labels = [b["text"] for row in edit_call.params["reply_markup"]["inline_keyboard"]
              for b in row]
    assert labels[0].startswith("✅") and labels[1] == "✖ Stop this watch"


def test_in_groups_only_admins_may_press(h: Harness) -> None:
    h.api.set_admins(SUPERGROUP, [GROUP_ADMIN])
    h.say(SUPERGROUP, "/start", user_id=GROUP_ADMIN, chat_type="supergroup")
    sub = h.sub(SUPERGROUP)
    alert = deliver(h, SUPERGROUP, {"topics": ["security"], "watches": [], "terms": []})
    h.press(SUPERGROUP, alert.message_id, "mt:security", MEMBER)
    assert h.store.topic_mutes(sub.id, now=NOW) == {}
    assert answers(h)[-1]["show_alert"] is True and "admins" in answers(h)[-1]["text"]
    h.press(SUPERGROUP, alert.message_id, "mt:security", GROUP_ADMIN)
    assert list(h.store.topic_mutes(sub.id, now=NOW)) == ["security"]


def test_several_watches_each_get_a_named_button_and_unknown_data_is_answered(
        h: Harness) -> None:
    h.say(303, "/start")
    h.say(303, "/watch pipeline")
    h.say(303, "/watch treaty news")
    first, second = h.store.list_watches(h.sub(303).id)
    why = {"topics": [], "watches": ["pipeline", "treaty news"], "terms": []}
    alert = deliver(h, 303, why)
    assert buttons(alert) == [("✖ Stop the watch “pipeline”", f"sw:{first.id}"),
                              ("✖ Stop the watch “treaty news”", f"sw:{second.id}")]
    h.press(303, alert.message_id, f"sw:{second.id}", 303)
    assert buttons(alert)[1] == ("✅ Stopped “treaty news”", f"sw:{second.id}")
    h.press(303, alert.message_id, "mt:no-such-topic", 303)
    assert answers(h)[-1]["text"] == "Already removed"
    assert [w.query for w in h.store.list_watches(h.sub(303).id)] == ["pipeline"]


def test_belarusian_chat_gets_belarusian_buttons(h: Harness) -> None:
    h.say(304, "/start", language_code="be")
    alert = deliver(h, 304, {"topics": ["security"], "watches": [], "terms": []})
    assert buttons(alert) == [(f"🔕 Выключыць «{TOPIC_TITLE}» на суткі", "mt:security")]
    h.press(304, alert.message_id, "mt:security", 304)
    assert answers(h)[-1]["text"].startswith(f"🔕 «{TOPIC_TITLE}» выключана тут да")


# ---------------------------------------------------------------- pure: data and lengths

TZ = ZoneInfo("Europe/Minsk")


@pytest.mark.parametrize(
    ("topic_id", "shown"),
    [("a" * 61, True), ("a" * 62, False), ("security", True)],
    ids=["61-byte-id-fits", "62-byte-id-left-out", "short"],
)
def test_callback_data_fits_64_bytes(topic_id: str, shown: bool) -> None:
    found = alert_buttons({"topics": [topic_id]}, "en", {}, ChatControls(), TZ)
    assert bool(found) is shown
    assert all(len(b.data.encode()) <= 64 for b in found)


@pytest.mark.parametrize(
    ("data", "parsed"),
    [("mt:security", ("mute", "security")), ("sw:12", ("stop", "12")), ("sw:x", None),
     ("sw:²", None), ("mt:", None), ("uw:1", None), ("", None), (None, None)],
    ids=["mute", "stop", "stop-not-a-number", "stop-superscript-digit", "empty-topic",
         "list-button", "empty", "none"],
)
def test_parse_data(data: str | None, parsed: tuple[str, str] | None) -> None:
    assert parse_data(data) == parsed


@pytest.mark.parametrize("lang", LANGS)
def test_answers_and_labels_stay_short_in_every_language(lang: str) -> None:
    """answerCallbackQuery takes at most 200 characters; the longest title and query still fit."""
    title, query = cut("Т" * 300, 32), cut("q" * 300, 32)
    until = local_time(NOW, TZ, lang)
    for key, values in (("cb_topic_muted", {"topic": title, "until": until}),
                        ("cb_topic_unmuted", {"topic": title}),
                        ("cb_watch_stopped", {"query": query}), ("cb_gone", {}),
                        ("admins_only", {}), ("need_start", {})):
        assert len(t(lang, key, **values)) <= 200, (lang, key)
    controls = ChatControls({"x": NOW}, {})
    why = {"topics": ["x"], "watches": ["q" * 300, "r"]}
    for button in alert_buttons(why, lang, {"x": "T" * 300}, controls, TZ):
        assert len(button.label) <= 64, button.label


def test_buttons_show_the_state_they_are_in() -> None:
    controls = ChatControls({"b": NOW}, {"kept": 7})
    found = alert_buttons({"topics": ["a", "b"], "watches": ["kept", "gone"]}, "en",
                          {"a": "Alpha", "b": "Beta"}, controls, TZ)
    assert [(b.label, b.data) for b in found] == [
        ("🔕 Mute “Alpha” for a day", "mt:a"),
        (f"✅ “Beta” muted until {local_time(NOW, TZ, 'en')[-5:]} · undo", "mt:b"),
        ("✖ Stop the watch “kept”", "sw:7"),
        ("✅ Stopped “gone”", "sw:0"),
    ]
    assert dataclasses.is_dataclass(found[0])


def test_stale_and_foreign_presses_are_answered_and_change_nothing(h: Harness) -> None:
    """Callback data outlives restarts and may be old: another chat's watch id, a watch
    removed with /unwatch, a topic no longer tracked, data of an older version."""
    h.say(305, "/start")
    h.say(305, "/watch pipeline")
    h.say(306, "/start")
    h.say(306, "/watch refinery")
    [theirs] = h.store.list_watches(h.sub(306).id)
    alert = deliver(h, 305, WHY)
    h.press(305, alert.message_id, f"sw:{theirs.id}", 305)  # not this chat's watch
    assert answers(h)[-1]["text"] == "Already removed"
    assert [w.query for w in h.store.list_watches(h.sub(306).id)] == ["refinery"]
    h.say(305, "/unwatch pipeline")
    [ours] = [b for b in buttons(alert) if b[1].startswith("sw:")]
    h.press(305, alert.message_id, ours[1], 305)
    assert answers(h)[-1]["text"] == "Already removed"
    h.press(305, alert.message_id, "mt:gone-topic", 305)
    assert answers(h)[-1]["text"] == "Already removed"
    before = len(answers(h))
    h.press(305, alert.message_id, "v9:whatever", 305)  # not ours: the list buttons' handler
    assert len(answers(h)) == before + 1
    assert h.store.topic_mutes(h.sub(305).id, now=NOW) == {}


def test_a_stopped_chat_can_still_mute_and_nothing_is_delivered(h: Harness) -> None:
    h.say(307, "/start")
    alert = deliver(h, 307, {"topics": ["security"], "watches": [], "terms": []})
    h.say(307, "/stop")
    h.press(307, alert.message_id, "mt:security", 307)
    assert answers(h)[-1]["text"]  # answered either way
    assert h.sub(307).active is False
