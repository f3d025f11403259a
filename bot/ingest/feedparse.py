"""The parsing adapter: feedparser over fetched bytes (in a worker thread) into `Entry` values.

Owns entity-DOCTYPE rejection, charset hand-over from HTTP, HTML stripping, bounded dates and
lengths, and crediting each entry to its publisher.
"""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import functools
import io
import re
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from bot.config import FeedSpec
from bot.ingest.publishers import (
    NO_PUBLISHERS,
    Publishers,
    is_aggregator_url,
    strip_source_suffix,
    unwrap_link,
)
from bot.matching.textnorm import strip_html
from bot.model import SUMMARY_MAX, TITLE_MAX, Entry

LANGS = frozenset({"en", "ru", "be", "uk", "de"})

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE | re.DOTALL)
_SPACE = re.compile(r"\s+")
# With feedparser's sanitiser off, script/style bodies would survive as text; drop them whole.
_SCRIPT_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_SCRIPT_CLOSE = {
    tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")
}
# strip_html turns inline tags into spaces: "<a>Monday</a>." -> "Monday ."; close that gap.
_SPACE_PUNCT = re.compile(r" (?=[.,;:!?)])")


# Feed dates before this are parse artefacts (the epoch, "0001-01-01"), not news dates.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# A date ahead of the clock by more than this is a wrong zone or a typo: read it as "now".
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a body came from: the feed, its language, and the outlets entries are credited
    to (`aggregator`: None decides per item, by whether the item names its source)."""

    name: str
    url: str
    lang: str | None = None
    publisher: str = ""
    aggregator: bool | None = None
    publishers: Publishers = NO_PUBLISHERS

    @classmethod
    def of(cls, feed: FeedSpec, publishers: Publishers = NO_PUBLISHERS) -> Origin:
        return cls(feed.name, feed.url, feed.lang, feed.publisher, feed.aggregator, publishers)


class FeedError(Exception):
    """The body is not a usable feed; the message is short and safe to show to an operator."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    entries: tuple[Entry, ...]
    title: str | None = None
    warning: str | None = None  # feedparser was unhappy (bozo) but entries were recovered


def parse_feed(
    body: bytes, *, content_type: str | None, origin: Origin, now: datetime | None = None,
) -> ParsedFeed:
    """Parse one fetched body. Raises FeedError for entity DOCTYPEs, HTML pages and garbage."""
    _reject_entities(body)
    headers = {"content-type": content_type} if content_type else {}
    # Always a stream: given bytes or str, feedparser tries them as a URL or a file path first.
    # Sanitising and URI resolution re-parse every HTML field; we keep plain text only, so
    # both would cost time (it is most of feedparser's work on big feeds) for nothing.
    try:
        parsed = feedparser.parse(
            io.BytesIO(body), response_headers=headers, sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as err:  # hostile bytes must fail this feed, not its task
        raise FeedError(f"the parser gave up: {type(err).__name__}") from err
    raw_entries = parsed.get("entries") or []
    if not raw_entries and not parsed.get("version"):
        raise FeedError(_why_not_a_feed(body, content_type, parsed))
    lang = origin.lang or _primary_lang(parsed.feed.get("language"))
    if lang != origin.lang:
        origin = dataclasses.replace(origin, lang=lang)
    entries = tuple(e for e in (_entry(raw, origin, now) for raw in raw_entries) if e)
    warning = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}"[:200] if exc else "malformed feed"
    title = strip_html(parsed.feed.get("title") or "") or None
    return ParsedFeed(entries=entries, title=title, warning=warning)


async def parse_feed_async(
    body: bytes, *, content_type: str | None, origin: Origin, now: datetime | None = None,
    executor: Executor | None = None,
) -> ParsedFeed:
    """`parse_feed` on `executor` (default: asyncio's): feedparser is synchronous and slow
    on large feeds, so it never runs on the event loop."""
    call = functools.partial(parse_feed, body, content_type=content_type, origin=origin, now=now)
    return await asyncio.get_running_loop().run_in_executor(executor, call)


