"""/export and /import through the running Application (the harness of
test_telegram_handlers.py) and the fake Bot API's sendDocument, getFile and file server:
the file's content, a round trip into another chat, the three ways to import, hostile
files refused with nothing changed, and the reading of a file on its own (table-driven and
property-tested).
"""
# The fixtures `app` and `h` are imported from the harness module; tests take them as
# parameters, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fakebotapi import SentMessage
from hypothesis import given, settings
from hypothesis import strategies as st
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    GROUP_ADMIN,
    MEMBER,
    NOW,
    SUPERGROUP,
    Harness,
    app,
    h,
)

from bot.telegram.settingsfile import (
    FORMAT,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    Refused,
    Settings,
    dump,
    file_name,
    read,
)


def exported(h: Harness, chat_id: int, **kw: Any) -> tuple[SentMessage, dict[str, Any]]:
    before = len(h.api.sent_documents(chat_id))
    h.api.send_text(chat_id, "/export", **kw)
    h.sync()
    documents = h.api.sent_documents(chat_id)
    assert len(documents) == before + 1
    document = documents[-1]
    assert document.document is not None
    return document, json.loads(h.api.file_bytes(document.document["file_id"]))


def send_file(h: Harness, chat_id: int, data: bytes, caption: str | None = "/import",
              name: str = "settings.json", **kw: Any) -> SentMessage:
    sent = h.api.send_document(chat_id, data, name, caption=caption, **kw)
    return h.next_in(chat_id, sent["message"]["message_id"])


def state(h: Harness, chat_id: int) -> tuple[Any, ...]:
    sub = h.sub(chat_id)
    return (sub.lang, [w.query for w in h.store.list_watches(sub.id)],
            h.store.followed_topics(sub.id, ["union-treaty", "security"]),
            h.store.audience_generation())


def settings_file(**fields: Any) -> bytes:
    return json.dumps({"format": FORMAT, "version": 1, **fields}).encode()


# ---------------------------------------------------------------- export


def test_export_needs_a_subscription(h: Harness) -> None:
    assert "/start" in h.say(401, "/export").text
    assert h.api.sent_documents(401) == []


def test_export_sends_the_chats_settings_as_a_json_document(h: Harness) -> None:
    h.say(402, "/start")
    h.say(402, "/watch pipeline source:belta")
    h.say(402, "/watch treaty -lang:ru")
    h.say(402, "/lang be")
    sub = h.sub(402)
    h.store.set_following(sub.id, "security", False)
    h.store.mute_topic(sub.id, "union-treaty", NOW + timedelta(days=1), now=NOW)
    document, content = exported(h, 402)
    assert document.document["file_name"] == "summit-watch-402.json"
    assert document.document["mime_type"] == "application/json"
    assert document.caption is not None and "2 запыты і 1 тэма, за якой вы сочыце" in document.caption
    assert "/import" in document.caption
    assert content == {
        "format": "summit-watch/chat-settings", "version": 1,
        "exported_at": "2025-03-01T12:00:00Z",
        "chat": {"id": 402, "thread_id": None, "title": "User402", "kind": "private"},
        "language": "be", "watches": ["pipeline source:belta", "treaty -lang:ru"],
        "followed_topics": ["union-treaty"], "unfollowed_topics": ["security"],
        "topic_mutes": {"union-treaty": "2025-03-02T12:00:00Z"},
        "quiet_hours": None, "delivery_mode": None,
    }


# ---------------------------------------------------------------- import


