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

        def give_back() -> None:
            nonlocal held
            if held:
                held = False
                self._global.release()
                slots.put_nowait(slot)

        def stall() -> None:
            give_back()
            self.stalled += 1

        # A timer, not a second task and asyncio.wait: the request runs in the caller's
        # task (cancelling the caller cancels it), and a 304 costs no extra task.
        timer = asyncio.get_running_loop().call_later(self.stall_after, stall)
        try:
            return await start(slot)
        finally:
            timer.cancel()
            if held:
                give_back()
            else:
                self.stalled -= 1
