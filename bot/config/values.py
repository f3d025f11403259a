"""The scalar value types of `feeds.yaml`: durations (`90s`, `1h30m`), clock times, dates,
time zones, URLs, slugs and reminders, as pydantic annotated types with clear errors.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field

_DURATION_RE = re.compile(r"([0-9]+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION_HINT = "write a duration like 90s, 10m, 1h, 7d"


# Longer than any interval, mute or window anyone means; also keeps `now + duration`
# far from datetime's year-9999 edge.
MAX_DURATION = timedelta(days=3650)


class DurationTooLong(ValueError):
    """A well-formed duration longer than MAX_DURATION."""


def parse_duration(text: str) -> timedelta:
    """`90s`, `10m`, `1h`, `7d` or combinations such as `1h30m`; `0` alone means zero.
    Raises ValueError (never anything else) for text that is not one, or is longer than
    ten years."""
    text = text.strip()
    if text == "0":
        return timedelta(0)
    if not text or len(text) > 40 or _DURATION_RE.sub("", text):
        raise ValueError(f"{text[:40]!r} is not a duration: {_DURATION_HINT}")
    seconds = sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION_RE.findall(text))
    if seconds > MAX_DURATION.total_seconds():
        raise DurationTooLong(f"{text!r} is too long: at most {MAX_DURATION.days}d")
    return timedelta(seconds=seconds)


def _to_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_DURATION_HINT)  # noqa: TRY004 - pydantic reports only ValueError
    if isinstance(value, int):
        # A bare number has no unit; only zero means the same thing in every unit.
        if value == 0:
            return timedelta(0)
        raise ValueError(f"{value} has no unit: {_DURATION_HINT}")
    return parse_duration(value)


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Europe/Minsk)")
    return name


def _to_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as err:
            raise ValueError(f"{value!r} is not a real date: {err}") from None
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD")


def parse_clock(text: str) -> time:
    """`HH:MM` (24-hour) as a naive local `time`."""
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time of day: write HH:MM, e.g. 21:00")
    return time(int(m.group(1)), int(m.group(2)))


def _to_clock(value: object) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day: write HH:MM")  # noqa: TRY004
    return parse_clock(value)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


def _check_slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise ValueError(f"{value!r} is not a slug: use lowercase letters, digits and '-'")
    return value


def _check_termset_name(value: str) -> str:
    # The same alphabet the query language reads after '@'.
    if not re.fullmatch(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*", value) or len(value) > 40:
        raise ValueError(f"{value!r} is not a term set name: use up to 40 lowercase letters, "
                         "digits and single '-' or '_' between them, starting with a letter")
    return value


def _check_reminder(value: str) -> str:
    """`Nd` stays as written; clock times are normalised to HH:MM so keys are stable."""
    if re.fullmatch(r"\d{1,3}d", value):
        return value
    try:
        return parse_clock(value).strftime("%H:%M")
    except ValueError:
        raise ValueError(f"{value!r} is not a reminder: write Nd (e.g. 7d) or HH:MM") from None


Duration = Annotated[timedelta, BeforeValidator(_to_duration)]
PositiveDuration = Annotated[timedelta, BeforeValidator(_to_duration), AfterValidator(_positive)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
Slug = Annotated[str, AfterValidator(_check_slug)]
TermSetName = Annotated[str, AfterValidator(_check_termset_name)]
HttpUrl = Annotated[str, AfterValidator(check_url)]
Reminder = Annotated[str, AfterValidator(_check_reminder)]
Day = Annotated[date, BeforeValidator(_to_date)]
Clock = Annotated[time, BeforeValidator(_to_clock)]
PositiveInt = Annotated[int, Field(ge=1)]
