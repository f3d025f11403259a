"""Who published an entry: the feed's own outlet, or, for an aggregator's item, the outlet
the item names (its <source>) or links to (its registrable domain); redirect links unwrapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from bot.config import FeedSpec
from bot.matching.filters import AGGREGATOR_DOMAINS, registrable_domain

# Aggregators that wrap the article's address in a click-through link: (domain, parameter).
_REDIRECTS = (("bing.com", "url"), ("yandex.ru", "url"), ("msn.com", "url"))
_NAME_MAX = 80
_SPACE = re.compile(r"\s+")
__all__ = ["AGGREGATOR_DOMAINS", "NO_PUBLISHERS", "Publishers", "clean_name",
           "is_aggregator_url", "registrable_domain", "strip_source_suffix", "unwrap_link"]


def is_aggregator_url(url: str) -> bool:
    return registrable_domain(url) in AGGREGATOR_DOMAINS


def unwrap_link(link: str | None) -> str | None:
    """The article's own address behind an aggregator's click-through link, if any."""
    if not link:
        return link
    domain = registrable_domain(link)
    for host, param in _REDIRECTS:
        if domain == host:
            try:
                target = dict(parse_qsl(urlsplit(link).query)).get(param, "")
            except ValueError:
                return link
            if target.lower().startswith(("http://", "https://")):
                return target
    return link


def clean_name(name: str) -> str:
    """A publisher name as shown: one line, bounded."""
    return _SPACE.sub(" ", name).strip()[:_NAME_MAX]


@dataclass(frozen=True)
class Publishers:
    """The configured outlets by domain, so an aggregator's copy of BelTA's story is
    credited to the same publisher as BelTA's own feed."""

    by_domain: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, feeds: Iterable[FeedSpec]) -> Publishers:
        """The publishers of the configured outlets' own feeds; a domain's first feed wins."""
        found: dict[str, str] = {}
        for feed in feeds:
            domain = registrable_domain(feed.url)
            if domain and not feed.aggregator and domain not in AGGREGATOR_DOMAINS:
                found.setdefault(domain, feed.publisher)
        return cls(found)

    def of_item(self, source_title: str | None, source_url: str | None,
                link: str | None) -> str | None:
        """The publisher an aggregator item names or links to; None when it says nothing."""
        for url in (source_url, link):
            domain = registrable_domain(url)
            if domain and domain in self.by_domain:
                return self.by_domain[domain]
        if source_title and clean_name(source_title):
            return clean_name(source_title)
        domain = registrable_domain(link)
        return domain if domain and domain not in AGGREGATOR_DOMAINS else None


NO_PUBLISHERS = Publishers()  # no configured outlets: items name their own


def strip_source_suffix(title: str, publisher: str) -> str:
    """Google News appends " - Reuters" to every title; the alert names the outlet anyway."""
    for dash in (" - ", " — ", " – ", " | "):
        if title.endswith(dash + publisher):
            return title[: -len(dash + publisher)].rstrip()
    return title
