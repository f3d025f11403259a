"""Pure rendering of notices (reminders, the summit-day alert, breaking status alerts,
event moves, the day's digest) as Telegram HTML or plain console text, in English and Russian.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from bot.delivery.render import cut, esc, fit_lines, link, status_badge

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "reminder": "⏰ Reminder: <b>{title}</b> is {when} — {date}, {location}.",
        "in_days": "in {n} day(s)", "today": "today",
        "summit_day": "🏛 <b>Today: {title}</b>\n📍 {location} · 🕒 {time} ({tz})",
        "expected_agreements": "Expected agreements:",
        "no_status": "no report yet",
        "how_to_follow": "Alerts arrive here as reports come in. /topics shows the timeline, /mute pauses.",
        "status_new": "🚨 <b>{topic}</b>: {badge}",
        "unconfirmed": "⚠️ unconfirmed — {n} source(s) so far: {sources}; {needed} needed",
        "confirmed": "✅ confirmed by {n} source(s): {sources}",
        "first_report": "First report: {link}",
        "moved": "📅 <b>{title}</b> has moved: {old} → <b>{new}</b> ({location}).",
        "digest": "🗞 <b>{title}</b> — the day's stories, {date}",
        "digest_empty": "No matching stories today.",
    },
    "ru": {
        "reminder": "⏰ Напоминание: <b>{title}</b> — {when}, {date}, {location}.",
        "in_days": "через {n} дн.", "today": "сегодня",
        "summit_day": "🏛 <b>Сегодня: {title}</b>\n📍 {location} · 🕒 {time} ({tz})",
        "expected_agreements": "Ожидаемые документы:",
        "no_status": "сообщений пока нет",
        "how_to_follow": "Оповещения придут сюда по мере сообщений. /topics — хронология, /mute — пауза.",
        "status_new": "🚨 <b>{topic}</b>: {badge}",
        "unconfirmed": "⚠️ не подтверждено — источников: {n} ({sources}); нужно {needed}",
        "confirmed": "✅ подтверждено источниками ({n}): {sources}",
        "first_report": "Первое сообщение: {link}",
        "moved": "📅 <b>{title}</b>: дата изменена: {old} → <b>{new}</b> ({location}).",
        "digest": "🗞 <b>{title}</b> — новости дня, {date}",
        "digest_empty": "Сегодня подходящих новостей не было.",
    },
}

_TAGS = re.compile(r"<[^>]+>")


def _t(lang: str, key: str, **values: object) -> str:
    table = TEXTS.get(lang, TEXTS["en"])
    return table[key].format(**values)


def _s(payload: Mapping[str, Any], key: str) -> str:
    """A payload string, escaped: payloads carry feed text and admin-typed titles."""
    return esc(str(payload.get(key) or ""))


def _reminder(p: Mapping[str, Any], lang: str) -> list[str]:
    days = int(p.get("days_left") or 0)
    when = _t(lang, "in_days", n=days) if days > 0 else _t(lang, "today")
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
    sources = [str(s) for s in p.get("sources") or ()]
    names = esc(", ".join(sources))
    lines = [_t(lang, "status_new", topic=_s(p, "topic_title"), badge=status_badge(lang, p.get("status")) or "")]
    if p.get("confirmed"):
        lines.append(_t(lang, "confirmed", n=len(sources), sources=names))
    else:
        lines.append(_t(lang, "unconfirmed", n=len(sources), sources=names, needed=int(p.get("needed") or 2)))
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
            source = esc(str(row.get("feed") or ""))
            lines.append(f"• {link(cut(str(row.get('title') or ''), 200), row.get('link'))} — {source}")
    return lines


RENDERERS = {"reminder": _reminder, "summit_day": _summit_day, "status": _status,
             "event_moved": _moved, "digest": _digest}


def render_notice(kind: str, payload: Mapping[str, Any], lang: str) -> str:
    """A notice as Telegram HTML within 4096 UTF-16 units (whole lines are dropped first)."""
    renderer = RENDERERS.get(kind)
    lines = renderer(payload, lang) if renderer else [esc(str(payload))]
    return fit_lines(lines)


def notice_text(kind: str, payload: Mapping[str, Any], lang: str = "en") -> str:
    """The same notice as plain text on one line, for console mode. The console already
    printed the headline as an alert line, so a status notice does not repeat it."""
    if kind == "status":
        payload = {**payload, "title": None}
    plain = html.unescape(_TAGS.sub("", render_notice(kind, payload, lang)))
    return " | ".join(line for line in plain.splitlines() if line.strip())
