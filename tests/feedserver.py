"""A real loopback HTTP feed server for fetch, parse, pipeline, end-to-end and benchmark tests.

Usage::

    with FeedServer() as server:                      # 127.0.0.1, OS-chosen port, daemon thread
        server.set_feed("/a.xml", [{"title": "Talks in Minsk", "link": "https://x.test/1"}])
        url = server.url("/a.xml")                    # "http://127.0.0.1:<port>/a.xml"
        ...                                           # fetch it with the real Fetcher
        server.add_item("/a.xml", {"title": "A second story", "guid": "2"})  # feed changes
        assert server.count("/a.xml") == 2            # per-path request counter
        assert server.headers("/a.xml")[-1]["if-none-match"]  # request headers log

Routes are plain data (`Route`, a frozen dataclass) looked up by exact path (query included),
then by path without the query; unknown paths answer 404. Kinds of route:

* ``set_feed(path, items, fmt="rss"|"atom", encoding=..., declare="prolog"|"header")``: a feed
  built from dicts by `rss()` / `atom()`, with an ETag (hash of the body) and Last-Modified;
  answers 304 to a matching If-None-Match (or, without it, a matching If-Modified-Since).
  `add_item` prepends an item and bumps ETag/Last-Modified; `set_items` replaces them.
* ``set_status(path, 500)``, ``set_status(path, 429, retry_after="120")``: error answers.
* ``set_slow(path, body, interval=0.2)``: headers at once, then one byte per `interval`.
* ``set_huge(path, size=None)``: a 200 body of `size` bytes (endless when None) streamed in
  64 KiB chunks; ``declare_length=True`` announces it in Content-Length up front.
* ``set_redirect(path, to)`` (a loop when `to == path`), ``set_raw(path, body, content_type)``
  for anything else (HTML pages, entity bombs, fixture files via `set_file`).

Item dicts take: title, link, guid, summary (HTML allowed; escaped into the XML), content,
published (aware datetime or a literal string), lang. All state is guarded by one lock;
handler threads are daemons; slow/huge writers stop on client disconnect or `stop()`.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from xml.sax.saxutils import escape, quoteattr

Item = dict[str, Any]
_CHUNK = 64 * 1024
_MAX_STREAM_SECONDS = 60.0  # a safety stop for trickling/endless writers
_BASE_TIME = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def rss(items: list[Item], *, title: str = "Test feed", link: str = "https://news.test/",
        lang: str | None = "en", encoding: str | None = "utf-8") -> str:
    """An RSS 2.0 document; `encoding` goes into the XML prolog (None: no declaration)."""
    parts = [_prolog(encoding),
             '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
             f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>",
             f"<description>{escape(title)}</description>"]
    if lang:
        parts.append(f"<language>{escape(lang)}</language>")
    for item in items:
        parts.append("<item>")
        parts.append(_tag("title", item.get("title")))
        parts.append(_tag("link", item.get("link")))
        if item.get("guid") is not None:
            permalink = "true" if item.get("permalink") else "false"
            parts.append(f'<guid isPermaLink="{permalink}">{escape(str(item["guid"]))}</guid>')
        parts.append(_tag("description", item.get("summary")))
        parts.append(_tag("content:encoded", item.get("content")))
        parts.append(_tag("pubDate", _date(item.get("published"), rfc822=True)))
        if item.get("source") is not None:  # (name, url): an aggregator names the outlet
            name, url = item["source"]
            parts.append(f"<source url={quoteattr(url)}>{escape(name)}</source>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "\n".join(p for p in parts if p)


def atom(items: list[Item], *, title: str = "Test feed", link: str = "https://news.test/",
         lang: str | None = "en", encoding: str | None = "utf-8") -> str:
    """An Atom 1.0 document with the same item dicts as `rss()`."""
    lang_attr = f" xml:lang={quoteattr(lang)}" if lang else ""
    parts = [_prolog(encoding), f'<feed xmlns="http://www.w3.org/2005/Atom"{lang_attr}>',
             _tag("title", title), f"<link href={quoteattr(link)}/>",
             "<id>urn:test:feed</id>", _tag("updated", _date(_BASE_TIME, rfc822=False))]
    for item in items:
        parts.append("<entry>")
        parts.append(_tag("title", item.get("title")))
        if item.get("link"):
            parts.append(f"<link rel=\"alternate\" href={quoteattr(str(item['link']))}/>")
        parts.append(_tag("id", item.get("guid")))
        if item.get("summary") is not None:
            parts.append(f'<summary type="html">{escape(str(item["summary"]))}</summary>')
        if item.get("content") is not None:
            parts.append(f'<content type="html">{escape(str(item["content"]))}</content>')
        parts.append(_tag("published", _date(item.get("published"), rfc822=False)))
        parts.append("</entry>")
    parts.append("</feed>\n")
    return "\n".join(p for p in parts if p)


def _prolog(encoding: str | None) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'


def _tag(name: str, value: object) -> str:
    return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"


def _date(value: object, *, rfc822: bool) -> str | None:
    if isinstance(value, datetime):
        return format_datetime(value) if rfc822 else value.isoformat()
    return None if value is None else str(value)


@dataclass(frozen=True)
class Route:
    """One path's answer; frozen so handler threads can read it without the lock."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/rss+xml"
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    trickle: float | None = None  # seconds between single bytes of the body
    stream_size: int | None = None  # streamed synthetic body; -1 means endless
    declare_length: bool = True
    # Mutable-feed state, so add_item can rebuild the body.
    items: tuple[Item, ...] = ()
    feed_opts: tuple[tuple[str, Any], ...] = ()
    version: int = 0


