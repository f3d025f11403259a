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
    store_entries,
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
    """/export in the chat: the document message, and its file as getFile serves it."""
    before = len(h.api.documents(chat_id))
    h.api.send_text(chat_id, "/export", **kw)
    h.sync()
    documents = h.api.documents(chat_id)
    assert len(documents) == before + 1
    document = documents[-1]
    assert document.document is not None
    return document, json.loads(file_bytes(h, document))


def file_bytes(h: Harness, message: SentMessage) -> bytes:
    assert message.document is not None
    return h.api.files.by_id[message.document["file_id"]].data


def send_file(h: Harness, chat_id: int, data: bytes, caption: str | None = "/import",
              name: str = "settings.json", **kw: Any) -> SentMessage:
    sent = h.api.send_document(chat_id, data, name, caption=caption,
                               mime_type="application/json", **kw)
    return h.next_in(chat_id, sent["message"]["message_id"])


def state(h: Harness, chat_id: int) -> tuple[Any, ...]:
    sub = h.sub(chat_id)
    return (sub.lang, [w.query for w in h.store.list_watches(sub.id)],
            h.store.followed_topics(sub.id, ["union-treaty", "security"]),
            sub.muted_until, h.store.topic_mutes(sub.id, now=NOW))


def settings_file(**fields: Any) -> bytes:
    return json.dumps({"format": FORMAT, "version": 1, **fields}).encode()


# ---------------------------------------------------------------- export


def test_export_needs_a_subscription(h: Harness) -> None:
    assert "/start" in h.say(401, "/export").text
    assert h.api.documents(401) == []


def test_export_sends_the_chats_settings_as_a_json_document(h: Harness) -> None:
    h.say(402, "/start")
    h.say(402, "/watch pipeline source:belta")
    h.say(402, "/watch treaty -lang:ru")
    h.say(402, "/lang be")
    h.say(402, "/mute 2h")
    sub = h.sub(402)
    h.store.set_following(sub.id, "security", False)
    h.store.mute_topic(sub.id, "union-treaty", NOW + timedelta(days=1), now=NOW)
    document, content = exported(h, 402)
    assert document.document["file_name"] == "summit-watch-402.json"
    assert document.document["mime_type"] == "application/json"
    assert "2 запыты і 1 тэма, за якой вы сочыце" in document.text
    assert "/import" in document.text
    assert content == {
        "format": "summit-watch-settings", "version": 1,
        "exported_at": "2025-03-01T12:00:00Z",
        "chat": {"id": 402, "thread_id": None, "title": "User402", "kind": "private"},
        "language": "be", "watches": ["pipeline source:belta", "treaty -lang:ru"],
        "followed_topics": ["union-treaty"], "unfollowed_topics": ["security"],
        "muted_until": "2025-03-01T14:00:00Z",
        "topic_mutes": {"union-treaty": "2025-03-02T12:00:00Z"},
        "quiet_hours": None, "time_zone": None, "delivery_mode": None, "watch_modes": {},
    }


# ---------------------------------------------------------------- import


def test_a_round_trip_restores_the_settings_in_another_chat(h: Harness) -> None:
    h.say(403, "/start")
    h.say(403, "/watch pipeline source:belta")
    h.say(403, "/lang ru")
    h.say(403, "/mute 2h")
    h.store.set_following(h.sub(403).id, "union-treaty", False)
    h.store.mute_topic(h.sub(403).id, "security", NOW + timedelta(hours=5), now=NOW)
    document, _ = exported(h, 403)
    data = file_bytes(h, document)
    h.say(404, "/start")
    h.say(404, "/watch gazprom")
    reply = send_file(h, 404, data, name="summit-watch-403.json", caption=None)
    assert state(h, 404) == ("ru", ["pipeline source:belta"], ["security"],
                             NOW + timedelta(hours=2), {"security": NOW + timedelta(hours=5)})
    assert reply.text.splitlines() == [
        "📥 Импортирован <code>summit-watch-403.json</code>:",
        "👀 Добавлено 1 запрос: <code>pipeline source:belta</code>",
        "✖ Удалено, в файле их нет — 1 запрос: <code>gazprom</code>",
        "🔕 Больше не отслеживаются: Union State treaty",
        "🌐 Язык: русский.",
        "🔇 Уведомления придержаны до 2025-03-01 17:00 (/unmute — вернуть).",
        "🔕 Темы без уведомлений: Security guarantees (2025-03-01 20:00)",
    ]
    again = send_file(h, 404, data, name="summit-watch-403.json", caption=None)
    assert again.text == ("📥 <code>summit-watch-403.json</code>: в этом чате уже такие "
                          "настройки, ничего не изменено.")


def test_an_import_ends_mutes_the_file_does_not_have(h: Harness) -> None:
    h.say(409, "/start")
    h.say(409, "/mute 1d")
    h.store.mute_topic(h.sub(409).id, "security", NOW + timedelta(hours=5), now=NOW)
    reply = send_file(h, 409, settings_file(
        muted_until="2025-03-01T11:00:00Z", topic_mutes={"security": "2025-02-01T00:00:00Z"}))
    sub = h.sub(409)
    assert sub.muted_until == NOW  # ended now, so delivery tells what it held
    assert h.store.topic_mutes(sub.id, now=NOW) == {}
    assert "The hold on this chat's alerts has ended" in reply.text
    assert "Every topic sends alerts again." in reply.text


