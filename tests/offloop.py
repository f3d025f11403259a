"""A store wrapper for handler tests: records every store call made on a thread that runs
an event loop (a handler that would freeze the bot while the database is busy)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.store import Store


class OffLoopStore:
    """Delegates to the store; `on_loop` lists the methods called from a running loop."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.on_loop: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # a worker thread: where store calls belong
                return attr(*args, **kwargs)
            self.on_loop.append(name)
            return attr(*args, **kwargs)

        return _named(call, name)


def _named(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    fn.__name__ = name
    return fn
