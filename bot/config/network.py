"""Listen addresses (`host:port`, `:port`, `[::1]:port`) and the webhook settings from the
environment, parsed and bounded, with errors that say what to write instead.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

_MAX_ADDR = 300  # longer than any host name (253) plus a port
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_PORT = re.compile(r"[0-9]{1,5}")
_ADDR_HINT = "write host:port, e.g. 127.0.0.1:9108, :9108 (every interface) or [::1]:9108"
# Telegram's own alphabet and length for secret_token (setWebhook).
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A path PTB can route literally (it builds a regular expression from it).
_PATH_RE = re.compile(r"(/[A-Za-z0-9_-]+)*/?")
OFFICIAL_API_HOST = "api.telegram.org"


class ListenAddr(BaseModel):
    """Where a server listens; an empty host means every interface."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int

    def __str__(self) -> str:
        host = self.host or "0.0.0.0"
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


class Webhook(BaseModel):
    """Webhook mode: the public URL Telegram posts to, the path this process serves (the
    URL's own path, so a proxy forwards it unchanged), the shared secret if one was set
    (else each start makes one) and where to listen."""

    model_config = ConfigDict(frozen=True)

    url: str
    url_path: str
    secret: str | None = Field(default=None, repr=False)
    listen: ListenAddr


def _host_ok(host: str) -> bool:
    if not host:
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    return len(host) <= 253 and all(_LABEL.fullmatch(p) for p in host.rstrip(".").split("."))


def parse_listen_addr(text: str) -> ListenAddr:
    """`host:port`, `:port` or `[v6]:port` with a port in 1..65535. Raises ValueError
    (never anything else) saying what is wrong."""
    text = text.strip()
    if len(text) > _MAX_ADDR:
        raise ValueError(f"too long ({len(text)} characters): {_ADDR_HINT}")
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
        if not sep or ":" not in host:
            raise ValueError(f"{text!r} is not an address: {_ADDR_HINT}")
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            raise ValueError(f"{text!r} has no port: {_ADDR_HINT}")
        if ":" in host:
            raise ValueError(f"{text!r}: put an IPv6 address in brackets, e.g. [::1]:9108")
    if not _host_ok(host):
        raise ValueError(f"{host!r} is not a host name or IP address: {_ADDR_HINT}")
    if not _PORT.fullmatch(port) or not 1 <= int(port) <= 65535:
        raise ValueError(f"{port!r} is not a port: use a number from 1 to 65535")
    return ListenAddr(host=host, port=int(port))


def check_webhook_url(url: str, *, api_url: str, token: str | None) -> str:
    """The webhook URL's path to serve. Telegram itself takes https URLs only; a local Bot
    API server (any other TELEGRAM_API_URL) also posts to http ones. The URL must not carry
    the bot token: it is logged and Telegram shows it in getWebhookInfo."""
    if token and token in url:
        raise ValueError("must not contain the bot token (the secret token protects the hook)")
    if len(url) > 2000:
        raise ValueError("is too long (at most 2000 characters)")
    parts = urlsplit(url)
    official = urlsplit(api_url).hostname == OFFICIAL_API_HOST
    schemes = ("https",) if official else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname:
        need = "an https URL (Telegram posts to https only)" if official else "an http(s) URL"
        raise ValueError(f"{url!r} is not {need}")
    if parts.fragment or parts.username or parts.password:
        raise ValueError(f"{url!r}: no #fragment or user:password@ in a webhook URL")
    path = parts.path or "/"
    if not _PATH_RE.fullmatch(path):
        raise ValueError(f"{url!r}: use a path of letters, digits, '_', '-' and '/'")
    return path.rstrip("/") or "/"


def check_secret(secret: str) -> str:
    if not SECRET_RE.fullmatch(secret):
        raise ValueError("use 1 to 256 characters of A-Z, a-z, 0-9, '_' and '-' "
                         "(Telegram's alphabet for secret_token)")
    return secret
