"""When a chat hears an alert or notice: now, or held until its quiet hours end or its next
digest. Pure: every function takes `now`; times are UTC-aware, wall clocks are the chat's
zone, so quiet hours and digest times follow DST.

The rules: an edit of a message already sent is never held. A signing-status change
(signed, ratified, in force: a status notice, or an alert reporting one) is never held
by a digest mode, and breaks through quiet hours unless the chat chose `strict`. Other
notices (reminders, the summit-day alert, summaries) are never digested but wait for the
end of quiet hours. An alert takes the most immediate mode among its reasons: a topic
follows the chat's mode, a watch its own (else the chat's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.delivery.prefs import Mode, Prefs, stored_mode

SIGNING = frozenset({"signed", "ratified", "in_force"})
HoldReason = Literal["quiet", "hourly", "daily"]


@dataclass(frozen=True, slots=True)
class Hold:
    """Keep the item back until `until`; `reason` heads the summary it arrives in."""

    until: datetime
    reason: HoldReason


def _at(day: Any, clock: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time in `tz` as UTC. A time skipped by a DST change counts as the
    same offset as before it (02:30 on a spring-forward night is 03:30); a repeated one is
    its first occurrence."""
    return datetime.combine(day, clock, tz).astimezone(UTC)


def quiet_end(prefs: Prefs, moment: datetime) -> datetime | None:
    """The end of the quiet period `moment` falls in, or None outside quiet hours."""
    quiet = prefs.quiet
    if quiet is None:
        return None
    local = moment.astimezone(prefs.tz)
    now, day = local.time().replace(tzinfo=None), local.date()
    if quiet.start < quiet.end:
        inside, end_day = quiet.start <= now < quiet.end, day
    elif now >= quiet.start:
        inside, end_day = True, day + timedelta(days=1)
    else:
        inside, end_day = now < quiet.end, day
    if not inside:
        return None
    end = _at(end_day, quiet.end, prefs.tz)
    if end <= moment:  # the clock went back: the end's second occurrence is still ahead
        end = datetime.combine(end_day, quiet.end, prefs.tz).replace(fold=1).astimezone(UTC)
    return end if end > moment else None  # a DST gap can put the end behind us


def next_digest(mode: Mode, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The next digest of `mode` strictly after `now` (None for instant): the next full
    hour of the chat's wall clock, or the next `HH:MM` of it."""
    local = now.astimezone(tz)
    if mode.kind == "hourly":
        top = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        return top + timedelta(hours=1)
    if mode.kind == "daily" and mode.at is not None:
        today = _at(local.date(), mode.at, tz)
        return today if today > now else _at(local.date() + timedelta(days=1), mode.at, tz)
    return None


def _release(prefs: Prefs, when: datetime, reason: HoldReason | None,
             now: datetime) -> Hold | None:
    end = quiet_end(prefs, when)
    if end is not None:
        return Hold(end, reason or "quiet")
    return Hold(when, reason) if reason is not None and when > now else None


def alert_hold(why: Mapping[str, Any], prefs: Prefs, watch_modes: Mapping[str, str],
               now: datetime) -> Hold | None:
    """Whether an alert (its `why` as routed) waits, and until when (module docstring)."""
    breaking = why.get("status") in SIGNING
    if breaking and not (prefs.quiet and prefs.quiet.strict):
        return None
    modes = [prefs.mode] if why.get("topics") or not why.get("watches") else []
    modes += [stored_mode(watch_modes[q]) if watch_modes.get(q) else prefs.mode
              for q in why.get("watches") or ()]
    digests = [(next_digest(m, prefs.tz, now), m.kind) for m in modes]
    if breaking or any(at is None for at, _ in digests):
        return _release(prefs, now, None, now)
    when, kind = min((at, k) for at, k in digests if at is not None)
    return _release(prefs, when, "hourly" if kind == "hourly" else "daily", now)


def notice_hold(kind: str, payload: Mapping[str, Any], prefs: Prefs,
                now: datetime) -> Hold | None:
    """Whether a notice waits for the end of quiet hours (notices are never digested)."""
    breaking = kind == "status" and payload.get("status") in SIGNING
    if breaking and not (prefs.quiet and prefs.quiet.strict):
        return None
    return _release(prefs, now, None, now)
