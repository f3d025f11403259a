"""Status timeline transitions: breaking, confirm, ignore; confirmations; stale reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.model import Status
from bot.summit.timeline import (
    Report,
    TopicStatus,
    apply,
    initial,
    is_confirmed,
    replay,
)

T0 = datetime(2024, 12, 6, 9, 0, tzinfo=UTC)
TOPIC = "security"


def st(status: Status | None, *sources: str, confirmed: bool = False) -> TopicStatus:
    return TopicStatus(TOPIC, status, T0 if status else None, tuple(sources), confirmed)


def rep(status: Status, source: str, published: datetime | None = T0) -> Report:
    return Report(TOPIC, status, source, published, T0 + timedelta(minutes=5))


@pytest.mark.parametrize(
    "current,report,confirmations,kind,status,sources,confirmed",
    [
        (st(None), rep("expected", "BelTA"), 2, "breaking", "expected", ("BelTA",), False),
        (st("expected", "BelTA"), rep("signed", "TASS"), 2, "breaking", "signed", ("TASS",), False),
        (st("signed", "TASS"), rep("signed", "BelTA"), 2, "confirm", "signed", ("TASS", "BelTA"),
         True),
        (st("signed", "TASS", "BelTA", confirmed=True), rep("signed", "RIA"), 2, "confirm",
         "signed", ("TASS", "BelTA", "RIA"), True),
        (st("signed", "TASS"), rep("signed", "RIA"), 3, "confirm", "signed", ("TASS", "RIA"),
         False),
        (st("signed", "TASS"), rep("signed", "TASS"), 2, "ignore", "signed", ("TASS",), False),
        (st("signed", "TASS"), rep("expected", "BelTA"), 2, "ignore", "signed", ("TASS",), False),
        (st("in_force", "TASS"), rep("ratified", "BelTA"), 2, "ignore", "in_force", ("TASS",),
         False),
        (st("expected", "BelTA"), rep("signed", "TASS"), 1, "breaking", "signed", ("TASS",), True),
        (st(None), rep("in_force", "TASS"), 1, "breaking", "in_force", ("TASS",), True),
        (st("expected", "BelTA"), rep("ratified", "TASS"), 2, "breaking", "ratified", ("TASS",),
         False),
        (st("expected", "BelTA"), rep("signed", "RIA", T0 - timedelta(days=3)), 2, "ignore",
         "expected", ("BelTA",), False),
        (st("expected", "BelTA"), rep("signed", "RIA", T0 - timedelta(hours=20)), 2, "breaking",
         "signed", ("RIA",), False),
        (st("expected", "BelTA"), rep("signed", "RIA", None), 2, "breaking", "signed", ("RIA",),
         False),
        (st("signed", "TASS"), rep("signed", "RIA", T0 - timedelta(days=3)), 2, "confirm",
         "signed", ("TASS", "RIA"), True),
    ],
    ids=["none-expected-breaking", "expected-signed-unconfirmed", "second-source-confirms",
         "third-source-confirm", "needs-three", "same-source-ignore", "signed-expected-ignore",
         "in-force-ratified-ignore", "one-confirmation-at-once", "jump-from-none",
         "skip-a-step", "stale-archive-ignored", "within-grace-advances", "undated-advances",
         "old-agreeing-report-confirms"],
)
def test_transitions(
    current: TopicStatus, report: Report, confirmations: int, kind: str,
    status: Status, sources: tuple[str, ...], confirmed: bool,
) -> None:
    decision = apply(current, report, confirmations)
    assert decision.kind == kind
    assert (decision.new.status, decision.new.sources, decision.new.confirmed) == (
        status, sources, confirmed,
    )
    if kind == "ignore":
        assert decision.new == current
    if kind == "breaking":
        assert decision.new.since == report.seen_at
    if kind == "confirm":
        assert decision.new.since == current.since


@pytest.mark.parametrize(
    "n,confirmations,expected",
    [(1, 1, True), (1, 2, False), (2, 2, True), (3, 2, True), (1, 0, True), (0, 1, False)],
    ids=["1of1", "1of2", "2of2", "3of2", "zero-means-one", "none"],
)
def test_is_confirmed(n: int, confirmations: int, expected: bool) -> None:
    assert is_confirmed(n, confirmations) is expected


def test_replay_never_moves_backwards() -> None:
    reports = [rep("expected", "BelTA"), rep("signed", "TASS"), rep("expected", "RIA"),
               rep("signed", "BelTA"), rep("signed", "TASS")]
    assert replay(TOPIC, reports, 2) == TopicStatus(
        TOPIC, "signed", T0 + timedelta(minutes=5), ("TASS", "BelTA"), True,
    )
    assert initial(TOPIC) == st(None)


def test_report_for_another_topic_is_a_bug() -> None:
    with pytest.raises(ValueError, match="oil"):
        apply(st(None), Report("oil", "signed", "TASS", None, T0), 2)
