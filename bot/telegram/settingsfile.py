"""The chat settings file of /export and /import (JSON, format version 1): writing one, and
reading one defensively (size, JSON, format, version, field shapes, list lengths), refused
as a whole with a reason before anything changes. Pure. Fields: docs/SETTINGS_FILE.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FORMAT = "summit-watch/chat-settings"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024
MAX_ITEMS = 200  # entries in any one list or mapping of a file
MAX_STRING = 2000  # characters in any one string of a file
# The keys this version writes and reads; any other key is left alone, and named as
# ignored in the import's reply (a later version may add keys without a new `version`).
USED = ("format", "version", "language", "watches", "followed_topics", "unfollowed_topics")
# Written but not restored: what the file was made from, and per-topic mutes (a mute
# lasts a day; it belongs to the chat it was pressed in).
INFORMATIONAL = ("exported_at", "chat", "topic_mutes")
# Reserved for settings this version does not have yet: written as null, and when a
# file carries a value, it is reported as ignored.
RESERVED = ("quiet_hours", "delivery_mode")


class Refused(Exception):
    """The file cannot be imported at all: the i18n key of the reason and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Settings:
    """What a file asks for: its language, watches and topic choices, and what of it this
    version does not use."""

    language: str | None = None
    watches: tuple[str, ...] = ()
    followed: tuple[str, ...] = ()
    unfollowed: tuple[str, ...] = ()
    ignored: tuple[str, ...] = field(default=())


def file_name(chat_id: int, thread_id: int | None) -> str:
    """`summit-watch-<chat>.json`, the chat id's digits (and the forum topic's)."""
    thread = f"-{thread_id}" if thread_id else ""
    return f"summit-watch-{abs(chat_id)}{thread}.json"


def export_document(*, chat_id: int, thread_id: int | None, title: str | None, kind: str,
                    language: str, watches: Sequence[str], followed: Sequence[str],
                    unfollowed: Sequence[str], topic_mutes: Mapping[str, datetime],
                    now: datetime) -> dict[str, Any]:
    """The file's content, its keys in the documented order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now),
        "chat": {"id": chat_id, "thread_id": thread_id, "title": title, "kind": kind},
        "language": language,
        "watches": list(watches),
        "followed_topics": list(followed),
        "unfollowed_topics": list(unfollowed),
        "topic_mutes": {topic: _iso(until) for topic, until in topic_mutes.items()},
        "quiet_hours": None,
        "delivery_mode": None,
    }


def dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read(data: bytes) -> Settings:
    """The settings a file asks for; Refused if it is too big, not JSON, not ours, of
    another version, or has a field of the wrong shape or length."""
    if len(data) > MAX_FILE_BYTES:
        raise Refused("import_too_big", size=_kb(len(data)), limit=_kb(MAX_FILE_BYTES))
    document = _json(data)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Refused("import_not_ours")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        shown = version if isinstance(version, (int, float, str)) and len(str(version)) < 20 \
            else "?"
        raise Refused("import_bad_version", version=shown, supported=VERSION)
    language = document.get("language")
    if language is not None and not _short_string(language):
        raise Refused("import_bad_field", field="language")
    return Settings(
        language=language,
        watches=_strings(document, "watches"),
        followed=_strings(document, "followed_topics"),
        unfollowed=_strings(document, "unfollowed_topics"),
        ignored=_ignored(document),
    )


def _kb(size: int) -> int:
    return -(-size // 1024)  # rounded up: a file just over the limit never shows as 64


def _json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("import_bad_json", line=1, column=1) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise Refused("import_bad_json", line=err.lineno, column=err.colno) from None
    except RecursionError:  # "[[[[…" nested deeper than the parser goes
        raise Refused("import_bad_json", line=1, column=1) from None


def _short_string(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_STRING


def _strings(document: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of strings (a missing key or null is an empty list)."""
    value = document.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Refused("import_bad_field", field=key)
    if len(value) > MAX_ITEMS:
        raise Refused("import_too_many", field=key, count=len(value), limit=MAX_ITEMS)
    if not all(_short_string(item) for item in value):
        raise Refused("import_bad_field", field=key)
    return tuple(value)


def _ignored(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Keys this version does not act on, but a file may carry: reserved ones with a
    value, and unknown ones (from a later version); bounded like any list."""
    known = set(USED) | set(INFORMATIONAL) | set(RESERVED)
    names = [k for k in RESERVED if document.get(k) is not None]
    names += [k for k in document if k not in known]
    if len(names) > MAX_ITEMS:
        raise Refused("import_too_many", field="(keys)", count=len(names), limit=MAX_ITEMS)
    return tuple(names)
