"""Which feeds are down at `now` (failing for `feed_down_after` or longer), why in plain
words, and what to tell the operators: one notice per outage and one when it ends, keyed
by the outage's start so that restarts and other processes never repeat them. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import FeedSpec
from bot.model import FeedState, NewNotice, NoticeRecord

DOWN_KIND, UP_KIND = "feed_down", "feed_up"
ERROR_SHOWN = 300  # characters of the raw error an operator sees

# Outcome names the poller records instead of an HTTP status (bot.ingest.outcome).
_OUTCOME_PROBLEMS = {
    "timeout": "timeout", "network_error": "network", "too_large": "too_large",
    "too_many_redirects": "redirects", "rate_limited": "rate_limited", "unavailable": "server",
    "http_error": "http",
}


@dataclass(frozen=True, slots=True)
class FeedDown:
    """A configured feed failing since `since` (its first failed poll in a row)."""

    url: str
    name: str
    since: datetime
    failures: int
    last_error: str | None
    problem: str  # i18n `feed_problem_<problem>`: timeout, network, not_found, server...
    code: str | None  # the HTTP status, when the server answered

    def minutes(self, now: datetime) -> int:
        return max(0, int((now - self.since).total_seconds() // 60))


def problem_of(http_status: str | None, error: str | None) -> tuple[str, str | None]:
    """The plain-words class of a feed's last failure, and the HTTP status if it had one."""
    status = (http_status or "").strip()
    if (error or "").startswith("not a usable feed"):
        return "not_feed", None
    if not status.isdecimal():
        return _OUTCOME_PROBLEMS.get(status, "unknown"), None
    code = int(status)
    if code in (404, 410):
        return "not_found", status
    if code in (401, 403, 451):
        return "forbidden", status
    if code == 429:
        return "rate_limited", status
    if 500 <= code < 600:
        return "server", status
    return ("not_feed" if 200 <= code < 300 else "http"), status


def down_feeds(feeds: Sequence[FeedSpec], states: Mapping[str, FeedState], now: datetime,
               after: timedelta) -> list[FeedDown]:
    """The configured feeds failing for `after` or longer at `now`, longest first."""
    down = []
    for spec in feeds:
        state = states.get(spec.url)
        if state is None or state.failures <= 0 or state.failing_since is None:
            continue
        if now - state.failing_since < after:
            continue
        problem, code = problem_of(state.last_http_status, state.last_error)
        down.append(FeedDown(spec.url, spec.name, state.failing_since, state.failures,
                             state.last_error, problem, code))
    return sorted(down, key=lambda d: (d.since, d.name))


_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def episode_key(kind: str, url: str, since: datetime) -> str:
    """One outage's notice key: the feed and the first failed poll of its streak."""
    return f"{kind}:{url}:{_stamp(since)}"


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _down_payload(d: FeedDown, now: datetime, tz: ZoneInfo) -> dict[str, Any]:
    return {"url": d.url, "name": d.name, "started": _stamp(d.since),
            "since": _local(d.since, tz), "tz": tz.key,
            "minutes": d.minutes(now), "problem": d.problem, "code": d.code,
            "error": (d.last_error or "")[:ERROR_SHOWN], "failures": d.failures}


def _started(record: NoticeRecord) -> datetime | None:
    try:
        return datetime.strptime(str(record.payload.get("started")), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _up_payload(said: NoticeRecord, state: FeedState, start: datetime, now: datetime,
                tz: ZoneInfo) -> dict[str, Any]:
    until = state.last_ok_at if state.last_ok_at and state.last_ok_at > start else now
    return {"url": state.url, "name": said.payload.get("name") or state.url,
            "since": _local(start, tz), "until": _local(until, tz), "tz": tz.key,
            "minutes": max(0, int((until - start).total_seconds() // 60))}


def _closed(said: Sequence[NoticeRecord]) -> set[tuple[int, str]]:
    """(operator, episode) pairs whose end the operator was told of."""
    return {(r.subscriber_id, r.key.removeprefix(UP_KIND)) for r in said if r.kind == UP_KIND}


def open_outage_urls(said: Sequence[NoticeRecord]) -> set[str]:
    """The feeds of outages some operator was told of and not yet told the end of."""
    closed = _closed(said)
    return {str(r.payload.get("url")) for r in said if r.kind == DOWN_KIND
            and (r.subscriber_id, r.key.removeprefix(DOWN_KIND)) not in closed}


def _recoveries(said: Sequence[NoticeRecord], states: Mapping[str, FeedState],
                operators: set[int], now: datetime, tz: ZoneInfo) -> Iterable[NewNotice]:
    """An outage announced to an operator and not yet closed, whose feed is no longer in
    that streak (a success reset it): the operator hears it is over."""
    closed = _closed(said)
    for record in said:
        episode = record.key.removeprefix(DOWN_KIND)
        if record.kind != DOWN_KIND or (record.subscriber_id, episode) in closed:
            continue
        state, start = states.get(str(record.payload.get("url"))), _started(record)
        if record.subscriber_id not in operators or state is None or start is None:
            continue  # no longer an operator, or the feed left the config: nothing to say
        if state.failing_since and episode_key(DOWN_KIND, state.url, state.failing_since) == record.key:
            continue  # still the same outage
        payload = _up_payload(record, state, start, now, tz)
        yield NewNotice(record.subscriber_id, UP_KIND + episode, UP_KIND, payload)


def health_notices(down: Sequence[FeedDown], states: Mapping[str, FeedState],
                   operators: Sequence[int], said: Sequence[NoticeRecord], now: datetime,
                   tz: ZoneInfo) -> list[NewNotice]:
    """What the operators have not been told yet: each outage of `down`, and the end of each
    outage they were told of. `said` holds every stored feed_down and feed_up notice."""
    known = {(r.subscriber_id, r.key) for r in said}
    fresh = [NewNotice(op, episode_key(DOWN_KIND, d.url, d.since), DOWN_KIND,
                       _down_payload(d, now, tz))
             for d in down for op in operators]
    fresh += _recoveries(said, states, set(operators), now, tz)
    return [n for n in fresh if (n.subscriber_id, n.key) not in known]
