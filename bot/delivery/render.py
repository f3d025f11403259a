"""Pure Telegram-HTML rendering of alerts (`render_alert`) and the small pieces that command
replies share: safe links, local times, event countdowns, UTF-16 lengths.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.store import OutboxItem

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the parsed text
EXCERPT_MAX = 500  # summary characters an alert shows (display only: matching reads SUMMARY_MAX)
MAX_HREF = 2000  # longer links are shown without the link rather than risk a rejection
MAX_WATCHES_SHOWN = 5
MAX_QUERY_SHOWN = 120
MAX_TERMS_SHOWN = 12
ELLIPSIS = "…"
STATUSES = ("expected", "signed", "ratified", "in_force")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def cut(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters (code points), ending in '…' if cut.
    Cut before escaping, so an entity like &amp; is never split."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS if limit > 0 else ""


def safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link of sane length, else None."""
    if not url or len(url) > MAX_HREF or any(c.isspace() or ord(c) < 32 for c in url):
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
        return t(lang, "days_in", n=days)
    if days == 0:
        return t(lang, "days_today")
    return t(lang, "days_ago", n=-days)


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


def status_badge(lang: str, status: object) -> str | None:
    return t(lang, f"status_{status}") if status in STATUSES else None


# ---------------------------------------------------------------- alerts


def _why_lines(why: Mapping[str, Any], lang: str, topic_titles: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    topics = [str(x) for x in why.get("topics") or ()]
    if topics:
        titles = ", ".join(esc(topic_titles.get(tid, tid)) for tid in topics)
        lines.append(f"🏷 {t(lang, 'alert_topics')}: {titles}")
    watches = [str(x) for x in why.get("watches") or ()]
    if watches:
        shown = [f"<code>{esc(cut(q, MAX_QUERY_SHOWN))}</code>" for q in watches[:MAX_WATCHES_SHOWN]]
        more = f" +{len(watches) - MAX_WATCHES_SHOWN}" if len(watches) > MAX_WATCHES_SHOWN else ""
        lines.append(f"👀 {t(lang, 'alert_watches')}: {', '.join(shown)}{more}")
    terms = [str(x) for x in why.get("terms") or ()][:MAX_TERMS_SHOWN]
    if terms:
        words = ", ".join(f"<i>{esc(cut(w, 60))}</i>" for w in terms)
        lines.append(f"🔎 {t(lang, 'alert_terms')}: {words}")
    return lines


def _compose(item: OutboxItem, title: str, summary: str, tz: ZoneInfo, lang: str,
             why_lines: Sequence[str]) -> str:
    entry = item.entry.entry
    head = link(title or t(lang, "alert_untitled"), entry.link)
    badge = status_badge(lang, item.why.get("status"))
    lines = [f"<b>{badge}</b>"] if badge else []
    lines.append(f"<b>{head}</b>")
    if summary:
        lines.append(esc(summary))
    when = local_time(entry.published or item.entry.seen_at, tz, lang)
    lines.append(f"📰 {esc(entry.feed)} · 🕒 {when}")
    also = [a for a in item.why.get("also") or () if isinstance(a, Mapping) and a.get("feed")]
    if also:
        lines.append(f"➕ {t(lang, 'alert_also')}: " + ", ".join(
            link(str(a["feed"]), a.get("link")) for a in also[:10]))
    lines.extend(why_lines)
    return "\n".join(lines)


def render_alert(item: OutboxItem, *, tz: ZoneInfo, lang: str,
                 topic_titles: Mapping[str, str]) -> str:
    """One alert as Telegram HTML: badge, linked title, summary, source and time, and why
    it matched. Every feed and user string is escaped.

    Length: the whole HTML string (tags and entities included) is kept within 4096 UTF-16
    code units. That over-counts what Telegram measures (text after entity parsing), so
    it is safe; the summary is shortened first, then the title, each cut before escaping.
    """
    entry = item.entry.entry
    why_lines = _why_lines(item.why, lang, topic_titles)
    title = " ".join(entry.title.split())
    summary = cut(" ".join(entry.summary.split()), EXCERPT_MAX)
    for _ in range(8):  # each pass removes at least the excess; two are nearly always enough
        text = _compose(item, title, summary, tz, lang, why_lines)
        excess = utf16_len(text) - MAX_MESSAGE
        if excess <= 0:
            return text
        if summary:
            summary = cut(summary, len(summary) - excess - 1)
        elif title:
            title = cut(title, len(title) - excess - 1)
        else:
            why_lines = why_lines[:-1]
    return cut(_compose(item, "", "", tz, lang, ()), MAX_MESSAGE)  # pragma: no cover
