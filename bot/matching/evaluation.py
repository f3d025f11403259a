"""Scores the configured topics and status detector on labelled news items (JSON lines).

Recall over relevant non-borderline items, precision over alerted non-borderline items,
status accuracy over relevant alerted items with an expected status.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.matching.filters import Provenance
from bot.matching.topics import build_matcher

SCORED_TOPICS = frozenset({"security-guarantees-treaty", "union-state-security-concept", "minsk-summit-2024"})


@dataclass
class Report:
    relevant: int = 0
    alerted: int = 0
    true_alerts: int = 0
    status_total: int = 0
    status_right: int = 0
    misses: list[str] = field(default_factory=list)
    false_alerts: list[str] = field(default_factory=list)
    wrong_status: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.true_alerts / self.relevant if self.relevant else 1.0

    @property
    def precision(self) -> float:
        return self.true_alerts / self.alerted if self.alerted else 1.0

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.status_total if self.status_total else 1.0


def published_at(value: object) -> datetime | None:
    """Noon UTC of an ISO date (the eval data has dates, not times); None if unknown."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.combine(datetime.fromisoformat(value[:10]).date(), time(12), UTC)
    except ValueError:
        return None


def provenance(item: dict[str, Any]) -> Provenance:
    """What `source:` and `lang:` read in a labelled item: where it was seen and its
    language (`source`, `url`, `lang`)."""
    source = str(item.get("source") or "")
    url = item.get("url")
    return Provenance(publisher=source, feed=source, link=url if isinstance(url, str) else None,
                      lang=str(item.get("lang") or "") or None)


def score(items: list[dict[str, Any]], config: Config) -> Report:
    matcher = build_matcher(config)
    report = Report()
    for item in items:
        if item.get("borderline"):
            continue
        result = matcher.match(item.get("title") or "", item.get("summary") or "",
                               published_at(item.get("date")), meta=provenance(item))
        alerted = bool(SCORED_TOPICS.intersection(result.topics))
        label = f"{item.get('id')}: {item.get('title') or item.get('summary') or ''}"[:140]
        report.relevant += bool(item.get("relevant"))
        report.alerted += alerted
        if item.get("relevant") and alerted:
            report.true_alerts += 1
            if item.get("expected_status"):
                report.status_total += 1
                if result.status == item["expected_status"]:
                    report.status_right += 1
                else:
                    report.wrong_status.append(f"{label} (got {result.status}, want {item['expected_status']})")
        elif item.get("relevant"):
            report.misses.append(label)
        elif alerted:
            report.false_alerts.append(f"{label} -> {', '.join(result.topics)}")
    return report


def evaluate_file(path: Path, config: Config) -> Report:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score(items, config)


def format_report(report: Report, misses: bool = False) -> str:
    lines = [
        f"recall           {report.recall:.3f}  ({report.true_alerts}/{report.relevant} relevant items alerted)",
        f"precision        {report.precision:.3f}  ({report.true_alerts}/{report.alerted} alerts relevant)",
        f"status accuracy  {report.status_accuracy:.3f}  ({report.status_right}/{report.status_total})",
    ]
    if misses:
        for title, rows in (("missed", report.misses), ("false alerts", report.false_alerts),
                            ("wrong status", report.wrong_status)):
            lines += [f"{title}:"] + [f"  {row}" for row in rows]
    return "\n".join(lines)
