"""The feed health job: reads the feeds' states and what was already said through the store,
asks `feeds.health_notices` what to tell the operators, and enqueues it (insert-or-ignore by
outage key, so one message per outage and operator however many processes run it)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from bot.health.feeds import (
    DOWN_KIND,
    UP_KIND,
    FeedDown,
    down_feeds,
    episode_key,
    health_notices,
    open_outage_urls,
)
from bot.services import Services
from bot.store import Store

log = logging.getLogger(__name__)


def operator_ids(store: Store, admin_ids: Iterable[int]) -> list[int]:
    """Subscriber ids of the operators' private chats with the bot, while subscribed: a bot
    may only write to a user who started it, and /stop silences operator news too."""
    found = []
    for admin in sorted(admin_ids):
        sub = store.find_subscriber(admin, None)
        if sub is not None and sub.kind == "private" and sub.active:
            found.append(sub.id)
    return found


class FeedHealthJob:
    """One pass: outages that crossed `health.feed_down_after`, and outages that ended."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._down: dict[str, FeedDown] = {}  # outages this process has logged

    async def run(self, now: datetime | None = None) -> int:
        now = now or self.services.now()
        return await self.services.db(self._run, now)

    def _run(self, now: datetime) -> int:
        config, store = self.services.config, self.services.store
        after = config.health.feed_down_after
        # Only the feeds that matter are read: failing long enough, or in an outage the
        # operators were told of (10,000 rows a minute would cost more than the polls).
        configured = {f.url for f in config.feeds}  # a feed dropped since has nothing to say
        failing = {url: state for url, state in store.failing_feed_states(now - after).items()
                   if url in configured}
        down = down_feeds(config.feeds, failing, now, after)
        self._log_changes(down)
        operators = operator_ids(store, self.services.settings.admin_ids)
        if not operators:
            return 0
        said = store.notices_of_kinds((DOWN_KIND, UP_KIND))
        told = open_outage_urls(said) & configured
        states = {**failing, **store.get_feed_states(told)}
        notices = health_notices(down, states, operators, said, now, config.tz)
        if not notices:
            return 0
        return len(store.enqueue_notices(notices, now=now))

    def _log_changes(self, down: list[FeedDown]) -> None:
        """One log line per outage and per recovery this process sees (console mode has no
        operator chats; the log is where an operator looks)."""
        now_down = {episode_key(DOWN_KIND, d.url, d.since): d for d in down}
        for key in now_down.keys() - self._down.keys():
            d = now_down[key]
            log.warning("feed %s is down: failing since %s (%d polls): %s", d.name,
                        d.since.isoformat(timespec="minutes"), d.failures, d.last_error)
        for key in self._down.keys() - now_down.keys():
            log.info("feed %s is no longer down", self._down[key].name)
        self._down = now_down
