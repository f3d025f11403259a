"""The HTTP adapter: conditional GET of feeds with httpx, size/time/concurrency limits.

Every HTTP outcome is classified in one pure function, `classify`; `Fetcher.fetch` never raises.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from bot.config import Fetch

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def quiet_http_loggers() -> None:
    """Keep httpx/httpcore at WARNING: at INFO they log full URLs, and Telegram's carry the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(frozen=True, slots=True)
class FetchLimits:
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
    outcome: Outcome
    url: str
    status_code: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = None
    retry_after: timedelta | None = None
    error: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """A usable answer: new content, or the content we already have."""
        return self.outcome in (Outcome.OK, Outcome.NOT_MODIFIED)

    @property
    def failed(self) -> bool:
        return not self.ok


class BodyTooLarge(Exception):
    """Raised inside the fetcher when a body passes `max_bytes`; classified as TOO_LARGE."""


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds or an HTTP-date, relative to `now`; never negative."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT even when the zone is written "-0000"
        when = when.replace(tzinfo=UTC)
    return max(when - now, timedelta(0))


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
    if isinstance(exc, httpx.TooManyRedirects):
        return Outcome.TOO_MANY_REDIRECTS, f"more than {limits.max_redirects} redirects"
    if isinstance(exc, httpx.ConnectTimeout):
        return Outcome.TIMEOUT, f"connect timed out after {limits.connect_timeout:g}s"
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return Outcome.TIMEOUT, f"timed out after {limits.total_timeout:g}s"
    detail = str(exc) or type(exc).__name__
    return Outcome.NETWORK_ERROR, f"{type(exc).__name__}: {detail}"[:200]


# What "a network problem" may look like coming out of httpx/the socket layer.
_FETCH_ERRORS = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    OSError,
    TimeoutError,
    BodyTooLarge,
    ValueError,  # malformed header values, IDNA failures
)


CONNECTIONS_PER_CLIENT = 2


class Fetcher:
    """Owns the httpx clients plus the global and per-host concurrency bounds.

    httpx's pool scans every connection it holds on each request and each release, so CPU
    per request grows with pool size (about 2.5x at 10 connections against 2, measured on
    loopback). The connections are therefore spread over several small clients; a feed URL
    uses the client picked by its host and the host slot it holds, so concurrent requests to
    one host spread over clients and each slot's keep-alive connection is reused.
    """

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        quiet_http_loggers()
        self.limits = limits = limits or FetchLimits()
        shards = 1 if transport is not None else max(1, limits.max_concurrency // CONNECTIONS_PER_CLIENT)
        per_client = -(-limits.max_concurrency // shards)  # ceiling division
        self._clients = [
            httpx.AsyncClient(
                follow_redirects=True,
                max_redirects=limits.max_redirects,
                timeout=httpx.Timeout(limits.total_timeout, connect=limits.connect_timeout),
                limits=httpx.Limits(max_connections=per_client),
                headers={"User-Agent": limits.user_agent, "Accept": ACCEPT},
                transport=transport,
            )
            for _ in range(shards)
        ]
        self._global = asyncio.Semaphore(limits.max_concurrency)
        self._hosts: dict[str, asyncio.Queue[int]] = {}  # free per-host slots

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._clients:
            await client.aclose()

    def _host_of(self, url: str) -> str:
        try:
            return (urlsplit(url).hostname or "").lower()
        except ValueError:  # httpx reports the malformed URL itself, inside fetch's try
            return ""

    def _slots(self, host: str) -> asyncio.Queue[int]:
        slots = self._hosts.get(host)
        if slots is None:
            slots = self._hosts[host] = asyncio.Queue()
            for slot in range(self.limits.per_host):
                slots.put_nowait(slot)
        return slots

    def _client_for(self, host: str, slot: int) -> httpx.AsyncClient:
        base = zlib.crc32(host.encode("utf-8", "replace"))
        return self._clients[(base + slot) % len(self._clients)]

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime,
    ) -> FetchResult:
        """Conditional GET of `url`; every failure comes back as a classified FetchResult."""
        # Host slot first: a task waiting on a busy host must not hold a global slot.
        host = self._host_of(url)
        slots = self._slots(host)
        slot = await slots.get()
        try:
            async with self._global:
                return await self._fetch(url, etag, last_modified, now, self._client_for(host, slot))
        finally:
            slots.put_nowait(slot)

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None, now: datetime,
                     client: httpx.AsyncClient) -> FetchResult:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                status, headers, body, final = await self._get(client, url, etag, last_modified)
        except _FETCH_ERRORS as exc:
            return classify(
                url, limits=self.limits, now=now, exc=exc, elapsed=time.monotonic() - started,
            )
        return classify(
            url, limits=self.limits, now=now, elapsed=time.monotonic() - started,
            status_code=status, headers=headers, body=body, final_url=final,
            sent_etag=etag, sent_last_modified=last_modified,
        )

    async def _get(
        self, client: httpx.AsyncClient, url: str, etag: str | None, last_modified: str | None
    ) -> tuple[int, httpx.Headers, bytes | None, str]:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with client.stream("GET", url, headers=headers) as resp:
            if resp.is_success:
                body: bytes | None = await self._read_body(resp)
            else:
                body = None
                await _drain(resp)
            return resp.status_code, resp.headers, body, str(resp.url)

    async def _read_body(self, resp: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        # Counting decoded bytes also caps a small gzip body that inflates to gigabytes.
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)


DRAIN_MAX = 64 * 1024


async def _drain(resp: httpx.Response) -> None:
    """Read a small non-success body (a 304 has none) to its end, so the keep-alive
    connection goes back to the pool instead of being closed; give up on big ones."""
    seen = 0
    async for chunk in resp.aiter_raw():
        seen += len(chunk)
        if seen > DRAIN_MAX:
            return
