"""bot.ingest.fetch against the real loopback FeedServer: every outcome, limits and request headers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from feedserver import FeedServer, unused_url

from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import FetchLimits, FetchResult, Outcome, classify, parse_retry_after

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
FAST = FetchLimits(connect_timeout=2, total_timeout=0.6, max_bytes=1_000_000)
ITEMS = [{"title": "Union State talks resume", "link": "https://news.test/1", "guid": "1"}]


def fetch(url: str, limits: FetchLimits = FAST, **kw: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(limits) as fetcher:
            return await fetcher.fetch(url, now=NOW, **kw)

    return asyncio.run(go())


def fetch_twice(url: str) -> tuple[FetchResult, FetchResult]:
    async def go() -> tuple[FetchResult, FetchResult]:
        async with Fetcher(FAST) as fetcher:
            first = await fetcher.fetch(url, now=NOW)
            second = await fetcher.fetch(
                url, etag=first.etag, last_modified=first.last_modified, now=NOW
            )
            return first, second

    return asyncio.run(go())


def test_200_then_304_with_conditional_headers(feed_server: FeedServer) -> None:
    feed_server.set_feed("/f.xml", ITEMS)
    first, second = fetch_twice(feed_server.url("/f.xml"))
    assert first.outcome is Outcome.OK and first.ok and first.status_code == 200
    assert first.body and b"Union State talks resume" in first.body
    assert first.etag and first.last_modified and first.content_type == "application/rss+xml"
    assert second.outcome is Outcome.NOT_MODIFIED and second.ok and second.body is None
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    sent = feed_server.headers("/f.xml")
    assert "if-none-match" not in sent[0]
    assert sent[1]["if-none-match"] == first.etag
    assert sent[1]["if-modified-since"] == first.last_modified


def test_last_modified_alone_gets_304(feed_server: FeedServer) -> None:
    feed_server.set_feed("/f.xml", ITEMS)
    first = fetch(feed_server.url("/f.xml"))
    second = fetch(feed_server.url("/f.xml"), last_modified=first.last_modified)
    assert second.outcome is Outcome.NOT_MODIFIED


def test_changed_feed_answers_200_with_new_etag(feed_server: FeedServer) -> None:
    feed_server.set_feed("/f.xml", ITEMS)
    first = fetch(feed_server.url("/f.xml"))
    feed_server.add_item("/f.xml", {"title": "Treaty ratified", "guid": "2"})
    second = fetch(feed_server.url("/f.xml"), etag=first.etag, last_modified=first.last_modified)
    assert second.outcome is Outcome.OK and second.etag != first.etag
    assert second.body and b"Treaty ratified" in second.body


def test_user_agent_and_accept_sent(feed_server: FeedServer) -> None:
    feed_server.set_feed("/f.xml", ITEMS)
    fetch(feed_server.url("/f.xml"))
    sent = feed_server.headers("/f.xml")[0]
    assert sent["user-agent"] == FetchLimits().user_agent
    assert "application/rss+xml" in sent["accept"]


@pytest.mark.parametrize(
    ("status", "retry_after", "outcome", "delay", "error"),
    [
        (500, None, Outcome.HTTP_ERROR, None, "HTTP 500"),
        (404, None, Outcome.HTTP_ERROR, None, "HTTP 404"),
        (429, "120", Outcome.RATE_LIMITED, timedelta(seconds=120), "HTTP 429 (retry after 120s)"),
        (429, None, Outcome.RATE_LIMITED, None, "HTTP 429"),
        (503, format_datetime(NOW + timedelta(minutes=5), usegmt=True), Outcome.UNAVAILABLE,
         timedelta(minutes=5), "HTTP 503 (retry after 300s)"),
        (503, "soon", Outcome.UNAVAILABLE, None, "HTTP 503"),
    ],
    ids=["500", "404", "429-seconds", "429-no-header", "503-http-date", "503-garbage-header"],
)
def test_http_errors(feed_server: FeedServer, status: int, retry_after: str | None,
                     outcome: Outcome, delay: timedelta | None, error: str) -> None:
    feed_server.set_status("/e", status, retry_after=retry_after)
    result = fetch(feed_server.url("/e"))
    assert (result.outcome, result.status_code, result.retry_after, result.error) == (
        outcome, status, delay, error)
    assert result.failed and result.body is None


def test_slow_body_hits_total_timeout(feed_server: FeedServer) -> None:
    feed_server.set_slow("/slow", b"<rss>" + b" " * 100 + b"</rss>", interval=0.1)
    started = time.monotonic()
    result = fetch(feed_server.url("/slow"))
    assert result.outcome is Outcome.TIMEOUT and result.error == "timed out after 0.6s"
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("size", "declare"),
    [(None, False), (50_000_000, True), (2_000_000, False)],
    ids=["endless-stream", "declared-content-length", "undeclared-2mb"],
)
def test_huge_body_hits_size_cap(feed_server: FeedServer, size: int | None, declare: bool) -> None:
    feed_server.set_huge("/huge", size, declare_length=declare)
    started = time.monotonic()
    result = fetch(feed_server.url("/huge"))
    assert result.outcome is Outcome.TOO_LARGE and result.error == "body over 1000000 bytes"
    assert result.body is None
    assert time.monotonic() - started < 3


def test_body_just_under_cap_is_ok(feed_server: FeedServer) -> None:
    feed_server.set_huge("/big", 999_000)
    result = fetch(feed_server.url("/big"))
    assert result.outcome is Outcome.OK and result.body is not None and len(result.body) == 999_000


def test_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.set_redirect("/loop", "/loop")
    result = fetch(feed_server.url("/loop"))
    assert result.outcome is Outcome.TOO_MANY_REDIRECTS and result.error == "more than 5 redirects"
    assert feed_server.count("/loop") == 6  # the first request plus five followed redirects


def test_redirect_followed_to_final_url(feed_server: FeedServer) -> None:
    feed_server.set_feed("/new.xml", ITEMS)
    feed_server.set_redirect("/old.xml", "/new.xml", status=301)
    result = fetch(feed_server.url("/old.xml"))
    assert result.outcome is Outcome.OK and result.final_url == feed_server.url("/new.xml")


@pytest.mark.parametrize(
    "url",
    [unused_url(), "http://127.0.0.1:0/feed", "ftp://127.0.0.1/feed", "http://[::1/feed"],
    ids=["connection-refused", "port-zero", "unsupported-scheme", "malformed-url"],
)
def test_network_errors_never_raise(url: str) -> None:
    result = fetch(url)
    assert result.outcome is Outcome.NETWORK_ERROR and result.error and result.failed


def test_per_host_limit_serialises_requests(feed_server: FeedServer) -> None:
    # Four feeds on one host, as when an outlet publishes several feeds.
    urls = []
    for i in range(4):
        feed_server.set_slow(f"/s{i}.xml", b"abcd", interval=0.15)  # ~0.45 s per request
        urls.append(feed_server.url(f"/s{i}.xml"))

    async def go(limits: FetchLimits) -> float:
        async with Fetcher(limits) as fetcher:
            started = time.monotonic()
            results = await asyncio.gather(*(fetcher.fetch(url, now=NOW) for url in urls))
            assert all(r.outcome is Outcome.OK for r in results)
            return time.monotonic() - started

    limits = FetchLimits(total_timeout=5, per_host=2)
    assert asyncio.run(go(limits)) >= 0.85  # two waves of two
    assert asyncio.run(go(FetchLimits(total_timeout=5, per_host=4))) < 0.85


def test_unchanged_feed_reuses_one_connection(feed_server: FeedServer) -> None:
    """Keep-alive: polls of unchanged feeds on one host ride one TCP connection."""
    feed_server.set_feed("/keep.xml", ITEMS)
    url = feed_server.url("/keep.xml")

    async def go() -> list[FetchResult]:
        async with Fetcher(FAST) as fetcher:
            first = await fetcher.fetch(url, now=NOW)
            return [first] + [await fetcher.fetch(url, etag=first.etag, now=NOW) for _ in range(5)]

    before = feed_server.connections
    results = asyncio.run(go())
    assert [r.outcome for r in results[1:]] == [Outcome.NOT_MODIFIED] * 5
    assert feed_server.connections - before == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", timedelta(seconds=30)),
        (" 0 ", timedelta(0)),
        ("Sat, 01 Mar 2025 12:02:00 GMT", timedelta(minutes=2)),
        ("Sat, 01 Mar 2025 11:00:00 GMT", timedelta(0)),
        ("-5", None),
        ("tomorrow", None),
        (None, None),
    ],
    ids=["seconds", "zero-padded", "http-date", "past-date-clamped", "negative", "garbage", "none"],
)
def test_parse_retry_after(value: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_classify_304_keeps_sent_validators_when_server_omits_them() -> None:
    result = classify("https://f.test/", limits=FAST, now=NOW, status_code=304, headers={},
                      sent_etag='"x"', sent_last_modified="Sat, 01 Mar 2025 11:00:00 GMT")
    assert result.outcome is Outcome.NOT_MODIFIED
    assert (result.etag, result.last_modified) == ('"x"', "Sat, 01 Mar 2025 11:00:00 GMT")


@pytest.mark.parametrize(
    ("no_proxy", "via_proxy"),
    [("", True), ("127.0.0.1", False), ("localhost, 127.0.0.1:8080", False), ("*", False),
     ("10.0.0.1,example.test", True)],
    ids=["proxied", "host-bypassed", "list-with-port", "star-bypassed", "other-hosts"],
)
def test_http_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch, no_proxy: str,
                                         via_proxy: bool) -> None:
    """HTTP_PROXY and NO_PROXY are honoured as httpx did: the proxy gets the absolute URL."""
    seen: list[bytes] = []
    target = unused_url()  # nothing listens there: a direct request is refused

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")[0])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\n<rss/>")
        await writer.drain()
        writer.close()

    async def go() -> FetchResult:
        server = await asyncio.start_server(proxy, "127.0.0.1", 0)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        monkeypatch.setenv("NO_PROXY", no_proxy)
        async with server, Fetcher(FAST) as fetcher:
            return await fetcher.fetch(target, now=NOW)

    result = asyncio.run(go())
    if via_proxy:
        assert seen == [f"GET {target} HTTP/1.1".encode()] and result.body == b"<rss/>"
    else:
        assert seen == [] and result.outcome is Outcome.NETWORK_ERROR