def test_mutes_in_a_file_are_bounded(h: Harness) -> None:
    h.say(410, "/start")
    send_file(h, 410, settings_file(muted_until="2099-01-01T00:00:00+03:00",
                                    topic_mutes={"security": "2099-01-01T00:00:00Z"}))
    sub = h.sub(410)
    assert sub.muted_until == NOW + timedelta(days=30)
    assert h.store.topic_mutes(sub.id, now=NOW) == {"security": NOW + timedelta(days=1)}


def test_import_by_replying_and_by_plain_file_in_a_private_chat(h: Harness) -> None:
    h.say(405, "/start")
    send_file(h, 405, settings_file(watches=["alpha"]), caption="here you go")
    assert state(h, 405)[1] == ["alpha"]  # private: taken as it is
    data = settings_file(watches=["beta"])
    upload = h.api.send_document(405, data, "s.json", caption="/note not an import")
    h.sync()
    assert state(h, 405)[1] == ["alpha"]
    reply = h.say(405, "/import", reply_to=upload)
    assert state(h, 405)[1] == ["beta"] and "Added 1 watch" in reply.text
    assert "caption" in h.say(405, "/import").text  # alone: how to


def test_settings_calendar_and_opml_files_each_reach_their_handler(h: Harness) -> None:
    """A settings file is never answered by the OPML hint, and an OPML file never read as
    settings; a .txt captioned /import is still taken as a settings file and refused."""
    h.say(411, "/start")
    reply = send_file(h, 411, settings_file(watches=["alpha"]), caption=None)
    assert reply.text.startswith("📥 Imported") and "OPML" not in reply.text
    refused = send_file(h, 411, b"not json", name="notes.txt", caption="/import")
    assert "not valid JSON" in refused.text
    h.api.send_document(411, b"<opml/>", "feeds.opml", mime_type="text/x-opml")
    h.sync()
    assert all("settings" not in m.text for m in h.sent(411)[-1:])
    assert state(h, 411)[1] == ["alpha"]


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
    refused = send_file(h, SUPERGROUP, data, name="summit-watch-1.json", caption=None,
                        user_id=MEMBER)
    assert "only chat admins" in refused.text and state(h, SUPERGROUP)[1] == []
    h.api.send_document(SUPERGROUP, data, "s.json", caption="/import@other_bot",
                        user_id=GROUP_ADMIN)
    h.sync()
    assert state(h, SUPERGROUP)[1] == []  # another bot's command
    send_file(h, SUPERGROUP, data, caption="/import@summit_watch_bot", user_id=GROUP_ADMIN)
    assert state(h, SUPERGROUP)[1] == ["alpha"]
    send_file(h, SUPERGROUP, settings_file(watches=["beta"]), name="summit-watch-1.json",
              caption=None, user_id=GROUP_ADMIN)  # the exported name needs no caption
    assert state(h, SUPERGROUP)[1] == ["beta"]


def test_unknown_topics_and_keys_are_reported_and_the_rest_applied(h: Harness) -> None:
    h.say(406, "/start")
    h.say(406, "/watch kept")
    data = settings_file(watches=["kept", "oil"], followed_topics=["security", "no-such-topic"],
                         unfollowed_topics=["union-treaty"], future_key=1)
    reply = send_file(h, 406, data)
    assert state(h, 406)[1:3] == (["kept", "oil"], ["security"])
    assert reply.text.splitlines() == [
        "📥 Imported <code>settings.json</code>:",
        "👀 Added 1 watch: <code>oil</code>",
        "👀 Kept: 1 watch.",
        "🔕 No longer following: Union State treaty",
        "Not tracked here, skipped: no-such-topic",
        "Not used by this version of the bot, ignored: future_key",
    ]


def test_a_firehose_watch_refuses_the_file_but_one_already_here_is_kept(h: Harness) -> None:
    titles = [f"Treaty news {n}" if n % 3 == 0 else f"Weather report {n}" for n in range(60)]
    h.say(412, "/start")
    h.say(412, "/watch treaty")  # accepted before the news came in
    store_entries(h.store, titles, NOW - timedelta(hours=3))
    before = state(h, 412)
    refused = send_file(h, 412, settings_file(watches=["treaty 17", "weather"]))
    assert "The watch <code>weather</code> in this file would match a quarter" in refused.text
    assert state(h, 412) == before
    send_file(h, 412, settings_file(watches=["treaty", "treaty 17"]))
    assert state(h, 412)[1] == ["treaty", "treaty 17"]


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
    "language-unknown": (settings_file(language="xx", watches=["oil"]),
                         "the language <code>xx</code>; I speak en, ru, be"),
    "one-bad-watch": (settings_file(watches=["good", "(unclosed"]),
                      ("The watch <code>(unclosed</code> in this file cannot be used: "
                       "unbalanced parenthesis")),
    "filters-only-watch": (settings_file(watches=["good", "source:belta"]),
                           "The watch <code>source:belta</code>"),
    "too-long-watch": (settings_file(watches=["x" * 1000]), "cannot be used"),
    "over-the-limit": (settings_file(watches=["oil", "gas", "coal", "iron"]),
                       "This file lists 4 watches; a chat holds at most 3"),
    "mute-not-a-time": (settings_file(muted_until="tomorrow"), "<code>muted_until</code>"),
    "mute-without-offset": (settings_file(muted_until="2025-03-02T12:00:00"),
                            "<code>muted_until</code>"),
    "topic-mutes-not-a-map": (settings_file(topic_mutes=["security"]),
                              "<code>topic_mutes</code>"),
}


