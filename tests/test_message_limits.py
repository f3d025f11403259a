"""Every message the bot sends or edits is at most 4096 UTF-16 code units and well-formed
Telegram HTML, whatever comes in: property-based (hypothesis) over hostile titles, emoji,
long links and many later reports, for alerts, notices and every command reply."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config, EventSpec
from bot.delivery.html import MAX_MESSAGE, utf16_len
from bot.delivery.render import render_alert, render_notice
from bot.i18n import LANGS, TEXTS
from bot.model import (
    Entry,
    FeedState,
    OutboxItem,
    StoredEntry,
    StoreStats,
    Subscriber,
    TimelineRow,
    TopicStatusRow,
    Watch,
)
from bot.telegram.replies import TopicRow, feeds_text, list_text, stats_text, topics_text

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Minsk")
ALLOWED = {"b", "i", "a", "code", "pre"}
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text from outside: anything printable, plus markup characters and emoji on purpose.
HOSTILE = st.lists(
    st.one_of(st.characters(blacklist_categories=("Cs",)),
              st.sampled_from(list("<>&\"'\n") + ["🇧🇾", "👨‍👩‍👧", "𝔘", "\u200b", "a&b", "x" * 500])),
    max_size=3000).map("".join)
LINKS = st.one_of(
    st.none(),
    st.builds(lambda path: f"https://news.test/{path}", st.text(max_size=2500)),
    st.builds(lambda n: "https://news.test/?" + "a=1&" * n, st.integers(0, 900)),
    st.sampled_from(["javascript:alert(1)", "https://x.test/\"><b>", "ftp://x.test/"]),
)


class TelegramHtml(HTMLParser):
    """Fails on anything Telegram's HTML parser would reject."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, f"tag <{tag}>"
        assert all(name == "href" and tag == "a" for name, _ in attrs), attrs
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"

    def handle_entityref(self, name: str) -> None:
        assert name in ("lt", "gt", "amp", "quot"), f"&{name};"


def assert_valid(text: str) -> None:
    assert 0 < utf16_len(text) <= MAX_MESSAGE, utf16_len(text)
    for amp in re.finditer("&", text):
        assert ENTITY.match(text, amp.start()), text[amp.start():amp.start() + 12]
    parser = TelegramHtml()
    parser.feed(text)
    parser.close()
    assert parser.stack == [], f"unclosed {parser.stack}"


def item(title: str, summary: str, link: str | None, publisher: str,
         also: list[dict[str, Any]], why: dict[str, Any]) -> OutboxItem:
    entry = Entry(feed="Feed", feed_url="https://news.test/rss", title=title, link=link,
                  summary=summary, published=NOW, publisher=publisher or "Feed")
    sub = Subscriber(1, 1, None, "private", "en", True, None, NOW, NOW, None)
    return OutboxItem(1, sub, StoredEntry(1, "k1", entry, NOW, "signed", ("treaty",)),
                      {**why, "also": also}, 1, NOW)


ALSO = st.lists(st.fixed_dictionaries({"publisher": HOSTILE, "title": HOSTILE, "link": LINKS}),
                max_size=40)
WHY = st.fixed_dictionaries({
    "topics": st.lists(st.sampled_from(["treaty", "concept", "<x>"]), max_size=3),
    "watches": st.lists(HOSTILE, max_size=30),
    "terms": st.lists(HOSTILE, max_size=40),
    "concepts": st.lists(HOSTILE, max_size=5),
    "status": st.sampled_from([None, "signed", "in_force", "<b>"]),
})


