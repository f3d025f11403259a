"""The per-user flood guard: a token bucket driven by the `now` the caller passes."""

from __future__ import annotations

import pytest

from bot.telegram.guard import Admission, FloodGuard


def run(guard: FloodGuard, times: list[float], user: int = 1) -> list[Admission]:
    return [guard.check(user, t) for t in times]


@pytest.mark.parametrize(
    ("times", "expected_tail"),
    [
        ([0.0] * 22, [Admission.ALLOW, Admission.WARN, Admission.DROP]),
        ([0.0] * 21 + [3.0], [Admission.ALLOW, Admission.WARN, Admission.ALLOW]),  # one token per 3 s
        ([0.0] * 21 + [2.9], [Admission.ALLOW, Admission.WARN, Admission.DROP]),
        ([float(i * 3) for i in range(40)], [Admission.ALLOW] * 3),  # a steady 20/min is fine
    ],
    ids=["burst", "refill-ends-silence", "not-yet-refilled", "steady-rate"],
)
def test_flood_guard_default_is_20_per_minute(times: list[float],
                                             expected_tail: list[Admission]) -> None:
    admissions = run(FloodGuard(), times)
    assert admissions[:20] == [Admission.ALLOW] * 20
    assert admissions[-3:] == expected_tail


def test_flood_guard_warns_again_after_recovering() -> None:
    guard = FloodGuard(capacity=2, period=10.0)
    assert run(guard, [0, 0, 0, 0]) == [Admission.ALLOW, Admission.ALLOW, Admission.WARN, Admission.DROP]
    assert run(guard, [5, 5, 5]) == [Admission.ALLOW, Admission.WARN, Admission.DROP]


def test_flood_guard_users_are_independent_and_clock_going_back_is_harmless() -> None:
    guard = FloodGuard(capacity=1, period=60.0)
    assert guard.check(1, 100.0) is Admission.ALLOW
    assert guard.check(2, 100.0) is Admission.ALLOW
    assert guard.check(1, 50.0) is Admission.WARN  # no refill from negative time
    assert len(guard) == 2


def test_flood_guard_forgets_idle_users_when_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.telegram.guard._PRUNE_AT", 3)
    guard = FloodGuard(capacity=2, period=10.0)
    for user in (1, 2, 3):
        guard.check(user, 0.0)
    guard.check(4, 100.0)  # everyone else has fully refilled: pruned
    assert len(guard) == 1
