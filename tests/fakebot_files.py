"""The fake Bot API's files: documents uploaded by the bot (sendDocument, multipart) or sent
to it by users, `getFile` and the download path `/file/bot<token>/<file_path>`, and HTML
captions parsed the way Telegram counts them (1024 characters after entity parsing).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from html.parser import HTMLParser

from fakebot_wire import JSON, ApiError, Upload, utf16_len

MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may send
MAX_DOWNLOAD = 20 * 1024 * 1024  # what a bot may fetch with getFile
MAX_CAPTION = 1024
# The tags Telegram's HTML parse mode knows (https://core.telegram.org/bots/api#html-style).
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
         "code", "pre", "blockquote", "tg-emoji"}


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes

    def document_json(self) -> JSON:
        """The Document object of a message carrying this file."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_name": self.file_name, "mime_type": self.mime_type,
                "file_size": len(self.data)}

    def file_json(self) -> JSON:
        """getFile's File object: where to download it."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "file_path": self.file_path}


class FileStore:
    """Every file the fake server knows, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)

    def add(self, data: bytes, file_name: str, mime_type: str) -> StoredFile:
        n = next(self._ids)
        digest = hashlib.sha256(data).hexdigest()
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(f"BQACAgIAAx{n:06d}{digest[:16]}", f"AgAD{digest[:12]}",
                            f"documents/file_{n}.{extension}", file_name, mime_type, data)
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: object) -> StoredFile | None:
        return self._by_id.get(file_id) if isinstance(file_id, str) else None

    def at(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def uploaded_document(files: FileStore, params: JSON, field: str = "document") -> StoredFile:
    """The file a send names: a multipart upload, `attach://<part>`, or a known file_id."""
    value = params.get(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.get(value.removeprefix("attach://"))
    if isinstance(value, Upload):
        if not value.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(value.data) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return files.add(value.data, value.filename, value.content_type)
    known = files.get(value)
    if known is None:  # URLs are not fetched here: tests never send one
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    return known


def file_for_download(files: FileStore, params: JSON) -> StoredFile:
    found = files.get(params.get("file_id"))
    if found is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    if len(found.data) > MAX_DOWNLOAD:
        raise ApiError(400, "Bad Request: file is too big")
    return found


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
    if utf16_len(text) > MAX_CAPTION:
        raise ApiError(400, "Bad Request: message caption is too long")
    return str(caption)
