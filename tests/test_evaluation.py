"""bot/evaluation.py: scoring the shipped topics on a small hand-written labelled list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config, load_config
from bot.matching.evaluation import Report, evaluate_file, format_report, published_at, score

SHIPPED = Path(__file__).resolve().parent.parent / "feeds.yaml"


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(SHIPPED)


# Invented headlines. Expected outcome per item in the comment.
ITEMS: list[dict[str, Any]] = [
    # relevant, alerted, status right
    {"id": "r1", "date": "2024-12-06", "relevant": True, "expected_status": "signed",
     "title": "Belarus and Russia sign treaty on security guarantees"},
    # relevant, alerted, status wrong (detector says expected)
    {"id": "r2", "date": "2024-12-06", "relevant": True, "expected_status": "ratified",
     "title": "Minsk expects to sign security guarantees treaty with Moscow"},
    # relevant, alerted, no expected status: not counted for status
    {"id": "r3", "date": "2024-12-06", "relevant": True,
     "title": "Концепция безопасности Союзного государства утверждена"},
    # relevant, missed
    {"id": "r4", "date": "2024-12-06", "relevant": True,
     "title": "Allies agree on a shared defence umbrella"},
    # borderline: ignored whatever it matches
    {"id": "b1", "date": "2024-12-06", "relevant": True, "borderline": True,
     "title": "Putin lands in Minsk"},
    # not relevant, alerted by the summit-week window (date → noon UTC on 5 Dec)
    {"id": "n1", "date": "2024-12-05", "relevant": False, "title": "Putin lands in Minsk for dinner"},
    # not relevant, same headline outside the window: silent
    {"id": "n2", "date": "2025-06-05", "relevant": False, "title": "Putin lands in Minsk for dinner"},
    # not relevant, silent near miss
    {"id": "n3", "date": "2024-12-06", "relevant": False,
     "title": "US offers security guarantees to Ukraine"},
]


def test_score_counts_recall_precision_and_status(config: Config) -> None:
    report = score(ITEMS, config)
    assert (report.relevant, report.alerted, report.true_alerts) == (4, 4, 3)
    assert (report.status_total, report.status_right) == (2, 1)
    assert report.recall == pytest.approx(0.75)
    assert report.precision == pytest.approx(0.75)
    assert report.status_accuracy == pytest.approx(0.5)
    assert [m.split(":")[0] for m in report.misses] == ["r4"]
    assert [f.split(":")[0] for f in report.false_alerts] == ["n1"]
    assert report.false_alerts[0].endswith("-> minsk-summit-2024")
    assert [w.split(":")[0] for w in report.wrong_status] == ["r2"]
    assert "got expected, want ratified" in report.wrong_status[0]


def test_an_item_with_only_a_summary_is_matched_on_it(config: Config) -> None:
    item = {"id": "s1", "date": "2024-12-06", "relevant": True, "title": None,
            "summary": "Belarus and Russia sign treaty on security guarantees"}
    assert score([item], config).true_alerts == 1


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (Report(), (1.0, 1.0, 1.0)),
        (Report(relevant=4, alerted=0), (0.0, 1.0, 1.0)),
        (Report(relevant=2, alerted=4, true_alerts=1, status_total=1), (0.5, 0.25, 0.0)),
    ],
    ids=["empty-is-perfect", "nothing-alerted", "mixed"],
)
def test_ratios(report: Report, expected: tuple[float, float, float]) -> None:
    assert (report.recall, report.precision, report.status_accuracy) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-12-06", datetime(2024, 12, 6, 12, tzinfo=UTC)),
        ("2024-12-06T23:59:00+03:00", datetime(2024, 12, 6, 12, tzinfo=UTC)),
        ("2024-13-01", None),
        ("06.12.2024", None),
        ("", None),
        (None, None),
        (20241206, None),
    ],
    ids=["date", "datetime-keeps-date", "bad-month", "other-format", "empty", "null", "number"],
)
def test_published_at(value: object, expected: datetime | None) -> None:
    assert published_at(value) == expected


def test_evaluate_file_and_format_report(config: Config, tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    lines = [json.dumps(item, ensure_ascii=False) for item in ITEMS]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    report = evaluate_file(path, config)
    text = format_report(report)
    assert text.splitlines() == [
        "recall           0.750  (3/4 relevant items alerted)",
        "precision        0.750  (3/4 alerts relevant)",
        "status accuracy  0.500  (1/2)",
    ]
    detailed = format_report(report, misses=True).splitlines()
    assert detailed[3:] == [
        "missed:", "  r4: Allies agree on a shared defence umbrella",
        "false alerts:", "  n1: Putin lands in Minsk for dinner -> minsk-summit-2024",
        "wrong status:",
        ("  r2: Minsk expects to sign security guarantees treaty with Moscow"
        " (got expected, want ratified)"),
    ]
