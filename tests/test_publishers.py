"""Who published an entry: registrable domains, redirect links, aggregator items credited
to the outlet they name, and feeds parsed from bytes with those rules."""

from __future__ import annotations

import pytest

from bot.config import FeedSpec
from bot.ingest.feedparse import Origin, parse_feed
from bot.ingest.publishers import (
    NO_PUBLISHERS,
    Publishers,
    registrable_domain,
    strip_source_suffix,
    unwrap_link,
)

OUTLETS = Publishers.of([
    FeedSpec(url="https://eng.belta.by/rss", name="BelTA"),
    FeedSpec(url="https://www.belta.by/rss", name="БелТА", publisher="BelTA"),
    FeedSpec(url="https://tass.com/rss/v2.xml", name="TASS"),
    FeedSpec(url="https://news.google.com/rss/search?q=x", name="Google News", aggregator=True),
])


@pytest.mark.parametrize(("url", "domain"), [
    ("https://eng.belta.by/politics/view/1", "belta.by"),
    ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
    ("HTTPS://WWW.Reuters.COM./world", "reuters.com"),
    ("http://127.0.0.1:8080/feed", "127.0.0.1"),
    ("http://localhost/feed", "localhost"),
    ("https://xn--80aswg.xn--p1ai/", "xn--80aswg.xn--p1ai"),
    ("not a url", None),
    ("http://[::1", None),
    ("", None),
    (None, None),
], ids=["subdomain", "two-level-suffix", "case-and-trailing-dot", "ip", "local-name", "idna",
        "no-host", "broken-ipv6", "empty", "none"])
def test_registrable_domain(url: str | None, domain: str | None) -> None:
    assert registrable_domain(url) == domain


@pytest.mark.parametrize(("link", "unwrapped"), [
    ("http://www.bing.com/news/apiclick.aspx?url=https%3a%2f%2fwww.reuters.com%2fworld%2fa&c=1",
     "https://www.reuters.com/world/a"),
    ("http://www.bing.com/news/apiclick.aspx?url=javascript%3aalert(1)", None),
    ("https://news.google.com/rss/articles/CBMiXmh0dHBz?oc=5", None),
    ("https://tass.com/politics/1", None),
    (None, None),
], ids=["bing-redirect", "bing-non-http-target-kept", "google-opaque-kept", "direct", "none"])
def test_unwrap_link(link: str | None, unwrapped: str | None) -> None:
    assert unwrap_link(link) == (unwrapped or link)


@pytest.mark.parametrize(("source_title", "source_url", "link", "publisher"), [
    ("БелТА", "https://www.belta.by", "https://news.google.com/a", "BelTA"),
    ("Belarusian Telegraph Agency", None, "https://eng.belta.by/a", "BelTA"),
    ("Reuters", "https://www.reuters.com", "https://news.google.com/a", "Reuters"),
    ("  Associated\n Press ", None, "https://news.google.com/a", "Associated Press"),
    (None, None, "https://www.reuters.com/world/a", "reuters.com"),
    (None, None, "https://news.google.com/rss/articles/x", None),
    ("", None, None, None),
], ids=["source-url-of-configured-outlet", "link-of-configured-outlet", "named-source",
        "name-cleaned", "link-domain", "says-nothing", "empty"])
def test_aggregator_item_is_credited_to_the_outlet_it_names(
        source_title: str | None, source_url: str | None, link: str | None,
        publisher: str | None) -> None:
    assert OUTLETS.of_item(source_title, source_url, link) == publisher


def test_an_outlets_editions_share_its_publisher_and_aggregators_are_not_outlets() -> None:
    assert dict(OUTLETS.by_domain) == {"belta.by": "BelTA", "tass.com": "TASS"}


@pytest.mark.parametrize(("title", "publisher", "shown"), [
    ("Treaty signed in Minsk - Reuters", "Reuters", "Treaty signed in Minsk"),
    ("Договор подписан — БелТА", "БелТА", "Договор подписан"),
    ("Treaty signed | TASS", "TASS", "Treaty signed"),
    ("Reuters - a headline about Reuters", "Reuters", "Reuters - a headline about Reuters"),
], ids=["dash", "em-dash", "bar", "only-a-suffix"])
def test_the_publisher_suffix_is_dropped_from_titles(title: str, publisher: str,
                                                     shown: str) -> None:
    assert strip_source_suffix(title, publisher) == shown


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            + "".join(items) + "</channel></rss>").encode()


GOOGLE_ITEM = ('<item><title>Treaty signed in Minsk - Reuters</title>'
               '<link>https://news.google.com/rss/articles/abc</link><guid>g1</guid>'
               '<source url="https://www.reuters.com">Reuters</source></item>')
BELTA_VIA_GOOGLE = ('<item><title>Договор подписан - БелТА</title>'
                    '<link>https://news.google.com/rss/articles/def</link><guid>g2</guid>'
                    '<source url="https://www.belta.by">БелТА</source></item>')
PLAIN_ITEM = '<item><title>Treaty signed</title><link>https://tass.com/p/1</link></item>'


@pytest.mark.parametrize(("feed", "item", "publisher", "title"), [
    (FeedSpec(url="https://news.google.com/rss/search?q=x", name="Google News", aggregator=True),
     GOOGLE_ITEM, "Reuters", "Treaty signed in Minsk"),
    (FeedSpec(url="https://news.google.com/rss/search?q=x", name="Google News", aggregator=True),
     BELTA_VIA_GOOGLE, "BelTA", "Договор подписан"),
    (FeedSpec(url="https://example.org/search", name="Search"),
     GOOGLE_ITEM, "Reuters", "Treaty signed in Minsk"),
    (FeedSpec(url="https://www.belta.by/rss", name="БелТА", publisher="BelTA"),
     PLAIN_ITEM, "BelTA", "Treaty signed"),
    (FeedSpec(url="https://news.google.com/rss/search?q=y", name="Google News"),
     '<item><title>x</title><link>https://news.google.com/a</link></item>',
     "Google News", "x"),
], ids=["aggregator-names-outlet", "aggregator-copy-of-configured-outlet",
        "detected-by-source-element", "direct-feed-publisher", "aggregator-saying-nothing"])
def test_entries_are_credited_when_parsed(feed: FeedSpec, item: str, publisher: str,
                                          title: str) -> None:
    (entry,) = parse_feed(rss(item), content_type="application/rss+xml",
                          origin=Origin.of(feed, OUTLETS)).entries
    assert (entry.publisher, entry.title) == (publisher, title)


def test_without_configured_outlets_items_name_their_own() -> None:
    feed = FeedSpec(url="https://news.google.com/rss/search?q=x", aggregator=True)
    (entry,) = parse_feed(rss(BELTA_VIA_GOOGLE), content_type=None,
                          origin=Origin.of(feed, NO_PUBLISHERS)).entries
    assert entry.publisher == "БелТА"
