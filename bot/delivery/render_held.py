"""The summary of held alerts (after /mute, quiet hours, a digest period) as HTML lines: a
heading, then each group (topic or watch) with one line per story. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.delivery.html import cut, esc, link, status_badge, utf16_len
from bot.i18n import t, tn

MAX_TITLE_SHOWN = 200
# A story's linked title at most; with any group heading it always fits one summary page.
MAX_LINKED = 1200
MAX_WATCH_SHOWN = 120
REASONS = ("mute", "quiet", "hourly", "daily")


def held_group_line(group: Mapping[str, Any], lang: str) -> str:
    """A group's heading: the topic's title, else the watch's query."""
    if group.get("topic_id") is not None or group.get("title"):
        return f"<b>{esc(cut(str(group.get('title') or group.get('topic_id')), 300))}</b>"
    query = f"<code>{esc(cut(str(group.get('watch') or ''), MAX_WATCH_SHOWN))}</code>"
    return t(lang, "notice_held_watch", query=query)


def held_story_line(story: Mapping[str, Any], lang: str) -> str:
    """One story: its linked title, its outlet, how many more reported it, its status."""
    title = cut(" ".join(str(story.get("title") or "").split()), MAX_TITLE_SHOWN)
    linked = link(title or t(lang, "alert_untitled"), story.get("link"))
    if utf16_len(linked) > MAX_LINKED:  # a huge link must not push the story off its page
        linked = esc(title or t(lang, "alert_untitled"))
    line = f"• {linked} — {esc(cut(str(story.get('publisher') or ''), 80))}"
    also = story.get("also")
    if isinstance(also, int) and also > 0:
        line += f" (+{also})"
    badge = status_badge(lang, story.get("status"))
    return line + (f" · {badge}" if badge else "")


def _heading(p: Mapping[str, Any], lang: str) -> str:
    reason = p.get("reason")
    key = f"notice_held_{reason}" if reason in REASONS[1:] else "notice_held"
    count = p.get("count")
    text = t(lang, key, alerts=tn(lang, "alerts", count if isinstance(count, int) else 0))
    part, parts = p.get("part"), p.get("parts")
    if isinstance(part, int) and isinstance(parts, int) and parts > 1:
        text += " " + t(lang, "notice_held_part", part=part, parts=parts)
    return text


def _legacy(p: Mapping[str, Any], lang: str) -> list[str]:
    """A mute summary queued before summaries listed every story (counts, newest links)."""
    lines = []
    for topic in p.get("topics") or ():
        lines.append(t(lang, "notice_held_topic", title=esc(str(topic.get("title") or topic.get("id"))),
                       alerts=tn(lang, "alerts", int(topic.get("count") or 0))))
    if p.get("watches"):
        lines.append(t(lang, "notice_held_watches", alerts=tn(lang, "alerts", int(p["watches"]))))
    newest = p.get("newest") or ()
    if newest:
        lines += ["", t(lang, "notice_held_newest")]
    for row in newest:
        source = esc(str(row.get("publisher") or ""))
        lines.append(f"• {link(cut(str(row.get('title') or ''), 200), row.get('link'))} — {source}")
    return lines


def render_held(p: Mapping[str, Any], lang: str) -> list[str]:
    """The summary's lines; every held story appears (on some part) exactly once."""
    lines = [_heading(p, lang)]
    if "groups" not in p:
        return lines + _legacy(p, lang)
    for group in p.get("groups") or ():
        if not isinstance(group, Mapping):
            continue
        lines += ["", held_group_line(group, lang)]
        lines += [held_story_line(s, lang) for s in group.get("stories") or ()
                  if isinstance(s, Mapping)]
    return lines
