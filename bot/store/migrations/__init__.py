"""Schema migrations by Alembic: one revision per schema change (`versions/`), applied at
start and by `python -m bot db upgrade`, serialised across processes by a database lock.

Offers `upgrade(engine)`, `current_revision(engine)` and `head_revision()`. A database made
by the hand-written migrations (version 2, before Alembic) is recognised and stamped at the
baseline revision first, then upgraded like any other.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text

from bot.store.db import lock_for_migration, read_tx, write_tx
from bot.store.errors import SchemaTooNewError, StoreError
from bot.store.schema import metadata

SCRIPTS = Path(__file__).resolve().parent
BASELINE = "0001"
LEGACY_TABLE = "schema_version"  # the hand-written migrations' record
LEGACY_BASELINE_VERSION = 2  # its last version, which revision 0001 reproduces
log = logging.getLogger(__name__)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for this package; `connection` is the one env.py uses."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no Alembic revisions found"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database Alembic never touched."""
    with read_tx(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the head revision (idempotent); returns the head."""
    with write_tx(engine) as conn:
        lock_for_migration(conn)  # two processes starting together take turns
        config = alembic_config(conn)
        _check_known(conn, config)
        _adopt_legacy(conn, config)
        before = MigrationContext.configure(conn).get_current_revision()
        command.upgrade(config, "head")
    head = head_revision()
    if before != head:
        log.info("database schema upgraded from revision %s to %s", before or "(empty)", head)
    return head


def _check_known(conn: Connection, config: Config) -> None:
    current = MigrationContext.configure(conn).get_current_revision()
    if current is None:
        return
    try:
        ScriptDirectory.from_config(config).get_revision(current)
    except CommandError:
        raise SchemaTooNewError(
            f"the database is at schema revision {current!r}, which this version of the bot "
            "does not know: it was upgraded by a newer version"
        ) from None


def _adopt_legacy(conn: Connection, config: Config) -> None:
    """Stamp a database of the hand-written migrations at the baseline revision."""
    found = inspect(conn)
    if found.has_table("alembic_version") or not found.has_table(LEGACY_TABLE):
        _refuse_unversioned(conn)
        return
    version = conn.execute(text(f"SELECT max(version) FROM {LEGACY_TABLE}")).scalar() or 0
    if version > LEGACY_BASELINE_VERSION:
        raise SchemaTooNewError(f"database schema v{version} is newer than this bot knows")
    if version < LEGACY_BASELINE_VERSION:
        raise StoreError(
            f"database schema v{version} comes from a pre-release build and cannot be "
            "upgraded; move it aside and start with an empty database"
        )
    log.info("database of schema v%d: stamping Alembic revision %s", version, BASELINE)
    command.stamp(config, BASELINE)


def _refuse_unversioned(conn: Connection) -> None:
    """Our tables without any version record: half-made or not ours; never guess."""
    found = inspect(conn)
    if found.has_table("alembic_version"):
        return
    ours = sorted(set(found.get_table_names()) & set(metadata.tables))
    if ours:
        raise StoreError(
            f"the database has tables named like Summit Watch's ({', '.join(ours[:4])}) but "
            "no schema version: point BOT_DATABASE_URL at an empty database or a bot's own"
        )
