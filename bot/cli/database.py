"""`python -m bot db upgrade` (bring the schema to the newest revision, as `run` does at
start) and `db current` (which revision the database is at)."""

from __future__ import annotations

from bot.config import Settings
from bot.store import StoreError
from bot.store.db import create_engine_for, redact_url
from bot.store.migrations import current_revision, head_revision, upgrade

EXIT_OK, EXIT_FAILED = 0, 1


def database(settings: Settings, action: str) -> int:
    """Run `action` ("upgrade" or "current") against BOT_DATABASE_URL; one line of output."""
    where = redact_url(settings.database_url)
    try:
        engine = create_engine_for(settings.database_url)
        try:
            if action == "upgrade":
                before = current_revision(engine)
                after = upgrade(engine)
                change = "already at" if before == after else f"upgraded from {before or 'empty'} to"
                print(f"{where}: {change} revision {after} (head)")
            else:
                now, head = current_revision(engine), head_revision()
                state = "head" if now == head else f"head is {head}: run `db upgrade`"
                print(f"{where}: revision {now or 'none (empty database)'} ({state})")
        finally:
            engine.dispose()
    except (StoreError, ValueError) as err:
        print(f"error: {where}: {err}")
        return EXIT_FAILED
    except Exception as err:  # noqa: BLE001 - a driver error becomes one clear line
        print(f"error: cannot use the database {where}: {type(err).__name__}: {err}")
        return EXIT_FAILED
    return EXIT_OK
