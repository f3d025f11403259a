"""Console mode: matched entries as readable lines or JSON objects (also used by `replay`),
and the sink that prints alerts and notices to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.delivery.drainer import Delivered, Verdict
from bot.delivery.render import also_reports, notice_text
from bot.model import Entry, MatchResult, NoticeAttachment, NoticeItem, OutboxItem, WatchHit

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
        "concepts": {topic: list(labels) for topic, labels in result.topic_concepts.items()},
    }


def local_time(ts: datetime | None, tz: ZoneInfo) -> str:
    return ts.astimezone(tz).strftime("%Y-%m-%d %H:%M") if ts else "undated"


def console_line(entry: Entry, result: MatchResult, tz: ZoneInfo) -> str:
    """One readable line: badge, local time, source, title, why it matched, link."""
    parts = []
    if result.status:
        parts.append(f"[{BADGES[result.status]}]")
    parts.append(local_time(entry.published, tz))
    parts.append(f"{entry.publisher}:")
    parts.append(entry.title or "(untitled)")
    why = [f"topic {t}" for t in result.topics] + [f"watch [{w.query}]" for w in result.watches]
    line = " ".join(parts) + f"  — {', '.join(why)}"
    concepts = concept_text(result)
    if result.terms:
        line += f" (matched: {', '.join(result.terms)}" + (f"; concept: {concepts})" if concepts else ")")
    if entry.link:
        line += f"  {entry.link}"
    return line


def concept_text(result: MatchResult) -> str:
    """The concepts behind the topic matches, "agreement + parties + security guarantees";
    topics that matched the same way are named once."""
    joined = dict.fromkeys(" + ".join(labels) for labels in result.topic_concepts.values() if labels)
    return "; ".join(joined)


def item_result(item: OutboxItem) -> MatchResult:
    """The stored reasons of an outbox item as a MatchResult, for the shared renderers."""
    why = item.why
    topics = tuple(why.get("topics", ()))
    concepts = zip(topics, why.get("concepts") or (), strict=False)
    return MatchResult(
        topics=topics,
        watches=tuple(WatchHit(None, q) for q in why.get("watches", ())),
        terms=tuple(why.get("terms", ())),
        status=why.get("status"),
        topic_concepts={t: tuple(c.split(" + ")) for t, c in concepts if c},
    )


def also_publishers(why: Mapping[str, Any]) -> list[str]:
    """Outlets that later reported the same story (clustered into this alert)."""
    return [name for name, _ in also_reports(why)]


class ConsoleSink:
    """Console mode: one line per alert on stdout (JSON lines with `--json`); a story that
    another feed reports later gets an "update" line, notices a "notice" line."""

    def __init__(self, tz: ZoneInfo, json_lines: bool = False, out: TextIO | None = None) -> None:
        self.tz = tz
        self.json_lines = json_lines
        self.out = out

    def _write(self, line: str) -> Delivered:
        out = self.out or sys.stdout
        out.write(line + "\n")
        out.flush()  # a pipe reader must see the alert now, not at exit
        return Delivered(Verdict.SENT)

    async def deliver(self, item: OutboxItem) -> Delivered:
        if item.subscriber.kind != "console":
            # A chat subscriber from an earlier Telegram run: keep its alert for that mode.
            return Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="console mode")
        entry, result = item.entry.entry, item_result(item)
        also = also_publishers(item.why)
        if item.sent_at is not None:  # printed before: only the new sources are news
            if self.json_lines:
                return self._write(json.dumps({"type": "update", "link": entry.link, "title": entry.title,
                                               "also": also}, ensure_ascii=False))
            # The headline was printed already: name the story by its link, not its title.
            return self._write(f"  ↳ also reported by {', '.join(also)}: {entry.link or 'the story above'}")
        if self.json_lines:
            extra = {"also": also} if also else {}
            return self._write(json.dumps({"type": "item", **alert_json(entry, result), **extra},
                                          ensure_ascii=False))
        line = console_line(entry, result, self.tz)
        return self._write(line + (f"  (also: {', '.join(also)})" if also else ""))

    async def deliver_notice(self, item: NoticeItem) -> Delivered:
        if item.subscriber.kind != "console":
            return Delivered(Verdict.RETRY, retry_after=timedelta(hours=1), error="console mode")
        text = notice_text(item.kind, item.payload)
        attachment = NoticeAttachment.of_payload(item.payload)
        if self.json_lines:
            payload = {k: v for k, v in item.payload.items() if k != "attachment"}
            extra = {"attachment": attachment.filename} if attachment else {}
            return self._write(json.dumps({"type": "notice", "kind": item.kind, "key": item.key,
                                           "update": item.sent_at is not None, "text": text,
                                           "payload": payload, **extra},
                                          ensure_ascii=False, default=str))
        prefix = "[NOTICE UPDATE] " if item.sent_at is not None else "[NOTICE] "
        if attachment is not None:  # one write: the notice and its file are one message
            text += f"\n  ↳ in Telegram the calendar file {attachment.filename} would be attached"
        return self._write(f"{prefix}{text}")
