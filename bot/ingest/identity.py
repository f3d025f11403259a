"""Entry identity: canonical links and the keys by which an entry counts as "already seen".

Pure: no I/O, no clock. An entry is seen if ANY of its keys was stored before.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from bot.matching.textnorm import normalize
from bot.model import Entry

# Click trackers that never change which article a link points to.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "_openstat", "mc_cid", "mc_eid",
     "_ga", "_gl", "ysclid"}
)
_DEFAULT_PORTS = frozenset({80, 443})
HASH_LEN = 32


def canonical_link(url: str) -> str | None:
    """One spelling per article URL: https, bare lowercase host, no trackers/fragment/default port.

    None for anything that is not an absolute http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if parts.scheme.lower() not in ("http", "https") or not host or " " in host:
        return None
    # Feeds and aggregators link the same article with and without "www.", over http and https.
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, _clean_query(parts.query), ""))


def _clean_query(query: str) -> str:
    if not query:
        return ""
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not (k.lower().startswith("utm_") or k.lower() in TRACKING_PARAMS)
    ]
    return urlencode(sorted(pairs), quote_via=quote)


def entry_keys(entry: Entry) -> tuple[str, ...]:
    """Identity keys, strongest first: feed-scoped guid, canonical link, else a content hash."""
    keys: list[str] = []
    if entry.guid:
        # Scoped to the feed: non-permalink guids like "12345" collide across feeds.
        feed = canonical_link(entry.feed_url) or entry.feed_url
        keys.append(f"guid:{feed}:{entry.guid}")
    link = canonical_link(entry.link) if entry.link else None
    if link is None and entry.guid:
        link = canonical_link(entry.guid)  # permalink guids are the article URL
    if link is not None:
        keys.append(f"link:{link}")
    if not keys:
        keys.append(f"hash:{content_hash(entry)}")
    return tuple(keys)


def primary_key(entry: Entry) -> str:
    """The key an entry is stored under: the first of `entry_keys`."""
    return entry_keys(entry)[0]


def content_hash(entry: Entry) -> str:
    """A hash of normalised title and summary, for entries with neither guid nor link."""
    text = f"{normalize(entry.title)}\n{normalize(entry.summary)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LEN]
