"""OPML in chat, end to end through the fake Bot API: an operator sends an .opml document
(sendDocument/getFile/file download as Telegram does them) and its feeds are stored and
polled; `/feeds export` answers with a document listparser reads back; everyone else,
groups and hostile files change nothing. Uses the Application harness of
test_telegram_handlers.py (a real PTB Application, a real SQLite store, a fixed clock).
"""
# ruff: noqa: F811 - the fixtures `app` and `h` are parameters of the tests below

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import listparser
import pytest
from fakebotapi import FakeBotApi, SentMessage
from feedserver import FeedServer
from hypothesis import given
from hypothesis import strategies as st
from test_message_limits import SETTINGS, assert_valid
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    ADMIN,
    FEED_URL,
    MEMBER,
    SUPERGROUP,
    Harness,
    app,
    h,
)

from bot.feedlist import MAX_BYTES, ImportPlan, NewFeed, Skip
from bot.i18n import LANGS
from bot.telegram.feedreplies import import_text

MINE = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Wire">
    <outline type="rss" text="Agency &amp; Co" xmlUrl="https://agency.example/rss"
             language="ru-RU"/>
  </outline>
  <outline type="rss" text="Blog" xmlUrl="https://blog.example/feed"/>
  <outline type="rss" text="Example again" xmlUrl="HTTPS://NEWS.EXAMPLE/rss/"/>
  <outline type="rss" text="Script" xmlUrl="javascript:alert(1)"/>
  <outline type="rss" text="Local file" xmlUrl="file:///etc/passwd"/>
</body></opml>"""
BOMB = (b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example/"/></body></opml>')
MANY = (b'<opml version="2.0"><body>'
        + b"".join(b'<outline text="n" xmlUrl="https://n%d.example/"/>' % i
                   for i in range(2500))
        + b"</body></opml>")
SCHEMES_ONLY = (b'<opml version="2.0"><body><outline text="s" xmlUrl="javascript:alert(1)"/>'
                b'<outline text="f" xmlUrl="file:///etc/passwd"/></body></opml>')


def send_file(h: Harness, chat_id: int, data: bytes, name: str = "mine.opml",
              user_id: int | None = None, **kw: object) -> str:
    """A user sends a document; the bot's next message in that chat."""
    update = h.api.send_document(chat_id, data, name, user_id=user_id or chat_id, **kw)
    return h.next_in(chat_id, update["message"]["message_id"]).text


def urls(h: Harness) -> list[str]:
    return [f.url for f in h.services.config.feeds]


def test_an_operator_sends_opml_and_its_feeds_are_added(h: Harness) -> None:
    reply = send_file(h, ADMIN, MINE)
    assert "<b>mine.opml</b>: added 2 feeds, skipped 3 feeds." in reply
    assert "➕ Agency &amp; Co — <code>https://agency.example/rss</code>" in reply
    assert "➕ Blog — <code>https://blog.example/feed</code>" in reply
    assert "<code>HTTPS://NEWS.EXAMPLE/rss/</code> — already polled as Example News" in reply
    assert "<code>javascript:alert(1)</code> — not an http or https URL" in reply
    assert "<code>file:///etc/passwd</code> — not an http or https URL" in reply
    stored = h.store.chat_feeds()
    assert [(f.url, f.name, f.lang, f.category, f.added_by) for f in stored] == [
        ("https://agency.example/rss", "Agency & Co", "ru", "Wire", ADMIN),
        ("https://blog.example/feed", "Blog", None, "", ADMIN)]
    assert urls(h) == [FEED_URL, "https://agency.example/rss", "https://blog.example/feed"]
    assert h.store.feeds_generation() == 1
    assert len(h.calls("getFile")) == 1

    again = send_file(h, ADMIN, MINE)
    assert "added 0 feeds, skipped 5 feeds" in again and "already polled as Blog" in again
    assert h.store.feeds_generation() == 1 and len(h.store.chat_feeds()) == 2


def test_feeds_export_sends_a_document_listparser_reads_back(h: Harness, tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  # --- Examples ---\n  - url: https://news.example/rss\n",
                      encoding="utf-8")
    h.services.settings = h.services.settings.model_copy(update={"config_path": config})
    send_file(h, ADMIN, MINE)
    reply = h.say(ADMIN, "/feeds export")
    assert "3 feeds as OPML 2.0" in reply.text
    (doc,) = [d for d in h.api.sent_documents(ADMIN) if d.message_id == reply.message_id]
    assert doc.file.file_name == "summit-watch-feeds-2025-03-01.opml"
    assert doc.parse_mode == "HTML"
    [call] = h.calls("sendDocument")
    assert call.params["document"].filename == doc.file.file_name  # a multipart upload
    parsed = listparser.parse(doc.file.data)
    assert not parsed.bozo and parsed.version == "opml2"
    assert [(f.url, f.title, f.categories) for f in parsed.feeds] == [
        ("https://news.example/rss", "Example News", [["Examples"]]),
        ("https://agency.example/rss", "Agency & Co", [["Wire"]]),
        ("https://blog.example/feed", "Blog", [["Added in chat"]])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("/feeds export", "operators only"), ("/feeds", "operators only")],
    ids=["export", "health"],
)
def test_feeds_commands_are_refused_to_others(h: Harness, text: str, expected: str) -> None:
    assert expected in h.say(MEMBER, text).text
    assert h.calls("sendDocument") == []


