"""A chat's delivery preferences (time zone, quiet hours, delivery mode) as values, and the
parsers of `/tz`, `/quiet` and `/mode`. Pure: any string is answered, never raised past
`PrefsError`, whose `key` names the i18n text explaining the problem.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo

from bot.model import Subscriber

ModeKind = Literal["instant", "hourly", "daily"]
MAX_ARG = 400  # longer arguments are refused before any parsing


class PrefsError(ValueError):
    """An argument that cannot be used; `key` is the i18n text saying why (with an example)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Quiet:
    """Quiet hours, wall-clock times in the chat's zone; `end` before `start` spans midnight."""

    start: time
    end: time
    strict: bool = False  # True: signing-status changes wait too

    @property
    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Mode:
    """How alerts arrive: at once, as an hourly digest or as a daily digest at `at`."""

    kind: ModeKind = "instant"
    at: time | None = None  # daily only

    @property
    def text(self) -> str:
        return f"daily {self.at:%H:%M}" if self.kind == "daily" and self.at else self.kind

    @property
    def stored(self) -> str | None:
        """The column value: None for the default (instant)."""
        return None if self.kind == "instant" else self.text


INSTANT = Mode()


@dataclass(frozen=True, slots=True)
class Prefs:
    """Everything that decides when a chat hears what."""

    tz: ZoneInfo
    quiet: Quiet | None = None
    mode: Mode = INSTANT


@functools.cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def zone_name(text: str) -> str | None:
    """The canonical IANA name for `text` (any case), or None if there is no such zone."""
    return _zones().get(text.strip().casefold()) if len(text) <= 64 else None


def _clock(text: str) -> time | None:
    m = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text)
    return time(int(m.group(1)), int(m.group(2))) if m else None


def parse_quiet(arg: str) -> Quiet | None:
    """`23:00-07:00` [strict] -> Quiet; `off` -> None. Anything else raises PrefsError."""
    words = arg.split() if len(arg) <= MAX_ARG else []
    if len(words) == 1 and words[0].casefold() in ("off", "выкл", "выключить"):
        return None
    strict = len(words) == 2 and words[1].casefold() in ("strict", "строго")
    if not words or len(words) > 2 or (len(words) == 2 and not strict):
        raise PrefsError("quiet_usage")
    start, dash, end = words[0].replace("–", "-").replace("—", "-").partition("-")
    begin, finish = _clock(start), _clock(end)
    if not dash or begin is None or finish is None:
        raise PrefsError("quiet_bad_time")
    if begin == finish:
        raise PrefsError("quiet_equal")
    return Quiet(begin, finish, strict)


def parse_tz(arg: str) -> str:
    """An IANA zone name (canonical spelling), else PrefsError."""
    words = arg.split() if len(arg) <= MAX_ARG else []
    if len(words) != 1:
        raise PrefsError("tz_usage")
    name = zone_name(words[0])
    if name is None:
        raise PrefsError("tz_unknown")
    return name


@dataclass(frozen=True, slots=True)
class ModeChoice:
    """What `/mode` asked for: a mode (None: the watch follows the chat's again) and the
    watch it is for ("" for the whole chat: its number in /list or its query)."""

    mode: Mode | None
    watch: str = ""


def parse_mode(arg: str) -> ModeChoice:
    """`instant` | `hourly` | `daily HH:MM`, each optionally followed by a watch (number or
    query); `chat <watch>` makes a watch follow the chat's mode. Else PrefsError."""
    words = arg.split() if len(arg) <= MAX_ARG else []
    if not words:
        raise PrefsError("mode_usage")
    kind, rest = words[0].casefold(), words[1:]
    if kind == "daily":
        at = _clock(rest[0]) if rest else None
        if at is None:
            raise PrefsError("mode_daily_time")
        return ModeChoice(Mode("daily", at), " ".join(rest[1:]))
    if kind in ("instant", "hourly"):
        return ModeChoice(Mode("instant" if kind == "instant" else "hourly"), " ".join(rest))
    if kind == "chat" and rest:
        return ModeChoice(None, " ".join(rest))
    raise PrefsError("mode_usage")


def stored_mode(text: str | None) -> Mode:
    """A stored mode column back as a Mode; anything unreadable is instant (never lose an
    alert to a bad value)."""
    if not text:
        return INSTANT
    try:
        choice = parse_mode(text)
    except PrefsError:
        return INSTANT
    return choice.mode if choice.mode is not None and not choice.watch else INSTANT


def stored_quiet(text: str | None, strict: bool) -> Quiet | None:
    if not text:
        return None
    try:
        quiet = parse_quiet(text)
    except PrefsError:
        return None
    return None if quiet is None else Quiet(quiet.start, quiet.end, strict)


def prefs_of(sub: Subscriber, default_tz: ZoneInfo) -> Prefs:
    """The subscriber's stored preferences as values (the config's zone by default)."""
    name = zone_name(sub.tz) if sub.tz else None
    return Prefs(ZoneInfo(name) if name else default_tz,
                 stored_quiet(sub.quiet, sub.quiet_strict), stored_mode(sub.mode))
