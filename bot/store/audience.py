"""The audience generation: one counter bumped in the same transaction as every change to
who matches what (subscribers, watches, follows), read by each poller once per tick."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from bot.store.base import StoreBase
from bot.store.db import insert_ignore
from bot.store.schema import generations

AUDIENCE = "audience"


def bump_audience(conn: Connection) -> None:
    """Count one change, atomically: concurrent writers never lose an increment."""
    stmt = update(generations).where(generations.c.name == AUDIENCE).values(
        value=generations.c.value + 1)
    if conn.execute(stmt).rowcount == 0:  # a database whose row was removed by hand
        conn.execute(insert_ignore(conn, generations, ["name"]).values(name=AUDIENCE, value=1))


class AudienceRepo(StoreBase):
    """Reads the audience generation."""

    def audience_generation(self) -> int:
        with self._read() as conn:
            value = conn.execute(select(generations.c.value)
                                 .where(generations.c.name == AUDIENCE)).scalar()
        return int(value or 0)
