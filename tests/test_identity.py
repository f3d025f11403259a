"""bot.ingest.identity: canonical links and the keys that make an entry "already seen"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.ingest.identity import canonical_link, content_hash, entry_keys, primary_key
from bot.model import Entry


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.test/a/1", "https://news.test/a/1"),
        ("HTTP://News.TEST/A/1", "https://news.test/A/1"),
        ("http://www.news.test/a/1/", "https://news.test/a/1"),
        ("https://news.test:443/a", "https://news.test/a"),
        ("http://news.test:80/a", "https://news.test/a"),
        ("https://news.test:8443/a", "https://news.test:8443/a"),
        ("https://news.test/a#comments", "https://news.test/a"),
        ("https://news.test/a?utm_source=rss&utm_medium=feed", "https://news.test/a"),
        ("https://news.test/a?id=7&fbclid=X&gclid=Y&yclid=Z&_openstat=Q", "https://news.test/a?id=7"),
        ("https://news.test/a?b=2&a=1", "https://news.test/a?a=1&b=2"),
        ("https://news.test/a?UTM_Campaign=x&b=", "https://news.test/a?b="),
        ("https://news.test", "https://news.test/"),
        ("https://news.test/", "https://news.test/"),
        ("  https://news.test/a  ", "https://news.test/a"),
        ("https://news.test./a", "https://news.test/a"),
        ("http://[::1]:8080/a/", "https://[::1]:8080/a"),
        ("https://www.test/", "https://www.test/"),
        ("https://user@news.test/a", "https://news.test/a"),
        ("ftp://news.test/a", None),
        ("mailto:editor@news.test", None),
        ("/relative/path", None),
        ("not a url", None),
        ("", None),
        ("http://[::1/a", None),
        ("https://news.test:99999/a", None),
        ("https://news.test/a?id=7&from=rss&ref=main&ref_src=twsrc", "https://news.test/a?id=7"),
        ("https://news.test/a?pk_campaign=x&mtm_source=y&_hsenc=z", "https://news.test/a"),
        ("https://news.test/a%2db%7e", "https://news.test/a-b~"),
        ("https://news.test/a%2fb%3a", "https://news.test/a%2Fb%3A"),
        ("https://news.test/новости/1", "https://news.test/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1"),
        ("https://news.test/%d0%bd%D0%BE%d0%b2%d0%be%d1%81%d1%82%d0%b8/1", "https://news.test/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1"),
        ("https://news.test/a//b/./c/../d/", "https://news.test/a/b/d"),
        ("https://www.президент.рф/news/1", "https://xn--d1abbgf6aiiy.xn--p1ai/news/1"),
        ("https://news.test/a?q=%d0%bc%d0%b8%d0%bd%d1%81%d0%ba", "https://news.test/a?q=%D0%BC%D0%B8%D0%BD%D1%81%D0%BA"),
    ],
    ids=["already-canonical", "case-and-http", "www-and-trailing-slash", "default-https-port",
         "default-http-port", "custom-port-kept", "fragment", "utm-only", "click-trackers",
         "sorted-params", "utm-any-case-blank-kept", "empty-path", "root-slash", "whitespace",
         "trailing-dot-host", "ipv6", "www-is-the-domain", "userinfo-dropped", "ftp", "mailto",
         "relative", "garbage", "empty", "broken-ipv6", "bad-port", "from-and-ref",
         "piwik-matomo-hubspot", "unreserved-escapes-decoded", "reserved-escapes-upper-case",
         "cyrillic-path-escaped", "lower-case-escapes", "dot-segments-double-slashes",
         "idna-host", "query-escapes-one-spelling"],
)
def test_canonical_link(url: str, expected: str | None) -> None:
    assert canonical_link(url) == expected


def entry(**kw: object) -> Entry:
    base = Entry(feed="Agency", feed_url="https://agency.test/rss", title="Talks in Minsk",
                 link=None, summary="Delegations met.")
    return replace(base, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("e", "keys"),
    [
        (entry(guid="42", link="http://www.agency.test/n/42?utm_source=rss"),
         ("guid:https://agency.test/rss:42", "link:https://agency.test/n/42")),
        (entry(link="https://agency.test/n/42"), ("link:https://agency.test/n/42",)),
        (entry(guid="42"), ("guid:https://agency.test/rss:42",)),
        (entry(guid="https://agency.test/n/42"),
         ("guid:https://agency.test/rss:https://agency.test/n/42", "link:https://agency.test/n/42")),
        (entry(link="javascript:void(0)"), (f"hash:{content_hash(entry())}",)),
        (entry(), (f"hash:{content_hash(entry())}",)),
    ],
    ids=["guid-then-link", "link-only", "guid-only", "permalink-guid-doubles-as-link",
         "unusable-link-falls-back-to-hash", "neither-hash"],
)
def test_entry_keys(e: Entry, keys: tuple[str, ...]) -> None:
    assert entry_keys(e) == keys
    assert primary_key(e) == keys[0]


def test_same_link_in_two_feeds_is_one_entry() -> None:
    a = entry(feed="A", feed_url="https://a.test/rss", guid="a-1", link="https://story.test/x")
    b = entry(feed="B", feed_url="https://b.test/rss", guid="b-9",
              link="http://www.story.test/x/?utm_source=b#top")
    assert set(entry_keys(a)) & set(entry_keys(b)) == {"link:https://story.test/x"}


def test_guid_is_scoped_to_its_feed() -> None:
    a = entry(feed_url="https://a.test/rss", guid="12345", title="Story A")
    b = entry(feed_url="https://b.test/rss", guid="12345", title="Story B")
    assert primary_key(a) != primary_key(b)
    assert not set(entry_keys(b)) & set(entry_keys(a))  # b is not "seen" because of a


def test_retitled_republication_keeps_its_link_key() -> None:
    original = entry(guid="v1", link="https://agency.test/n/42", title="Talks planned")
    retitled = entry(guid="v2", link="https://agency.test/n/42/", title="Talks held, deal signed")
    assert primary_key(original) != primary_key(retitled)
    assert set(entry_keys(retitled)) & set(entry_keys(original))  # seen: no second alert


def test_hash_only_without_guid_and_link() -> None:
    assert not any(k.startswith("hash:") for k in entry_keys(entry(guid="1")))
    assert not any(k.startswith("hash:") for k in entry_keys(entry(link="https://a.test/1")))
    (key,) = entry_keys(entry())
    assert key.startswith("hash:") and len(key) == len("hash:") + 32


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (entry(title="Talks  in MINSK"), entry(title="talks in minsk"), True),
        (entry(title="Ёлка"), entry(title="елка"), True),
        (entry(title="Talks in Minsk"), entry(title="Talks in Moscow"), False),
        (entry(summary="Delegations met."), entry(summary="Delegations left."), False),
        (entry(feed="A", feed_url="https://a.test/rss"), entry(feed="B", feed_url="https://b.test/"),
         True),
    ],
    ids=["case-and-space", "yo-folded", "different-title", "different-summary",
         "feed-does-not-matter"],
)
def test_content_hash_normalises(a: Entry, b: Entry, same: bool) -> None:
    assert (primary_key(a) == primary_key(b)) is same


def test_feed_url_spelling_does_not_change_guid_key() -> None:
    a = entry(feed_url="http://www.agency.test/rss/", guid="7")
    b = entry(feed_url="https://agency.test/rss", guid="7")
    assert primary_key(a) == primary_key(b)
