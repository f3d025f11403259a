"""Who may do what: the per-user command flood limit (a pure token bucket taking `now`)
and the checks for chat admins (groups) and bot operators (`BOT_ADMIN_IDS`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from telegram import Chat, Message, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

DEFAULT_COMMANDS_PER_MINUTE = 20
_ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
_GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
_PRUNE_AT = 10_000  # users tracked before idle (full) buckets are forgotten


class Admission(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first command over the limit: say "slow down" once
    DROP = "drop"  # further commands while over the limit: silence


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


@dataclass
class FloodGuard:
    """A token bucket per user: `capacity` commands at once, refilled at capacity per
    `period` seconds. Time is whatever monotonic number of seconds the caller passes."""

    capacity: int = DEFAULT_COMMANDS_PER_MINUTE
    period: float = 60.0
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.capacity / self.period

    def check(self, user_id: int, now: float) -> Admission:
        """Spend one token for a command by `user_id` at `now` and say what to do."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= _PRUNE_AT:
                self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.capacity), now)
        elapsed = max(0.0, now - bucket.at)
        bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Admission.ALLOW
        if bucket.warned:
            return Admission.DROP
        bucket.warned = True
        return Admission.WARN

    def _prune(self, now: float) -> None:
        # A bucket that has refilled completely behaves exactly like a missing one.
        full = [
            uid for uid, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate >= self.capacity
        ]
        for uid in full:
            del self._buckets[uid]

    def __len__(self) -> int:
        return len(self._buckets)


def is_group(chat: Chat) -> bool:
    return chat.type in _GROUP_TYPES


def is_bot_admin(user: User | None, admin_ids: frozenset[int]) -> bool:
    return user is not None and user.id in admin_ids


async def is_chat_admin(
    chat: Chat, user: User | None, message: Message | None, context: ContextTypes.DEFAULT_TYPE
) -> bool:
    """True in private chats; in groups, for chat admins and the chat's anonymous admins."""
    if not is_group(chat):
        return True
    # An anonymous admin posts "as the group": the message's sender_chat is the chat itself.
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False  # cannot prove it: refuse rather than let anyone change settings
    return member.status in _ADMIN_STATUSES
