"""The fake Bot API server: protocol details, long polling, faults, flood limits, and a real
python-telegram-bot Application talking to it end to end.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, FloodEnforcer, SentMessage
from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def _call(api: FakeBotApi, method: str, token: str = DEFAULT_TOKEN,
          **kwargs: Any) -> tuple[int, dict[str, Any]]:
    response = httpx.post(f"{api.base_url}{token}/{method}", timeout=10, **kwargs)
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("kwargs",),
    [({"json": {"chat_id": 5, "text": "hi", "link_preview_options": {"is_disabled": True}}},),
     ({"data": {"chat_id": "5", "text": "hi",
                "link_preview_options": '{"is_disabled": true}'}},),
     ({"data": {"chat_id": "5", "text": "hi", "link_preview_options": '{"is_disabled": true}'},
       "files": {"document": ("a.txt", b"abc", "text/plain")}},)],
    ids=["json", "form-urlencoded", "multipart"],
)
def test_send_message_accepts_every_body_encoding(api: FakeBotApi,
                                                  kwargs: dict[str, Any]) -> None:
    status, body = _call(api, "sendMessage", **kwargs)
    assert status == 200 and body["ok"] is True
    message = body["result"]
    assert message["chat"] == {"id": 5, "type": "private", "first_name": "User5"}
    assert message["text"] == "hi" and message["from"]["is_bot"] is True
    [sent] = api.sent_messages(5)
    assert (sent.message_id, sent.link_preview_options) == (message["message_id"],
                                                            {"is_disabled": True})


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [(f"/bot{DEFAULT_TOKEN}/noSuchMethod", 404, "Not Found"),
     ("/bot999:wrong/getMe", 401, "Unauthorized"),
     ("/nonsense", 404, "Not Found"),
     (f"/bot{DEFAULT_TOKEN}/sendMessage", 400, "Bad Request: chat_id is empty")],
    ids=["unknown-method", "wrong-token", "not-a-bot-path", "missing-chat-id"],
)
def test_error_answers(api: FakeBotApi, path: str, status: int, description: str) -> None:
    response = httpx.post(f"{api.url}{path}")
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


def test_long_poll_blocks_until_an_update_is_injected(api: FakeBotApi) -> None:
    threading.Timer(0.3, api.send_text, args=(42, "/ping@summit_watch_bot")).start()
    started = time.monotonic()
    _, body = _call(api, "getUpdates", json={"timeout": 5})
    waited = time.monotonic() - started
    assert 0.25 < waited < 2.0
    [update] = body["result"]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0,
                                              "length": len("/ping@summit_watch_bot")}]
    _, again = _call(api, "getUpdates", json={"timeout": 0.2,
                                              "offset": update["update_id"] + 1})
    assert again["result"] == []  # confirmed by the offset


def test_offset_limit_and_allowed_updates(api: FakeBotApi) -> None:
    first = api.send_text(1, "one")
    api.send_text(1, "two")
    api.press_button(1, 99, "mute", user_id=1)
    _, body = _call(api, "getUpdates", json={"limit": 2})
    assert [u["update_id"] for u in body["result"]] == [first["update_id"],
                                                        first["update_id"] + 1]
    _, body = _call(api, "getUpdates", json={"offset": -1})
    assert list(body["result"][0]) == ["update_id", "callback_query"]
    _call(api, "getUpdates", json={"allowed_updates": ["callback_query"],
                                   "offset": body["result"][0]["update_id"] + 1})
    api.send_text(1, "filtered out")
    api.press_button(1, 99, "kept", user_id=1)
    _, body = _call(api, "getUpdates", json={})
    assert [u["callback_query"]["data"] for u in body["result"]] == ["kept"]


@pytest.mark.parametrize(
    ("chat_id", "chat_type", "thread", "expected_chat_type"),
    [(7, None, None, "private"), (-55, None, None, "group"),
     (-1001234567890, None, 12, "supergroup"), (-66, "supergroup", None, "supergroup")],
    ids=["private", "group", "forum-topic", "explicit-type"],
)
def test_send_text_builds_realistic_updates(api: FakeBotApi, chat_id: int,
                                            chat_type: str | None, thread: int | None,
                                            expected_chat_type: str) -> None:
    raw = api.send_text(chat_id, "hello", user_id=3, chat_type=chat_type,
                        message_thread_id=thread, is_topic_message=thread is not None,
                        language_code="be")
    update = Update.de_json(raw, None)
    assert update.effective_chat is not None and update.effective_user is not None
    assert update.effective_chat.type == expected_chat_type
    assert update.effective_user.language_code == "be"
    assert update.effective_message is not None
    assert update.effective_message.message_thread_id == thread


def test_membership_and_migration_updates_parse(api: FakeBotApi) -> None:
    added = Update.de_json(api.my_chat_member(-55, "left", "administrator"), None)
    assert added.my_chat_member is not None
    assert added.my_chat_member.new_chat_member.status == "administrator"
    blocked = Update.de_json(api.my_chat_member(8, "member", "kicked", "private"), None)
    assert blocked.my_chat_member is not None
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    moved = Update.de_json(api.migrate(-55, -1009999), None)
    assert moved.message is not None and moved.message.migrate_to_chat_id == -1009999


@pytest.mark.parametrize(
    ("fault", "expected_status", "expected_parameters"),
    [({"code": 429, "description": "Too Many Requests: retry after 5", "retry_after": 5},
      429, {"retry_after": 5}),
     ({"code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
       "migrate_to_chat_id": -1007}, 400, {"migrate_to_chat_id": -1007}),
     ({"code": 403, "description": "Forbidden: bot was blocked by the user"}, 403, None),
     ({"code": 500, "description": "Internal Server Error"}, 500, None)],
    ids=["429", "migrated", "403", "500"],
)
def test_fail_next_is_one_shot(api: FakeBotApi, fault: dict[str, Any], expected_status: int,
                               expected_parameters: dict[str, int] | None) -> None:
    code, description = fault.pop("code"), fault.pop("description")
    api.fail_next("sendMessage", code, description, **fault)
    status, body = _call(api, "sendMessage", json={"chat_id": 1, "text": "x"})
    assert (status, body["description"], body.get("parameters")) == (
        expected_status, description, expected_parameters)
    assert _call(api, "sendMessage", json={"chat_id": 1, "text": "x"})[0] == 200
    assert api.count_429 == (1 if code == 429 else 0)


def test_fail_next_can_target_one_chat(api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=2)
    assert _call(api, "sendMessage", json={"chat_id": 1, "text": "x"})[0] == 200
    assert _call(api, "sendMessage", json={"chat_id": 2, "text": "x"})[0] == 403


@pytest.mark.parametrize(
    ("chats", "expected_ok"),
    [(list(range(1, 41)), 31), ([5] * 5, 3), ([-9] * 25, 3)],
    ids=["31-per-second-overall", "chat-burst-of-3", "group-burst-of-3"],
)
def test_flood_enforcer_at_fixed_time(chats: list[int], expected_ok: int) -> None:
    enforcer = FloodEnforcer()
    assert sum(enforcer.admit(chat, 100.0) for chat in chats) == expected_ok


def test_flood_enforcer_group_minute() -> None:
    enforcer = FloodEnforcer(chat_burst=100)
    assert sum(enforcer.admit(-9, 100.0 + i) for i in range(25)) == 20
    assert enforcer.admit(-9, 160.5)  # the first one has aged out of the minute


def test_enforcer_answers_429_over_http() -> None:
    with FakeBotApi(enforcer=FloodEnforcer()) as server:
        statuses = [_call(server, "sendMessage", json={"chat_id": 3, "text": "x"})[0]
                    for _ in range(5)]
        assert statuses.count(429) >= 1 and statuses[:3] == [200, 200, 200]
        assert server.count_429 == server.count_enforced_429 == statuses.count(429)
        stats = httpx.get(f"{server.url}/_fake/stats").json()
        assert stats["enforced_429"] == statuses.count(429)


def test_edit_and_admin_methods(api: FakeBotApi) -> None:
    _, sent = _call(api, "sendMessage", json={"chat_id": -5, "text": "a"})
    mid = sent["result"]["message_id"]
    edit = {"chat_id": -5, "message_id": mid, "text": "b"}
    assert _call(api, "editMessageText", json=edit)[1]["result"]["text"] == "b"
    status, body = _call(api, "editMessageText", json=edit)
    assert status == 400 and "message is not modified" in body["description"]
    api.set_admins(-5, [10, 11], creator=12)
    _, admins = _call(api, "getChatAdministrators", json={"chat_id": -5})
    assert [(m["user"]["id"], m["status"]) for m in admins["result"]] == [
        (12, "creator"), (10, "administrator"), (11, "administrator")]
    _, member = _call(api, "getChatMember", json={"chat_id": -5, "user_id": 99})
    assert member["result"]["status"] == "member"
    commands = [{"command": "watch", "description": "Watch a query"}]
    _call(api, "setMyCommands", data={"commands": json.dumps(commands)})
    assert _call(api, "getMyCommands")[1]["result"] == commands


def _pong_to(chat_id: int) -> Callable[[SentMessage], bool]:
    return lambda m: m.chat_id == chat_id and m.text == "pong"


def test_real_ptb_application_answers_ping(api: FakeBotApi) -> None:
    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("pong")

    async def main() -> None:
        application = (ApplicationBuilder().token(DEFAULT_TOKEN).base_url(api.base_url)
                       .base_file_url(api.base_file_url).build())
        application.add_handler(CommandHandler("ping", ping))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0, timeout=1)
            api.send_text(77, "/ping@summit_watch_bot")
            api.send_text(-1001000000001, "/ping", user_id=5, chat_type="supergroup")
            for chat_id in (77, -1001000000001):
                await asyncio.to_thread(api.wait_for, _pong_to(chat_id), 5.0)
            await application.updater.stop()
            await application.stop()

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 10
    methods = {call.method for call in api.calls}
    assert {"getMe", "getUpdates", "sendMessage"} <= methods


def test_send_document_get_file_and_download_round_trip(api: FakeBotApi) -> None:
    data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    status, body = _call(api, "sendDocument", data={"chat_id": "5", "caption": "<b>x</b> &amp; y",
                                                    "parse_mode": "HTML"},
                         files={"document": ("events.ics", data, "text/calendar")})
    assert status == 200, body
    message = body["result"]
    assert "text" not in message and message["caption"] == "<b>x</b> &amp; y"
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "events.ics", "text/calendar", len(data))
    [sent] = api.documents(5)
    assert sent.file == data and sent.text == "<b>x</b> &amp; y"
    _, got = _call(api, "getFile", json={"file_id": document["file_id"]})
    path = got["result"]["file_path"]
    download = httpx.get(f"{api.base_file_url}{DEFAULT_TOKEN}/{path}", timeout=10)
    assert download.status_code == 200 and download.content == data
    assert httpx.get(f"{api.base_file_url}999:wrong/{path}", timeout=10).status_code == 404
    # A known file_id is sent again without an upload; an edit of its text is refused.
    status, again = _call(api, "sendDocument", json={"chat_id": 6, "document": document["file_id"]})
    assert status == 200 and again["result"]["document"]["file_id"] == document["file_id"]
    status, edit = _call(api, "editMessageText", json={"chat_id": 5, "text": "new",
                                                       "message_id": message["message_id"]})
    assert (status, edit["description"]) == (
        400, "Bad Request: there is no text in the message to edit")


@pytest.mark.parametrize(
    ("fields", "files", "description"),
    [({"chat_id": "5", "caption": "x" * 1025}, {"document": ("a.ics", b"x", "text/calendar")},
      "Bad Request: message caption is too long"),
     ({"chat_id": "5", "caption": "<b>" + "&amp;" * 1000 + "</b>", "parse_mode": "HTML"},
      {"document": ("a.ics", b"x", "text/calendar")}, None),
     ({"chat_id": "5", "caption": "<b>open", "parse_mode": "HTML"},
      {"document": ("a.ics", b"x", "text/calendar")},
      "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""),
     ({"chat_id": "5"}, {"document": ("a.ics", b"", "text/calendar")},
      "Bad Request: file must be non-empty"),
     ({"chat_id": "5", "document": "no-such-file-id"}, None,
      "Bad Request: wrong file identifier/HTTP URL specified")],
    ids=["caption-too-long", "caption-counted-after-entities", "unbalanced-caption",
         "empty-file", "unknown-file-id"],
)
def test_send_document_checks_like_telegram(api: FakeBotApi, fields: dict[str, str],
                                            files: dict[str, Any] | None,
                                            description: str | None) -> None:
    status, body = _call(api, "sendDocument", data=fields, files=files)
    if description is None:
        assert status == 200, body
    else:
        assert (status, body["description"]) == (400, description)


def test_get_file_of_an_unknown_id_is_refused(api: FakeBotApi) -> None:
    assert _call(api, "getFile", json={"file_id": "nope"})[1]["description"] == (
        "Bad Request: invalid file_id")


def test_edit_reply_markup_and_not_modified(api: FakeBotApi) -> None:
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": "x"}]]}
    _, sent = _call(api, "sendMessage", json={"chat_id": 5, "text": "hi", "reply_markup": markup})
    message_id = sent["result"]["message_id"]
    other = {"inline_keyboard": [[{"text": "b", "callback_data": "x"}]]}
    status, body = _call(api, "editMessageReplyMarkup",
                         json={"chat_id": 5, "message_id": message_id, "reply_markup": other})
    assert status == 200 and body["result"]["reply_markup"] == other
    status, body = _call(api, "editMessageReplyMarkup",
                         json={"chat_id": 5, "message_id": message_id, "reply_markup": other})
    assert status == 400 and "not modified" in body["description"]
    [message] = api.sent_messages(5)
    assert message.reply_markup == other and message.text == "hi"


def test_users_document_caption_command_is_an_entity(api: FakeBotApi) -> None:
    update = api.send_document(42, b"{}", "x.json", caption="/import please")
    message = Update.de_json(update, None).message
    assert message is not None and message.document is not None
    assert message.parse_caption_entities() == {message.caption_entities[0]: "/import"}