@pytest.mark.parametrize(("data", "message"), list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_files_are_refused_with_nothing_changed(h: Harness, data: bytes,
                                                         message: str) -> None:
    h.say(407, "/start")
    h.say(407, "/watch kept")
    before = (state(h, 407), h.store.audience_generation())
    reply = send_file(h, 407, data)
    assert message in reply.text
    assert "Nothing was changed." in reply.text
    assert (state(h, 407), h.store.audience_generation()) == before
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
     ({"muted_until": "2025-03-02T15:00:00+03:00", "topic_mutes": {"t": "2025-03-02T12:00Z"}},
      Settings(muted_until=NOW + timedelta(days=1), topic_mutes={"t": NOW + timedelta(days=1)})),
     ({"chat": {"id": 1}, "exported_at": "x", "quiet_hours": None, "time_zone": None,
       "delivery_mode": None}, Settings(delivery={"quiet": None, "quiet_strict": False,
                                                  "tz": None, "mode": None})),
     ({"quiet_hours": "23:00-7:00 strict", "time_zone": "europe/berlin",
       "delivery_mode": "daily 08:00", "watch_modes": {"a": "hourly", "b": None}},
      Settings(delivery={"quiet": "23:00-07:00", "quiet_strict": True, "tz": "Europe/Berlin",
                         "mode": "daily 08:00"}, watch_modes={"a": "hourly", "b": None})),
     ({"zzz": []}, Settings(ignored=("zzz",)))],
    ids=["minimal", "nulls", "everything", "mutes-in-utc", "informational-and-null-delivery",
         "delivery-settings", "unknown"],
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
                                        "unfollowed_topics", "muted_until", "topic_mutes",
                                        "quiet_hours", "other"]),
                       JSON_VALUES, max_size=5))
def test_any_fields_are_read_or_refused(fields: dict[str, Any]) -> None:
    try:
        found = read(settings_file(**fields))
    except Refused as refused:
        assert refused.key in {"import_bad_field", "import_too_many"}
        return
    assert all(isinstance(q, str) for q in found.watches)
    assert found.language is None or isinstance(found.language, str)
    assert all(when.utcoffset() is not None for when in found.topic_mutes.values())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_time_text_is_read_in_utc_or_refused(value: str) -> None:
    try:
        found = read(settings_file(muted_until=value))
    except Refused as refused:
        assert refused.key == "import_bad_field"
        return
    assert found.muted_until is not None and found.muted_until.utcoffset() == timedelta(0)


def test_quiet_hours_time_zone_and_modes_round_trip_into_another_chat(h: Harness) -> None:
    h.say(420, "/start")
    h.say(420, "/watch treaty")
    for command in ("/quiet 23:00-07:00 strict", "/tz Europe/Berlin", "/mode daily 08:00",
                    "/mode hourly 1"):
        h.say(420, command)
    _, content = exported(h, 420)
    assert (content["quiet_hours"], content["time_zone"], content["delivery_mode"],
            content["watch_modes"]) == ("23:00-07:00 strict", "Europe/Berlin", "daily 08:00",
                                        {"treaty": "hourly"})
    h.say(421, "/start")
    reply = send_file(h, 421, dump(content))
    assert "Quiet hours, time zone and delivery modes" in reply.text
    sub = h.sub(421)
    assert (sub.quiet, sub.quiet_strict, sub.tz, sub.mode) == ("23:00-07:00", True,
                                                               "Europe/Berlin", "daily 08:00")
    assert [(w.query, w.mode) for w in h.store.list_watches(sub.id)] == [("treaty", "hourly")]


@pytest.mark.parametrize("field", [{"quiet_hours": "07:00-07:00"}, {"time_zone": "Mars/Base"},
                                   {"delivery_mode": "weekly"}, {"watch_modes": {"a": "daily"}}],
                         ids=["equal-quiet-hours", "unknown-zone", "unknown-mode",
                              "bad-watch-mode"])
def test_a_bad_delivery_setting_refuses_the_file(field: dict[str, Any]) -> None:
    with pytest.raises(Refused) as refused:
        read(settings_file(**field))
    assert refused.value.key == "import_bad_field"
