"""The HTTP adapter: conditional GET of feeds with aiohttp under size, time and concurrency
limits (global and per host). `Fetcher.fetch` never raises: see `bot.ingest.outcome`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import aiohttp

from bot.ingest.outcome import BodyTooLarge, FetcherClosed, FetchLimits, FetchResult, classify
from bot.ingest.slots import Lane

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


def quiet_http_loggers() -> None:
    """Keep httpx/httpcore (python-telegram-bot's client) at WARNING: at INFO they log full
    URLs, and Telegram's carry the token."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


# What "a network problem" may look like coming out of aiohttp/the socket layer.
_FETCH_ERRORS = (
    aiohttp.ClientError,  # connection, payload, redirects, invalid URL, oversized headers
    OSError,
    TimeoutError,
    BodyTooLarge,
    ValueError,  # malformed header values, IDNA failures
    FetcherClosed,
)

# A request still running after this gives its host and global slots back (see slots.py).
STALL_AFTER = 2.0
# Connections beyond the concurrency bound: stalled requests keep theirs until they end.
STALL_HEADROOM = 4
CHUNK = 64 * 1024
DRAIN_MAX = 64 * 1024


class Fetcher:
    """Owns the aiohttp session plus the global and per-host concurrency bounds.

    aiohttp rather than httpx for feeds: a conditional GET answered 304 costs about 0.23 ms
    of CPU with aiohttp against 1.05 ms with httpx (0.70 ms with httpcore alone), measured
    on loopback with keep-alive, and an unchanged feed is what almost every poll is. The
    session is made on first use, inside the running event loop, as aiohttp requires.
    """

    def __init__(self, limits: FetchLimits | None = None) -> None:
        quiet_http_loggers()
        self.limits = limits = limits or FetchLimits()
        self._session: aiohttp.ClientSession | None = None
        self._closed = False
        # HTTP(S)_PROXY / NO_PROXY, as httpx (and so PTB) honour them.
        self._proxies = {k: v for k, v in urllib.request.getproxies_environment().items()
                         if k in ("http", "https", "no")}
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
        self._closed = True  # a fetch still starting now fails, classified, not raises
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise FetcherClosed
        if self._session is None:
            limits = self.limits
            connector = aiohttp.TCPConnector(
                limit=limits.max_concurrency * STALL_HEADROOM, limit_per_host=0,
                ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector,
                # The total bound is asyncio.timeout around the whole exchange, in _fetch.
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=limits.connect_timeout),
                headers={"User-Agent": limits.user_agent, "Accept": ACCEPT},
                cookie_jar=aiohttp.DummyCookieJar(),  # feeds have no business setting cookies
                # trust_env would re-read the proxy variables and ~/.netrc on every request
                # (0.6 ms of CPU each); the proxies are read once, in __init__, instead.
                trust_env=False, raise_for_status=False,
            )
        return self._session

    def _proxy_for(self, url: str) -> str | None:
        if not self._proxies:
            return None
        parts = urlsplit(url)
        if _bypassed((parts.hostname or "").lower(), self._proxies.get("no", "")):
            return None
        return self._proxies.get(parts.scheme.lower())

    def _host_of(self, url: str) -> str:
        try:
            return (urlsplit(url).hostname or "").lower()
        except ValueError:  # aiohttp reports the malformed URL itself, inside fetch's try
            return ""

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
        return await lane.run(host, lambda _slot: self._fetch(url, etag, last_modified, now))

    @property
    def stalled(self) -> int:
        """Requests running on after giving their slots back (hanging servers)."""
        return self._healthy.stalled + self._suspect.stalled

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None,
                     now: datetime) -> FetchResult:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                status, headers, body, final = await self._get(url, etag, last_modified)
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
        self, url: str, etag: str | None, last_modified: str | None
    ) -> tuple[int, Mapping[str, str], bytes | None, str]:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        hops = self.limits.max_redirects
        # aiohttp refuses the n-th redirect response for max_redirects=n; ours follows n.
        async with self._open().get(url, headers=headers, allow_redirects=hops > 0,
                                    max_redirects=hops + 1, proxy=self._proxy_for(url)) as resp:
            if 200 <= resp.status < 300:
                body: bytes | None = await self._read_body(resp)
            else:
                body = None
                await _drain(resp)
            return resp.status, _latin1_headers(resp.headers), body, str(resp.url)

    async def _read_body(self, resp: aiohttp.ClientResponse) -> bytes:
        cap = self.limits.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > cap:
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        # Counting decoded bytes also caps a small gzip body that inflates to gigabytes.
        async for chunk in resp.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge
            chunks.append(chunk)
        return b"".join(chunks)


def _bypassed(host: str, no_proxy: str) -> bool:
    """NO_PROXY as curl and httpx read it: `*`, or hosts and domains (with or without a
    leading dot), ports ignored."""
    for entry in no_proxy.split(","):
        name = entry.strip().lower().lstrip(".").rsplit(":", 1)[0] if "]" not in entry else \
            entry.strip().lower()
        if name == "*" or (name and (host == name or host.endswith("." + name))):
            return True
    return False


def _latin1_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header values as Latin-1, like httpx: aiohttp turns bytes that are not UTF-8 into
    lone surrogates, which no database stores (a bad ETag would stop the feed's save)."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        out.setdefault(name.lower(), value.encode("utf-8", "surrogateescape").decode("latin-1"))
    return out


async def _drain(resp: aiohttp.ClientResponse) -> None:
    """Read a small non-success body (a 304 has none) to its end, so the keep-alive
    connection goes back to the pool instead of being closed; give up on big ones."""
    seen = 0
    async for chunk in resp.content.iter_chunked(CHUNK):
        seen += len(chunk)
        if seen > DRAIN_MAX:
            return
