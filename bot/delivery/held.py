"""What a chat gets when its mute ends with many alerts held: one summary (counts per topic
and watch, the newest links) instead of a flood. Pure: it only shapes the payload.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.model import OutboxItem

# Up to this many held alerts still arrive one by one; more become one summary.
HANDFUL = 5
NEWEST_SHOWN = 5


def summary_payload(held: Sequence[OutboxItem], topic_titles: Mapping[str, str],
                    until: datetime) -> dict[str, Any]:
    """The "while you were muted" notice for these alerts (oldest first)."""
    topics: Counter[str] = Counter()
    watches = 0
    for item in held:
        topics.update(str(t) for t in item.why.get("topics") or ())
        watches += bool(item.why.get("watches"))
    newest = [{"title": item.entry.entry.title, "link": item.entry.entry.link,
               "publisher": item.entry.entry.publisher}
              for item in reversed(held[-NEWEST_SHOWN:])]
    return {
        "count": len(held), "until": until.isoformat(), "watches": watches,
        "topics": [{"id": tid, "title": topic_titles.get(tid, tid), "count": n}
                   for tid, n in topics.most_common()],
        "newest": newest,
    }
