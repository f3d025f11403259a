"""The Bot API methods the fake server answers: each takes the server and the request's
parameters and returns the `result`, or raises ApiError; `handle` routes one request.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fakebot_files import FILE_METHODS
from fakebot_webhook import WEBHOOK_METHODS, refuse_get_updates
from fakebot_wire import (
    JSON,
    ApiError,
    Call,
    SentMessage,
    chat_json,
    member_json,
    parse_body,
    user_json,
    utf16_len,
)

if TYPE_CHECKING:
    from fakebotapi import FakeBotApi

DEFAULT_UPDATE_TYPES = {  # what Telegram sends when allowed_updates is empty
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
    "inline_query", "chosen_inline_result", "my_chat_member", "shipping_query",
    "pre_checkout_query", "poll", "poll_answer", "chat_join_request",
}


def _message_json(api: FakeBotApi, sent: SentMessage) -> JSON:
    msg: JSON = {"message_id": sent.message_id, "date": int(time.time()),
                 "chat": chat_json(sent.chat_id, None), "from": api.bot_user}
    if sent.document is not None:
        msg["document"] = sent.document
        if sent.text:
            msg["caption"] = sent.text
    else:
        msg["text"] = sent.text
    if sent.message_thread_id is not None:
        msg.update(message_thread_id=sent.message_thread_id, is_topic_message=True)
    if sent.reply_markup:
        msg["reply_markup"] = sent.reply_markup
    if sent.edits:
        msg["edit_date"] = int(time.time())
    return msg


def _chat_id(params: JSON) -> int:
    chat_id = params.get("chat_id")
    if chat_id in (None, ""):
        raise ApiError(400, "Bad Request: chat_id is empty")
    if not isinstance(chat_id, int):
        raise ApiError(400, "Bad Request: chat not found")
    return chat_id


def _send_message(api: FakeBotApi, p: JSON) -> JSON:
    chat_id, text = _chat_id(p), p.get("text")
    if not text or not isinstance(text, str):
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    sent = SentMessage(
        message_id=next(api._ids), chat_id=chat_id, text=text,
        message_thread_id=p.get("message_thread_id"), parse_mode=p.get("parse_mode"),
        link_preview_options=p.get("link_preview_options"),
        disable_web_page_preview=p.get("disable_web_page_preview"),
        reply_markup=p.get("reply_markup"), time=time.monotonic())
    return _record(api, sent)


def _record(api: FakeBotApi, sent: SentMessage) -> JSON:
    api.messages_sent += 1
    if api.record_calls:
        api._sent.append(sent)
        api._by_key[(sent.chat_id, sent.message_id)] = sent
    api._cond.notify_all()
    return _message_json(api, sent)


def _edit_message_text(api: FakeBotApi, p: JSON) -> JSON:
    chat_id, text = _chat_id(p), p.get("text")
    sent = api._by_key.get((chat_id, int(p.get("message_id") or 0)))
    if sent is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    if sent.document is not None:
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    if not text:
        raise ApiError(400, "Bad Request: message text is empty")
    markup = p.get("reply_markup")
    if text == sent.text and markup == sent.reply_markup:
        raise ApiError(400, "Bad Request: message is not modified: specified new message "
                       "content and reply markup are exactly the same as a current content "
                       "and reply markup of the message")
    sent.edits.append(sent.text)
    sent.text, sent.reply_markup = text, markup
    return _message_json(api, sent)


def _edit_message_reply_markup(api: FakeBotApi, p: JSON) -> JSON:
    """Only the keyboard changes (a pressed button redrawn); the same keyboard again is
    refused as Telegram refuses it."""
    sent = api._by_key.get((_chat_id(p), int(p.get("message_id") or 0)))
    if sent is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    markup = p.get("reply_markup")
    if markup == sent.reply_markup:
        raise ApiError(400, "Bad Request: message is not modified: specified new message "
                       "content and reply markup are exactly the same as a current content "
                       "and reply markup of the message")
    sent.reply_markup = markup
    return _message_json(api, sent)


def _get_updates(api: FakeBotApi, p: JSON) -> list[JSON]:
    refuse_get_updates(api)  # 409 while a webhook is set
    offset, timeout = int(p.get("offset") or 0), max(0.0, float(p.get("timeout") or 0))
    limit = min(100, max(1, int(p.get("limit") or 100)))
    if p.get("allowed_updates") is not None:
        api._allowed = set(p["allowed_updates"]) or set(DEFAULT_UPDATE_TYPES)
    if offset > 0:  # everything below offset is confirmed and forgotten
        while api._updates and api._updates[0]["update_id"] < offset:
            api._updates.popleft()
    elif offset < 0:
        while len(api._updates) > -offset:
            api._updates.popleft()
    # As Telegram: a newer getUpdates ends one still waiting with 409 Conflict.
    api.polls_started += 1
    mine = api.polls_started
    api._cond.notify_all()
    deadline = time.monotonic() + timeout
    while not api._updates and not api._closing:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        api._cond.wait(left)
        if api.polls_started != mine:
            api.count_409 += 1
            raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                           "that only one bot instance is running")
    return list(itertools.islice(api._updates, limit))


def _member_of(api: FakeBotApi, chat_id: int, user_id: int) -> JSON:
    user = api.bot_user if user_id == api.bot_user["id"] else user_json(user_id, "en")
    if api.creators.get(chat_id) == user_id:
        return member_json("creator", user)
    if user_id in api.admins.get(chat_id, set()):
        return member_json("administrator", user)
    return member_json("member", user)


def _get_chat_administrators(api: FakeBotApi, p: JSON) -> list[JSON]:
    chat_id = _chat_id(p)
    if chat_id > 0:
        raise ApiError(400, "Bad Request: there are no administrators in the private chat")
    ids = ([api.creators[chat_id]] if chat_id in api.creators else [])
    ids += sorted(api.admins.get(chat_id, set()) - set(ids))
    return [_member_of(api, chat_id, uid) for uid in ids]


def _get_chat(api: FakeBotApi, p: JSON) -> JSON:
    gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                           "premium_subscription", "gifts_from_channels"), False)
    return {**chat_json(_chat_id(p), None), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": gifts}


def _set_my_commands(api: FakeBotApi, p: JSON) -> bool:
    key = json.dumps([p.get("scope"), p.get("language_code")], sort_keys=True)
    api.commands[key] = list(p.get("commands") or [])
    return True


def _get_my_commands(api: FakeBotApi, p: JSON) -> list[JSON]:
    return api.commands.get(json.dumps([p.get("scope"), p.get("language_code")],
                                       sort_keys=True), [])


METHODS: dict[str, Callable[[FakeBotApi, JSON], Any]] = {
    "getme": lambda api, p: api.bot_user,
    "getupdates": _get_updates,
    "sendmessage": _send_message,
    "editmessagetext": _edit_message_text,
    "editmessagereplymarkup": _edit_message_reply_markup,
    "answercallbackquery": lambda api, p: True,
    "getchatmember": lambda api, p: _member_of(api, _chat_id(p), int(p.get("user_id") or 0)),
    "getchatadministrators": _get_chat_administrators,
    "getchat": _get_chat,
    "setmycommands": _set_my_commands,
    "getmycommands": _get_my_commands,
    "close": lambda api, p: True,
    "logout": lambda api, p: True,
}
METHODS.update(FILE_METHODS)  # sendDocument, getFile (tests/fakebot_files.py)
METHODS.update(WEBHOOK_METHODS)  # setWebhook, deleteWebhook, getWebhookInfo
_FLOOD_COUNTED = {"sendmessage", "senddocument"}


def handle(api: FakeBotApi, path: str, content_type: str, body: bytes,
           query: str) -> tuple[int, JSON]:
    """One HTTP request to (status, JSON answer)."""
    if path == "/_fake/stats":
        return 200, {"count_429": api.count_429, "enforced_429": api.count_enforced_429,
                     "messages_sent": api.messages_sent, "count_409": api.count_409}
    parts = path.split("/")
    if len(parts) != 3 or not parts[1].startswith("bot"):
        return 404, ApiError(404, "Not Found").body()
    if parts[1][3:] != api.token:
        return 401, ApiError(401, "Unauthorized").body()
    method, impl = parts[2], METHODS.get(parts[2].lower())
    if impl is None:
        return 404, ApiError(404, "Not Found").body()
    try:
        params = parse_body(content_type, body, query)
    except ValueError:
        return 400, ApiError(400, "Bad Request: can't parse request").body()
    with api._cond:
        if api.record_calls:
            api.calls.append(Call(method, params, time.monotonic()))
        try:
            error = (api._take_fault(method, params) or _chaos(api, method)
                     or _flood_check(api, method, params))
            if error is not None:
                raise error
            return 200, {"ok": True, "result": impl(api, params)}
        except ApiError as exc:
            if exc.code == 429:
                api.count_429 += 1
            return exc.code, exc.body()


SENDS = {"sendmessage", "senddocument", "editmessagetext"}


def _chaos(api: FakeBotApi, method: str) -> ApiError | None:
    if api.chaos is None or method.lower() not in SENDS:
        return None
    code = api.chaos.roll()
    if code == 429:
        return ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
    if code == 502:
        return ApiError(502, "Bad Gateway")
    return None


def _flood_check(api: FakeBotApi, method: str, params: JSON) -> ApiError | None:
    chat_id = params.get("chat_id")
    if api.enforcer is None or method.lower() not in _FLOOD_COUNTED:
        return None
    if not isinstance(chat_id, int) or api.enforcer.admit(chat_id, time.monotonic()):
        return None
    api.count_enforced_429 += 1
    wait = api.enforcer.retry_after
    return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})


