"""`python -m bot calendar --ics FILE` (the tracked events with their reminders, the file
/calendar sends) and `--import FILE` (add and move events from an .ics, as /event does).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from bot.config import Config, Settings
from bot.services import Services
from bot.store import open_store
from bot.store.db import redact_url
from bot.summit.ics import MAX_BYTES
from bot.summit.icsimport import calendar_file, import_calendar, too_big
from bot.summit.jobs import effective_config
from bot.telegram.calendarcmd import import_text

EXIT_OK, EXIT_FAILED = 0, 1
_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """A chat reply as terminal text: tags dropped, entities read."""
    return html.unescape(_TAGS.sub("", text))


def calendar(config: Config, settings: Settings, *, ics: str | None, import_file: str | None,
             lang: str) -> int:
    """Write the calendar (`ics`) or import one (`import_file`) against BOT_DATABASE_URL,
    whose stored event changes count as they do for the running bot."""
    try:
        store = open_store(settings.database_url)
    except Exception as err:  # noqa: BLE001 - any driver error becomes one clear line
        print(f"error: cannot open the database {redact_url(settings.database_url)}: {err}",
              file=sys.stderr)
        return EXIT_FAILED
    try:
        services = Services(effective_config(config, store.event_overrides()), settings, store)
        if ics is not None:
            return write_calendar(services, ics, lang)
        assert import_file is not None
        return import_calendar_file(services, Path(import_file), lang)
    finally:
        store.close()


def write_calendar(services: Services, target: str, lang: str) -> int:
    events = services.config.events
    if not events:
        print("error: no events are configured or added, so there is no calendar to write",
              file=sys.stderr)
        return EXIT_FAILED
    data = calendar_file(services, lang)
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        try:
            Path(target).write_bytes(data)
        except OSError as err:
            print(f"error: {target}: {err.strerror or err}", file=sys.stderr)
            return EXIT_FAILED
    print(f"{target}: {len(events)} event(s) with their reminders", file=sys.stderr)
    return EXIT_OK


def import_calendar_file(services: Services, path: Path, lang: str) -> int:
    """Import and print what was done; exit 1 when the file was refused (nothing changed)."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused unread, like a too large upload in chat
            result = too_big(size)
        else:
            result = import_calendar(services, path.read_bytes(), None)
    except OSError as err:
        print(f"error: {path}: {err.strerror or err}", file=sys.stderr)
        return EXIT_FAILED
    print(plain(import_text(lang, result)))
    refused = result.refused is not None or bool(result.plan.problems)
    return EXIT_FAILED if refused else EXIT_OK
