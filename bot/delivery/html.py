"""Telegram HTML pieces every message shares: escaping, safe links, cutting at a character
boundary, UTF-16 lengths, fitting lines into one message, local times, countdowns, badges.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.i18n import TEXTS, t, tn

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the parsed text
MAX_CAPTION = 1024  # a file's caption, counted the same way
MAX_HREF = 2000  # longer links are shown without the link rather than risk a rejection
ELLIPSIS = "…"
STATUSES = ("expected", "signed", "ratified", "in_force")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


_TAGS = re.compile(r"<[^>]+>")


def plain_len(text: str) -> int:
    """The UTF-16 length Telegram counts for HTML text: what is left once tags are removed
    and entities read (used where over-counting the markup would cost too much: captions)."""
    return utf16_len(html.unescape(_TAGS.sub("", text)))


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters (code points), ending in '…' if cut.
    Cut before escaping, so an entity like &amp; is never split."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS if limit > 0 else ""


def safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link whose escaped form stays under MAX_HREF
    (so a link never crowds out a message), else None."""
    if not url or len(url) > MAX_HREF or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    if utf16_len(esc(url)) > MAX_HREF:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def link(title: str, url: str | None) -> str:
    """The escaped title, as an <a> link only when the URL is a safe http(s) one."""
    href = safe_href(url)
    if href is None:
        return esc(title)
    return f'<a href="{esc(href)}">{esc(title)}</a>'


def local_time(ts: datetime | None, tz: ZoneInfo, lang: str) -> str:
    if ts is None:
        return t(lang, "alert_undated")
    return ts.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def countdown(lang: str, day: date, today: date) -> str:
    """'in 3 days' / 'today' / '2 days ago' (localized)."""
    days = (day - today).days
    if days > 0:
        return t(lang, "days_in", days=tn(lang, "days", days))
    if days == 0:
        return t(lang, "days_today")
    return t(lang, "days_ago", days=tn(lang, "days", -days))


def fit_lines(lines: Sequence[str], limit: int = MAX_MESSAGE) -> str:
    """Join lines (each balanced HTML on its own), dropping trailing ones that would push
    the escaped text past `limit` UTF-16 units; a final '…' says some were left out."""
    out: list[str] = []
    used = 0
    for line in lines:
        cost = utf16_len(line) + 1
        if used + cost > limit - 2:
            out.append(ELLIPSIS)
            break
        out.append(line)
        used += cost
    return "\n".join(out)


def span(lang: str, minutes: int) -> str:
    """A length of time in words: minutes below an hour, hours below two days, else days."""
    if minutes < 60:
        return tn(lang, "minutes", max(0, minutes))
    if minutes < 48 * 60:
        return tn(lang, "hours", minutes // 60)
    return tn(lang, "days", minutes // (24 * 60))


def feed_problem(lang: str, problem: object, code: object = None) -> str:
    """Why a feed fails, in plain words (`bot.health.problem_of` names the class)."""
    key = f"feed_problem_{problem}"
    if key not in TEXTS["en"]:
        key = "feed_problem_unknown"
    return t(lang, key, code=esc(str(code or "?")))


def status_badge(lang: str, status: object) -> str | None:
    return t(lang, f"status_{status}") if status in STATUSES else None
