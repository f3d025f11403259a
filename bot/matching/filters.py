"""The query language's filters, `source:NAME` and `lang:CODE`, and the names and language
an entry answers to (`Provenance`): its publisher, its feed's name, its link's domain.
Filters narrow a query down; they are never anchors (see `matcher.anchors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import tldextract

from bot.matching.textnorm import fold
from bot.model import Entry

# The Public Suffix List snapshot shipped with tldextract: never fetched at run time.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
# Hosts whose feeds are news-search results: every item comes from another outlet, so
# their own domain names no source.
AGGREGATOR_DOMAINS = frozenset({"google.com", "bing.com", "yandex.ru", "yandex.by", "msn.com"})
FILTER_LANGS = ("be", "de", "en", "ru", "uk")  # the languages a feed may declare
MAX_FILTER_VALUE = 100
_ALNUM = re.compile(r"[^\W_]+")

FilterField = Literal["source", "lang"]


def registrable_domain(url: str | None) -> str | None:
    """`https://eng.belta.by/x` -> `belta.by`; the bare host for IPs and local names."""
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    if not host:
        return None
    found = _EXTRACT.extract_str(host)
    return found.top_domain_under_public_suffix or host


def source_key(name: str) -> str:
    """A source name as `source:` compares it: case, accents of compatibility forms, ё/е,
    spaces and punctuation ignored ("The Moscow Times" -> "themoscowtimes")."""
    return "".join(_ALNUM.findall(fold(name)))


@dataclass(frozen=True, slots=True)
class Filter:
    """`source:VALUE` or `lang:VALUE`; `value` is compared as normalised (`source_key`, or
    the lowercase language code)."""

    field: FilterField
    value: str

    def __str__(self) -> str:
        return f"{self.field}:{self.value}"

    def accepts(self, prov: Provenance | None) -> bool:
        """Does an entry of this provenance pass? An entry of unknown provenance has no
        source and no language: it passes only negated filters."""
        if prov is None:
            return False
        if self.field == "lang":
            return prov.lang == self.value
        return self.value in prov.source_keys()


def parse_filter(field: str, raw: str) -> Filter:
    """A filter from its field and the value as typed; ValueError says what is wrong."""
    name = field.lower()
    value = raw.strip()
    if not value:
        raise ValueError(f"{name}: needs a value, e.g. {_EXAMPLES[name]}")
    if len(value) > MAX_FILTER_VALUE:
        raise ValueError(f"the {name}: value is longer than {MAX_FILTER_VALUE} characters")
    if name == "lang":
        code = value.lower()
        if code not in FILTER_LANGS:
            raise ValueError(f"lang: takes a language code, one of {', '.join(FILTER_LANGS)}, "
                             f"not {value!r}")
        return Filter("lang", code)
    key = source_key(value)
    if not key:
        raise ValueError(f"source: needs a name with letters or digits, e.g. {_EXAMPLES[name]}")
    return Filter("source", key)


_EXAMPLES = {"source": "source:belta", "lang": "lang:be"}


class Provenance:
    """Where an entry comes from, as filters read it: `publisher` (the outlet credited in
    alerts), `feed` (the feed's display name), `link` (the article) and `lang` (the feed's
    language). The names `source:` accepts are worked out on first use only."""

    __slots__ = ("_keys", "feed", "lang", "link", "publisher")

    def __init__(self, publisher: str = "", feed: str = "", link: str | None = None,
                 lang: str | None = None) -> None:
        self.publisher = publisher
        self.feed = feed
        self.link = link
        self.lang = lang
        self._keys: frozenset[str] | None = None

    @classmethod
    def of(cls, entry: Entry) -> Provenance:
        return cls(entry.publisher, entry.feed, entry.link, entry.lang)

    def source_keys(self) -> frozenset[str]:
        """The normalised names this entry answers to in `source:`: its publisher, its
        feed's name, and its link's registrable domain with and without the public suffix
        (`ria.ru` and `ria`), unless that domain is a news-search engine's."""
        if self._keys is None:
            names = [self.publisher, self.feed]
            domain = registrable_domain(self.link)
            if domain and domain not in AGGREGATOR_DOMAINS:
                names.append(domain)
                label = domain.split(".", 1)[0]
                names.append(label)
            self._keys = frozenset(key for key in map(source_key, names) if key)
        return self._keys

    def __repr__(self) -> str:
        return (f"Provenance(publisher={self.publisher!r}, feed={self.feed!r}, "
                f"link={self.link!r}, lang={self.lang!r})")
