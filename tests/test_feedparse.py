"""bot.ingest.feedparse: fixture feeds, rejections, charsets over the loopback server, text cleanup."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pytest
from feedserver import FeedServer, atom, rss

from bot.ingest.feedparse import FeedError, Origin, ParsedFeed, parse_feed, parse_feed_async
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits, Outcome
from bot.model import SUMMARY_MAX

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2025, 3, 1, tzinfo=UTC)
CYRILLIC = "Переговоры в Минске: Союзное государство"


def parse(body: bytes, content_type: str | None = "application/rss+xml",
          lang: str | None = None) -> ParsedFeed:
    origin = Origin("Fixture", "https://fixture.test/feed", lang=lang)
    return parse_feed(body, content_type=content_type, origin=origin, now=NOW)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_rss_fixture() -> None:
    feed = parse(fixture("rss_basic.xml"))
    assert feed.title == "Fixture News & Views" and feed.warning is None
    first, second = feed.entries  # the third item has neither title nor summary: skipped
    assert first.title == "Delegations meet in Minsk to discuss the roadmap"
    assert first.summary == "Ministers met on Monday. More & more."
    assert first.link == "https://fixture.test/news/1?utm_source=rss"
    assert first.guid == "fixture-1" and first.lang == "ru"
    assert first.published == datetime(2025, 1, 6, 7, 30, tzinfo=UTC)  # +03:00 -> UTC
    assert (first.feed, first.feed_url) == ("Fixture", "https://fixture.test/feed")
    assert second.summary == "Full text The agreement covers transit."  # from content:encoded
    assert second.published is None and second.guid is None


def test_atom_fixture() -> None:
    feed = parse(fixture("atom_basic.xml"), "application/atom+xml")
    first, second = feed.entries
    assert (first.title, first.summary) == ("Gipfel in Minsk", "Die Delegationen trafen sich.")
    assert first.published == datetime(2025, 1, 7, 8, 0, tzinfo=UTC)  # from <updated>, +01:00
    assert first.guid == "urn:fixture:atom:1" and first.link == "https://atom.test/a/1"
    assert first.lang == "de"  # from xml:lang="de-DE"
    assert second.summary == "Xhtml content body." and second.published is None


@pytest.mark.parametrize(
    ("feed_lang", "config_lang", "expected"),
    [("ru-RU", None, "ru"), ("be", None, "be"), ("uk_UA", None, "uk"), ("fr-FR", None, None),
     (None, None, None), ("ru-RU", "be", "be")],
    ids=["ru-RU", "be", "uk-underscore", "unsupported-fr", "no-language", "config-wins"],
)
def test_entry_language(feed_lang: str | None, config_lang: str | None,
                        expected: str | None) -> None:
    body = rss([{"title": "Story", "guid": "1"}], lang=feed_lang).encode()
    kw = {"lang": config_lang} if config_lang else {}
    assert parse(body, **kw).entries[0].lang == expected


def _quadratic_blowup() -> bytes:
    big = "x" * 50_000
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{big}">]><rss version="2.0">'
            f"<channel><item><title>{'&big;' * 5_000}</title></item></channel></rss>").encode()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (fixture("entity_bomb.xml"), "text/xml", "DOCTYPE declares entities"),
        (_quadratic_blowup(), "application/xml", "DOCTYPE declares entities"),
        (fixture("entity_bomb.xml").decode().encode("utf-16"), None, "DOCTYPE declares entities"),
        (fixture("page.html"), "text/html; charset=utf-8", "HTML page instead of a feed"),
        (fixture("page.html"), "application/xml", "HTML page instead of a feed"),
        (b"", "application/rss+xml", "empty body"),
        (b"\x00\x01garbage{}", None, "not a feed"),
        (b"/etc/passwd", None, "not a feed"),
        (str(FIXTURES / "rss_basic.xml").encode(), None, "not a feed"),
    ],
    ids=["billion-laughs", "quadratic-blowup", "entities-in-utf16", "html-by-content-type",
         "html-by-sniffing", "empty", "garbage", "path-is-not-opened", "fixture-path-not-opened"],
)
def test_rejected(body: bytes, content_type: str | None, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse(body, content_type)


def test_bozo_feed_with_entries_is_used_with_warning() -> None:
    feed = parse(fixture("bozo.xml"), "text/xml")
    assert [e.title for e in feed.entries] == ["Trade & transit talks", "Second story"]
    assert feed.warning and "not well-formed" in feed.warning


def test_valid_empty_feed_is_not_an_error() -> None:
    feed = parse(rss([]).encode())
    assert feed.entries == () and feed.warning is None and feed.title == "Test feed"


@pytest.mark.parametrize(
    ("items", "title", "summary"),
    [
        ([{"title": "<b>Bold</b> &amp; <i>brave</i>", "summary": "<p>One</p><p>Two</p>"}],
         "Bold & brave", "One Two"),
        ([{"title": "T", "summary": "a <script>alert(1)</script>b<style>p{}</style>c"}],
         "T", "a b c"),
        ([{"title": "  Spaced \n\t out  ", "summary": "x\u00a0\n y"}], "Spaced out", "x y"),
        ([{"title": "", "summary": "<p>Only a summary</p>"}], "", "Only a summary"),
        ([{"summary": "", "content": "<p>From content</p>"}], "", "From content"),
    ],
    ids=["tags-and-entities", "script-style-dropped", "whitespace", "no-title", "content-only"],
)
def test_text_cleanup(items: list[dict[str, str]], title: str, summary: str) -> None:
    (entry,) = parse(rss(items).encode()).entries
    assert (entry.title, entry.summary) == (title, summary)


def test_entries_without_title_and_summary_are_skipped() -> None:
    feed = parse(rss([{"guid": "a", "link": "https://x.test/a"}, {"title": "kept"}]).encode())
    assert [e.title for e in feed.entries] == ["kept"]


def test_long_summary_truncated() -> None:
    words = " ".join(f"word{i}" for i in range(1000))
    (entry,) = parse(rss([{"title": "Long", "summary": words}]).encode()).entries
    assert len(entry.summary) <= SUMMARY_MAX and entry.summary.endswith("…")
    assert entry.summary.startswith("word0 word1 ")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("Mon, 06 Jan 2025 10:30:00 +0300", datetime(2025, 1, 6, 7, 30, tzinfo=UTC)),
        ("Mon, 06 Jan 2025 10:30:00 GMT", datetime(2025, 1, 6, 10, 30, tzinfo=UTC)),
        ("2025-01-06T23:30:00-05:00", datetime(2025, 1, 7, 4, 30, tzinfo=UTC)),
        ("not a date", None),
        (None, None),
    ],
    ids=["rfc822-plus-3", "rfc822-gmt", "iso-minus-5-crosses-midnight", "garbage", "missing"],
)
def test_dates_to_utc(published: str | None, expected: datetime | None) -> None:
    (entry,) = parse(rss([{"title": "Dated", "published": published}]).encode()).entries
    assert entry.published == expected


def test_atom_published_with_offset() -> None:
    item = {"title": "A", "guid": "urn:a", "published": "2025-01-06T10:30:00+03:00"}
    (entry,) = parse(atom([item]).encode(), "application/atom+xml").entries
    assert entry.published == datetime(2025, 1, 6, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fmt", "encoding", "declare"),
    [("rss", "windows-1251", "prolog"), ("rss", "koi8-r", "header"),
     ("atom", "windows-1251", "header"), ("atom", "koi8-r", "prolog")],
    ids=["rss-cp1251-in-prolog", "rss-koi8r-only-in-content-type",
         "atom-cp1251-only-in-content-type", "atom-koi8r-in-prolog"],
)
def test_legacy_encodings_over_http(feed_server: FeedServer, fmt: Literal["rss", "atom"],
                                    encoding: str, declare: Literal["prolog", "header"]) -> None:
    item = {"title": CYRILLIC, "summary": "<p>Договор о союзе</p>", "guid": "1"}
    feed_server.set_feed("/ru.xml", [item], fmt=fmt, encoding=encoding, declare=declare, lang="ru")

    async def go() -> ParsedFeed:
        async with Fetcher(FetchLimits(total_timeout=5)) as fetcher:
            result = await fetcher.fetch(feed_server.url("/ru.xml"), now=NOW)
        assert result.outcome is Outcome.OK and result.body is not None
        prolog = result.body.split(b"\n", 1)[0]
        assert (encoding.encode() in prolog) == (declare == "prolog")
        assert (encoding in (result.content_type or "")) == (declare == "header")
        return await parse_feed_async(result.body, content_type=result.content_type,
                                      origin=Origin("ru", result.url))

    (entry,) = asyncio.run(go()).entries
    assert (entry.title, entry.summary, entry.lang) == (CYRILLIC, "Договор о союзе", "ru")