def test_a_member_sending_opml_is_refused_and_nothing_changes(h: Harness) -> None:
    config = h.services.config
    assert "operators only" in send_file(h, MEMBER, MINE)
    assert h.calls("getFile") == [] and h.store.chat_feeds() == []
    assert h.services.config is config and h.store.feeds_generation() == 0


def test_export_only_in_a_private_chat(h: Harness) -> None:
    assert "private chat" in h.say(SUPERGROUP, "/feeds export", user_id=ADMIN).text
    assert h.calls("sendDocument") == []


def test_other_documents_and_arguments_get_a_hint(h: Harness) -> None:
    assert "send me an OPML file" in send_file(h, ADMIN, b"hello", "notes.txt")
    assert "/feeds export" in h.say(ADMIN, "/feeds import").text
    assert h.calls("getFile") == []


@pytest.mark.parametrize(
    ("data", "kw", "says"),
    [
        (BOMB, {}, "it declares a DOCTYPE"),
        (b"<opml><body><outline xmlUrl='https://x.example/'></body>", {},
         "it is not well-formed XML (mismatched tag, line 1, column 52)"),
        (MANY, {}, "it has more than 2000 outlines"),
        (b"<rss/>", {}, "it is not an OPML file (the document is &lt;rss&gt;)"),
        (b"x" * (MAX_BYTES + 1), {}, "it is larger than 1000 kB"),
        (MINE, {"file_size": 30_000_000}, "it is larger than 1000 kB"),
    ],
    ids=["entity-expansion", "invalid-xml", "thousands-of-outlines", "not-opml",
         "too-large-download", "too-large-claimed"],
)
def test_hostile_files_get_a_clear_reply_and_change_nothing(
        h: Harness, data: bytes, kw: dict[str, object], says: str) -> None:
    config = h.services.config
    reply = send_file(h, ADMIN, data, **kw)
    assert says in reply and "Nothing was changed." in reply, reply
    assert h.store.chat_feeds() == [] and h.store.feeds_generation() == 0
    assert h.services.config is config
    if "file_size" in kw:
        assert h.calls("getFile") == [], "a file said to be too large is never downloaded"


def test_only_unsafe_urls_add_nothing(h: Harness) -> None:
    reply = send_file(h, ADMIN, SCHEMES_ONLY)
    assert "added 0 feeds, skipped 2 feeds" in reply and "next poll" not in reply
    assert h.store.chat_feeds() == [] and h.store.feeds_generation() == 0


def test_a_failed_download_says_so_and_changes_nothing(h: Harness) -> None:
    h.api.fail_next("getFile", 400, "Bad Request: file is too big")
    assert "could not fetch <b>mine.opml</b>" in send_file(h, ADMIN, MINE)
    assert h.store.chat_feeds() == []


URLS = st.text(min_size=0, max_size=3000).map(lambda s: "https://x.example/" + s)
NAMES = st.text(max_size=400)


@SETTINGS
@given(st.lists(st.tuples(URLS, NAMES), max_size=120),
       st.lists(st.tuples(URLS, NAMES, st.sampled_from(
           ["not_a_feed", "invalid_url", "scheme", "duplicate", "repeated", "over_cap"]),
           NAMES), max_size=300),
       st.text(max_size=300), st.sampled_from(LANGS))
def test_every_import_reply_fits_one_message(added: list[tuple[str, str]],
                                             skipped: list[tuple[str, str, str, str]],
                                             file: str, lang: str) -> None:
    plan = ImportPlan(tuple(NewFeed(u, n, None, "") for u, n in added),
                      tuple(Skip(u, n, r, d) for u, n, r, d in skipped))  # type: ignore[arg-type]
    assert_valid(import_text(lang, file or "x", plan, {u for u, _ in added[::2]}))


def test_the_running_bot_polls_a_feed_sent_in_chat_and_again_after_a_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m bot run` as a subprocess: the feed is polled without a restart, and a
    restarted bot polls it from the database."""
    from test_e2e_telegram import start_bot, wait_until, write_config

    monkeypatch.setenv("BOT_ADMIN_IDS", str(ADMIN))
    with FakeBotApi() as api, FeedServer() as feeds:
        feeds.set_feed("/wire.xml", [])
        feeds.set_feed("/added.xml", [{"title": "Backlog", "link": "https://n.test/0"}])
        config = tmp_path / "feeds.yaml"
        write_config(config, feeds.url("/wire.xml"))
        listing = ('<opml version="2.0"><body><outline text="Added" xmlUrl="'
                   f'{feeds.url("/added.xml")}"/></body></opml>').encode()
        for run in range(2):
            bot = start_bot(config, tmp_path / "bot.db", api.url)
            try:
                wait_until(polled_more(feeds, "/wire.xml", run))
                if run == 0:
                    assert feeds.count("/added.xml") == 0
                    after = api.send_document(ADMIN, listing, "added.opml",
                                              user_id=ADMIN)["message"]["message_id"]
                    api.wait_for(reply_after(ADMIN, after, "added 1 feed"), timeout=15)
                before = feeds.count("/added.xml")
                wait_until(polled_more(feeds, "/added.xml", before), timeout=10)
                assert feeds.count("/added.xml") > before, f"run {run}: the feed is polled"
            finally:
                bot.terminate()
                bot.communicate(timeout=20)
            assert bot.returncode == 0


def polled_more(feeds: FeedServer, path: str, than: int) -> Callable[[], bool]:
    return lambda: feeds.count(path) > than


def reply_after(chat_id: int, after: int, fragment: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.chat_id == chat_id and m.message_id > after and fragment in m.text
