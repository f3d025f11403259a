"""The store's connection discipline: one engine per store, one connection per operation.

Repository mixins build on `StoreBase`, so `Store` is safe to call from worker threads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine

from bot.store.db import read_tx, write_tx

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
R = TypeVar("R", bound="DataclassInstance")


class StoreBase:
    """Holds the engine; `_read`/`_write` open a short transaction for one operation."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.worker_id: str | None = None  # set by `WorkersRepo.register`: claims are ours
        # (index, N) among N live replicas: which free chats this one starts on (store.chatholds)
        self.partition: tuple[int, int] | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _read(self) -> AbstractContextManager[Connection]:
        return read_tx(self.engine)

    def _write(self) -> AbstractContextManager[Connection]:
        return write_tx(self.engine)

    def close(self) -> None:
        """Close pooled connections; the store must not be used afterwards."""
        self.engine.dispose()


def utcnow(now: datetime | None) -> datetime:
    """`now` if given: the store reads the clock only when a caller leaves it out."""
    return now if now is not None else datetime.now(UTC)


def chunked(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices small enough for any dialect's bound-parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def record(cls: type[R], row: Mapping[Any, Any], prefix: str = "", **values: Any) -> R:
    """A record from a row whose columns are named like the record's fields (after
    `prefix`, for joined rows); `values` give the fields that need converting."""
    read = {f.name: row[prefix + f.name] for f in dataclasses.fields(cls) if f.name not in values}
    return cls(**read, **values)


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


I = TypeVar("I", bound=_HasId)


def in_order(ids: Sequence[int], items: Sequence[I]) -> list[I]:
    """`items` in the order of `ids` (a claim's fair order, which SQL IN () forgets)."""
    position = {id_: n for n, id_ in enumerate(ids)}
    return sorted(items, key=lambda item: position.get(item.id, len(position)))