@SETTINGS
@given(HOSTILE, HOSTILE, LINKS, HOSTILE, ALSO, WHY, st.sampled_from(LANGS))
def test_every_alert_fits_and_is_well_formed(title: str, summary: str, link: str | None,
                                             publisher: str, also: list[dict[str, Any]],
                                             why: dict[str, Any], lang: str) -> None:
    text = render_alert(item(title, summary, link, publisher, also, why), tz=TZ, lang=lang,
                        topic_titles={"treaty": "Treaty <&> guarantees " * 20})
    assert_valid(text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_cut_alert_keeps_its_link_and_says_it_was_cut(lang: str) -> None:
    link = "https://news.test/story/1"
    text = render_alert(item("Treaty signed " * 500, "Detail " * 800, link, "BelTA",
                             [{"publisher": f"Outlet {n}", "link": link} for n in range(30)],
                             {"topics": ["treaty"], "terms": ["treaty"]}),
                        tz=TZ, lang=lang, topic_titles={})
    assert_valid(text)
    assert f'<a href="{link}">' in text and "…" in text and "+20" in text


NOTICE_PAYLOADS = st.fixed_dictionaries({
    "title": HOSTILE, "location": HOSTILE, "date": HOSTILE, "when": HOSTILE,
    "days_left": st.integers(-10**6, 10**6), "local_time": HOSTILE, "timezone": HOSTILE,
    "topic_title": HOSTILE, "status": st.sampled_from(["signed", "ratified", "x"]),
    "sources": st.lists(HOSTILE, max_size=30), "confirmed": st.booleans(),
    "needed": st.integers(1, 20), "link": LINKS, "old_date": HOSTILE, "new_date": HOSTILE,
    "topics": st.lists(st.fixed_dictionaries({"id": HOSTILE, "title": HOSTILE,
                                              "status": st.sampled_from([None, "signed"]),
                                              "count": st.integers(0, 10**6)}), max_size=20),
    "groups": st.lists(st.fixed_dictionaries({
        "title": HOSTILE, "topic_id": HOSTILE,
        "rows": st.lists(st.fixed_dictionaries({"title": HOSTILE, "link": LINKS,
                                                "publisher": HOSTILE}), max_size=20)}),
        max_size=5),
    "count": st.integers(0, 10**6), "watches": st.integers(0, 10**6),
    "newest": st.lists(st.fixed_dictionaries({"title": HOSTILE, "link": LINKS,
                                              "publisher": HOSTILE}), max_size=10),
})
KINDS = ["reminder", "summit_day", "status", "event_moved", "digest", "held", "unknown"]


@SETTINGS
@given(st.sampled_from(KINDS), NOTICE_PAYLOADS, st.sampled_from(LANGS))
def test_every_notice_fits_and_is_well_formed(kind: str, payload: dict[str, Any],
                                              lang: str) -> None:
    assert_valid(render_notice(kind, payload, lang))


def subscriber(muted: bool) -> Subscriber:
    return Subscriber(1, 1, None, "private", "en", True,
                      NOW + timedelta(days=1) if muted else None, NOW, NOW, "<chat>")


@SETTINGS
@given(st.lists(HOSTILE, max_size=25), st.lists(HOSTILE, max_size=10), st.sampled_from(LANGS),
       st.booleans())
def test_list_fits(queries: list[str], topics: list[str], lang: str, muted: bool) -> None:
    watches = [Watch(n, 1, q, NOW) for n, q in enumerate(queries)]
    rows = [TopicRow(f"t{n}", title, n % 2 == 0) for n, title in enumerate(topics)]
    state = TEXTS[lang]["list_state_stopped"] if muted else None  # trusted HTML, as t() gives
    assert_valid(list_text(lang, watches, rows, state))


@SETTINGS
@given(st.lists(st.tuples(HOSTILE, st.lists(st.tuples(HOSTILE, HOSTILE, LINKS), max_size=6)),
                max_size=8), st.sampled_from(LANGS))
def test_topics_fits(topics: list[tuple[str, list[tuple[str, str, str | None]]]],
                     lang: str) -> None:
    rows = [TopicRow(f"t{n}", title, True,
                     TopicStatusRow(f"t{n}", "signed", NOW, tuple(s for s, _, _ in steps), True),
                     tuple(TimelineRow(f"t{n}", "signed", NOW, source, None, step_title, url)
                           for source, step_title, url in steps))
            for n, (title, steps) in enumerate(topics)]
    events = [EventSpec(id=f"e{n}", title="Summit " * 40, date=date(2025, 3, 10),
                        timezone="Europe/Minsk", location="Minsk " * 30) for n in range(20)]
    assert_valid(topics_text(lang, rows, events, NOW, tz=TZ))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["help", "welcome"])
def test_help_and_welcome_fit(lang: str, key: str) -> None:
    assert_valid(TEXTS[lang][key])


@SETTINGS
@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=80))
def test_feeds_and_stats_fit(feeds: list[tuple[str, str]]) -> None:
    config = Config.model_validate({"feeds": [
        {"url": f"https://f{n}.test/rss", "name": (name or "x")[:200]}
        for n, (name, _) in enumerate(feeds)]})
    states = [FeedState(f"https://f{n}.test/rss", failures=3, last_error=error,
                        last_http_status="503") for n, (_, error) in enumerate(feeds)]
    assert_valid(feeds_text(config, states, TZ))
    assert_valid(stats_text(StoreStats("0006", *([10**9] * 9))))


@pytest.mark.parametrize("kind", ["reminder", "summit_day", "event_moved", "digest"])
def test_a_notice_with_a_huge_title_still_says_something(kind: str) -> None:
    text = render_notice(kind, {"title": "Summit " * 2000, "count": 3, "date": "2025-03-01"},
                         "en")
    assert_valid(text)
    assert "Summit Summit" in text


