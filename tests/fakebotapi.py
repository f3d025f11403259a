"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

Speaks the wire protocol python-telegram-bot uses (`/bot<token>/<method>`, JSON, form or
multipart bodies), long-polls getUpdates, records every call, injects faults and can enforce
Telegram's flood limits. Run `python tests/fakebotapi.py --enforce-limits` to serve standalone.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

DEFAULT_TOKEN = "123456:TEST-fake-token"
JSON = dict[str, Any]

_NUMERIC = {
    "chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id", "user_id",
    "cache_time", "reply_to_message_id", "from_chat_id",
}
_DEFAULT_UPDATE_TYPES = {  # what Telegram sends when allowed_updates is empty
    "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
    "inline_query", "chosen_inline_result", "my_chat_member", "shipping_query",
    "pre_checkout_query", "poll", "poll_answer", "chat_join_request",
}


class ApiError(Exception):
    """An error answer: HTTP status = error_code, with optional ResponseParameters."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


@dataclass(frozen=True)
class Call:
    method: str
    params: JSON
    time: float  # time.monotonic() when the request arrived


@dataclass
class SentMessage:
    """A message the bot sent (and later edits applied to it)."""

    message_id: int
    chat_id: int
    text: str
    message_thread_id: int | None = None
    parse_mode: str | None = None
    link_preview_options: JSON | None = None
    disable_web_page_preview: bool | None = None
    reply_markup: JSON | None = None
    time: float = 0.0
    edits: list[str] = field(default_factory=list)


@dataclass
class Fault:
    code: int
    description: str
    parameters: JSON | None
    count: int
    chat_id: int | None


class FloodEnforcer:
    """Telegram's documented flood limits, answering 429 when a message would exceed them.

    Telegram's bot FAQ: "no more than 30 messages per second or so" overall, "avoid sending
    more than one message per second" in a chat ("we may allow short bursts"), and "not more
    than 20 messages per minute to the same group". Tolerances here: the overall 1 s sliding
    window admits `global_slack` (1) message beyond 30 for network jitter; a chat is a token
    bucket of `chat_burst` (3) messages refilled one per second; a group (chat_id < 0) is a
    strict 60 s sliding window of 20.
    """

    def __init__(self, per_second: int = 30, chat_interval: float = 1.0,
                 group_per_minute: int = 20, *, global_slack: int = 1, chat_burst: int = 3,
                 retry_after: int = 1) -> None:
        self.global_max = per_second + global_slack
        self.chat_interval, self.chat_burst = chat_interval, chat_burst
        self.group_max = group_per_minute
        self.retry_after = retry_after
        self._global: deque[float] = deque()
        self._chat_tat: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}

    def admit(self, chat_id: int, now: float) -> bool:
        """Count the message and return True, or return False (and count nothing)."""
        _expire(self._global, now - 1.0)
        if len(self._global) >= self.global_max:
            return False
        tat = max(self._chat_tat.get(chat_id, now), now)
        if tat - now > self.chat_interval * (self.chat_burst - 1) + 1e-9:
            return False
        group = self._groups.setdefault(chat_id, deque()) if chat_id < 0 else None
        if group is not None:
            _expire(group, now - 60.0)
            if len(group) >= self.group_max:
                return False
            group.append(now)
        self._chat_tat[chat_id] = tat + self.chat_interval
        self._global.append(now)
        return True


def _expire(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _coerce(key: str, value: str) -> Any:
    """PTB sends form fields with non-string values JSON-encoded; undo that."""
    if key in _NUMERIC:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername"
    if value[:1] in "[{" or value in ("true", "false"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_body(content_type: str, body: bytes, query: str) -> JSON:
    """Parameters of one Bot API request, from the query string and a JSON/form/multipart body."""
    params: JSON = {k: _coerce(k, v) for k, v in urllib.parse.parse_qsl(query)}
    ctype = content_type.split(";")[0].strip().lower()
    if not body:
        return params
    if ctype == "application/json":
        loaded = json.loads(body)
        if isinstance(loaded, dict):
            params.update(loaded)
    elif ctype == "application/x-www-form-urlencoded":
        params.update({k: _coerce(k, v) for k, v in urllib.parse.parse_qsl(body.decode())})
    elif ctype == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            if part.get_filename():
                params[str(name)] = payload  # an uploaded file, kept as bytes
            elif name:
                params[str(name)] = _coerce(str(name), payload.decode())
    return params


class FakeBotApi:
    """The fake server and its state. Use as a context manager, or start()/stop()."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_id: int | None = None,
                 bot_username: str = "summit_watch_bot", bot_name: str = "Summit Watch",
                 enforcer: FloodEnforcer | None = None, record_calls: bool = True) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": bot_id or int(token.split(":")[0]), "is_bot": True, "first_name": bot_name,
            "username": bot_username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.enforcer = enforcer
        self.record_calls = record_calls
        self.calls: list[Call] = []
        self.count_429 = 0  # every 429 answered, injected or enforced
        self.count_enforced_429 = 0
        self.messages_sent = 0
        self.commands: dict[str, list[JSON]] = {}
        self.admins: dict[int, set[int]] = {}
        self.creators: dict[int, int] = {}
        self._sent: list[SentMessage] = []
        self._by_key: dict[tuple[int, int], SentMessage] = {}
        self._updates: deque[JSON] = deque()
        self._allowed: set[str] = set(_DEFAULT_UPDATE_TYPES)
        self._faults: dict[str, list[Fault]] = {}
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100_000)
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()  # release long polls
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)` / `Bot(base_url=...)`."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- configuration and fault injection --------------------------------------------------
    def set_admins(self, chat_id: int, user_ids: list[int], creator: int | None = None) -> None:
        with self._cond:
            self.admins[chat_id] = set(user_ids)
            if creator is not None:
                self.creators[chat_id] = creator

    def fail_next(self, method: str, code: int, description: str, *,
                  retry_after: int | None = None, migrate_to_chat_id: int | None = None,
                  count: int = 1, chat_id: int | None = None) -> None:
        """Answer the next `count` calls of `method` (for `chat_id`, if given) with an error."""
        params: JSON = {}
        if retry_after is not None:
            params["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            params["migrate_to_chat_id"] = migrate_to_chat_id
        with self._cond:
            self._faults.setdefault(method.lower(), []).append(
                Fault(code, description, params or None, count, chat_id))

    def _take_fault(self, method: str, params: JSON) -> ApiError | None:
        for fault in self._faults.get(method.lower(), []):
            if fault.chat_id is None or fault.chat_id == params.get("chat_id"):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults[method.lower()].remove(fault)
                return ApiError(fault.code, fault.description, fault.parameters)
        return None

    # -- recording ------------------------------------------------------------------------
    def sent_messages(self, chat_id: int | None = None) -> list[SentMessage]:
        with self._cond:
            return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    def edits(self, chat_id: int | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == "editMessageText"
                    and (chat_id is None or c.params.get("chat_id") == chat_id)]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, predicate: Callable[[SentMessage], bool],
                 timeout: float = 5.0) -> SentMessage:
        """Block until a sent message matches `predicate`; TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for msg in self._sent:
                    if predicate(msg):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching message was sent")
                self._cond.wait(left)

    # -- update injection -----------------------------------------------------------------
    def inject(self, update: JSON) -> JSON:
        """Queue a raw update (update_id is assigned) unless allowed_updates filters it out."""
        kind = next(k for k in update if k != "update_id")
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            if kind in self._allowed:
                self._updates.append(update)
                self._cond.notify_all()
        return update

    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None,
                  chat_type: str | None = None, message_thread_id: int | None = None,
                  is_topic_message: bool = False, language_code: str = "en") -> JSON:
        """A user writes `text` in a chat; a leading /command gets its bot_command entity."""
        user = _user(user_id or (chat_id if chat_id > 0 else 5000), language_code)
        msg: JSON = {"message_id": next(self._ids), "date": int(time.time()),
                     "chat": _chat(chat_id, chat_type, user), "from": user, "text": text}
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": _utf16_len(command)}]
        if message_thread_id is not None:
            msg["message_thread_id"] = message_thread_id
        if is_topic_message:
            msg["is_topic_message"] = True
        return self.inject({"message": msg})

    def press_button(self, chat_id: int, message_id: int, data: str, user_id: int) -> JSON:
        """A user presses an inline button under one of the bot's messages."""
        user = _user(user_id, "en")
        with self._cond:
            sent = self._by_key.get((chat_id, message_id))
        message: JSON = {"message_id": message_id, "date": int(time.time()),
                         "chat": _chat(chat_id, None, user), "from": self.bot_user,
                         "text": sent.text if sent else ""}
        if sent is not None and sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        query = {"id": str(next(self._ids)), "from": user, "message": message,
                 "chat_instance": str(abs(chat_id)), "data": data}
        return self.inject({"callback_query": query})

    def my_chat_member(self, chat_id: int, old_status: str, new_status: str,
                       chat_type: str | None = None, user_id: int = 5000) -> JSON:
        """The bot's own membership changes (added to / removed from a chat, or blocked)."""
        user = _user(user_id, "en")
        change = {"chat": _chat(chat_id, chat_type, user), "from": user,
                  "date": int(time.time()),
                  "old_chat_member": self._member(old_status, self.bot_user),
                  "new_chat_member": self._member(new_status, self.bot_user)}
        return self.inject({"my_chat_member": change})

    def migrate(self, chat_id: int, new_chat_id: int, user_id: int = 5000) -> JSON:
        """A group is upgraded to a supergroup: the service message in the old chat."""
        user = _user(user_id, "en")
        msg = {"message_id": next(self._ids), "date": int(time.time()),
               "chat": _chat(chat_id, "group", user), "from": user,
               "migrate_to_chat_id": new_chat_id}
        return self.inject({"message": msg})

    @staticmethod
    def _member(status: str, user: JSON) -> JSON:
        member: JSON = {"status": status, "user": user}
        if status == "administrator":
            member.update({key: True for key in _ADMIN_RIGHTS})
            member.update(can_be_edited=False, is_anonymous=False)
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "restricted":
            member.update(is_member=True, until_date=0, **{k: False for k in _RESTRICTIONS})
        elif status == "kicked":
            member["until_date"] = 0
        return member


_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories",
)
_RESTRICTIONS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_change_info",
    "can_invite_users", "can_pin_messages", "can_manage_topics",
)


def _user(user_id: int, language_code: str) -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
            "username": f"user{user_id}", "language_code": language_code}


def chat_type_of(chat_id: int) -> str:
    """Telegram's id ranges: users positive, supergroups -100…, basic groups other negatives."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def _chat(chat_id: int, chat_type: str | None, user: JSON | None = None) -> JSON:
    kind = chat_type or chat_type_of(chat_id)
    if kind == "private":
        name = (user or {}).get("first_name", f"User{chat_id}")
        return {"id": chat_id, "type": "private", "first_name": name}
    return {"id": chat_id, "type": kind, "title": f"Group {abs(chat_id)}"}


# -- Bot API methods: each takes the server and the request's params, returns `result` -----
def _message_json(api: FakeBotApi, sent: SentMessage) -> JSON:
    msg: JSON = {"message_id": sent.message_id, "date": int(time.time()),
                 "chat": _chat(sent.chat_id, None), "from": api.bot_user, "text": sent.text}
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
    if _utf16_len(text) > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    sent = SentMessage(
        message_id=next(api._ids), chat_id=chat_id, text=text,
        message_thread_id=p.get("message_thread_id"), parse_mode=p.get("parse_mode"),
        link_preview_options=p.get("link_preview_options"),
        disable_web_page_preview=p.get("disable_web_page_preview"),
        reply_markup=p.get("reply_markup"), time=time.monotonic())
    api.messages_sent += 1
    if api.record_calls:
        api._sent.append(sent)
        api._by_key[(chat_id, sent.message_id)] = sent
    api._cond.notify_all()
    return _message_json(api, sent)


def _edit_message_text(api: FakeBotApi, p: JSON) -> JSON:
    chat_id, text = _chat_id(p), p.get("text")
    sent = api._by_key.get((chat_id, int(p.get("message_id") or 0)))
    if sent is None:
        raise ApiError(400, "Bad Request: message to edit not found")
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


def _get_updates(api: FakeBotApi, p: JSON) -> list[JSON]:
    offset, timeout = int(p.get("offset") or 0), max(0.0, float(p.get("timeout") or 0))
    limit = min(100, max(1, int(p.get("limit") or 100)))
    if p.get("allowed_updates") is not None:
        api._allowed = set(p["allowed_updates"]) or set(_DEFAULT_UPDATE_TYPES)
    if offset > 0:  # everything below offset is confirmed and forgotten
        while api._updates and api._updates[0]["update_id"] < offset:
            api._updates.popleft()
    elif offset < 0:
        while len(api._updates) > -offset:
            api._updates.popleft()
    deadline = time.monotonic() + timeout
    while not api._updates and not api._closing:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        api._cond.wait(left)
    return list(itertools.islice(api._updates, limit))


def _member_of(api: FakeBotApi, chat_id: int, user_id: int) -> JSON:
    user = api.bot_user if user_id == api.bot_user["id"] else _user(user_id, "en")
    if api.creators.get(chat_id) == user_id:
        return FakeBotApi._member("creator", user)
    if user_id in api.admins.get(chat_id, set()):
        return FakeBotApi._member("administrator", user)
    return FakeBotApi._member("member", user)


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
    return {**_chat(_chat_id(p), None), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": gifts}


def _set_my_commands(api: FakeBotApi, p: JSON) -> bool:
    key = json.dumps([p.get("scope"), p.get("language_code")], sort_keys=True)
    api.commands[key] = list(p.get("commands") or [])
    return True


def _get_my_commands(api: FakeBotApi, p: JSON) -> list[JSON]:
    return api.commands.get(json.dumps([p.get("scope"), p.get("language_code")],
                                       sort_keys=True), [])


_METHODS: dict[str, Callable[[FakeBotApi, JSON], Any]] = {
    "getme": lambda api, p: api.bot_user,
    "getupdates": _get_updates,
    "sendmessage": _send_message,
    "editmessagetext": _edit_message_text,
    "answercallbackquery": lambda api, p: True,
    "getchatmember": lambda api, p: _member_of(api, _chat_id(p), int(p.get("user_id") or 0)),
    "getchatadministrators": _get_chat_administrators,
    "getchat": _get_chat,
    "setmycommands": _set_my_commands,
    "getmycommands": _get_my_commands,
    "deletewebhook": lambda api, p: True,
    "getwebhookinfo": lambda api, p: {"url": "", "has_custom_certificate": False,
                                      "pending_update_count": len(api._updates)},
    "close": lambda api, p: True,
    "logout": lambda api, p: True,
}
_FLOOD_COUNTED = {"sendmessage"}


def handle(api: FakeBotApi, path: str, content_type: str, body: bytes,
           query: str) -> tuple[int, JSON]:
    """One HTTP request to (status, JSON answer)."""
    if path == "/_fake/stats":
        return 200, {"count_429": api.count_429, "enforced_429": api.count_enforced_429,
                     "messages_sent": api.messages_sent}
    parts = path.split("/")
    if len(parts) != 3 or not parts[1].startswith("bot"):
        return 404, ApiError(404, "Not Found").body()
    if parts[1][3:] != api.token:
        return 401, ApiError(401, "Unauthorized").body()
    method, impl = parts[2], _METHODS.get(parts[2].lower())
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
            error = api._take_fault(method, params) or _flood_check(api, method, params)
            if error is not None:
                raise error
            return 200, {"ok": True, "result": impl(api, params)}
        except ApiError as exc:
            if exc.code == 429:
                api.count_429 += 1
            return exc.code, exc.body()


def _flood_check(api: FakeBotApi, method: str, params: JSON) -> ApiError | None:
    chat_id = params.get("chat_id")
    if api.enforcer is None or method.lower() not in _FLOOD_COUNTED:
        return None
    if not isinstance(chat_id, int) or api.enforcer.admit(chat_id, time.monotonic()):
        return None
    api.count_enforced_429 += 1
    wait = api.enforcer.retry_after
    return ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, answer = handle(api, url.path, self.headers.get("Content-Type", ""),
                                    body, url.query)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: tests read the recorded calls instead

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--enforce-limits", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="keep no per-call history")
    args = parser.parse_args()
    enforcer = FloodEnforcer() if args.enforce_limits else None
    server = FakeBotApi(args.token, enforcer=enforcer, record_calls=not args.no_record).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
