"""The store's one async boundary: a store call made from the event loop runs on a
dedicated executor (one thread for SQLite, which has one writer; a small pool for
PostgreSQL), so no handler, job or sender ever waits for the database on the loop.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from bot.store import Store

P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL: calls at once (the engine's pool holds 5 connections, with overflow).
POSTGRES_THREADS = 4


class StoreRunner:
    """`await db(store.method, *args)`: the call runs on the store's executor. A task
    cancelled while waiting leaves the call to finish (a transaction is never cut short)."""

    def __init__(self, store: Store, threads: int | None = None) -> None:
        self.store = store
        workers = threads or (1 if store.dialect == "sqlite" else POSTGRES_THREADS)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="store")

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish the calls already submitted, then stop the threads."""
        self._pool.shutdown(wait=True)


def runner_for(store: Store | StoreRunner) -> StoreRunner:
    """The runner to use: the one given, or a new one for a bare store (tests, tools)."""
    return store if isinstance(store, StoreRunner) else StoreRunner(store)
