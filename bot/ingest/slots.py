"""Fetch concurrency: slots per host and overall. A request that has not finished after
`stall_after` gives its slots back and runs on: politeness limits the requests a host is
actively serving, and a hanging server is serving nothing, so it must not hold up others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class Lane:
    """`per_host` slots per host and `total` overall. Requests wait for their host's slot
    first, then a global one: a request queued behind a busy host never holds a global
    slot meanwhile."""

    def __init__(self, per_host: int, total: int, stall_after: float) -> None:
        self.per_host, self.stall_after = per_host, stall_after
        self._global = asyncio.Semaphore(total)
        self._hosts: dict[str, asyncio.Queue[int]] = {}
        self.stalled = 0  # requests running on after giving their slots back

    def _slots(self, host: str) -> asyncio.Queue[int]:
        slots = self._hosts.get(host)
        if slots is None:
            slots = self._hosts[host] = asyncio.Queue()
            for slot in range(self.per_host):
                slots.put_nowait(slot)
        return slots

    async def run(self, host: str, start: Callable[[int], Awaitable[T]]) -> T:
        """`start(slot)` once `host` and the lane have a free slot; both go back when the
        request ends or after `stall_after` seconds, whichever comes first."""
        slots = self._slots(host)
        slot = await slots.get()
        try:
            await self._global.acquire()
        except BaseException:
            slots.put_nowait(slot)
            raise
        held = True
        task = asyncio.ensure_future(start(slot))
        try:
            done, _ = await asyncio.wait({task}, timeout=self.stall_after)
            if not done:
                self._global.release()
                slots.put_nowait(slot)
                held = False
                self.stalled += 1
                try:
                    return await task
                finally:
                    self.stalled -= 1
            return task.result()
        finally:
            if not task.done():
                task.cancel()  # the caller was cancelled: so is its request
            if held:
                self._global.release()
                slots.put_nowait(slot)

