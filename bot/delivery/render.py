"""Alerts and notices as Telegram HTML (within 4096 UTF-16 units) and notices as one plain
console line. Pure: the item, the language and the time zone come in as arguments.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.delivery.html import (
    ELLIPSIS,
    MAX_CAPTION,
    MAX_MESSAGE,
    cut,
    esc,
    feed_problem,
    fit_lines,
    link,
    local_time,
    plain_len,
    span,
    status_badge,
    utf16_len,
)
from bot.delivery.render_held import render_held
from bot.i18n import t, tn
from bot.model import TITLE_MAX, OutboxItem

EXCERPT_MAX = 500  # summary characters an alert shows (display only: matching reads SUMMARY_MAX)
MAX_WATCHES_SHOWN = 5
MAX_QUERY_SHOWN = 120
MAX_TERMS_SHOWN = 12
MAX_ALSO_SHOWN = 10
TITLE_KEPT = 200  # a title is cut below this only when nothing else is left to cut
MAX_NAME_SHOWN = 80

# ---------------------------------------------------------------- alerts



def _why_lines(why: Mapping[str, Any], lang: str, topic_titles: Mapping[str, str]) -> list[str]:
    lines: list[str] = []
    topics = [str(x) for x in why.get("topics") or ()]
    if topics:
        titles = ", ".join(esc(topic_titles.get(tid, tid)) for tid in topics)
        lines.append(f"🏷 {tn(lang, 'topics_label', len(topics))}: {titles}")
    watches = [str(x) for x in why.get("watches") or ()]
    if watches:
        shown = [f"<code>{esc(cut(q, MAX_QUERY_SHOWN))}</code>" for q in watches[:MAX_WATCHES_SHOWN]]
        more = f" +{len(watches) - MAX_WATCHES_SHOWN}" if len(watches) > MAX_WATCHES_SHOWN else ""
        lines.append(f"👀 {tn(lang, 'watches_label', len(watches))}: {', '.join(shown)}{more}")
    concepts = list(dict.fromkeys(str(c) for c in why.get("concepts") or () if c))
    if concepts:
        lines.append(f"💡 {t(lang, 'alert_concepts')}: {esc('; '.join(concepts))}")
    terms = [str(x) for x in why.get("terms") or ()][:MAX_TERMS_SHOWN]
    if terms:
        words = ", ".join(f"<i>{esc(cut(w, 60))}</i>" for w in terms)
        lines.append(f"🔎 {t(lang, 'alert_terms')}: {words}")
    return lines


def also_reports(why: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(publisher, link) of each later report merged into an alert. Rows written before
    publishers were recorded name the feed instead."""
    found = []
    for also in why.get("also") or ():
        name = also.get("publisher") or also.get("feed") if isinstance(also, Mapping) else None
        if name:
            found.append((cut(str(name), MAX_NAME_SHOWN), also.get("link")))
    return found


@dataclass
class _Alert:
    """An alert's parts; `fit` shrinks the least important first until the whole fits."""

    badge: str | None
    title: str
    link: str | None
    summary: str
    source: str
    also: list[tuple[str, str | None]]
    also_shown: int
    why: list[str]

    def html(self, lang: str) -> str:
        lines = [f"<b>{self.badge}</b>"] if self.badge else []
        lines.append(f"<b>{link(self.title or t(lang, 'alert_untitled'), self.link)}</b>")
        if self.summary:
            lines.append(esc(self.summary))
        lines.append(self.source)
        if self.also:
            shown = self.also[:self.also_shown]
            rest = len(self.also) - len(shown)
            lines.append(f"➕ {t(lang, 'alert_also')}: "
                         + ", ".join(link(name, url) for name, url in shown)
                         + (f" +{rest}" if rest else ""))
        return "\n".join([*lines, *self.why])

    def shrink(self, excess: int) -> None:
        """Summary first, then a long title down to TITLE_KEPT, the "also" links, the
        reasons but the first, and the title last; text is cut before escaping, so markup
        and entities always stay whole."""
        if len(self.summary) > 1:
            self.summary = cut(self.summary, max(1, len(self.summary) - excess - 1))
        elif self.summary:
            self.summary = ""
        elif len(self.title) > TITLE_KEPT:
            self.title = cut(self.title, max(TITLE_KEPT, len(self.title) - excess - 1))
        elif self.also_shown > 0:
            self.also_shown -= 1
        elif len(self.why) > 1:
            self.why.pop()
        elif len(self.title) > 2:
            self.title = cut(self.title, max(2, len(self.title) - excess - 1))
        else:
            self.why.clear()