@dataclass
class _Log:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    headers: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


class FeedServer:
    """A ThreadingHTTPServer on 127.0.0.1:0 in a daemon thread, configured with plain data."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self._log = _Log()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.connections = 0  # TCP connections accepted, to check keep-alive

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"feed_server": self})
        httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="feed-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- configuration ---------------------------------------------------------------------
    def set_route(self, path: str, route: Route) -> None:
        with self._lock:
            self._routes[path] = route

    def set_feed(self, path: str, items: list[Item] | tuple[Item, ...] = (), *,
                 fmt: Literal["rss", "atom"] = "rss", encoding: str = "utf-8",
                 declare: Literal["prolog", "header", "both"] = "prolog", title: str = "Test feed",
                 lang: str | None = "en", content_type: str | None = None) -> None:
        """A conditional-GET-aware feed whose items can later change (add_item/set_items)."""
        opts = (("fmt", fmt), ("encoding", encoding), ("declare", declare), ("title", title),
                ("lang", lang), ("content_type", content_type))
        with self._lock:
            old = self._routes.get(path)
            version = old.version + 1 if old else 0
            self._routes[path] = _feed_route(tuple(items), opts, version)

    def set_items(self, path: str, items: list[Item]) -> None:
        with self._lock:
            old = self._routes[path]
            self._routes[path] = _feed_route(tuple(items), old.feed_opts, old.version + 1)

    def add_item(self, path: str, item: Item) -> None:
        """Prepend `item` (newest first, as real feeds do) and bump ETag/Last-Modified."""
        with self._lock:
            old = self._routes[path]
            self._routes[path] = _feed_route((item, *old.items), old.feed_opts, old.version + 1)

    def set_status(self, path: str, status: int, *, retry_after: str | None = None,
                   body: bytes = b"error\n") -> None:
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        self.set_route(path, Route(status=status, body=body, content_type="text/plain",
                                   headers=headers))

    def set_slow(self, path: str, body: bytes, *, interval: float = 0.2) -> None:
        self.set_route(path, Route(body=body, trickle=interval))

    def set_huge(self, path: str, size: int | None = None, *, declare_length: bool = False) -> None:
        self.set_route(path, Route(stream_size=-1 if size is None else size,
                                   declare_length=declare_length and size is not None))

    def set_redirect(self, path: str, to: str, *, status: int = 302) -> None:
        self.set_route(path, Route(status=status, content_type=None, headers=(("Location", to),)))

    def set_raw(self, path: str, body: bytes | str, content_type: str | None = "text/xml",
                *, status: int = 200) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.set_route(path, Route(status=status, body=data, content_type=content_type))

    def set_file(self, path: str, file: Path, content_type: str | None = "text/xml") -> None:
        self.set_raw(path, file.read_bytes(), content_type)

    # -- observation -----------------------------------------------------------------------
    def count(self, path: str) -> int:
        with self._lock:
            return self._log.counts.get(path, 0)

    def headers(self, path: str) -> list[dict[str, str]]:
        """Request headers of every request to `path`, oldest first, names lowercased."""
        with self._lock:
            return list(self._log.headers.get(path, []))

    def request_times(self, path: str) -> list[float]:
        """`time.monotonic()` of every request to `path`, for rate checks."""
        with self._lock:
            return list(self._log.times.get(path, []))

    def total_requests(self) -> int:
        with self._lock:
            return sum(self._log.counts.values())

    def reset_log(self) -> None:
        with self._lock:
            self._log = _Log()

    # -- used by the handler ---------------------------------------------------------------
    def _record(self, raw_path: str, headers: dict[str, str]) -> Route | None:
        path_only = raw_path.split("?", 1)[0]
        with self._lock:
            route = self._routes.get(raw_path) or self._routes.get(path_only)
            key = raw_path if raw_path in self._routes else path_only
            self._log.counts[key] += 1
            self._log.headers[key].append(headers)
            self._log.times[key].append(time.monotonic())
        return route


def _feed_route(items: tuple[Item, ...], opts: tuple[tuple[str, Any], ...], version: int) -> Route:
    o = dict(opts)
    build = atom if o["fmt"] == "atom" else rss
    declared = o["encoding"] if o["declare"] in ("prolog", "both") else None
    text = build(list(items), title=o["title"], lang=o["lang"], encoding=declared)
    body = text.encode(o["encoding"], errors="xmlcharrefreplace")
    ctype = o["content_type"] or ("application/atom+xml" if o["fmt"] == "atom"
                                  else "application/rss+xml")
    if o["declare"] in ("header", "both"):
        ctype += f"; charset={o['encoding']}"
    modified = _BASE_TIME + timedelta(minutes=version)
    return Route(body=body, content_type=ctype, items=items, feed_opts=opts, version=version,
                 etag='"' + hashlib.sha256(body).hexdigest()[:16] + '"',
                 last_modified=format_datetime(modified, usegmt=True))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the benchmark opens hundreds of connections at once
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    feed_server: FeedServer
    protocol_version = "HTTP/1.1"  # keep-alive, so clients reuse connections like in production

    def setup(self) -> None:
        super().setup()
        with self.feed_server._lock:
            self.feed_server.connections += 1
        # Headers and body go out in separate writes; with Nagle + delayed ACK each response
        # would stall ~40 ms on keep-alive connections.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a line per request on stderr would drown test output

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = self.feed_server._record(self.path, headers)
        if route is None:
            self._simple(404, b"not found\n", "text/plain")
        elif route.etag is not None and _not_modified(route, headers):
            self._simple(304, b"", None, _validators(route))
        elif route.stream_size is not None:
            self._stream(route)
        elif route.trickle is not None:
            self._trickle(route)
        else:
            self._simple(route.status, route.body, route.content_type,
                         route.headers + _validators(route))

    def _simple(self, status: int, body: bytes, ctype: str | None,
                extra: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in extra:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self._write(body)

    def _stream(self, route: Route) -> None:
        size = route.stream_size if route.stream_size and route.stream_size > 0 else None
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if size is not None and route.declare_length:
            self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")  # no length: the close ends the body
        self.close_connection = True
        self.end_headers()
        chunk = b"<!-- padding -->" * (_CHUNK // 16)
        sent, deadline = 0, time.monotonic() + _MAX_STREAM_SECONDS
        while (size is None or sent < size) and not self._should_stop(deadline):
            piece = chunk if size is None else chunk[: size - sent]
            if not self._write(piece):
                return
            sent += len(piece)

    def _trickle(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type or "application/rss+xml")
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        deadline = time.monotonic() + _MAX_STREAM_SECONDS
        for i in range(len(route.body)):
            if i:
                time.sleep(route.trickle or 0)
            if self._should_stop(deadline) or not self._write(route.body[i:i + 1]):
                self.close_connection = True
                return

    def _should_stop(self, deadline: float) -> bool:
        return self.feed_server._stopping.is_set() or time.monotonic() > deadline

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # the client gave up (size cap, timeout): expected, not an error
            self.close_connection = True
            return False
        return True


def _validators(route: Route) -> tuple[tuple[str, str], ...]:
    out: tuple[tuple[str, str], ...] = ()
    if route.etag:
        out += (("ETag", route.etag),)
    if route.last_modified:
        out += (("Last-Modified", route.last_modified),)
    return out


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or route.etag in tags
    since = headers.get("if-modified-since")
    return since is not None and since == route.last_modified


def unused_url(path: str = "/feed.xml") -> str:
    """A loopback URL on a port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


__all__ = ["FeedServer", "Item", "Route", "atom", "rss", "unused_url"]
