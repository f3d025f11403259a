"""Telegram's flood limits as a pure pacer: how long to wait before the next message to a chat.

Takes `now` as monotonic seconds and never reads a clock, so it is table-tested with fixed times.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from bot.config import Delivery


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits to honour; defaults are Telegram's documented ones (bots FAQ)."""

    global_per_second: float = 30.0
    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_max: int = 20  # messages per group_window to one group (chat_id < 0)
    group_window: float = 60.0
    # Global pacing is even (one slot every 1/global_per_second s); a sender that wakes a
    # little late may take the next slot this fraction of a slot early, so wake-up latency
    # does not accumulate into lost throughput.
    global_slack: float = 0.5

    def __post_init__(self) -> None:
        if self.global_per_second <= 0 or self.chat_interval < 0 or self.group_max < 1:
            raise ValueError("limits must be positive")
        if self.group_window < 0 or not 0 <= self.global_slack < 1:
            raise ValueError("group_window must be >= 0 and global_slack below one slot")

    @classmethod
    def from_config(cls, delivery: Delivery) -> Limits:
        """The `delivery:` section of feeds.yaml as pacing limits."""
        return cls(
            global_per_second=float(delivery.global_per_second),
            chat_interval=delivery.per_chat_interval.total_seconds(),
            group_max=delivery.group_per_minute,
        )


@dataclass(slots=True)
class _Chat:
    last: float  # time of the latest send
    previous: float | None = None  # the send before it: tells a per-chat 429 from a global one
    recent: deque[float] = field(default_factory=deque)  # groups only: sends in the window


class RateLimiter:
    """Pacing state for one bot token. Not thread-safe: use it from one event loop."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits if limits is not None else Limits()
        self._interval = 1.0 / self.limits.global_per_second
        self._tau = self.limits.global_slack * self._interval
        self._tat = float("-inf")  # theoretical arrival time of the next global slot (GCRA)
        # The slack lets a slot be taken early; this window keeps any 1 s strictly within limits.
        self._last_second: deque[float] = deque(maxlen=max(1, int(self.limits.global_per_second)))
        self._paused_until = float("-inf")
        self._share = 1
        # Least recently active first, so forgetting idle chats pops from the front; private
        # chats and groups are kept apart because they stay relevant for different spans.
        self._private: OrderedDict[int, _Chat] = OrderedDict()
        self._groups: OrderedDict[int, _Chat] = OrderedDict()
        self._pauses: dict[int, float] = {}  # per-chat flood waits, rare

    @property
    def share(self) -> int:
        """How many replicas split the bot-wide budget (1: this process alone)."""
        return self._share

    def set_share(self, replicas: int, headroom: float = 1.0) -> None:
        """Take 1/`replicas` of `headroom` times the bot-wide pace: replicas pace themselves
        apart and their sends add up to at most the limit (see delivery.share). Per-chat
        limits are unchanged."""
        self._share = max(1, replicas)
        rate = self.limits.global_per_second * headroom / self._share
        self._interval = 1.0 / rate
        self._tau = self.limits.global_slack * self._interval
        window = max(1, int(rate))
        if window != self._last_second.maxlen:
            self._last_second = deque(self._last_second, maxlen=window)

    def __len__(self) -> int:
        """Chats currently remembered (bounded by the send rate, not by subscriber count)."""
        return len(self._private) + len(self._groups) + len(self._pauses)

    def _table(self, chat_id: int) -> OrderedDict[int, _Chat]:
        return self._groups if chat_id < 0 else self._private

    def delay(self, chat_id: int, now: float) -> float:
        """Seconds to wait before a message to `chat_id` would respect every limit; 0 if none."""
        ready = max(self._tat - self._tau, self._paused_until)
        if len(self._last_second) == self._last_second.maxlen:
            ready = max(ready, self._last_second[0] + 1.0)
        return max(0.0, ready - now, self.chat_delay(chat_id, now))

    def chat_delay(self, chat_id: int, now: float) -> float:
        """Seconds until `chat_id`'s own limits (1 per second, 20 per minute in a group, a
        flood wait for it) allow a message, whatever the bot-wide pace; 0 if now."""
        ready = self._pauses.get(chat_id, float("-inf"))
        chat = self._table(chat_id).get(chat_id)
        if chat is not None:
            ready = max(ready, chat.last + self.limits.chat_interval)
            if chat_id < 0:
                _drop_older(chat.recent, now - self.limits.group_window)
                if len(chat.recent) >= self.limits.group_max:
                    ready = max(ready, chat.recent[0] + self.limits.group_window)
        return max(0.0, ready - now)

    def record(self, chat_id: int, now: float) -> None:
        """A message to `chat_id` is being sent at `now` (call right after `delay` said 0)."""
        self._tat = max(self._tat, now) + self._interval
        self._last_second.append(now)
        table = self._table(chat_id)
        chat = table.pop(chat_id, None)
        if chat is None:
            chat = _Chat(last=now)
        else:
            chat.previous, chat.last = chat.last, now
        if chat_id < 0:
            chat.recent.append(now)
            _drop_older(chat.recent, now - self.limits.group_window)
        table[chat_id] = chat
        self.forget_idle(now)

    def acquire(self, chat_id: int, now: float) -> float:
        """`delay`, and if it is 0 also `record`: the one call a sender loops on."""
        wait = self.delay(chat_id, now)
        if wait <= 0.0:
            self.record(chat_id, now)
        return wait

    def pause_chat(self, chat_id: int, until: float) -> None:
        """Hold every message to one chat until `until` (Telegram's retry_after for it)."""
        self._pauses[chat_id] = max(self._pauses.get(chat_id, until), until)

    def pause_all(self, until: float) -> None:
        """Hold every message to every chat until `until` (a bot-wide flood wait)."""
        self._paused_until = max(self._paused_until, until)

    def on_retry_after(self, chat_id: int, retry_after: float, now: float) -> bool:
        """Apply a 429 for `chat_id`; returns True when it was taken as bot-wide.

        A 429 on a chat our own pacing had left alone cannot be that chat's limit, so it
        must be the global one and every chat waits.
        """
        until = now + retry_after
        chat = self._table(chat_id).get(chat_id)
        self.pause_chat(chat_id, until)
        if chat is None or self._chat_was_within_limits(chat_id, chat):
            self.pause_all(until)
            return True
        return False

    def _chat_was_within_limits(self, chat_id: int, chat: _Chat) -> bool:
        if chat.previous is not None and chat.last - chat.previous < self.limits.chat_interval:
            return False
        return chat_id >= 0 or len(chat.recent) < self.limits.group_max

    def forget_idle(self, now: float) -> None:
        """Drop chats whose history can no longer delay anything, oldest first."""
        _forget_before(self._private, now - self.limits.chat_interval)
        _forget_before(self._groups, now - max(self.limits.chat_interval, self.limits.group_window))
        if self._pauses:
            for chat_id in [c for c, until in self._pauses.items() if until <= now]:
                del self._pauses[chat_id]


def _forget_before(table: OrderedDict[int, _Chat], cutoff: float) -> None:
    while table:
        chat_id, chat = next(iter(table.items()))
        if chat.last > cutoff:
            break
        del table[chat_id]


def _drop_older(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()

