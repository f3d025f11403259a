"""What one feed request came to: the limits it ran under, every HTTP outcome classified
in one function (`classify`), and Retry-After read relative to `now`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import aiohttp

from bot.config import FeedSpec, Fetch


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The bounds of every request; `from_config` reads them from `fetch:` in feeds.yaml."""

    connect_timeout: float = 10.0
    total_timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "SummitWatch/0.1 (+https://github.com/summit-watch; RSS alert bot)"
    max_concurrency: int = 20
    per_host: int = 2

    @classmethod
    def from_config(cls, fetch: Fetch) -> FetchLimits:
        """The `fetch:` section of feeds.yaml as the fetcher's limits."""
        return cls(
            connect_timeout=fetch.connect_timeout.total_seconds(),
            total_timeout=fetch.timeout.total_seconds(),
            max_bytes=fetch.max_bytes,
            user_agent=fetch.user_agent,
            max_concurrency=fetch.max_concurrency,
            per_host=fetch.per_host,
        )


class Outcome(enum.Enum):
    """How a request ended, as the poller's scheduling needs to know it."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    RATE_LIMITED = "rate_limited"  # 429
    UNAVAILABLE = "unavailable"  # 503
    HTTP_ERROR = "http_error"  # any other 4xx/5xx (and unexpected 1xx/3xx)
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    NETWORK_ERROR = "network_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET came to; a failure carries its reason instead of raising."""

    outcome: Outcome
    url: str
    final_url: str | None = None  # after redirects
    # The answer, when there was one, and its validators for the next conditional GET.
    status_code: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    # Why it failed, and how long the server asked us to stay away.
    error: str | None = None
    retry_after: timedelta | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """A usable answer: new content, or the content we already have."""
        return self.outcome in (Outcome.OK, Outcome.NOT_MODIFIED)

    @property
    def failed(self) -> bool:
        return not self.ok


class FetcherClosed(Exception):
    """A fetch started while the fetcher was closing (shutdown)."""


class BodyTooLarge(Exception):
    """Raised inside the fetcher when a body passes `max_bytes`; classified as TOO_LARGE."""


# A server may ask us to stay away, but not for ever: past this we try again anyway (the
# feed's own backoff still applies). Anything that is not a number or a date is ignored.
RETRY_AFTER_MAX = timedelta(days=1)
_SECONDS = re.compile(r"[0-9]+")
_HEADER_MAX = 64  # longer than any HTTP-date or sane number of seconds
_MAX_SECONDS = int(RETRY_AFTER_MAX.total_seconds())


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds or an HTTP-date, relative to `now`, within
    [0, RETRY_AFTER_MAX]; None when absent or unreadable. Never raises."""
    value = (value or "").strip()
    if not value or len(value) > _HEADER_MAX:
        return None
    if _SECONDS.fullmatch(value):  # compared as a number: a huge one must not overflow
        return min(timedelta(seconds=min(int(value), _MAX_SECONDS)), RETRY_AFTER_MAX)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:  # RFC 9110 dates are GMT even when written "-0000"
            when = when.replace(tzinfo=UTC)
        wait = when - now
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(wait, timedelta(0)), RETRY_AFTER_MAX)


def classify(
    url: str,
    *,
    limits: FetchLimits,
    now: datetime,
    elapsed: float = 0.0,
    status_code: int | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    final_url: str | None = None,
    exc: BaseException | None = None,
    sent_etag: str | None = None,
    sent_last_modified: str | None = None,
) -> FetchResult:
    """Turn what happened to one request (an exception, or a status+headers+body) into a result."""
    if exc is not None:
        outcome, error = _classify_exception(exc, limits)
        return FetchResult(outcome, url, final_url=final_url or url, error=error, elapsed=elapsed)
    assert status_code is not None, "classify needs a status_code or an exception"
    headers = headers or {}
    base = FetchResult(
        Outcome.OK,
        url,
        status_code=status_code,
        content_type=headers.get("content-type"),
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        final_url=final_url or url,
        elapsed=elapsed,
    )
    if 200 <= status_code < 300:
        return replace(base, body=body or b"")
    if status_code == 304:
        # A 304 need not repeat the validators; the ones we sent are still the current ones.
        return replace(
            base,
            outcome=Outcome.NOT_MODIFIED,
            etag=base.etag or sent_etag,
            last_modified=base.last_modified or sent_last_modified,
        )
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    error = f"HTTP {status_code}"
    if retry_after is not None:
        error += f" (retry after {int(retry_after.total_seconds())}s)"
    return replace(
        base,
        outcome=_STATUS_OUTCOMES.get(status_code, Outcome.HTTP_ERROR),
        etag=None,
        last_modified=None,
        retry_after=retry_after,
        error=error,
    )


_STATUS_OUTCOMES = {429: Outcome.RATE_LIMITED, 503: Outcome.UNAVAILABLE}


def _classify_exception(exc: BaseException, limits: FetchLimits) -> tuple[Outcome, str]:
    if isinstance(exc, BodyTooLarge):
        return Outcome.TOO_LARGE, f"body over {limits.max_bytes} bytes"
    if isinstance(exc, aiohttp.TooManyRedirects):
        return Outcome.TOO_MANY_REDIRECTS, f"more than {limits.max_redirects} redirects"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return Outcome.TIMEOUT, f"connect timed out after {limits.connect_timeout:g}s"
    if isinstance(exc, TimeoutError):
        return Outcome.TIMEOUT, f"timed out after {limits.total_timeout:g}s"
    detail = str(exc) or type(exc).__name__
    # Error texts can quote what the server sent: keep them storable (no lone surrogates, no NUL).
    text = f"{type(exc).__name__}: {detail}"[:200].replace("\x00", "")
    return Outcome.NETWORK_ERROR, text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True, slots=True)
class FeedReport:
    """What polling one feed did, for logs, `check --fetch` and tests."""

    feed: FeedSpec
    outcome: str  # "ok", "not_modified", "failed" or "cancelled"
    entries: int = 0  # entries in the fetched document
    new: int = 0  # entries recorded for the first time
    alerts: int = 0  # outbox rows written
    error: str | None = None
    http_status: str | None = None  # "200", "304", or the outcome, e.g. "timeout"
    elapsed: float = 0.0
    reason: str | None = None  # a failure's kind: a fetch Outcome's value or "not_a_feed"


def http_status_of(result: FetchResult) -> str:
    """"200", "304", or the outcome's name when there was no answer, e.g. "timeout"."""
    return str(result.status_code) if result.status_code else result.outcome.value
