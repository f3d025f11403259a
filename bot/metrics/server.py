"""Serves `/metrics` (prometheus_client's own WSGI app) and `/healthz` from a thread of its
own, so a scrape never waits for the event loop and a wedged loop still gets a 503.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import make_wsgi_app

from bot.metrics.collectors import Metrics
from bot.metrics.liveness import liveness

StartResponse = Callable[..., Any]
HEALTH_PATHS = ("/healthz", "/livez")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # a scrape every few seconds is not news


def make_app(metrics: Metrics) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app: /metrics, /healthz (and /livez), 404 for anything else."""
    prometheus = make_wsgi_app(metrics.registry)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return prometheus(environ, start_response)  # type: ignore[no-any-return]
        if path in HEALTH_PATHS:
            alive, body = liveness(metrics.ticks(), metrics.started, metrics.clock())
            return _json(start_response, "200 OK" if alive else "503 Service Unavailable",
                         body)
        return _json(start_response, "404 Not Found",
                     {"status": "not found", "paths": ["/metrics", *HEALTH_PATHS]})

    return app


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data))), ("Cache-Control", "no-store")])
    return [data]


class MetricsServer:
    """The HTTP server on its thread; `close` stops it. Binding errors (address in use, no
    such interface) raise OSError from the constructor."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        server_class = _Server6 if ":" in host else _Server
        self._httpd = make_server(host, port, make_app(metrics), server_class=server_class,
                                  handler_class=_Quiet)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.5}, name="metrics",
                                        daemon=True)
        self._thread.start()
        self.metrics = metrics
        metrics.serving = True

    def close(self) -> None:
        self.metrics.serving = False
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
