"""The HTTP adapter: conditional GET of feeds with httpx under size, time and concurrency
limits (global and per host). `Fetcher.fetch` never raises: see `bot.ingest.outcome`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from datetime import datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from bot.ingest.outcome import BodyTooLarge, FetchLimits, FetchResult, classify
from bot.ingest.slots import Lane

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def quiet_http_loggers() -> None:
    """Keep httpx/httpcore at WARNING: at INFO they log full URLs, and Telegram's carry the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


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
# A request still running after this gives its host and global slots back (see slots.py).
STALL_AFTER = 2.0
# Connections per client beyond its share: stalled requests keep theirs until they end.
STALL_HEADROOM = 4


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
                limits=httpx.Limits(max_connections=per_client * STALL_HEADROOM),
                headers={"User-Agent": limits.user_agent, "Accept": ACCEPT},
                transport=transport,
            )
            for _ in range(shards)
        ]
        # Feeds whose last poll failed (they may hang again) have a lane of their own, so
        # they never queue in front of healthy feeds of the same host.
        self._healthy = Lane(limits.per_host, limits.max_concurrency, STALL_AFTER)
        self._suspect = Lane(1, max(1, limits.max_concurrency // 4), STALL_AFTER)

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
        suspect: bool = False,
    ) -> FetchResult:
        """Conditional GET of `url`; every failure comes back as a classified FetchResult.
        `suspect`: the feed's last poll failed (it may hang again)."""
        host = self._host_of(url)
        lane = self._suspect if suspect else self._healthy
        return await lane.run(host, lambda slot: self._fetch(
            url, etag, last_modified, now, self._client_for(host, slot + (suspect << 8))))

    @property
    def stalled(self) -> int:
        """Requests running on after giving their slots back (hanging servers)."""
        return self._healthy.stalled + self._suspect.stalled

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
