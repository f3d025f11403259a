"""Quiet hours and digest times on fixed clocks: across midnight, across DST changes (Berlin,
New York), what breaks through and what waits; and the /quiet, /tz, /mode parsers."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.prefs import (
    Mode,
    ModeChoice,
    Prefs,
    PrefsError,
    Quiet,
    parse_mode,
    parse_quiet,
    parse_tz,
)
from bot.delivery.timing import Hold, alert_hold, next_digest, notice_hold, quiet_end
from bot.i18n import TEXTS

BERLIN, NEW_YORK, MINSK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York"), ZoneInfo("Europe/Minsk")
NIGHT = Quiet(time(23), time(7))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ---------------------------------------------------------------- quiet_end

QUIET_CASES = {
    # Berlin in winter is UTC+1: 23:00-07:00 local is 22:00Z-06:00Z.
    "before-midnight-ends-next-morning": (BERLIN, NIGHT, "2025-01-15T22:30", "2025-01-16T06:00"),
    "after-midnight-ends-this-morning": (BERLIN, NIGHT, "2025-01-16T03:00", "2025-01-16T06:00"),
    "at-start-is-quiet": (BERLIN, NIGHT, "2025-01-15T22:00", "2025-01-16T06:00"),
    "at-end-is-not-quiet": (BERLIN, NIGHT, "2025-01-16T06:00", None),
    "daytime-not-quiet": (BERLIN, NIGHT, "2025-01-16T12:00", None),
    "daytime-window": (MINSK, Quiet(time(13), time(14, 30)), "2025-01-16T10:10", "2025-01-16T11:30"),
    # Spring forward (30 March 2025, 02:00 -> 03:00): the night is an hour shorter in UTC.
    "berlin-spring-forward-night": (BERLIN, NIGHT, "2025-03-29T23:00", "2025-03-30T05:00"),
    # Fall back (26 October 2025, 03:00 -> 02:00): the night is an hour longer in UTC.
    "berlin-fall-back-night": (BERLIN, NIGHT, "2025-10-25T22:00", "2025-10-26T06:00"),
    "berlin-fall-back-repeated-hour": (BERLIN, Quiet(time(1), time(2, 30)), "2025-10-26T00:15",
                                       "2025-10-26T00:30"),
    # The second pass of 02:15 (CET, 01:15Z) is quiet again, until the second 02:30.
    "berlin-fall-back-second-pass": (BERLIN, Quiet(time(1), time(2, 30)), "2025-10-26T01:15",
                                     "2025-10-26T01:30"),
    # A window ending in the skipped hour ends when the clock jumps past it (03:30 CEST).
    "berlin-end-in-skipped-hour": (BERLIN, Quiet(time(23), time(2, 30)), "2025-03-29T23:30",
                                   "2025-03-30T01:30"),
    "new-york-spring-forward": (NEW_YORK, Quiet(time(22), time(6)), "2025-03-09T04:00",
                                "2025-03-09T10:00"),
    "new-york-fall-back": (NEW_YORK, Quiet(time(22), time(6)), "2025-11-02T03:00",
                           "2025-11-02T11:00"),
    "minsk-no-dst": (MINSK, NIGHT, "2025-03-30T21:00", "2025-03-31T04:00"),
}


@pytest.mark.parametrize(("zone", "quiet", "now", "end"), list(QUIET_CASES.values()),
                         ids=list(QUIET_CASES))
def test_quiet_end(zone: ZoneInfo, quiet: Quiet, now: str, end: str | None) -> None:
    assert quiet_end(Prefs(zone, quiet), utc(now)) == (utc(end) if end else None)


def test_no_quiet_hours_never_quiet() -> None:
    assert quiet_end(Prefs(BERLIN), utc("2025-01-16T03:00")) is None


# ---------------------------------------------------------------- next_digest / release times

DAILY8 = Mode("daily", time(8))
FLUSH_CASES = {
    "instant-now": (Prefs(BERLIN), "2025-01-16T12:34", "2025-01-16T12:34"),
    "instant-in-quiet-hours-waits-for-their-end": (Prefs(BERLIN, NIGHT), "2025-01-16T01:00",
                                                   "2025-01-16T06:00"),
    "hourly-next-full-hour": (Prefs(BERLIN, mode=Mode("hourly")), "2025-01-16T12:34",
                              "2025-01-16T13:00"),
    "hourly-on-the-hour-is-the-next": (Prefs(BERLIN, mode=Mode("hourly")), "2025-01-16T12:00",
                                       "2025-01-16T13:00"),
    "hourly-half-hour-zone": (Prefs(ZoneInfo("Asia/Kolkata"), mode=Mode("hourly")),
                              "2025-01-16T12:10", "2025-01-16T12:30"),
    "hourly-inside-quiet-hours-waits": (Prefs(BERLIN, NIGHT, Mode("hourly")), "2025-01-16T01:10",
                                        "2025-01-16T06:00"),
    "daily-later-today": (Prefs(BERLIN, mode=DAILY8), "2025-01-16T05:00", "2025-01-16T07:00"),
    "daily-tomorrow": (Prefs(BERLIN, mode=DAILY8), "2025-01-16T07:00", "2025-01-17T07:00"),
    "daily-across-spring-forward": (Prefs(BERLIN, mode=DAILY8), "2025-03-29T08:00",
                                    "2025-03-30T06:00"),
    "daily-across-fall-back": (Prefs(BERLIN, mode=DAILY8), "2025-10-25T07:00",
                               "2025-10-26T07:00"),
    "daily-new-york-across-spring-forward": (Prefs(NEW_YORK, mode=DAILY8), "2025-03-08T14:00",
                                             "2025-03-09T12:00"),
    "daily-in-skipped-hour-shifts-forward": (Prefs(BERLIN, mode=Mode("daily", time(2, 30))),
                                             "2025-03-29T12:00", "2025-03-30T01:30"),
    "daily-inside-quiet-hours-waits": (Prefs(BERLIN, NIGHT, Mode("daily", time(6))),
                                       "2025-01-16T12:00", "2025-01-17T06:00"),
}


@pytest.mark.parametrize(("prefs", "now", "expect"), list(FLUSH_CASES.values()), ids=list(FLUSH_CASES))
def test_a_topic_alert_is_released_at(prefs: Prefs, now: str, expect: str) -> None:
    """When an alert under the chat's own mode goes out: its next digest (instant: now),
    moved to the end of quiet hours if it falls inside them."""
    hold = alert_hold({"topics": ["t"]}, prefs, {}, utc(now))
    assert (hold.until if hold else utc(now)) == utc(expect)


def test_instant_has_no_digest() -> None:
    assert next_digest(Mode(), BERLIN, utc("2025-01-16T12:00")) is None


# ---------------------------------------------------------------- alert_hold / notice_hold

NIGHT_NOW = "2025-01-16T01:00"  # 02:00 in Berlin: inside NIGHT
DAY_NOW = "2025-01-16T12:10"
TOPIC = {"topics": ["treaty"], "watches": [], "status": None}
WATCH = {"topics": [], "watches": ["minsk"], "status": None}
SIGNED = {"topics": ["treaty"], "watches": [], "status": "signed"}
EXPECTED = {"topics": ["treaty"], "watches": [], "status": "expected"}
STRICT = Quiet(time(23), time(7), strict=True)
HOURLY, DAILY = Mode("hourly"), DAILY8
HOLD_CASES = {
    "day-instant-goes": (Prefs(BERLIN, NIGHT), TOPIC, {}, DAY_NOW, None),
    "night-alert-waits-for-morning": (Prefs(BERLIN, NIGHT), TOPIC, {}, NIGHT_NOW,
                                      Hold(utc("2025-01-16T06:00"), "quiet")),
    "night-signing-breaks-through": (Prefs(BERLIN, NIGHT), SIGNED, {}, NIGHT_NOW, None),
    "night-expected-status-waits": (Prefs(BERLIN, NIGHT), EXPECTED, {}, NIGHT_NOW,
                                    Hold(utc("2025-01-16T06:00"), "quiet")),
    "night-signing-strict-waits": (Prefs(BERLIN, STRICT), SIGNED, {}, NIGHT_NOW,
                                   Hold(utc("2025-01-16T06:00"), "quiet")),
    "hourly-waits-for-the-hour": (Prefs(BERLIN, mode=HOURLY), TOPIC, {}, DAY_NOW,
                                  Hold(utc("2025-01-16T13:00"), "hourly")),
    "daily-waits-for-the-day": (Prefs(BERLIN, mode=DAILY), TOPIC, {}, DAY_NOW,
                                Hold(utc("2025-01-17T07:00"), "daily")),
    "daily-signing-goes-at-once": (Prefs(BERLIN, mode=DAILY), SIGNED, {}, DAY_NOW, None),
    "watch-own-daily-mode": (Prefs(BERLIN), WATCH, {"minsk": "daily 08:00"}, DAY_NOW,
                             Hold(utc("2025-01-17T07:00"), "daily")),
    "watch-own-instant-beats-chat-daily": (Prefs(BERLIN, mode=DAILY), WATCH, {"minsk": "instant"},
                                           DAY_NOW, None),
    "watch-follows-chat-mode": (Prefs(BERLIN, mode=HOURLY), WATCH, {}, DAY_NOW,
                                Hold(utc("2025-01-16T13:00"), "hourly")),
    "topic-and-daily-watch-most-immediate-wins": (
        Prefs(BERLIN, mode=HOURLY), {**TOPIC, "watches": ["minsk"]}, {"minsk": "daily 08:00"},
        DAY_NOW, Hold(utc("2025-01-16T13:00"), "hourly")),
    "bad-stored-watch-mode-is-instant": (Prefs(BERLIN), WATCH, {"minsk": "weekly"}, DAY_NOW, None),
}


@pytest.mark.parametrize(("prefs", "why", "modes", "now", "expect"), list(HOLD_CASES.values()),
                         ids=list(HOLD_CASES))
def test_alert_hold(prefs: Prefs, why: dict[str, object], modes: dict[str, str], now: str,
                    expect: Hold | None) -> None:
    assert alert_hold(why, prefs, modes, utc(now)) == expect


NOTICE_CASES = {
    "signing-status-breaks-through": ("status", {"status": "ratified"}, NIGHT, None),
    "signing-status-strict-waits": ("status", {"status": "in_force"}, STRICT, "2025-01-16T06:00"),
    "expected-status-waits": ("status", {"status": "expected"}, NIGHT, "2025-01-16T06:00"),
    "reminder-waits": ("reminder", {}, NIGHT, "2025-01-16T06:00"),
    "summit-day-waits": ("summit_day", {}, NIGHT, "2025-01-16T06:00"),
    "no-quiet-goes": ("reminder", {}, None, None),
}


@pytest.mark.parametrize(("kind", "payload", "quiet", "until"), list(NOTICE_CASES.values()),
                         ids=list(NOTICE_CASES))
def test_notice_hold(kind: str, payload: dict[str, object], quiet: Quiet | None,
                     until: str | None) -> None:
    hold = notice_hold(kind, payload, Prefs(BERLIN, quiet, Mode("daily", time(8))), utc(NIGHT_NOW))
    assert hold == (Hold(utc(until), "quiet") if until else None)  # never digested


# ---------------------------------------------------------------- parsers

PARSE_QUIET = {
    "window": ("23:00-07:00", Quiet(time(23), time(7))),
    "short-hours": ("9:00-17:30", Quiet(time(9), time(17, 30))),
    "en-dash": ("23:00–07:00", Quiet(time(23), time(7))),
    "strict": ("23:00-07:00 strict", Quiet(time(23), time(7), True)),
    "strict-any-case": ("23:00-07:00 STRICT", Quiet(time(23), time(7), True)),
    "off": ("off", None),
}


@pytest.mark.parametrize(("arg", "expect"), list(PARSE_QUIET.values()), ids=list(PARSE_QUIET))
def test_parse_quiet(arg: str, expect: Quiet | None) -> None:
    assert parse_quiet(arg) == expect


BAD_QUIET = {
    "no-dash": ("23:00", "quiet_bad_time"), "hour-24": ("24:00-07:00", "quiet_bad_time"),
    "minutes-60": ("23:60-07:00", "quiet_bad_time"), "words": ("tonight", "quiet_bad_time"),
    "equal": ("07:00-07:00", "quiet_equal"), "extra-word": ("23:00-07:00 please", "quiet_usage"),
    "three-words": ("23:00-07:00 strict now", "quiet_usage"), "empty": ("", "quiet_usage"),
    "unicode-digits": ("２３:００-０７:００", "quiet_bad_time"),
}


@pytest.mark.parametrize(("arg", "key"), list(BAD_QUIET.values()), ids=list(BAD_QUIET))
def test_parse_quiet_refuses_with_a_text(arg: str, key: str) -> None:
    with pytest.raises(PrefsError) as err:
        parse_quiet(arg)
    assert err.value.key == key and key in TEXTS["en"] and key in TEXTS["ru"]


@pytest.mark.parametrize(("arg", "expect"), [
    ("Europe/Minsk", "Europe/Minsk"), ("europe/berlin", "Europe/Berlin"), ("UTC", "UTC"),
], ids=["canonical", "any-case", "utc"])
def test_parse_tz(arg: str, expect: str) -> None:
    assert parse_tz(arg) == expect


@pytest.mark.parametrize(("arg", "key"), [
    ("Mars/Olympus", "tz_unknown"), ("../../etc/passwd", "tz_unknown"), ("", "tz_usage"),
    ("Europe/Minsk now", "tz_usage"), ("+03:00", "tz_unknown"),
], ids=["unknown", "path", "empty", "extra-word", "offset"])
def test_parse_tz_refuses(arg: str, key: str) -> None:
    with pytest.raises(PrefsError) as err:
        parse_tz(arg)
    assert err.value.key == key


PARSE_MODE = {
    "instant": ("instant", ModeChoice(Mode())),
    "hourly": ("hourly", ModeChoice(Mode("hourly"))),
    "daily": ("daily 08:00", ModeChoice(Mode("daily", time(8)))),
    "daily-watch-number": ("daily 8:30 2", ModeChoice(Mode("daily", time(8, 30)), "2")),
    "hourly-watch-query": ("HOURLY treaty minsk", ModeChoice(Mode("hourly"), "treaty minsk")),
    "watch-follows-chat": ("chat 3", ModeChoice(None, "3")),
}


@pytest.mark.parametrize(("arg", "expect"), list(PARSE_MODE.values()), ids=list(PARSE_MODE))
def test_parse_mode(arg: str, expect: ModeChoice) -> None:
    assert parse_mode(arg) == expect


@pytest.mark.parametrize(("arg", "key"), [
    ("weekly", "mode_usage"), ("daily", "mode_daily_time"), ("daily 25:00", "mode_daily_time"),
    ("chat", "mode_usage"), ("", "mode_usage"),
], ids=["unknown-mode", "daily-without-time", "daily-bad-time", "chat-without-watch", "empty"])
def test_parse_mode_refuses(arg: str, key: str) -> None:
    with pytest.raises(PrefsError) as err:
        parse_mode(arg)
    assert err.value.key == key


ANY_TEXT = st.text(max_size=600) | st.from_regex(r"[0-9:\- a-zA-Z/]{0,30}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_parsers_answer_any_string(arg: str) -> None:
    """Any string is answered: a value or a PrefsError naming a text in every language."""
    for parse in (parse_quiet, parse_tz, parse_mode):
        try:
            parse(arg)
        except PrefsError as err:
            assert all(err.key in texts for texts in TEXTS.values())
