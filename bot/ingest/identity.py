"""Entry identity: canonical links and the keys by which an entry counts as "already seen".

Pure: no I/O, no clock. An entry is seen if ANY of its keys was stored before.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from bot.matching.textnorm import normalize
from bot.model import Entry

# Click and referral trackers that never change which article a link points to.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "yclid", "msclkid", "igshid", "_openstat", "mc_cid", "mc_eid",
     "_ga", "_gl", "ysclid", "from", "ref", "ref_src", "ref_url", "referrer", "cmpid",
     "smid", "spm", "mkt_tok", "_hsenc", "_hsmi", "oly_enc_id", "oly_anon_id", "at_medium",
     "at_campaign", "rss_source"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # Google Analytics, Piwik, Matomo campaigns
# RFC 3986 unreserved characters: percent-encoding them changes nothing, so decode them.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# What stays literal in a canonical path; anything else (spaces, Cyrillic) is escaped.
_PATH_SAFE = "/:@!$&'()*+,;=%-._~"
_DEFAULT_PORTS = frozenset({80, 443})
HASH_LEN = 32


# A feed's URL is canonicalised once per entry and each link several times while a feed
# is recorded: a small cache turns the repeats into lookups.
@functools.lru_cache(maxsize=4096)
def canonical_link(url: str) -> str | None:
    """One spelling per article URL: https, bare lowercase host, no trackers/fragment/default port.

    None for anything that is not an absolute http(s) URL.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = _ascii_host((parts.hostname or "").rstrip("."))
    if parts.scheme.lower() not in ("http", "https") or not host or " " in host:
        return None
    # Feeds and aggregators link the same article with and without "www.", over http and https.
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is not None and port not in _DEFAULT_PORTS:
        host = f"{host}:{port}"
    path = _normal_path(parts.path)
    return urlunsplit(("https", host, path, _clean_query(parts.query), ""))


def _ascii_host(host: str) -> str:
    """президент.рф and xn--d1abbgf6aiiy.xn--p1ai are one host: its ASCII (IDNA) form."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _escapes(text: str) -> str:
    """One spelling of percent-escapes: unreserved characters decoded, the rest in
    upper-case hex, and characters outside ASCII escaped as UTF-8."""
    def one(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return quote(_ESCAPE.sub(one, text), safe=_PATH_SAFE)


def _normal_path(path: str) -> str:
    """Escapes normalised, dot segments and repeated slashes removed, no trailing slash."""
    segments: list[str] = []
    for segment in _escapes(path).split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments)


def _clean_query(query: str) -> str:
    if not query:
        return ""
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not (k.lower().startswith(TRACKING_PREFIXES) or k.lower() in TRACKING_PARAMS)
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
