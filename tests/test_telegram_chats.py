"""Scenario tests of groups, forum topics and the bot's membership: admin checks, anonymous
admins, thread ids, being added/removed, group migration, and the error handler. Uses the
Application harness of test_telegram_handlers.py (a real PTB Application on the fake server).
"""
# The fixtures `app` and `h` are imported from the harness module; tests take them as
# parameters, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import time

import pytest
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    BASIC_GROUP,
    FORUM,
    GROUP_ADMIN,
    MEMBER,
    SUPERGROUP,
    Harness,
    app,
    h,
)


def test_group_non_admin_refused_admin_allowed(h: Harness) -> None:
    h.api.set_admins(SUPERGROUP, [GROUP_ADMIN])
    refused = h.say(SUPERGROUP, "/start", user_id=MEMBER, chat_type="supergroup")
    assert "only chat admins" in refused.text and h.sub(SUPERGROUP) is None
    assert "Commands" in h.say(SUPERGROUP, "/help", user_id=MEMBER).text  # read-only is fine
    h.say(SUPERGROUP, "/start", user_id=GROUP_ADMIN)
    sub = h.sub(SUPERGROUP)
    assert sub is not None and sub.kind == "supergroup" and sub.active
    assert "only chat admins" in h.say(SUPERGROUP, "/watch treaty", user_id=MEMBER).text
    listing = h.say(SUPERGROUP, "/list", user_id=MEMBER)
    h.press(SUPERGROUP, listing.message_id, "lu:security", MEMBER)
    assert h.store.followed_topics(sub.id, ["security"]) == ["security"]
    assert h.calls("answerCallbackQuery")[-1].params.get("show_alert") is True
    h.press(SUPERGROUP, listing.message_id, "lu:security", GROUP_ADMIN)
    assert h.store.followed_topics(sub.id, ["security"]) == []
    h.api.send_text(SUPERGROUP, "/frobnicate", user_id=MEMBER)  # maybe another bot's
    h.sync()
    assert "Unknown" not in h.sent(SUPERGROUP)[-1].text
    assert "Unknown" in h.say(SUPERGROUP, "/frobnicate@summit_watch_bot", user_id=MEMBER).text


def test_group_creator_and_anonymous_admin_allowed(h: Harness) -> None:
    h.api.set_admins(BASIC_GROUP, [], creator=GROUP_ADMIN)
    h.say(BASIC_GROUP, "/start", user_id=GROUP_ADMIN)
    assert h.sub(BASIC_GROUP).kind == "group"
    chat = {"id": SUPERGROUP, "type": "supergroup", "title": "Anon"}
    update = h.api.inject({"message": {
        "message_id": 900_001, "date": int(time.time()), "chat": chat, "sender_chat": chat,
        "from": {"id": 1087968824, "is_bot": True, "first_name": "Group",
                 "username": "GroupAnonymousBot"},
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}})
    h.sync()
    assert update["message"]["sender_chat"] == chat
    assert h.sub(SUPERGROUP) is not None
    assert "Summit Watch" in h.sent(SUPERGROUP)[-1].text


def test_forum_topic_thread_id_is_stored_and_replied_into(h: Harness) -> None:
    h.api.set_admins(FORUM, [GROUP_ADMIN])
    reply = h.say(FORUM, "/start", user_id=GROUP_ADMIN, chat_type="supergroup",
                  message_thread_id=77, is_topic_message=True)
    assert reply.message_thread_id == 77
    assert h.sub(FORUM, 77) is not None and h.sub(FORUM, 77).thread_id == 77
    assert h.sub(FORUM) is None


def test_bot_added_greets_and_removed_deactivates(h: Harness) -> None:
    h.api.set_admins(SUPERGROUP, [GROUP_ADMIN])
    h.api.my_chat_member(SUPERGROUP, "left", "member", chat_type="supergroup")
    hello = h.next_in(SUPERGROUP, h.first_id)
    assert "/start" in hello.text
    h.say(SUPERGROUP, "/start", user_id=GROUP_ADMIN)
    h.api.my_chat_member(SUPERGROUP, "member", "kicked", chat_type="supergroup")
    h.sync()
    assert not h.sub(SUPERGROUP).active
    h.say(138, "/start")
    h.api.my_chat_member(138, "member", "kicked", user_id=138)  # a user blocks the bot
    h.sync()
    assert not h.sub(138).active


def test_group_migration_moves_subscriber(h: Harness) -> None:
    h.api.set_admins(BASIC_GROUP, [GROUP_ADMIN])
    h.say(BASIC_GROUP, "/start", user_id=GROUP_ADMIN)
    h.say(BASIC_GROUP, "/watch treaty", user_id=GROUP_ADMIN)
    h.api.migrate(BASIC_GROUP, SUPERGROUP)
    h.sync()
    assert h.sub(BASIC_GROUP) is None
    moved = h.sub(SUPERGROUP)
    assert moved is not None and moved.kind == "supergroup" and moved.active
    assert [w.query for w in h.store.list_watches(moved.id)] == ["treaty"]


def test_handler_error_is_reported_politely(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    h.say(139, "/start")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database is gone")

    monkeypatch.setattr(h.store, "list_watches", broken)
    assert "Something went wrong" in h.say(139, "/list").text
    assert "Commands" in h.say(139, "/help").text  # the bot keeps serving
