"""The long-lived objects one running bot shares between jobs and chat handlers.

Built once by `bot.runtime`; handlers find it in `context.bot_data["services"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Config, Settings
from bot.store import Store


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Config, storage and the clock, plus a hook that asks for delivery soon."""

    config: Config
    settings: Settings
    store: Store
    clock: Callable[[], datetime] = utc_now
    # Called when new outbox rows may be waiting (after a poll or /start on summit day).
    outbox_changed: Callable[[], None] = field(default=lambda: None)

    def now(self) -> datetime:
        return self.clock()
