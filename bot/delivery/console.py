"""Rendering of matched entries: console lines, JSON objects and Telegram HTML.

Pure: everything it needs (entry, match, time zone, language) comes in as arguments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.model import Entry, MatchResult

BADGES = {"expected": "EXPECTED", "signed": "SIGNED", "ratified": "RATIFIED", "in_force": "IN FORCE"}


def iso(ts: datetime | None) -> str | None:
    return ts.isoformat().replace("+00:00", "Z") if ts else None


def alert_json(entry: Entry, result: MatchResult) -> dict[str, Any]:
    """The replay/console JSON object for one matched entry."""
    return {
        "link": entry.link,
        "title": entry.title,
        "feed": entry.feed,
        "published": iso(entry.published),
        "topics": list(result.topics),
        "watches": [w.query for w in result.watches],
        "status": result.status,
        "matched": list(result.terms),
    }


def local_time(ts: datetime | None, tz: ZoneInfo) -> str:
    return ts.astimezone(tz).strftime("%Y-%m-%d %H:%M") if ts else "undated"


def console_line(entry: Entry, result: MatchResult, tz: ZoneInfo) -> str:
    """One readable line: badge, local time, source, title, why it matched, link."""
    parts = []
    if result.status:
        parts.append(f"[{BADGES[result.status]}]")
    parts.append(local_time(entry.published, tz))
    parts.append(f"{entry.feed}:")
    parts.append(entry.title or "(untitled)")
    why = [f"topic {t}" for t in result.topics] + [f"watch [{w.query}]" for w in result.watches]
    line = " ".join(parts) + f"  — {', '.join(why)}"
    if result.terms:
        line += f" (matched: {', '.join(result.terms)})"
    if entry.link:
        line += f"  {entry.link}"
    return line
