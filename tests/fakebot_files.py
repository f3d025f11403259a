"""Files in the fake Bot API: documents users send (`FakeBotApi.send_document`), the bot's
sendDocument (multipart upload, or a file_id sent again), getFile, and the download path
`/file/bot<token>/<file_path>`, as Telegram answers them.
"""

from __future__ import annotations

import itertools
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from fakebot_wire import JSON, ApiError, SentMessage, UploadedFile, chat_json, user_json, utf16_len

if TYPE_CHECKING:
    from fakebotapi import FakeBotApi

GET_FILE_MAX = 20 * 1024 * 1024  # getFile refuses larger files (Bot API limit)
UPLOAD_MAX = 50 * 1024 * 1024  # sendDocument's multipart limit
CAPTION_MAX = 1024
# The tags Telegram's HTML parse mode knows (https://core.telegram.org/bots/api#html-style).
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
         "code", "pre", "blockquote", "tg-emoji"}


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    def document_json(self, size: int | None = None) -> JSON:
        doc: JSON = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                     "file_size": len(self.data) if size is None else size}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent."""

    message_id: int
    chat_id: int
    file: StoredFile
    caption: str | None
    parse_mode: str | None


@dataclass
class FileStore:
    """Every file the server knows, by file_id and by file_path."""

    by_id: dict[str, StoredFile] = field(default_factory=dict)
    by_path: dict[str, StoredFile] = field(default_factory=dict)
    sent: list[SentDocument] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        with self._lock:
            n = next(self._ids)
        suffix = file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else "bin"
        stored = StoredFile(f"BQACAgIAAxkBAAI{n:06d}", f"AgAD{n:06d}",
                            f"documents/file_{n}.{suffix}", bytes(data), file_name, mime_type)
        with self._lock:
            self.by_id[stored.file_id] = stored
            self.by_path[stored.file_path] = stored
        return stored


def user_document(api: FakeBotApi, chat_id: int, data: bytes, file_name: str, *,
                  mime_type: str | None = None, user_id: int | None = None,
                  file_size: int | None = None, caption: str | None = None) -> JSON:
    """The update of a user sending a document; `file_size` may claim another size."""
    stored = api.files.add(data, file_name, mime_type)
    user = user_json(user_id or (chat_id if chat_id > 0 else 5000), "en")
    msg: JSON = {"message_id": next(api._ids), "date": int(time.time()),
                 "chat": chat_json(chat_id, None, user), "from": user,
                 "document": stored.document_json(file_size)}
    if caption:
        msg["caption"] = caption
        if caption.startswith("/"):  # a command in a caption is an entity, as in a text
            msg["caption_entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": utf16_len(caption.split()[0])}]
    return api.inject({"message": msg})


def _send_document(api: FakeBotApi, p: JSON) -> JSON:
    chat_id = p.get("chat_id")
    if not isinstance(chat_id, int):
        raise ApiError(400, "Bad Request: chat not found")
    document = p.get("document")
    if isinstance(document, str) and document.startswith("attach://"):
        document = p.get(document[len("attach://"):])
    if isinstance(document, UploadedFile):
        if len(document) > UPLOAD_MAX:
            raise ApiError(413, "Request Entity Too Large")
        if not document:
            raise ApiError(400, "Bad Request: file must be non-empty")
        stored = api.files.add(document, document.filename, document.content_type)
    elif isinstance(document, str) and document in api.files.by_id:
        stored = api.files.by_id[document]
    else:
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    caption = caption_of(p)
    sent = SentMessage(message_id=next(api._ids), chat_id=chat_id, text=str(caption or ""),
                       parse_mode=p.get("parse_mode"), time=time.monotonic(),
                       message_thread_id=p.get("message_thread_id"),
                       reply_markup=p.get("reply_markup"), document=stored.document_json(), file=stored.data)
    api.messages_sent += 1
    if api.record_calls:
        api._sent.append(sent)
        api._by_key[(chat_id, sent.message_id)] = sent
        api.files.sent.append(SentDocument(sent.message_id, chat_id, stored, caption,
                                           p.get("parse_mode")))
    api._cond.notify_all()
    msg: JSON = {"message_id": sent.message_id, "date": int(time.time()),
                 "chat": chat_json(chat_id, None), "from": api.bot_user,
                 "document": stored.document_json()}
    if caption:
        msg["caption"] = caption
    return msg


class _Entities(HTMLParser):
    """Telegram's HTML parse mode: known tags only, balanced; collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            raise ApiError(400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ApiError(400, "Bad Request: can't parse entities: Unexpected end tag")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def caption_of(params: JSON) -> str | None:
    """The caption as sent (None when there is none), checked as Telegram checks it."""
    caption = params.get("caption")
    if caption in (None, ""):
        return None
    text = str(caption)
    if str(params.get("parse_mode") or "").upper() == "HTML":
        parser = _Entities()
        parser.feed(text)
        parser.close()
        if parser.stack:
            raise ApiError(400, "Bad Request: can't parse entities: Can't find end tag "
                                f'corresponding to start tag "{parser.stack[-1]}"')
        text = "".join(parser.text)
    if utf16_len(text) > CAPTION_MAX:
        raise ApiError(400, "Bad Request: message caption is too long")
    return str(caption)


def _get_file(api: FakeBotApi, p: JSON) -> JSON:
    stored = api.files.by_id.get(str(p.get("file_id") or ""))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if len(stored.data) > GET_FILE_MAX:
        raise ApiError(400, "Bad Request: file is too big")
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data), "file_path": stored.file_path}


FILE_METHODS: dict[str, Any] = {"senddocument": _send_document, "getfile": _get_file}


def serve_file(api: FakeBotApi, path: str) -> tuple[int, bytes, str]:
    """GET /file/bot<token>/<file_path>: (status, body, content type). The path arrives
    percent-encoded (python-telegram-bot sends the token's ':' as %3A)."""
    path, prefix = urllib.parse.unquote(path), f"/file/bot{api.token}/"
    stored = api.files.by_path.get(path[len(prefix):]) if path.startswith(prefix) else None
    if stored is None:
        return 404, b'{"ok":false,"error_code":404,"description":"Not Found"}', "application/json"
    return 200, stored.data, stored.mime_type or "application/octet-stream"
