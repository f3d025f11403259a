"""Every number that comes from outside is bounded: Retry-After headers, durations typed in
chat or config, whole HTTP answers, feed dates. Property-based (hypothesis) and by table.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config, parse_duration
from bot.config.values import MAX_DURATION
from bot.ingest.feedparse import EARLIEST, Origin, parse_feed
from bot.ingest.fetch import Fetcher
from bot.ingest.outcome import (
    RETRY_AFTER_MAX,
    FetchLimits,
    FetchResult,
    Outcome,
    parse_retry_after,
)
from bot.ingest.schedule import next_poll_after_failure

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
HEADER_TEXT = st.text(alphabet=st.characters(codec="latin-1"), max_size=80)
HOSTILE_RETRY_AFTER = st.one_of(
    HEADER_TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
)


@given(HOSTILE_RETRY_AFTER)
def test_retry_after_is_none_or_within_bounds(value: str) -> None:
    wait = parse_retry_after(value, NOW)
    assert wait is None or timedelta(0) <= wait <= RETRY_AFTER_MAX


@pytest.mark.parametrize(
    ("value", "expected"),
    [("99999999999999", RETRY_AFTER_MAX), ("9" * 60, RETRY_AFTER_MAX),
     ("Fri, 31 Dec 9999 23:59:59 GMT", RETRY_AFTER_MAX),
     ("Thu, 01 Jan 1970 00:00:00 GMT", timedelta(0)), ("1.5", None), ("²", None),
     ("9" * 100, None)],
    ids=["huge-seconds", "sixty-digits", "year-9999", "epoch", "fraction", "superscript",
         "longer-than-any-header"],
)
def test_hostile_retry_after(value: str, expected: timedelta | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@given(st.integers(min_value=0, max_value=10**6), HOSTILE_RETRY_AFTER)
def test_the_next_poll_of_a_failing_feed_never_overflows(failures: int, header: str) -> None:
    config = Config.model_validate({"feeds": [{"url": "https://f.test/rss"}]})
    when = next_poll_after_failure(config, config.feeds[0], failures,
                                   parse_retry_after(header, NOW), NOW)
    assert NOW < when <= NOW + max(config.fetch.backoff_max, RETRY_AFTER_MAX)


@given(st.text(max_size=60))
def test_parse_duration_raises_only_value_error(text: str) -> None:
    try:
        value = parse_duration(text)
    except ValueError:
        return
    assert timedelta(0) <= value <= MAX_DURATION


@pytest.mark.parametrize("text", ["99999999999d", "3651d", "87601h", "9" * 30 + "s"],
                         ids=["eleven-digit-days", "over-ten-years", "hours-over", "30-digits"])
def test_absurd_durations_are_refused_clearly(text: str) -> None:
    with pytest.raises(ValueError, match="too long|not a duration"):
        parse_duration(text)


# An HTTP answer from a hostile server: any status, any headers, any body.
ANSWERS = st.builds(
    lambda status, headers, body: (status, headers, body),
    st.integers(min_value=100, max_value=599),
    st.dictionaries(
        st.sampled_from(["retry-after", "content-length", "content-type", "etag",
                         "last-modified", "content-encoding", "location", "x-junk"]),
        HEADER_TEXT, max_size=5),
    st.binary(max_size=2048),
)


def raw_answer(status: int, headers: dict[str, str], body: bytes) -> bytes:
    """The answer as bytes on the wire, headers unchecked: a hostile server's view."""
    lines = [f"HTTP/1.1 {status} Whatever"] + [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS)
def test_fetch_never_raises(answer: tuple[int, dict[str, str], bytes]) -> None:
    """Any status, any (even malformed) header values and any body, over a real socket."""
    status, headers, body = answer

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(raw_answer(status, headers, body))
        await writer.drain()
        writer.close()

    async def go() -> Outcome:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        limits = FetchLimits(total_timeout=2, max_bytes=1024)
        async with server, Fetcher(limits) as fetcher:
            result = await fetcher.fetch(f"http://127.0.0.1:{port}/rss", etag='"x"', now=NOW)
        assert result.retry_after is None or result.retry_after <= RETRY_AFTER_MAX
        assert all(storable(getattr(result, f.name)) for f in dataclasses.fields(result))
        return result.outcome

    assert isinstance(asyncio.run(go()), Outcome)


def rss_with_date(value: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            f"<title>Story</title><guid>g1</guid><pubDate>{value}</pubDate></item>"
            "</channel></rss>").encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Fri, 31 Dec 9999 23:59:59 GMT", NOW),  # far future: read as "now"
     ("Sat, 01 Mar 2025 18:00:00 GMT", datetime(2025, 3, 1, 18, 0, tzinfo=UTC)),  # a zone slip
     ("Thu, 01 Jan 1970 00:00:00 GMT", None),  # the epoch is a parse artefact
     ("Mon, 01 Jan 0001 00:00:00 GMT", None),
     ("not a date", None),
     ("Fri, 06 Dec 2024 15:00:00 +0300", datetime(2024, 12, 6, 12, 0, tzinfo=UTC))],
    ids=["year-9999", "hours-ahead", "epoch", "year-1", "garbage", "real"],
)
def test_feed_dates_are_bounded(value: str, expected: datetime | None) -> None:
    parsed = parse_feed(rss_with_date(value), content_type=None,
                        origin=Origin("f", "https://f.test/rss"), now=NOW)
    (entry,) = parsed.entries
    assert entry.published == expected
    assert entry.published is None or EARLIEST <= entry.published <= NOW + timedelta(days=1)


def storable(value: object) -> bool:
    """What a database can store: no lone surrogates (aiohttp's view of non-UTF-8 bytes)."""
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in value


@pytest.mark.parametrize(
    ("headers", "expected_etag"),
    [({"ETag": '"caf\xe9"'}, '"caf\xe9"'), ({"ETag": '"\xff\xfe"'}, '"\xff\xfe"'),
     ({"Location": "http://\xff\xfe/x"}, None)],
    ids=["latin-1-etag", "binary-etag", "binary-location"],
)
def test_non_utf8_header_bytes_come_back_storable(headers: dict[str, str],
                                                  expected_etag: str | None) -> None:
    status = 302 if "Location" in headers else 304

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(raw_answer(status, {**headers, "Content-Length": "0"}, b""))
        await writer.drain()
        writer.close()

    async def go() -> FetchResult:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, Fetcher(FetchLimits(total_timeout=2)) as fetcher:
            return await fetcher.fetch(f"http://127.0.0.1:{port}/rss", etag='"x"', now=NOW)

    result = asyncio.run(go())
    assert all(storable(getattr(result, f.name)) for f in dataclasses.fields(result))
    if expected_etag is not None:
        assert result.outcome is Outcome.NOT_MODIFIED and result.etag == expected_etag
    else:
        assert result.failed and result.error
