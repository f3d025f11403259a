"""What an OPML import adds: each outline checked (an http(s) URL, not configured yet, not
repeated, under the cap) and mapped to feed keys; and the chat feeds merged into a Config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from bot.config import Config, FeedLang, FeedSpec
from bot.model import ChatFeed

MAX_NEW_FEEDS = 100  # feeds one import may add; the rest are reported, not added
MAX_URL = 2048
MAX_NAME = 200  # FeedSpec.name's limit
MAX_CATEGORY = 80
LANGS: frozenset[str] = frozenset(get_args(FeedLang))
_DEFAULT_PORTS = {"http": 80, "https": 443}
_BAD_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")

OutlineKind = Literal["feed", "list", "page"]
SkipReason = Literal["not_a_feed", "invalid_url", "scheme", "duplicate", "repeated", "over_cap"]


@dataclass(frozen=True, slots=True)
class Outline:
    """One outline of an OPML file as read: a feed, a link to another list, or a page."""

    url: str
    title: str = ""  # `text`, else `title`
    language: str = ""  # the `language` attribute as written
    category: str = ""  # its folder path (or first category), parts joined by " / "
    kind: OutlineKind = "feed"


@dataclass(frozen=True, slots=True)
class NewFeed:
    """A feed an import adds, in feeds.yaml's terms."""

    url: str
    name: str  # "": the URL's host
    lang: str | None
    category: str


@dataclass(frozen=True, slots=True)
class Skip:
    """An outline an import leaves out, and why; `detail` is the scheme, the problem or
    the name of the configured feed it repeats."""

    url: str
    title: str
    reason: SkipReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    added: tuple[NewFeed, ...]
    skipped: tuple[Skip, ...]


def feed_key(url: str) -> str:
    """The URL as compared for duplicates: scheme and host lowercased, the default port,
    credentials, fragment and a trailing slash dropped. Raises ValueError if unparseable."""
    parts = urlsplit(url.strip())
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))


def url_problem(url: str) -> tuple[SkipReason, str] | None:
    """Why `url` cannot be a feed here, or None if it is an http(s) URL with a host."""
    if len(url) > MAX_URL:
        return "invalid_url", f"longer than {MAX_URL} characters"
    if _BAD_URL_CHARS.search(url):
        return "invalid_url", "contains spaces or control characters"
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises for a port that is not a number
    except ValueError as err:
        return "invalid_url", str(err)
    if not parts.scheme:
        return "invalid_url", "no scheme (http:// or https://)"
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return "scheme", parts.scheme.lower()[:20]
    if not parts.hostname:
        return "invalid_url", "no host"
    return None


def clean_text(text: str, limit: int) -> str:
    """One line of printable text, at most `limit` characters."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", text)).strip()[:limit].rstrip()


def feed_lang(language: str) -> str | None:
    """`ru-RU`, `ru`, `RU` -> `ru`, when it is one of the supported feed languages."""
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGS else None


def plan_import(outlines: Iterable[Outline], existing: Mapping[str, str] | Sequence[FeedSpec],
                *, cap: int = MAX_NEW_FEEDS) -> ImportPlan:
    """Which outlines become feeds and which are skipped, in the file's order. `existing`
    is the configured feeds (or key -> name); feeds already there are skipped."""
    known = dict(existing) if isinstance(existing, Mapping) else {
        feed_key(f.url): f.name for f in existing}
    added: list[NewFeed] = []
    skipped: list[Skip] = []
    seen: set[str] = set()
    for outline in outlines:
        url, title = outline.url.strip(), clean_text(outline.title, MAX_NAME)
        reason = _skip_reason(outline, url, known, seen)
        if reason is None and len(added) >= cap:
            reason = ("over_cap", str(cap))
        if reason is not None:
            skipped.append(Skip(url, title, *reason))
            continue
        seen.add(feed_key(url))
        added.append(NewFeed(url, title, feed_lang(outline.language),
                             clean_text(outline.category, MAX_CATEGORY)))
    return ImportPlan(tuple(added), tuple(skipped))


def _skip_reason(outline: Outline, url: str, known: Mapping[str, str],
                 seen: set[str]) -> tuple[SkipReason, str] | None:
    if outline.kind != "feed":
        return "not_a_feed", outline.kind
    problem = url_problem(url)
    if problem is not None:
        return problem
    key = feed_key(url)
    if key in known:
        return "duplicate", known[key]
    if key in seen:
        return "repeated", ""
    return None


def with_chat_feeds(config: Config, chat_feeds: Iterable[ChatFeed]) -> Config:
    """`config` with the feeds added in chat appended, in the order given. A feed whose URL
    the config already has is left out (the file wins), and so is one that no longer
    validates, so a stored row can never stop the bot. Applying it twice changes nothing."""
    known = {feed_key(f.url) for f in config.feeds}
    extra: list[FeedSpec] = []
    for row in chat_feeds:
        try:
            key = feed_key(row.url)
            spec = FeedSpec.model_validate({"url": row.url, "name": row.name, "lang": row.lang})
        except (ValueError, ValidationError):
            continue
        if key not in known:
            known.add(key)
            extra.append(spec)
    if not extra:
        return config
    return config.model_copy(update={"feeds": config.feeds + tuple(extra)})
