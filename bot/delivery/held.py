"""What a chat gets instead of alerts held back (by /mute, quiet hours, a digest mode): one
summary of every held story by topic (else watch), links kept, split over messages within
Telegram's limit, never inside a story. Pure: it shapes the payloads ("held" notices).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.delivery.html import MAX_MESSAGE, utf16_len
from bot.delivery.render_held import held_group_line, held_story_line
from bot.model import OutboxItem

# Up to this many alerts held by a mute still arrive one by one; more become one summary.
HANDFUL = 5
# Room each part keeps for its heading line ("🌙 During your quiet hours: … (part 2 of 3)").
HEADING_ROOM = 300


def _group_of(item: OutboxItem, topic_titles: Mapping[str, str]) -> dict[str, Any]:
    """A story is listed under its first topic, else under its first watch."""
    topics = [str(t) for t in item.why.get("topics") or ()]
    if topics:
        return {"topic_id": topics[0], "title": topic_titles.get(topics[0], topics[0])}
    watches = [str(w) for w in item.why.get("watches") or ()]
    return {"watch": watches[0] if watches else ""}


def _story(item: OutboxItem) -> dict[str, Any]:
    entry = item.entry.entry
    return {"title": entry.title, "link": entry.link, "publisher": entry.publisher,
            "also": len(item.why.get("also") or ()), "status": item.why.get("status")}


def grouped(held: Sequence[OutboxItem],
            topic_titles: Mapping[str, str]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(group, stories) in the order groups first appear; one row per story (cluster)."""
    groups: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    seen: set[tuple[str, int]] = set()
    for item in held:
        group = _group_of(item, topic_titles)
        name = str(group.get("topic_id") or "watch:" + str(group.get("watch")))
        story = (name, item.cluster_id or item.entry.id)
        if story in seen:
            continue
        seen.add(story)
        groups.setdefault(name, (group, []))[1].append(_story(item))
    return list(groups.values())


def _pages(groups: list[tuple[dict[str, Any], list[dict[str, Any]]]],
           lang: str) -> list[list[dict[str, Any]]]:
    """Greedy packing: a story goes on the current page if its line fits, else a new page
    starts (repeating its group's heading)."""
    budget = MAX_MESSAGE - HEADING_ROOM
    pages: list[list[dict[str, Any]]] = [[]]
    used = 0
    for group, stories in groups:
        head = utf16_len(held_group_line(group, lang)) + 2
        current: dict[str, Any] | None = None
        for story in stories:
            cost = utf16_len(held_story_line(story, lang)) + 1
            if current is None or used + cost > budget:
                if used + head + cost > budget and pages[-1]:
                    pages.append([])
                    used = 0
                current = {**group, "stories": []}
                pages[-1].append(current)
                used += head
            current["stories"].append(story)
            used += cost
    return pages


def summary_pages(held: Sequence[OutboxItem], topic_titles: Mapping[str, str],
                  until: datetime, reason: str) -> list[dict[str, Any]]:
    """The payloads of the summary of these alerts (oldest first), one per message, each
    within Telegram's limit in the chat's language."""
    lang = held[0].subscriber.lang if held else "en"
    topics: Counter[str] = Counter()
    for item in held:
        topics.update(str(t) for t in item.why.get("topics") or ())
    pages = _pages(grouped(held, topic_titles), lang)
    common = {
        "reason": reason, "count": len(held), "until": until.isoformat(),
        "watches": sum(bool(item.why.get("watches")) for item in held),
        "topics": [{"id": tid, "title": topic_titles.get(tid, tid), "count": n}
                   for tid, n in topics.most_common()],
    }
    return [{**common, "part": n, "parts": len(pages), "groups": groups}
            for n, groups in enumerate(pages, 1)]
