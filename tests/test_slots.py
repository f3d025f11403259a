"""Fetch slots (bot.ingest.slots.Lane): per host, then overall; a stalled request gives its
slots back and runs on; a cancelled caller cancels its request and frees its slots."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.ingest.slots import Lane

STALL = 0.05


def request(log: list[str], name: str, gate: asyncio.Event | None = None,
            result: str = "ok") -> Callable[[int], Awaitable[str]]:
    async def start(slot: int) -> str:
        log.append(f"{name} starts on slot {slot}")
        if gate is not None:
            await gate.wait()
        else:
            await asyncio.sleep(0.01)
        log.append(f"{name} ends")
        return result
    return start


def run(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())


def test_one_host_slot_serialises_requests_to_that_host() -> None:
    async def body() -> None:
        lane, log = Lane(per_host=1, total=10, stall_after=10), []
        await asyncio.gather(lane.run("a", request(log, "first")),
                             lane.run("a", request(log, "second")))
        assert log == ["first starts on slot 0", "first ends", "second starts on slot 0",
                       "second ends"]
    run(body)


def test_a_stalled_request_gives_its_slot_back_and_still_finishes() -> None:
    async def body() -> None:
        lane, log, hang = Lane(per_host=1, total=1, stall_after=STALL), [], asyncio.Event()
        stuck = asyncio.ensure_future(lane.run("a", request(log, "hanging", hang, "late")))
        quick = await asyncio.wait_for(lane.run("a", request(log, "quick")), 1)
        assert quick == "ok" and lane.stalled == 1 and not stuck.done()
        hang.set()
        assert await stuck == "late" and lane.stalled == 0
        assert log[:3] == ["hanging starts on slot 0", "quick starts on slot 0", "quick ends"]
    run(body)


def test_waiting_for_a_busy_host_holds_no_global_slot() -> None:
    async def body() -> None:
        lane, log, hang = Lane(per_host=1, total=2, stall_after=10), [], asyncio.Event()
        busy = asyncio.ensure_future(lane.run("a", request(log, "a1", hang)))
        queued = asyncio.ensure_future(lane.run("a", request(log, "a2")))
        await asyncio.sleep(0)
        assert await asyncio.wait_for(lane.run("b", request(log, "b1")), 1) == "ok"
        assert "a2 starts on slot 0" not in log
        hang.set()
        await asyncio.gather(busy, queued)
    run(body)


def test_the_global_limit_holds_across_hosts() -> None:
    async def body() -> None:
        lane, log, hang = Lane(per_host=2, total=1, stall_after=10), [], asyncio.Event()
        busy = asyncio.ensure_future(lane.run("a", request(log, "a1", hang)))
        other = asyncio.ensure_future(lane.run("b", request(log, "b1")))
        await asyncio.sleep(0.05)
        assert log == ["a1 starts on slot 0"]
        hang.set()
        await asyncio.gather(busy, other)
        assert log[-1] == "b1 ends"
    run(body)


@pytest.mark.parametrize("stall_after", [10.0, STALL], ids=["holding-slots", "stalled"])
def test_a_cancelled_caller_cancels_its_request_and_frees_the_slots(stall_after: float) -> None:
    async def body() -> None:
        lane, log, hang = Lane(per_host=1, total=1, stall_after=stall_after), [], asyncio.Event()
        caller = asyncio.ensure_future(lane.run("a", request(log, "doomed", hang)))
        await asyncio.sleep(STALL * 2)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert await asyncio.wait_for(lane.run("a", request(log, "next")), 1) == "ok"
        assert "doomed ends" not in log and lane.stalled == 0
    run(body)
