"""Telegram's flood limits as the fake Bot API enforces them (429 with retry_after), and
random faults on sends for chaos runs (429, 502, latency)."""

from __future__ import annotations

import random
import threading
from collections import deque
from dataclasses import dataclass, field


class FloodEnforcer:
    """Telegram's documented flood limits, answering 429 when a message would exceed them.

    Telegram's bot FAQ: "no more than 30 messages per second or so" overall, "avoid sending
    more than one message per second" in a chat ("we may allow short bursts"), and "not more
    than 20 messages per minute to the same group". Tolerances here: the overall 1 s sliding
    window admits `global_slack` (1) message beyond 30 for network jitter; a chat is a token
    bucket of `chat_burst` (3) messages refilled one per second; a group (chat_id < 0) is a
    strict 60 s sliding window of 20.
    """

    def __init__(self, per_second: int = 30, chat_interval: float = 1.0,
                 group_per_minute: int = 20, *, global_slack: int = 1, chat_burst: int = 3,
                 retry_after: int = 1) -> None:
        self.global_max = per_second + global_slack
        self.chat_interval, self.chat_burst = chat_interval, chat_burst
        self.group_max = group_per_minute
        self.retry_after = retry_after
        self.refused: dict[str, int] = {"global": 0, "chat": 0, "group": 0}  # 429s by limit
        self._global: deque[float] = deque()
        self._chat_tat: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}

    def admit(self, chat_id: int, now: float) -> bool:
        """Count the message and return True, or return False (and count nothing)."""
        _expire(self._global, now - 1.0)
        if len(self._global) >= self.global_max:
            self.refused["global"] += 1
            return False
        tat = max(self._chat_tat.get(chat_id, now), now)
        if tat - now > self.chat_interval * (self.chat_burst - 1) + 1e-9:
            self.refused["chat"] += 1
            return False
        group = self._groups.setdefault(chat_id, deque()) if chat_id < 0 else None
        if group is not None:
            _expire(group, now - 60.0)
            if len(group) >= self.group_max:
                self.refused["group"] += 1
                return False
            group.append(now)
        self._chat_tat[chat_id] = tat + self.chat_interval
        self._global.append(now)
        return True


def _expire(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


@dataclass
class Chaos:
    """A bad day at Telegram, on sends only: a share of them answered 429 (retry_after 1),
    a share 502 Bad Gateway (the message is not delivered), and every delivered one answered
    `latency` seconds after it was recorded, so a client killed meanwhile loses the answer,
    not the message (the one window where a resend duplicates)."""

    p429: float = 0.05
    p502: float = 0.05
    latency: float = 0.0
    seed: int = 1
    rolled: dict[int, int] = field(default_factory=lambda: {429: 0, 502: 0})
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def roll(self) -> int | None:
        """The error code to answer this send with, or None to deliver it."""
        with self._lock:
            x = self._rng.random()
        code = 429 if x < self.p429 else 502 if x < self.p429 + self.p502 else None
        if code is not None:
            self.rolled[code] += 1
        return code
