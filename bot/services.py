"""The long-lived objects one running bot shares between jobs and chat handlers.

Built once by `bot.runtime`; handlers find it in `context.bot_data["services"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Config, Settings
from bot.metrics import Metrics
from bot.store import Store
from bot.store.aio import StoreRunner


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Config, storage, the clock and the metrics, plus a hook that asks for delivery soon.
    Code on the event loop reaches the store only through `db`:
    `await services.db(store.method, ...)`."""

    config: Config
    settings: Settings
    store: Store
    clock: Callable[[], datetime] = utc_now
    # Called when new outbox rows may be waiting (after a poll or /start on summit day).
    outbox_changed: Callable[[], None] = field(default=lambda: None)
    metrics: Metrics = field(default_factory=Metrics)  # served when BOT_METRICS_ADDR is set
    db: StoreRunner = field(init=False)

    def __post_init__(self) -> None:
        self.db = StoreRunner(self.store)

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> None:
        """Finish pending store calls and close the store."""
        self.db.close()
        self.store.close()