def test_a_round_trip_restores_watches_topics_and_language_in_another_chat(h: Harness) -> None:
    h.say(403, "/start")
    h.say(403, "/watch pipeline source:belta")
    h.say(403, "/lang ru")
    h.store.set_following(h.sub(403).id, "union-treaty", False)
    document, _ = exported(h, 403)
    data = h.api.file_bytes(document.document["file_id"])
    h.say(404, "/start")
    h.say(404, "/watch gazprom")
    reply = send_file(h, 404, data, name="summit-watch-403.json")
    assert state(h, 404)[:3] == ("ru", ["gazprom", "pipeline source:belta"], ["security"])
    assert reply.text.splitlines() == [
        "📥 Импортирован <code>summit-watch-403.json</code>:",
        "👀 Добавлено 1 запрос: <code>pipeline source:belta</code>",
        "🔕 Больше не отслеживаются: Union State treaty",
        "🌐 Язык: русский.",
    ]
    again = send_file(h, 404, data, name="summit-watch-403.json")
    assert again.text.splitlines() == [
        ("📥 <code>summit-watch-403.json</code>: в этом чате уже такие настройки, ничего не "
        "изменено."),
        "👀 Уже были: 1 запрос.",
    ]


def test_import_by_replying_and_by_plain_file_in_a_private_chat(h: Harness) -> None:
    h.say(405, "/start")
    data = settings_file(watches=["alpha"])
    upload = h.api.send_document(405, data, "s.json", caption="here you go")
    h.sync()
    assert [w.query for w in h.store.list_watches(h.sub(405).id)] == ["alpha"]  # private: taken
    data = settings_file(watches=["beta"])
    upload = h.api.send_document(405, data, "s.json", caption="/note not an import")
    h.sync()
    assert "beta" not in state(h, 405)[1]
    reply = h.say(405, "/import", reply_to=upload)
    assert "beta" in state(h, 405)[1] and "Added 1 watch" in reply.text
    assert "caption" in h.say(405, "/import").text  # alone: how to


def test_in_groups_a_plain_document_is_ignored_and_import_is_for_admins(h: Harness) -> None:
    h.api.set_admins(SUPERGROUP, [GROUP_ADMIN])
    h.say(SUPERGROUP, "/start", user_id=GROUP_ADMIN, chat_type="supergroup")
    data = settings_file(watches=["alpha"])
    asked = len(h.calls("getChatMember"))
    h.api.send_document(SUPERGROUP, data, "report.json", caption=None, user_id=MEMBER)
    h.sync()
    assert h.sent(SUPERGROUP)[-1].text.startswith("👋")  # the /start reply: nothing since
    assert h.calls("getFile") == [] and len(h.calls("getChatMember")) == asked
    refused = send_file(h, SUPERGROUP, data, user_id=MEMBER)
    assert "only chat admins" in refused.text and state(h, SUPERGROUP)[1] == []
    h.api.send_document(SUPERGROUP, data, "s.json", caption="/import@other_bot",
                        user_id=GROUP_ADMIN)
    h.sync()
    assert state(h, SUPERGROUP)[1] == []  # another bot's command
    send_file(h, SUPERGROUP, data, caption="/import@summit_watch_bot", user_id=GROUP_ADMIN)
    assert state(h, SUPERGROUP)[1] == ["alpha"]


def test_bad_watches_are_reported_and_the_good_ones_added(h: Harness) -> None:
    h.say(406, "/start")
    h.say(406, "/watch kept")
    data = settings_file(
        watches=["kept", "(unclosed", "source:belta", "oil", "gas", "coal"],
        followed_topics=["security", "no-such-topic"], language="xx",
        quiet_hours={"from": "23:00"}, future_key=1)
    reply = send_file(h, 406, data)
    assert state(h, 406)[1] == ["kept", "oil", "gas"]  # the limit is 3
    assert reply.text.splitlines() == [
        "📥 Imported <code>settings.json</code>:",
        "👀 Added 2 watches: <code>oil</code>, <code>gas</code>",
        "👀 Already here: 1 watch.",
        ("⚠️ Not added: <code>(unclosed</code> — unbalanced parenthesis: &#x27;(&#x27; is "
        "never closed "
        "(at character 1)"),
        ("⚠️ Not added: <code>source:belta</code> — source: and lang: only narrow a query "
        "down: it also needs a word that must appear, or it would match everything from one "
        "outlet or language (at character 1)"),
        "⚠️ Not added (this chat holds 3 watches at most): <code>coal</code>",
        "Not tracked here, skipped: no-such-topic",
        "Not used by this version of the bot, ignored: quiet_hours, future_key, language: xx",
    ]