HEALTH_PAYLOADS = st.fixed_dictionaries({
    "url": LINKS, "name": HOSTILE, "since": HOSTILE, "until": HOSTILE, "tz": HOSTILE,
    "minutes": st.integers(-10**9, 10**9), "problem": st.one_of(HOSTILE, st.sampled_from(
        ["timeout", "server", "not_found", "unknown"])), "code": st.one_of(st.none(), HOSTILE),
    "error": HOSTILE, "failures": st.integers(-10, 10**9),
})


@SETTINGS
@given(st.sampled_from(["feed_down", "feed_up"]), HEALTH_PAYLOADS, st.sampled_from(LANGS))
def test_feed_health_notices_fit(kind: str, payload: dict[str, Any], lang: str) -> None:
    assert_valid(render_notice(kind, payload, lang))


@SETTINGS
@given(st.sampled_from(KINDS), NOTICE_PAYLOADS, st.sampled_from(LANGS))
def test_every_notice_fits_a_caption(kind: str, payload: dict[str, Any], lang: str) -> None:
    """A notice sent with a file (a moved event's calendar) is its caption: 1024 at most,
    counted as Telegram counts captions (after reading tags and entities)."""
    from bot.delivery.html import MAX_CAPTION, plain_len
    from bot.delivery.render import render_caption

    caption = render_caption(kind, payload, lang)
    assert_valid(caption)
    assert 0 < plain_len(caption) <= MAX_CAPTION


@SETTINGS
@given(st.lists(st.tuples(HOSTILE, HOSTILE, HOSTILE), min_size=1, max_size=40),
       st.sampled_from(LANGS))
def test_status_with_many_feeds_down_fits(feeds: list[tuple[str, str, str]], lang: str) -> None:
    from bot.telegram.replies import status_text

    config = Config.model_validate({"feeds": [
        {"url": f"https://f{n}.test/rss", "name": (name or "x")[:200]}
        for n, (name, _, _) in enumerate(feeds)]})
    states = [FeedState(f"https://f{n}.test/rss", failures=3, last_error=error,
                        last_http_status=status[:20], failing_since=NOW - timedelta(days=n + 1))
              for n, (_, error, status) in enumerate(feeds)]
    assert_valid(status_text(lang, config, states, NOW, NOW))


@SETTINGS
@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=120), st.sampled_from(LANGS))
def test_calendar_import_reports_fit(events: list[tuple[str, str]], lang: str) -> None:
    from bot.summit.icsimport import ImportResult
    from bot.summit.icsplan import IcsProblem, ImportPlan, PlannedEvent
    from bot.telegram.calendarcmd import import_text

    planned = tuple(PlannedEvent(action, f"e{n}", title, date(2025, 3, 10), "Europe/Minsk",
                                 location, ("t",), date(2025, 3, 4))
                    for n, (title, location) in enumerate(events)
                    for action in ("add", "move"))
    problems = tuple((n, title, IcsProblem("invalid", {"reason": location}))
                     for n, (title, location) in enumerate(events))
    assert_valid(import_text(lang, ImportResult(ImportPlan(planned), announced=10**6)))
    assert_valid(import_text(lang, ImportResult(ImportPlan((), problems))))
    assert_valid(import_text(lang, ImportResult(ImportPlan(), IcsProblem("not_ics", {
        "reason": events[0][0]}))))


def test_a_caption_full_of_escapes_stays_a_message_in_size() -> None:
    """Telegram counts a caption after entities; its HTML, escapes and all, must still fit."""
    from bot.delivery.html import MAX_CAPTION, plain_len
    from bot.delivery.render import render_caption

    caption = render_caption("unknown", {"title": "&<>" * 2000}, "en")
    assert_valid(caption)
    assert 0 < plain_len(caption) <= MAX_CAPTION


@pytest.mark.parametrize(
    "group", [{"watch": '"' * 120}, {"topic_id": "t", "title": '"' * 300}],
    ids=["watch-heading", "topic-heading"])
def test_a_huge_story_under_a_huge_heading_keeps_its_place_in_the_summary(
        group: dict[str, Any]) -> None:
    """The largest heading plus the largest story fit one page: no story is ever cut from
    a summary (its alert is already settled as summarised)."""
    from bot.delivery.held import _pages

    story = {"title": '"' * 200, "link": "https://n.test/" + "a" * 1980,
             "publisher": '"' * 80, "status": "signed", "also": 3}
    pages = _pages([(group, [story, story, story])], "en")
    shown = 0
    for page in pages:
        text = render_notice("held", {"reason": "mute", "count": 3, "groups": page,
                                      "part": 1, "parts": len(pages)}, "en")
        assert_valid(text)
        shown += text.count("• ")
    assert shown == 3
