"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

Speaks the wire protocol python-telegram-bot uses (`/bot<token>/<method>`, JSON, form or
multipart bodies, files at `/file/bot<token>/<path>`), long-polls getUpdates, records every
call, injects faults and can enforce Telegram's flood limits. Run `python tests/fakebotapi.py --enforce-limits` to serve standalone.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

# The split modules sit beside this one; as a script, only tests/ is on sys.path.
from fakebot_files import FileStore, SentDocument, serve_file, user_document
from fakebot_limits import Chaos, FloodEnforcer
from fakebot_methods import DEFAULT_UPDATE_TYPES, SENDS, handle
from fakebot_webhook import REGISTERED, Hook, deliver
from fakebot_wire import (
    JSON,
    ApiError,
    Call,
    Fault,
    SentMessage,
    chat_json,
    member_json,
    user_json,
    utf16_len,
)

__all__ = ["DEFAULT_TOKEN", "Chaos", "FakeBotApi", "FloodEnforcer", "SentMessage"]

DEFAULT_TOKEN = "123456:TEST-fake-token"


class FakeBotApi:
    """The fake server and its state. Use as a context manager, or start()/stop()."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_id: int | None = None,
                 bot_username: str = "summit_watch_bot", bot_name: str = "Summit Watch",
                 enforcer: FloodEnforcer | None = None, record_calls: bool = True,
                 chaos: Chaos | None = None) -> None:
        self.token = token
        self.bot_user: JSON = {
            "id": bot_id or int(token.split(":")[0]), "is_bot": True, "first_name": bot_name,
            "username": bot_username, "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False,
        }
        self.enforcer = enforcer
        self.chaos = chaos
        self.inflight = 0  # sends received and not answered yet
        self.record_calls = record_calls
        self.calls: list[Call] = []
        self.count_429 = 0  # every 429 answered, injected or enforced
        self.count_enforced_429 = 0
        self.messages_sent = 0
        self.polls_started = 0  # getUpdates calls; a newer one ends a waiting one (409)
        self.count_409 = 0
        self.commands: dict[str, list[JSON]] = {}
        self.admins: dict[int, set[int]] = {}
        self.creators: dict[int, int] = {}
        self.files = FileStore()  # documents sent either way (tests/fakebot_files.py)
        self.webhook: Hook | None = None  # set by setWebhook (tests/fakebot_webhook.py)
        self._sent: list[SentMessage] = []
        self._by_key: dict[tuple[int, int], SentMessage] = {}
        self._updates: deque[JSON] = deque()
        self._allowed: set[str] = set(DEFAULT_UPDATE_TYPES)
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
        """Queue a raw update (update_id is assigned) unless allowed_updates filters it out;
        while a webhook is set it is POSTed to the webhook instead."""
        kind = next(k for k in update if k != "update_id")
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            if kind not in self._allowed:
                return update
            if self.webhook is None:
                self._updates.append(update)
                self._cond.notify_all()
                return update
        self.deliver_webhook(update)
        return update

    def deliver_webhook(self, update: JSON, *, secret: Any = REGISTERED) -> int:
        """POST `update` to the bot's webhook with the registered secret header (`secret`:
        another value, or None for no header); returns the HTTP status the bot answered."""
        if "update_id" not in update:
            update = {"update_id": next(self._update_ids), **update}
        return deliver(self, update, secret)

    def send_text(self, chat_id: int, text: str, *, user_id: int | None = None,
                  chat_type: str | None = None, message_thread_id: int | None = None,
                  is_topic_message: bool = False, language_code: str = "en",
                  reply_to: JSON | None = None) -> JSON:
        """A user writes `text` in a chat; a leading /command gets its bot_command entity.
        `reply_to`: the update of the message it answers (Telegram embeds that message)."""
        user = user_json(user_id or (chat_id if chat_id > 0 else 5000), language_code)
        msg: JSON = {"message_id": next(self._ids), "date": int(time.time()),
                     "chat": chat_json(chat_id, chat_type, user), "from": user, "text": text}
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": utf16_len(command)}]
        if message_thread_id is not None:
            msg["message_thread_id"] = message_thread_id
        if is_topic_message:
            msg["is_topic_message"] = True
        if reply_to is not None:
            msg["reply_to_message"] = reply_to["message"]
        return self.inject({"message": msg})

    def send_document(self, chat_id: int, data: bytes, file_name: str, **kw: Any) -> JSON:
        """A user sends a file (see fakebot_files.user_document for the options)."""
        return user_document(self, chat_id, data, file_name, **kw)

    def sent_documents(self, chat_id: int | None = None) -> list[SentDocument]:
        with self._cond:
            return [d for d in self.files.sent if chat_id is None or d.chat_id == chat_id]

    def documents(self, chat_id: int | None = None) -> list[SentMessage]:
        """Files the bot sent (sendDocument) as messages, oldest first; `text` is the caption."""
        return [m for m in self.sent_messages(chat_id) if m.document is not None]

    def press_button(self, chat_id: int, message_id: int, data: str, user_id: int) -> JSON:
        """A user presses an inline button under one of the bot's messages."""
        user = user_json(user_id, "en")
        with self._cond:
            sent = self._by_key.get((chat_id, message_id))
        message: JSON = {"message_id": message_id, "date": int(time.time()),
                         "chat": chat_json(chat_id, None, user), "from": self.bot_user,
                         "text": sent.text if sent else ""}
        if sent is not None and sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        query = {"id": str(next(self._ids)), "from": user, "message": message,
                 "chat_instance": str(abs(chat_id)), "data": data}
        return self.inject({"callback_query": query})

    def my_chat_member(self, chat_id: int, old_status: str, new_status: str,
                       chat_type: str | None = None, user_id: int = 5000) -> JSON:
        """The bot's own membership changes (added to / removed from a chat, or blocked)."""
        user = user_json(user_id, "en")
        change = {"chat": chat_json(chat_id, chat_type, user), "from": user,
                  "date": int(time.time()),
                  "old_chat_member": member_json(old_status, self.bot_user),
                  "new_chat_member": member_json(new_status, self.bot_user)}
        return self.inject({"my_chat_member": change})

    def migrate(self, chat_id: int, new_chat_id: int, user_id: int = 5000) -> JSON:
        """A group is upgraded to a supergroup: the service message in the old chat."""
        user = user_json(user_id, "en")
        msg = {"message_id": next(self._ids), "date": int(time.time()),
               "chat": chat_json(chat_id, "group", user), "from": user,
               "migrate_to_chat_id": new_chat_id}
        return self.inject({"message": msg})


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def do_POST(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path.startswith("/file/"):
                self._send_file(url.path)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            send = url.path.rsplit("/", 1)[-1].lower() in SENDS
            with api._cond:
                api.inflight += send
            try:
                status, answer = handle(api, url.path, self.headers.get("Content-Type", ""),
                                        body, url.query)
                if send and status == 200 and api.chaos is not None and api.chaos.latency:
                    time.sleep(api.chaos.latency)  # delivered; the answer is still on its way
            finally:
                with api._cond:
                    api.inflight -= send
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client is gone (a killed bot): its loss

        do_GET = do_POST

        def _send_file(self, path: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, data, ctype = serve_file(api, path)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

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