HOSTILE = {
    "too-big": (b" " * (MAX_FILE_BYTES + 1), "is 65 KB; a settings file is at most 64 KB"),
    "not-json": (b'{"format": ', "not valid JSON (line 1, column 12)"),
    "not-utf8": (b"\xff\xfe{}", "not valid JSON"),
    "deep-nesting": (b"[" * 50_000, "not valid JSON"),
    "not-ours": (json.dumps({"watches": ["a"]}).encode(), "not a Summit Watch settings file"),
    "array": (b"[]", "not a Summit Watch settings file"),
    "version-2": (json.dumps({"format": FORMAT, "version": 2}).encode(),
                  "format version 2; I read version 1"),
    "version-text": (json.dumps({"format": FORMAT, "version": "1"}).encode(),
                     "format version 1; I read version 1"),
    "watches-not-list": (settings_file(watches="alpha"), "<code>watches</code> in this file"),
    "watch-not-text": (settings_file(watches=["a", 7]), "<code>watches</code> in this file"),
    "huge-list": (settings_file(watches=["a"] * (MAX_ITEMS + 1)),
                  f"lists {MAX_ITEMS + 1} items; at most {MAX_ITEMS} are accepted"),
    "language-not-text": (settings_file(language=["be"]), "<code>language</code>"),
}


@pytest.mark.parametrize(("data", "message"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_files_are_refused_with_nothing_changed(h: Harness, data: bytes,
                                                         message: str) -> None:
    h.say(407, "/start")
    h.say(407, "/watch kept")
    before = state(h, 407)
    reply = send_file(h, 407, data)
    assert message in reply.text
    assert "Nothing was changed." in reply.text
    assert state(h, 407) == before
    if len(data) > MAX_FILE_BYTES:
        assert h.calls("getFile") == []  # refused on Telegram's word, before downloading


def test_import_needs_a_subscription(h: Harness) -> None:
    assert "/start" in send_file(h, 408, settings_file(watches=["a"])).text
    assert h.sub(408) is None


# ---------------------------------------------------------------- reading a file


@pytest.mark.parametrize(
    ("fields", "expected"),
    [({}, Settings()),
     ({"watches": None, "language": None}, Settings()),
     ({"language": "be", "watches": ["a"], "followed_topics": ["t"],
       "unfollowed_topics": ["u"]}, Settings("be", ("a",), ("t",), ("u",))),
     ({"chat": {"id": 1}, "exported_at": "x", "topic_mutes": {"t": "x"},
       "quiet_hours": None, "delivery_mode": None}, Settings()),
     ({"delivery_mode": "digest", "zzz": []}, Settings(ignored=("delivery_mode", "zzz")))],
    ids=["minimal", "nulls", "everything", "informational-and-reserved", "reserved-and-unknown"],
)
def test_read(fields: dict[str, Any], expected: Settings) -> None:
    assert read(settings_file(**fields)) == expected


def test_a_written_file_reads_back() -> None:
    data = dump({"format": FORMAT, "version": 1, "language": "ru", "watches": ["«кавычки»"],
                 "followed_topics": [], "unfollowed_topics": ["x"]})
    assert "«кавычки»" in data.decode()  # readable, not \\u-escaped
    assert read(data) == Settings("ru", ("«кавычки»",), (), ("x",))


def test_file_names() -> None:
    assert file_name(101, None) == "summit-watch-101.json"
    assert file_name(-1001000000777, 5) == "summit-watch-1001000000777-5.json"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused(data: bytes) -> None:
    try:
        read(data)
    except Refused as refused:
        assert refused.key.startswith("import_")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["watches", "language", "followed_topics",
                                        "unfollowed_topics", "quiet_hours", "other"]),
                       JSON_VALUES, max_size=5))
def test_any_fields_are_read_or_refused(fields: dict[str, Any]) -> None:
    try:
        found = read(settings_file(**fields))
    except Refused as refused:
        assert refused.key in {"import_bad_field", "import_too_many"}
        return
    assert all(isinstance(q, str) for q in found.watches)
    assert found.language is None or isinstance(found.language, str)
