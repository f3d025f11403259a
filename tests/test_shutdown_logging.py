"""A job cancelled because the bot is stopping is logged as one INFO line, not an ERROR with a
traceback: run through APScheduler's own asyncio executor, as PTB's JobQueue does."""

from __future__ import annotations

import asyncio
import logging

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.cli import CancelledAtShutdown

LOGGER = "apscheduler.executors.default"


def cancel_a_running_job() -> None:
    async def go() -> None:
        scheduler = AsyncIOScheduler()
        started = asyncio.Event()

        async def tick() -> None:
            started.set()
            await asyncio.sleep(60)

        scheduler.add_job(tick, name="poll tick")
        scheduler.start()
        await started.wait()
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()  # what asyncio.run does to what is left when the bot stops
        await asyncio.sleep(0.05)
        scheduler.shutdown(wait=False)

    asyncio.run(go())


@pytest.mark.parametrize("filtered", [False, True], ids=["apscheduler-alone", "with-filter"])
def test_a_job_cancelled_at_shutdown_is_not_an_error(caplog: pytest.LogCaptureFixture,
                                                     filtered: bool) -> None:
    log = logging.getLogger(LOGGER)
    quiet = CancelledAtShutdown()
    if filtered:
        log.addFilter(quiet)
    try:
        with caplog.at_level(logging.INFO, logger=LOGGER):
            cancel_a_running_job()
    finally:
        log.removeFilter(quiet)
    [record] = [r for r in caplog.records if "poll tick" in r.getMessage()
                and r.levelno >= logging.INFO and "Running job" not in r.getMessage()]
    if filtered:
        assert (record.levelname, record.exc_info) == ("INFO", None)
        assert record.getMessage().startswith('job "poll tick')
        assert record.getMessage().endswith("cancelled at shutdown")
    else:  # what the filter exists for: the same event is an ERROR with a traceback
        assert record.levelname == "ERROR" and record.exc_info is not None
        assert isinstance(record.exc_info[1], asyncio.CancelledError)