def render_alert(item: OutboxItem, *, tz: ZoneInfo, lang: str,
                 topic_titles: Mapping[str, str]) -> str:
    """One alert as Telegram HTML: badge, linked title, summary, source and time, later
    reports, and why it matched. Every feed and user string is escaped.

    Length: the whole HTML string (tags and entities included) is kept within 4096 UTF-16
    code units, which over-counts what Telegram measures (text after entity parsing), so it
    is safe. What does not fit is cut at a character with "…" or left out, in the order of
    `_Alert.shrink`; the title keeps its link.
    """
    entry = item.entry.entry
    when = local_time(entry.published or item.entry.seen_at, tz, lang)
    also = also_reports(item.why)
    alert = _Alert(
        badge=status_badge(lang, item.why.get("status")),
        title=cut(" ".join(entry.title.split()), TITLE_MAX), link=entry.link,
        summary=cut(" ".join(entry.summary.split()), EXCERPT_MAX),
        source=f"📰 {esc(cut(entry.publisher, MAX_NAME_SHOWN))} · 🕒 {when}",
        also=also, also_shown=min(len(also), MAX_ALSO_SHOWN),
        why=_why_lines(item.why, lang, topic_titles),
    )
    while (excess := utf16_len(text := alert.html(lang)) - MAX_MESSAGE) > 0:
        alert.shrink(excess)  # the link is at most MAX_HREF: a 2-character title fits
    return text


# ---------------------------------------------------------------- notices

_TAGS = re.compile(r"<[^>]+>")


def _t(lang: str, key: str, **values: object) -> str:
    return t(lang, f"notice_{key}", **values)


def _s(payload: Mapping[str, Any], key: str, limit: int = 300) -> str:
    """A payload string, cut and escaped: payloads carry feed text and admin-typed titles,
    and one line must never outgrow a message."""
    return esc(cut(str(payload.get(key) or ""), limit))


def _reminder(p: Mapping[str, Any], lang: str) -> list[str]:
    days = int(p.get("days_left") or 0)
    when = _t(lang, "in_days", days=tn(lang, "days", days)) if days > 0 else _t(lang, "today")
    return [_t(lang, "reminder", title=_s(p, "title"), when=when, date=_s(p, "date"), location=_s(p, "location"))]


def _summit_day(p: Mapping[str, Any], lang: str) -> list[str]:
    lines = [_t(lang, "summit_day", title=_s(p, "title"), location=_s(p, "location"),
                time=_s(p, "local_time"), tz=_s(p, "timezone")), "", _t(lang, "expected_agreements")]
    for topic in p.get("topics") or ():
        badge = status_badge(lang, topic.get("status")) or _t(lang, "no_status")
        lines.append(f"• {esc(str(topic.get('title') or topic.get('id')))} — {badge}")
    lines += ["", _t(lang, "how_to_follow")]
    return lines


def _status(p: Mapping[str, Any], lang: str) -> list[str]:
    sources = [cut(str(s), 40) for s in p.get("sources") or ()]
    names = esc(cut(", ".join(sources), 600))
    lines = [_t(lang, "status_new", topic=_s(p, "topic_title"), badge=status_badge(lang, p.get("status")) or "")]
    if p.get("confirmed"):
        lines.append(_t(lang, "confirmed", outlets=tn(lang, "outlets", len(sources)),
                        sources=names))
    else:
        lines.append(_t(lang, "unconfirmed", outlets=tn(lang, "outlets", len(sources)),
                        sources=names, needed=int(p.get("needed") or 2)))
    if p.get("title"):
        lines.append(_t(lang, "first_report", link=link(cut(str(p["title"]), 300), p.get("link"))))
    return lines


