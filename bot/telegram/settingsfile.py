"""The chat settings file of /export and /import (JSON, `"format": "summit-watch-settings"`,
`"version": 1`): writing one, and reading one defensively (size, JSON, format, version, field
shapes, lengths, delivery settings), refused whole with a reason before any change. Pure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.delivery.prefs import Mode, PrefsError, parse_mode, parse_quiet, parse_tz

FORMAT = "summit-watch-settings"
VERSION = 1
MAX_FILE_BYTES = 64 * 1024
MAX_ITEMS = 200  # entries in any one list or mapping of a file
MAX_STRING = 2000  # characters in any one string of a file
MIME_TYPE = "application/json"
# The keys this version restores.
USED = ("format", "version", "language", "watches", "followed_topics", "unfollowed_topics",
        "muted_until", "topic_mutes", "quiet_hours", "time_zone", "delivery_mode", "watch_modes")
# Written but not restored: what the file was made from.
INFORMATIONAL = ("exported_at", "chat")
# Settings this bot does not have yet: written as null; a file with a value for one is
# still imported, and the reply names the key as ignored.
RESERVED: tuple[str, ...] = ()
# The delivery settings, written as /quiet, /tz and /mode take them; null is the default
# (no quiet hours, the config's zone, instant); a file without the key leaves it alone.
DELIVERY = ("quiet_hours", "time_zone", "delivery_mode")


class Refused(Exception):
    """The file cannot be imported at all: the i18n key of the reason and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Settings:
    """What a file asks for, and the keys of it this version does not use."""

    language: str | None = None
    watches: tuple[str, ...] = ()
    followed: tuple[str, ...] = ()
    unfollowed: tuple[str, ...] = ()
    muted_until: datetime | None = None
    topic_mutes: Mapping[str, datetime] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    # The chat's delivery columns the file sets (tz, quiet, quiet_strict, mode), and each
    # named watch's own mode (None: the chat's).
    delivery: Mapping[str, Any] = field(default_factory=dict)
    watch_modes: Mapping[str, str | None] = field(default_factory=dict)


def file_name(chat_id: int, thread_id: int | None) -> str:
    """`summit-watch-<chat>.json`, the chat id's digits (and the forum topic's)."""
    thread = f"-{thread_id}" if thread_id else ""
    return f"summit-watch-{abs(chat_id)}{thread}.json"


def export_document(*, chat: Mapping[str, Any], language: str, watches: Sequence[str],
                    followed: Sequence[str], unfollowed: Sequence[str],
                    muted_until: datetime | None, topic_mutes: Mapping[str, datetime],
                    now: datetime, delivery: Mapping[str, str | None] | None = None,
                    watch_modes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The file's content, its keys in the documented order (docs/CONFIG.md)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now),
        "chat": dict(chat),
        "language": language,
        "watches": list(watches),
        "followed_topics": list(followed),
        "unfollowed_topics": list(unfollowed),
        "muted_until": _iso(muted_until) if muted_until is not None else None,
        "topic_mutes": {topic: _iso(until) for topic, until in topic_mutes.items()},
        **{key: (delivery or {}).get(key) for key in DELIVERY},
        "watch_modes": dict(watch_modes or {}),
    }


def dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def read(data: bytes) -> Settings:
    """The settings a file asks for; Refused if it is too big, not JSON, not ours, of
    another version, or has a field of the wrong shape or length."""
    if len(data) > MAX_FILE_BYTES:
        raise Refused("import_too_big", size=kb(len(data)), limit=kb(MAX_FILE_BYTES))
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
    muted = document.get("muted_until")
    return Settings(
        language=language,
        watches=_strings(document, "watches"),
        followed=_strings(document, "followed_topics"),
        unfollowed=_strings(document, "unfollowed_topics"),
        muted_until=None if muted is None else _when(muted, "muted_until"),
        topic_mutes=_mutes(document.get("topic_mutes")),
        ignored=_ignored(document),
        delivery=read_delivery(document),
        watch_modes=_watch_modes(document.get("watch_modes")),
    )


def read_delivery(document: Mapping[str, Any]) -> dict[str, Any]:
    """The delivery columns a file sets, checked as /quiet, /tz and /mode check them."""
    found: dict[str, Any] = {}
    for key in DELIVERY:
        if key not in document:
            continue
        value = document[key]
        if value is not None and not _short_string(value):
            raise Refused("import_bad_field", field=key)
        try:
            if key == "quiet_hours":
                quiet = parse_quiet(value) if value is not None else None
                found.update(quiet=quiet.text if quiet else None,
                             quiet_strict=bool(quiet and quiet.strict))
            elif key == "time_zone":
                found["tz"] = parse_tz(value) if value is not None else None
            else:
                found["mode"] = _chat_mode(value).stored if value is not None else None
        except PrefsError:
            raise Refused("import_bad_field", field=key) from None
    return found


def _chat_mode(value: str) -> Mode:
    choice = parse_mode(value)
    if choice.mode is None or choice.watch:
        raise PrefsError("mode_usage")
    return choice.mode


def _watch_modes(value: object) -> dict[str, str | None]:
    """`watch_modes`: query -> its own mode (a missing key or null: none)."""
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise Refused("import_bad_field", field="watch_modes")
    found: dict[str, str | None] = {}
    for query, mode in value.items():
        if not _short_string(query) or (mode is not None and not _short_string(mode)):
            raise Refused("import_bad_field", field="watch_modes")
        try:
            found[query] = _chat_mode(mode).text if mode is not None else None
        except PrefsError:
            raise Refused("import_bad_field", field="watch_modes") from None
    return found


def kb(size: int) -> int:
    """Kilobytes rounded up: a file just over the limit never shows as the limit."""
    return -(-size // 1024)


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


def _when(value: object, key: str) -> datetime:
    """An ISO 8601 time with its offset (`2025-03-02T12:00:00Z`), in UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise Refused("import_bad_field", field=key)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Refused("import_bad_field", field=key) from None
    if parsed.tzinfo is None:  # a time without its offset means nothing across chats
        raise Refused("import_bad_field", field=key)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 minus an offset
        raise Refused("import_bad_field", field=key) from None


def _mutes(value: object) -> dict[str, datetime]:
    """`topic_mutes`: topic id -> until when (a missing key or null: none)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refused("import_bad_field", field="topic_mutes")
    if len(value) > MAX_ITEMS:
        raise Refused("import_too_many", field="topic_mutes", count=len(value), limit=MAX_ITEMS)
    if not all(_short_string(topic) for topic in value):
        raise Refused("import_bad_field", field="topic_mutes")
    return {topic: _when(until, "topic_mutes") for topic, until in value.items()}


def _ignored(document: Mapping[str, Any]) -> tuple[str, ...]:
    """Keys this version does not act on, but a file may carry: reserved ones with a
    value, and unknown ones (from a later version); bounded like any list."""
    known = set(USED) | set(INFORMATIONAL) | set(RESERVED)
    names = [k for k in RESERVED if document.get(k) is not None]
    names += [k for k in document if k not in known]
    if len(names) > MAX_ITEMS:
        raise Refused("import_too_many", field="(keys)", count=len(names), limit=MAX_ITEMS)
    return tuple(names)
