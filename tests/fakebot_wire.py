"""The fake Bot API's wire format: request parameters from JSON, form or multipart bodies,
error answers, the JSON objects it returns (users, chats, members), and its records.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Self

JSON = dict[str, Any]

_NUMERIC = {
    "chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id", "user_id",
    "cache_time", "reply_to_message_id", "from_chat_id",
}


class UploadedFile(bytes):
    """A file part of a multipart request: its bytes, with the part's filename and type."""

    filename: str | None
    content_type: str | None

    def __new__(cls, data: bytes, filename: str | None = None,
                content_type: str | None = None) -> Self:
        made = super().__new__(cls, data)
        made.filename, made.content_type = filename, content_type
        return made


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
    document: JSON | None = None  # a sendDocument: its Document object; `text` is the caption
    file: bytes | None = None  # ...and the bytes uploaded


@dataclass
class Fault:
    code: int
    description: str
    parameters: JSON | None
    count: int
    chat_id: int | None


def utf16_len(text: str) -> int:
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
            if part.get_filename():  # an uploaded file, kept as bytes with its name and type
                params[str(name)] = UploadedFile(payload, part.get_filename(),
                                                 part.get_content_type())
            elif name:
                params[str(name)] = _coerce(str(name), payload.decode())
    return params


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


def user_json(user_id: int, language_code: str) -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
            "username": f"user{user_id}", "language_code": language_code}


def chat_type_of(chat_id: int) -> str:
    """Telegram's id ranges: users positive, supergroups -100…, basic groups other negatives."""
    if chat_id > 0:
        return "private"
    return "supergroup" if chat_id <= -1_000_000_000_000 else "group"


def chat_json(chat_id: int, chat_type: str | None, user: JSON | None = None) -> JSON:
    kind = chat_type or chat_type_of(chat_id)
    if kind == "private":
        name = (user or {}).get("first_name", f"User{chat_id}")
        return {"id": chat_id, "type": "private", "first_name": name}
    return {"id": chat_id, "type": kind, "title": f"Group {abs(chat_id)}"}


def member_json(status: str, user: JSON) -> JSON:
    """A ChatMember object of `status` for `user`, with the fields PTB requires."""
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


