"""The pure flood-limit pacer, table-tested at fixed times."""

from __future__ import annotations

import pytest

from bot.delivery.ratelimit import Limits, RateLimiter

PRIVATE, OTHER, GROUP = 1001, 1002, -2001


def _replay(limiter: RateLimiter, sends: list[tuple[int, float]]) -> None:
    for chat_id, at in sends:
        assert limiter.delay(chat_id, at) == 0.0, f"setup send to {chat_id} at {at} refused"
        limiter.record(chat_id, at)


@pytest.mark.parametrize(
    ("sends", "chat_id", "now", "expected"),
    [
        ([], PRIVATE, 0.0, 0.0),
        ([(PRIVATE, 0.0)], PRIVATE, 0.0, 1.0),
        ([(PRIVATE, 0.0)], PRIVATE, 0.4, 0.6),
        ([(PRIVATE, 0.0)], PRIVATE, 1.0, 0.0),
        # another chat only waits for the next global slot (1/30 s, less the slack)
        ([(PRIVATE, 0.0)], OTHER, 0.0, 1 / 30 - 0.5 / 30),
        ([(PRIVATE, 0.0)], OTHER, 0.05, 0.0),
        # 20 messages in a group within a minute: the 21st waits for the first to age out
        ([(GROUP, float(t)) for t in range(0, 40, 2)], GROUP, 40.0, 20.0),
        ([(GROUP, float(t)) for t in range(0, 40, 2)], GROUP, 60.5, 0.0),
        ([(GROUP, float(t)) for t in range(0, 38, 2)], GROUP, 40.0, 0.0),
        # the same 20 to a private chat: only the 1 s spacing applies
        ([(PRIVATE, float(t)) for t in range(0, 40, 2)], PRIVATE, 40.0, 0.0),
    ],
    ids=[
        "fresh", "same-chat-at-once", "same-chat-0.4s", "same-chat-1s", "other-chat-at-once",
        "other-chat-next-slot", "group-21st-waits", "group-window-passed", "group-19-sent",
        "private-no-minute-limit",
    ],
)
def test_delay(sends: list[tuple[int, float]], chat_id: int, now: float,
               expected: float) -> None:
    limiter = RateLimiter()
    _replay(limiter, sends)
    assert limiter.delay(chat_id, now) == pytest.approx(expected)


def _greedy(limiter: RateLimiter, chats: list[int], until: float, step: float) -> list[float]:
    """Send to `chats` round-robin as fast as the limiter allows, polling every `step`."""
    times, now, i = [], 0.0, 0
    while now < until:
        if limiter.acquire(chats[i % len(chats)], now) == 0.0:
            times.append(now)
            i += 1
        else:
            now = round(now + step, 9)
    return times


@pytest.mark.parametrize(
    ("limits", "chats", "until", "max_in_window", "window", "min_count"),
    [
        (Limits(), list(range(1, 200)), 5.0, 30, 1.0 - 1e-9, 149),
        (Limits(), [PRIVATE, OTHER], 10.0, 2, 1.0 - 1e-9, 19),
        (Limits(), [GROUP], 130.0, 20, 60.0 - 1e-9, 50),
        (Limits(global_per_second=100, chat_interval=0.05), [PRIVATE], 1.0, 1, 0.05 - 1e-9, 20),
    ],
    ids=["30-per-second", "two-chats-1-per-second",
         "group-20-per-minute", "scaled-down-chat-interval"],
)
def test_greedy_sender_never_exceeds_limits(
    limits: Limits, chats: list[int], until: float, max_in_window: int, window: float,
    min_count: int,
) -> None:
    times = _greedy(RateLimiter(limits), chats, until, step=0.001)
    worst = max(sum(1 for t in times if start <= t <= start + window) for start in times)
    assert worst <= max_in_window
    assert len(times) >= min_count  # and it is not needlessly slow


@pytest.mark.parametrize(
    ("previous_gap", "expect_global"),
    [(None, True), (5.0, True), (0.2, False)],
    ids=["first-send-to-chat", "chat-was-idle", "chat-was-spammed"],
)
def test_retry_after_pauses_chat_and_maybe_everyone(
    previous_gap: float | None, expect_global: bool
) -> None:
    limiter = RateLimiter()
    if previous_gap is not None:
        limiter.record(PRIVATE, 10.0 - previous_gap)
    limiter.record(PRIVATE, 10.0)
    assert limiter.on_retry_after(PRIVATE, 3.0, 10.0) is expect_global
    assert limiter.delay(PRIVATE, 10.5) == pytest.approx(2.5)
    assert limiter.delay(OTHER, 10.5) == pytest.approx(2.5 if expect_global else 0.0)
    assert limiter.delay(PRIVATE, 12.9) > 0.0
    assert limiter.delay(PRIVATE, 13.0) == 0.0


def test_memory_is_bounded_by_recent_chats_not_by_all_chats() -> None:
    limiter = RateLimiter()
    now = 0.0
    for chat_id in range(1, 5001):
        while limiter.acquire(chat_id, now) > 0:
            now += 0.01
    assert len(limiter) <= 31  # only chats sent to within the last second
    limiter.record(GROUP, now)
    limiter.forget_idle(now + 59.0)
    assert len(limiter) == 1  # a group is remembered for its 60 s window
    limiter.forget_idle(now + 61.0)
    assert len(limiter) == 0


@pytest.mark.parametrize(
    "kwargs",
    [{"global_per_second": 0}, {"group_max": 0}, {"global_slack": 1.0}],
    ids=["zero-rate", "zero-group", "slack-a-whole-slot"],
)
def test_invalid_limits_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Limits(**kwargs)  # type: ignore[arg-type]
