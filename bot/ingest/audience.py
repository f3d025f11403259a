"""Keeps the matcher in step with the audience: the topics plus every active chat's
watches, rebuilt off the event loop only as far as the watches changed.
"""

from __future__ import annotations

import asyncio

from bot.config import Config
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher, update_matcher
from bot.services import Services


class AudienceMatcher:
    """The current matcher, and the audience generation it reflects."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._matcher: Matcher | None = None
        self._generation: int | None = None

    async def matcher(self, config: Config) -> Matcher:
        """The matcher over the topics and the active chats' watches, brought up to date
        (off the event loop) whenever the audience changed, here or in another process:
        only the watches added or dropped are applied, unless most changed. The generation
        is read before the watches: a change made meanwhile shows up as a newer generation
        next time, so none is lost."""
        db, store = self.services.db, self.services.store
        generation = await db(store.audience_generation)
        if self._matcher is not None and generation == self._generation:
            return self._matcher
        if self._matcher is None:
            watches = await db(store.all_active_watches)
            keyed = [((w.subscriber_id, w.id), w.query) for w in watches]
            self._matcher = await asyncio.to_thread(build_matcher, config, keyed)
        else:
            current = await db(store.active_watch_keys)
            have = self._matcher.watch_keys
            new_keys = {k for k in current if k not in have}
            rows = await db(store.watches_by_id, [wid for _, wid in new_keys])
            added = [((w.subscriber_id, w.id), w.query) for w in rows]
            self._matcher = await asyncio.to_thread(update_matcher, self._matcher, config,
                                                    added, have - current)
        self._generation = generation
        return self._matcher
