"""The fake Bot API's files: sendDocument as a multipart upload (name and type kept) or a
file_id sent again, getFile, and downloads from /file/bot<token>/<file_path>, answered the
way Telegram answers them, and used by a real python-telegram-bot Bot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi
from telegram import Bot, InputFile


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def call(api: FakeBotApi, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    response = httpx.post(f"{api.base_url}{DEFAULT_TOKEN}/{method}", timeout=10, **kwargs)
    return response.status_code, response.json()


def test_a_bot_uploads_a_document_and_downloads_what_a_user_sent(api: FakeBotApi) -> None:
    sent = api.send_document(7, b"<opml/>", "list.opml", mime_type="text/x-opml")
    document = sent["message"]["document"]
    assert document["file_name"] == "list.opml" and document["file_size"] == 7

    async def go() -> tuple[Any, bytes, Any]:
        async with Bot(DEFAULT_TOKEN, base_url=api.base_url,
                       base_file_url=api.base_file_url) as bot:
            message = await bot.send_document(7, InputFile(b"data", filename="out.opml"),
                                              caption="<b>hi</b>", parse_mode="HTML")
            handle = await bot.get_file(document["file_id"])
            return message, bytes(await handle.download_as_bytearray()), handle

    message, data, handle = asyncio.run(go())
    assert data == b"<opml/>" and handle.file_size == 7
    assert message.document.file_name == "out.opml" and message.caption == "<b>hi</b>"
    (doc,) = api.sent_documents(7)
    assert (doc.file.data, doc.file.file_name, doc.caption, doc.parse_mode) == (
        b"data", "out.opml", "<b>hi</b>", "HTML")
    assert api.sent_messages(7)[-1].text == "<b>hi</b>", "waiting for a reply sees documents"


@pytest.mark.parametrize(
    ("method", "kwargs", "code", "description"),
    [
        ("getFile", {"json": {"file_id": "nope"}}, 400, "Bad Request: invalid file_id"),
        ("sendDocument", {"json": {"chat_id": 7, "document": "nope"}}, 400,
         "Bad Request: wrong file identifier/HTTP URL specified"),
        ("sendDocument", {"data": {"chat_id": "7"}, "files": {"document": ("a", b"", "x/y")}},
         400, "Bad Request: file must be non-empty"),
        ("sendDocument", {"data": {"chat_id": "7", "caption": "x" * 1025},
                          "files": {"document": ("a", b"1", "x/y")}},
         400, "Bad Request: message caption is too long"),
    ],
    ids=["unknown-file-id", "unknown-document", "empty-upload", "caption-too-long"],
)
def test_errors_as_telegram_words_them(api: FakeBotApi, method: str, kwargs: dict[str, Any],
                                       code: int, description: str) -> None:
    assert call(api, method, **kwargs) == (code, {"ok": False, "error_code": code,
                                                   "description": description})


def test_a_file_id_can_be_sent_again_and_attach_uris_resolve(api: FakeBotApi) -> None:
    file_id = api.send_document(7, b"abc", "a.txt")["message"]["document"]["file_id"]
    status, answer = call(api, "sendDocument", json={"chat_id": 8, "document": file_id})
    assert status == 200 and answer["result"]["document"]["file_id"] == file_id
    status, answer = call(api, "sendDocument", data={"chat_id": "8", "document": "attach://f"},
                          files={"f": ("b.txt", b"xyz", "text/plain")})
    assert status == 200 and answer["result"]["document"]["file_name"] == "b.txt"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/file/bot{token}/{path}", 200), ("/file/bot{quoted}/{path}", 200),
     ("/file/bot{token}/documents/none.txt", 404), ("/file/botWRONG/{path}", 404)],
    ids=["plain", "percent-encoded-token", "unknown-path", "wrong-token"],
)
def test_downloads(api: FakeBotApi, path: str, status: int) -> None:
    file_id = api.send_document(7, b"abc", "a.txt")["message"]["document"]["file_id"]
    file_path = call(api, "getFile", json={"file_id": file_id})[1]["result"]["file_path"]
    url = api.url + path.format(token=DEFAULT_TOKEN, quoted=DEFAULT_TOKEN.replace(":", "%3A"),
                                path=file_path)
    response = httpx.get(url, timeout=10)
    assert response.status_code == status
    if status == 200:
        assert response.content == b"abc"
