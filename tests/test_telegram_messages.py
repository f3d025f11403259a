"""render_alert and the rendering helpers: escaping, safe links, badges, the 4096 cap."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.html import MAX_MESSAGE, countdown, cut, safe_href, utf16_len
from bot.delivery.render import render_alert
from bot.model import Entry, OutboxItem, StoredEntry, Subscriber

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
MINSK = ZoneInfo("Europe/Minsk")
TITLES = {"union-treaty": "Union State <treaty>", "security": "Security guarantees"}


def item(title: str = "Minsk and Moscow sign a protocol", *,
         link: str | None = "https://n.example/a?x=1&y=2", summary: str = "The sides agreed.", why: dict[str, Any] | None = None,
         feed: str = "Example News", published: datetime | None = NOW) -> OutboxItem:
    sub = Subscriber(id=1, chat_id=5, thread_id=None, kind="private", lang="en", active=True,
                     muted_until=None, created_at=NOW, updated_at=NOW, title=None)
    entry = Entry(feed=feed, feed_url="https://n.example/rss", title=title, link=link,
                  summary=summary, published=published)
    stored = StoredEntry(id=7, key="k7", entry=entry, seen_at=NOW, status=None, topics=())
    return OutboxItem(id=3, subscriber=sub, entry=stored,
                      why=why if why is not None else {"topics": ["union-treaty"]},
                      attempts=1, created_at=NOW)


class _Telegramish(HTMLParser):
    """Checks tags balance and only Telegram's tags appear; collects the visible text."""

    ALLOWED = frozenset({"b", "i", "a", "code", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, tag
        self.stack.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html_text: str) -> _Telegramish:
    p = _Telegramish()
    p.feed(html_text)
    p.close()
    assert p.stack == [], p.stack
    return p


def test_alert_escapes_feed_and_user_text() -> None:
    why = {"topics": ["union-treaty"], "watches": ["<b>treaty</b> & co"],
           "terms": ["<i>x</i>"], "status": None}
    text = render_alert(item("<script>alert(1)</script> & more", feed="Feed <&>",
                             summary="a < b > c & d", why=why),
                        tz=MINSK, lang="en", topic_titles=TITLES)
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in text
    assert "Feed &lt;&amp;&gt;" in text and "a &lt; b &gt; c &amp; d" in text
    assert "&lt;b&gt;treaty&lt;/b&gt; &amp; co" in text
    assert "Union State &lt;treaty&gt;" in text and "&lt;i&gt;x&lt;/i&gt;" in text
    parsed = parse(text)
    assert parsed.hrefs == ["https://n.example/a?x=1&y=2"]
    assert 'href="https://n.example/a?x=1&amp;y=2"' in text


def test_alert_shows_source_local_time_topics_and_terms() -> None:
    why = {"topics": ["union-treaty", "security"], "watches": ["protocol"],
           "terms": ["protocol", "Minsk"], "status": None}
    text = render_alert(item(why=why), tz=MINSK, lang="en", topic_titles=TITLES)
    assert "Example News" in text and "2025-03-01 15:00" in text  # UTC+3
    assert "Security guarantees" in text and "<code>protocol</code>" in text
    assert "<i>Minsk</i>" in text
    assert "SIGNED" not in text


@pytest.mark.parametrize(
    ("lang", "line"),
    [("en", "💡 concept: agreement + security guarantees; security concept + union state"),
     ("ru", "💡 по смыслу: agreement + security guarantees; security concept + union state")],
    ids=["en", "ru"],
)
def test_alert_shows_the_concepts_once(lang: str, line: str) -> None:
    why = {"topics": ["union-treaty", "security", "other"], "terms": ["pact"], "status": None,
           "concepts": ["agreement + security guarantees", "security concept + union state",
                        "agreement + security guarantees"]}
    text = render_alert(item(why=why), tz=MINSK, lang=lang, topic_titles=TITLES)
    assert line in text.splitlines()


def test_alert_without_concepts_has_no_concept_line() -> None:
    text = render_alert(item(why={"topics": ["security"], "terms": ["pact"], "concepts": ["", ""]}),
                        tz=MINSK, lang="en", topic_titles=TITLES)
    assert "💡" not in text


@pytest.mark.parametrize(
    ("status", "lang", "badge"),
    [("signed", "en", "✅ SIGNED"), ("expected", "en", "📅 EXPECTED"),
     ("ratified", "en", "🖋 RATIFIED"), ("in_force", "en", "⚖️ IN FORCE"),
     ("signed", "ru", "✅ ПОДПИСАНО"), ("bogus", "en", None)],
    ids=["signed", "expected", "ratified", "in-force", "signed-ru", "unknown-status"],
)
def test_alert_status_badge(status: str, lang: str, badge: str | None) -> None:
    text = render_alert(item(why={"topics": ["security"], "status": status}), tz=MINSK, lang=lang,
                        topic_titles=TITLES)
    first = text.split("\n")[0]
    if badge is None:
        assert first.startswith("<b><a href=")
    else:
        assert first == f"<b>{badge}</b>"


@pytest.mark.parametrize(
    ("link", "linked"),
    [("https://n.example/a", True), ("http://n.example/a", True),
     ("javascript:alert(1)", False), ("ftp://n.example/a", False), ("//n.example/a", False),
     ('https://n.example/"onmouseover=x', True), ("https://n.example/a b", False),
     (None, False), ("https://n.example/" + "x" * 3000, False)],
    ids=["https", "http", "javascript", "ftp", "scheme-relative", "quote-escaped", "space",
         "none", "too-long"],
)
def test_alert_links_only_http(link: str | None, linked: bool) -> None:
    text = render_alert(item(link=link), tz=MINSK, lang="en", topic_titles=TITLES)
    parsed = parse(text)
    assert bool(parsed.hrefs) == linked
    if linked:
        assert parsed.hrefs == [link]  # attribute escaping round-trips exactly
    assert "Minsk and Moscow sign a protocol" in "".join(parsed.text)


@pytest.mark.parametrize(
    ("title", "summary"),
    [("T" * 5000, "s"), ("short", "&<>" * 3000), ("😀" * 3000, "😀" * 3000),
     ("a&b " * 2000, "x" * 10), ("", "")],
    ids=["long-title", "escape-heavy-summary", "astral", "escape-heavy-title", "empty"],
)
def test_alert_fits_telegram_limit_without_broken_markup(title: str, summary: str) -> None:
    why = {"topics": ["union-treaty"], "watches": ["w" * 300] * 20, "terms": ["t" * 100] * 50,
           "status": "signed"}
    text = render_alert(item(title, summary=summary, why=why), tz=MINSK, lang="en",
                        topic_titles=TITLES)
    assert utf16_len(text) <= MAX_MESSAGE
    parse(text)
    assert not re.search(r"&[a-z]*$|&[a-z]*[^a-z;]", text.replace("&amp;", "").replace(
        "&lt;", "").replace("&gt;", "").replace("&quot;", "").replace("&#x27;", ""))
    assert "Example News" in text and "SIGNED" in text


def test_alert_keeps_short_summary_and_caps_long_one() -> None:
    short = render_alert(item(summary="Short summary."), tz=MINSK, lang="en", topic_titles=TITLES)
    assert "Short summary." in short
    long_text = render_alert(item(summary="word " * 1000), tz=MINSK, lang="en",
                             topic_titles=TITLES)
    assert "…" in long_text and utf16_len(long_text) < 1500


def test_alert_undated_uses_seen_time_and_unknown_topic_falls_back_to_id() -> None:
    text = render_alert(item(published=None, why={"topics": ["gone-topic"]}), tz=MINSK, lang="ru",
                        topic_titles=TITLES)
    assert "2025-03-01 15:00" in text and "gone-topic" in text and "Тема: gone-topic" in text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("hello", 10, "hello"), ("hello world", 6, "hello…"), ("abc", 0, ""), ("a&b", 2, "a…")],
    ids=["fits", "cut", "zero", "before-ampersand"],
)
def test_cut(text: str, limit: int, expected: str) -> None:
    assert cut(text, limit) == expected


@pytest.mark.parametrize(
    ("url", "ok"),
    [("HTTPS://n.example/", True), ("https://", False), ("mailto:a@b.c", False),
     ("https://n.example/\x00", False)],
    ids=["upper-scheme", "no-host", "mailto", "control-char"],
)
def test_safe_href(url: str, ok: bool) -> None:
    assert (safe_href(url) is not None) == ok


@pytest.mark.parametrize(
    ("offset", "lang", "expected"),
    [(3, "en", "in 3 days"), (1, "en", "in 1 day"), (0, "en", "today"), (0, "ru", "сегодня"),
     (-2, "en", "2 days ago"), (-1, "en", "1 day ago"), (5, "ru", "через 5 дней"),
     (1, "ru", "через 1 день"), (3, "ru", "через 3 дня"), (21, "ru", "через 21 день"),
     (-12, "ru", "12 дней назад")],
    ids=["future", "one-day", "today", "today-ru", "past", "one-day-ago", "future-ru-many",
         "future-ru-one", "future-ru-few", "future-ru-21", "past-ru-12"],
)
def test_countdown(offset: int, lang: str, expected: str) -> None:
    today = date(2025, 3, 1)
    assert countdown(lang, today + timedelta(days=offset), today) == expected