def _moved(p: Mapping[str, Any], lang: str) -> list[str]:
    return [_t(lang, "moved", title=_s(p, "title"), old=_s(p, "old_date"), new=_s(p, "new_date"),
               location=_s(p, "location"))]


def _digest(p: Mapping[str, Any], lang: str) -> list[str]:
    lines = [_t(lang, "digest", title=_s(p, "title"), date=_s(p, "date"))]
    groups = p.get("groups") or ()
    if not groups:
        lines.append(_t(lang, "digest_empty"))
    for group in groups:
        lines += ["", f"<b>{esc(str(group.get('title') or group.get('topic_id')))}</b>"]
        for row in group.get("rows") or ():
            source = esc(str(row.get("publisher") or row.get("feed") or ""))
            lines.append(f"• {link(cut(str(row.get('title') or ''), 200), row.get('link'))} — {source}")
        more = int(group.get("more") or 0)
        if more:
            lines.append(_t(lang, "digest_more", stories=tn(lang, "stories", more)))
    return lines


def _feed_down(p: Mapping[str, Any], lang: str) -> list[str]:
    """To an operator: a feed has been failing for longer than `health.feed_down_after`."""
    return [
        _t(lang, "feed_down", name=_s(p, "name", 100), duration=span(lang, _int(p, "minutes")),
           since=_s(p, "since", 40), tz=_s(p, "tz", 60)),
        _t(lang, "feed_why", problem=feed_problem(lang, p.get("problem"), p.get("code"))),
        f"<code>{_s(p, 'url', 500)}</code>",
        _t(lang, "feed_error", error=_s(p, "error"),
           polls=tn(lang, "failed_polls", _int(p, "failures"))),
    ]


def _feed_up(p: Mapping[str, Any], lang: str) -> list[str]:
    return [_t(lang, "feed_up", name=_s(p, "name", 100), duration=span(lang, _int(p, "minutes")),
               since=_s(p, "since", 40), until=_s(p, "until", 40), tz=_s(p, "tz", 60)),
            f"<code>{_s(p, 'url', 500)}</code>"]


def _int(payload: Mapping[str, Any], key: str) -> int:
    value = payload.get(key)
    return value if isinstance(value, int) else 0


RENDERERS = {"reminder": _reminder, "summit_day": _summit_day, "status": _status,
             "event_moved": _moved, "digest": _digest, "held": render_held,
             "feed_down": _feed_down, "feed_up": _feed_up}


def _lines(kind: str, payload: Mapping[str, Any], lang: str) -> list[str]:
    renderer = RENDERERS.get(kind)
    return renderer(payload, lang) if renderer else [esc(cut(str(payload), 1000))]


def render_notice(kind: str, payload: Mapping[str, Any], lang: str) -> str:
    """A notice as Telegram HTML within 4096 UTF-16 units (whole lines are dropped first)."""
    return fit_lines(_lines(kind, payload, lang))


def render_caption(kind: str, payload: Mapping[str, Any], lang: str) -> str:
    """A notice as the HTML caption of the file it comes with: within Telegram's 1024
    characters as Telegram counts them (tags and entities read), whole lines dropped."""
    out: list[str] = []
    for line in _lines(kind, payload, lang):
        candidate = "\n".join([*out, line, ELLIPSIS])
        # Escapes make the HTML longer than what Telegram counts: keep it a message's size too.
        if plain_len(candidate) > MAX_CAPTION or utf16_len(candidate) > MAX_MESSAGE:
            return "\n".join([*out, ELLIPSIS])
        out.append(line)
    return "\n".join(out)


def notice_text(kind: str, payload: Mapping[str, Any], lang: str = "en") -> str:
    """The same notice as plain text on one line, for console mode. The console already
    printed the headline as an alert line, so a status notice does not repeat it."""
    if kind == "status":
        payload = {**payload, "title": None}
    plain = html.unescape(_TAGS.sub("", render_notice(kind, payload, lang)))
    return " | ".join(line for line in plain.splitlines() if line.strip())