def _reject_entities(body: bytes) -> None:
    # Entity expansion (billion laughs, quadratic blow-up) happens inside the XML parser, so
    # the only safe place to stop it is before the parser. Feeds have no use for entities.
    probe = body.replace(b"\x00", b"") if b"\x00" in body[:512] else body  # UTF-16/32
    upper = probe.upper()
    if b"<!DOCTYPE" in upper and b"<!ENTITY" in upper:
        raise FeedError("DOCTYPE declares entities; refusing to parse")


def _why_not_a_feed(body: bytes, content_type: str | None, parsed: Any) -> str:
    if (content_type or "").lower().startswith("text/html") or _HTML_START.match(body[:4096]):
        return "HTML page instead of a feed"
    if not body.strip():
        return "empty body"
    exc = parsed.get("bozo_exception")
    return f"not a feed: {exc}"[:200] if exc else "not a feed"


def _primary_lang(tag: object) -> str | None:
    if not isinstance(tag, str):
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGS else None


# dict.get, not FeedParserDict.get: that one maps key aliases on every read (a third of
# this module's own cost per entry), and aliases updated<->published with a warning. The
# keys read here are the canonical ones feedparser stores under.
_get = dict.get


def _entry(raw: Any, origin: Origin, now: datetime | None) -> Entry | None:
    title = _truncate(_text(_get(raw, "title") or ""), TITLE_MAX)
    summary = _summary(raw)
    if not title and not summary:
        return None
    link = (_get(raw, "link") or "").strip() or None
    publisher = origin.publisher
    source = _get(raw, "source") or {}
    source_title = _get(source, "title") or _get(raw, "news_source")
    aggregated = origin.aggregator
    if aggregated is None:
        aggregated = bool(source_title or _get(source, "href")) or is_aggregator_url(origin.url)
    if aggregated:
        link = unwrap_link(link)
        publisher = origin.publishers.of_item(source_title, _get(source, "href"), link) or publisher
        title = strip_source_suffix(title, str(source_title or publisher))
    return Entry(
        feed=origin.name, feed_url=origin.url, title=title, link=link, summary=summary,
        published=_utc(_get(raw, "published_parsed") or _get(raw, "updated_parsed"), now),
        guid=(_get(raw, "id") or "").strip()[:2000] or None,
        lang=origin.lang, publisher=publisher,
    )


def _text(html: str) -> str:
    if "<" in html:
        html = _drop_scripts(html)
    return _SPACE_PUNCT.sub("", strip_html(html))


def _drop_scripts(html: str) -> str:
    # One forward search per element, not a lazy .*? regex: unclosed tags must not go quadratic.
    out: list[str] = []
    pos = 0
    while (m := _SCRIPT_OPEN.search(html, pos)) is not None:
        out.append(html[pos : m.start()])
        close = _SCRIPT_CLOSE[m.group(1).lower()].search(html, m.end())
        if close is None:
            return " ".join(out)
        pos = close.end()
        out.append(" ")
    out.append(html[pos:])
    return "".join(out)


def _summary(raw: Any) -> str:
    text = _get(raw, "summary") or ""
    if not text:
        for content in _get(raw, "content") or []:
            if _get(content, "value"):
                text = content["value"]
                break
    return _truncate(_text(text), SUMMARY_MAX)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Cut at a word boundary unless that would throw away most of the text.
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return _SPACE.sub(" ", cut).rstrip() + "…"


def _utc(parsed: Any, now: datetime | None) -> datetime | None:
    """A feed date in UTC within sane bounds (see EARLIEST, FUTURE_SLACK), else None."""
    # feedparser has already shifted *_parsed to UTC (a time.struct_time without zone).
    if not parsed:
        return None
    try:
        when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    if when < EARLIEST:
        return None
    return now if now is not None and when > now + FUTURE_SLACK else when
