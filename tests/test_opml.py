"""OPML feed lists without files or chats: export read back by listparser (another reader's
parser), outlines mapped to feed keys, what an import plans to add and skip, hostile
documents refused whole, and the chat feeds merged into a Config.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import listparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Config, FeedSpec, load_config
from bot.feedlist import (
    MAX_BYTES,
    MAX_OUTLINES,
    OpmlError,
    Outline,
    export_opml,
    feed_key,
    plan_import,
    read_opml,
    with_chat_feeds,
    yaml_sections,
)
from bot.feedlist.opml_write import xml_text
from bot.feedlist.plan import clean_text
from bot.model import ChatFeed

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def feeds(*specs: dict[str, object]) -> tuple[FeedSpec, ...]:
    return tuple(FeedSpec.model_validate(s) for s in specs)


def opml(body: str, head: str = "<title>t</title>") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head>{head}</head>'
            f"<body>{body}</body></opml>").encode()


# ---------------------------------------------------------------- export


def test_shipped_feeds_round_trip_through_listparser_with_their_sections() -> None:
    config = load_config(ROOT / "feeds.yaml")
    sections = yaml_sections((ROOT / "feeds.yaml").read_text(encoding="utf-8"))
    data = export_opml(config.feeds, sections, now=NOW)
    parsed = listparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "opml2" and parsed.meta.title == "Summit Watch feeds"
    assert parsed.meta.created_parsed == NOW
    assert [(f.url, f.title) for f in parsed.feeds] == [(f.url, f.name) for f in config.feeds]
    assert {f.url: f.categories for f in parsed.feeds}["https://tass.com/rss/v2.xml"] == [
        ["News agencies"]]
    assert len({tuple(map(tuple, f.categories)) for f in parsed.feeds}) == 5


@pytest.mark.parametrize(
    ("spec", "attributes"),
    [
        ({"url": "https://a.example/rss", "name": "A", "lang": "ru"},
         {"type": "rss", "text": "A", "title": "A", "xmlUrl": "https://a.example/rss",
          "language": "ru"}),
        ({"url": "https://a.example/rss"},
         {"type": "rss", "text": "a.example", "title": "a.example",
          "xmlUrl": "https://a.example/rss"}),
        ({"url": "https://a.example/?q=a&b=<c>\"d\"", "name": "Tom & Jerry's <b>\"news\"</b>"},
         {"type": "rss", "text": "Tom & Jerry's <b>\"news\"</b>",
          "title": "Tom & Jerry's <b>\"news\"</b>", "xmlUrl": "https://a.example/?q=a&b=<c>\"d\"",
          }),
        ({"url": "https://a.example/", "name": "bell\x07 and\ttab"},
         {"type": "rss", "text": "bell and\ttab", "title": "bell and\ttab",
          "xmlUrl": "https://a.example/"}),
    ],
    ids=["name-and-language", "name-defaults-to-host", "markup-is-escaped",
         "characters-xml-cannot-hold-are-dropped"],
)
def test_each_feed_is_one_rss_outline(spec: dict[str, object], attributes: dict[str, str]) -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(export_opml(feeds(spec), now=NOW))
    assert root.tag == "opml" and root.get("version") == "2.0"
    (outline,) = root.iter("outline")
    assert outline.attrib == attributes


def test_groups_become_folders_each_once_ungrouped_feeds_stay_on_top() -> None:
    specs = feeds({"url": "https://a.example/1"}, {"url": "https://a.example/2"},
                  {"url": "https://a.example/3"}, {"url": "https://a.example/4"})
    groups = {specs[0].url: "Wire", specs[2].url: "Wire", specs[3].url: "Blogs"}
    parsed = listparser.parse(export_opml(specs, groups, now=NOW))
    assert [(f.url, f.categories) for f in parsed.feeds] == [
        (specs[0].url, [["Wire"]]), (specs[2].url, [["Wire"]]),
        (specs[1].url, []), (specs[3].url, [["Blogs"]])]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=40), st.sampled_from(["", "ru", "de"]),
                          st.text(max_size=20)), min_size=1, max_size=8))
def test_any_names_round_trip_through_listparser_and_our_reader(
        rows: list[tuple[str, str, str]]) -> None:
    specs = feeds(*({"url": f"https://n{i}.example/rss", "name": name, "lang": lang or None}
                    for i, (name, lang, _) in enumerate(rows)))
    groups = {s.url: group for s, (_, _, group) in zip(specs, rows, strict=True)}
    data = export_opml(specs, groups, now=NOW)
    assert sorted(f.url for f in listparser.parse(data).feeds) == sorted(s.url for s in specs)
    back = {o.url: o for o in read_opml(data).outlines}
    assert sorted(back) == sorted(s.url for s in specs)
    for spec in specs:  # as written, less what XML cannot carry, on one trimmed line
        outline = back[spec.url]
        assert outline.language == (spec.lang or "")
        assert clean_text(outline.title, 200) == clean_text(xml_text(spec.name), 200)
        assert clean_text(outline.category, 80) == clean_text(xml_text(groups[spec.url]), 80)


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<outline text="A" title="Other" xmlUrl="https://a/rss" language="ru-RU"/>',
         [Outline("https://a/rss", "A", "ru-RU", "", "feed")]),
        ('<outline title="Only title" xmlUrl=" https://a/rss "/>',
         [Outline("https://a/rss", "Only title", "", "", "feed")]),
        ('<outline text="News"><outline text="Wire"><outline text="A" xmlUrl="https://a/"/>'
         + "</outline></outline>",
         [Outline("https://a/", "A", "", "News / Wire", "feed")]),
        ('<outline text="A" xmlUrl="https://a/" category="/Tech/Web,/Other"/>',
         [Outline("https://a/", "A", "", "Tech / Web", "feed")]),
        ('<outline TEXT="A" XMLURL="https://a/" LANGUAGE="de"/>',
         [Outline("https://a/", "A", "de", "", "feed")]),
        ('<outline text="L" type="include" url="https://lists/x.opml"/>'
         + '<outline htmlUrl="https://site/"/>',
         [Outline("https://lists/x.opml", "L", "", "", "list"),
          Outline("https://site/", "", "", "", "page")]),
    ],
    ids=["text-wins-over-title", "title-when-no-text-and-url-trimmed", "folders-are-the-category",
         "category-attribute", "attribute-names-any-case", "lists-and-pages-are-not-feeds"],
)
def test_outlines_are_read_with_their_attributes(body: str, expected: list[Outline]) -> None:
    assert list(read_opml(opml(body)).outlines) == expected


def test_a_windows_1251_file_is_read_in_its_declared_encoding() -> None:
    doc = ('<?xml version="1.0" encoding="windows-1251"?><opml version="1.0"><head/><body>'
           '<outline text="Новости" xmlUrl="https://a/"/></body></opml>').encode("cp1251")
    assert read_opml(doc).outlines[0].title == "Новости"


def test_utf16_with_a_byte_order_mark_is_read() -> None:
    doc = '<?xml version="1.0"?><opml><body><outline text="Ü" xmlUrl="https://a/"/></body></opml>'
    assert read_opml(doc.encode("utf-16")).outlines[0].title == "Ü"


# ---------------------------------------------------------------- hostile documents

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<opml version="2.0"><body><outline text="&h;" xmlUrl="https://a/&h;"/></body></opml>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a/"/></body></opml>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>
<opml version="2.0"><body/></opml>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">
<opml version="2.0"><body><outline text="A" xmlUrl="https://a/"/></body></opml>"""


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION_LAUGHS, "doctype"),
        (XXE, "doctype"),
        (PARAMETER_ENTITY, "doctype"),
        (EXTERNAL_DTD, "doctype"),
        (opml('<outline text="&nbsp;" xmlUrl="https://a/"/>'), "not_xml"),
        (opml('<outline text="A" xmlUrl="https://a/">'), "not_xml"),
        (b"<opml><body><outline text='a' xmlUrl='https://a/'></body>", "not_xml"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_xml"),
        (b"   \n", "empty"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "not_opml"),
        (opml(""), "no_outlines"),
        (b'<?xml version="1.0" encoding="klingon"?><opml/>', "encoding"),
        (opml('<outline text="A" xmlUrl="https://a/"/>' * (MAX_OUTLINES + 1)), "too_many"),
        (opml("<outline text='x'>" * 60 + "</outline>" * 60), "too_deep"),
        (opml("<!--" + "x" * MAX_BYTES + "-->"), "too_large"),
    ],
    ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd",
         "undeclared-html-entity", "unclosed-element", "mismatched-tags", "binary",
         "blank", "an-rss-feed", "no-outlines", "unknown-encoding", "thousands-of-outlines",
         "deep-nesting", "over-the-size-cap"],
)
def test_hostile_or_broken_files_are_refused_whole(data: bytes, code: str) -> None:
    started = time.monotonic()
    with pytest.raises(OpmlError) as caught:
        read_opml(data)
    assert caught.value.code == code, str(caught.value)
    assert time.monotonic() - started < 2


def test_listparser_alone_neither_expands_nor_fetches_entities() -> None:
    """Our gate refuses a DOCTYPE before listparser runs; were it to run anyway, its
    lenient HTML parser leaves declared entities unexpanded and fetches nothing."""
    started = time.monotonic()
    parsed = listparser.parse(BILLION_LAUGHS)
    assert time.monotonic() - started < 2
    assert all(len(f.title) < 100 and "aaaa" not in f.title for f in parsed.feeds)
    assert all("root:" not in f.title for f in listparser.parse(XXE).feeds)


def test_listparser_is_never_handed_text_it_could_take_for_a_url() -> None:
    with pytest.raises(OpmlError):
        read_opml(b"https://127.0.0.1:9/list.opml")


# ---------------------------------------------------------------- the import plan

CONFIGURED = feeds({"url": "https://www.belta.by/rss", "name": "БелТА"},
                   {"url": "http://kremlin.ru/events/all/feed", "name": "Кремль"})


@pytest.mark.parametrize(
    ("outline", "reason", "detail"),
    [
        (Outline("javascript:alert(1)", "x"), "scheme", "javascript"),
        (Outline("file:///etc/passwd", "x"), "scheme", "file"),
        (Outline("FEED://a.example/rss", "x"), "scheme", "feed"),
        (Outline("ftp://a.example/rss", "x"), "scheme", "ftp"),
        (Outline("a.example/rss", "x"), "invalid_url", "no scheme (http:// or https://)"),
        (Outline("https:///rss", "x"), "invalid_url", "no host"),
        (Outline("https://a.example:port/", "x"), "invalid_url", None),
        (Outline("https://[::1/", "x"), "invalid_url", None),
        (Outline("https://a.example/a b", "x"), "invalid_url",
         "contains spaces or control characters"),
        (Outline("https://a.example/" + "a" * 2100, "x"), "invalid_url",
         "longer than 2048 characters"),
        (Outline("HTTPS://WWW.BELTA.BY/rss/", "x"), "duplicate", "БелТА"),
        (Outline("http://kremlin.ru:80/events/all/feed#top", "x"), "duplicate", "Кремль"),
        (Outline("https://lists.example/x.opml", "x", kind="list"), "not_a_feed", "list"),
        (Outline("https://site.example/", "x", kind="page"), "not_a_feed", "page"),
    ],
    ids=["javascript", "file", "feed-scheme", "ftp", "no-scheme", "no-host", "bad-port",
         "bad-ipv6", "space", "too-long", "same-url-other-case-and-slash",
         "default-port-and-fragment", "a-list", "a-page"],
)
def test_outlines_that_are_skipped_and_why(outline: Outline, reason: str,
                                           detail: str | None) -> None:
    plan = plan_import([outline], CONFIGURED)
    assert plan.added == ()
    (skip,) = plan.skipped
    assert (skip.url, skip.reason) == (outline.url.strip(), reason)
    if detail is not None:
        assert skip.detail == detail


@pytest.mark.parametrize(
    ("outline", "url", "name", "lang", "category"),
    [
        (Outline("https://a.example/rss", "A", "ru-RU", "News"), "https://a.example/rss", "A",
         "ru", "News"),
        (Outline("https://a.example/rss", "A", "be_tarask"), "https://a.example/rss", "A", "be",
         ""),
        (Outline("https://a.example/rss", "A", "fr"), "https://a.example/rss", "A", None, ""),
        (Outline("https://a.example/rss", " Two\n lines\t", "EN"), "https://a.example/rss",
         "Two lines", "en", ""),
        (Outline("https://a.example/rss", "x" * 300), "https://a.example/rss", "x" * 200, None,
         ""),
        (Outline("https://a.example/rss", ""), "https://a.example/rss", "", None, ""),
        (Outline("http://www.belta.by/rss", "http is not https"), "http://www.belta.by/rss",
         "http is not https", None, ""),
    ],
    ids=["language-region-dropped", "language-variant-dropped", "unsupported-language-left-out",
         "name-on-one-line", "name-cut-to-200", "no-name-means-the-host",
         "another-scheme-is-another-feed"],
)
def test_outlines_map_to_feed_keys(outline: Outline, url: str, name: str, lang: str | None,
                                   category: str) -> None:
    (feed,) = plan_import([outline], CONFIGURED).added
    assert (feed.url, feed.name, feed.lang, feed.category) == (url, name, lang, category)
    FeedSpec.model_validate({"url": feed.url, "name": feed.name, "lang": feed.lang})


def test_a_feed_repeated_in_the_file_is_added_once_and_the_cap_holds() -> None:
    outlines = [Outline("https://a.example/rss", "A"), Outline("https://A.example/rss/", "A2")]
    outlines += [Outline(f"https://n{i}.example/", f"N{i}") for i in range(5)]
    plan = plan_import(outlines, CONFIGURED, cap=3)
    assert [f.url for f in plan.added] == ["https://a.example/rss", "https://n0.example/",
                                           "https://n1.example/"]
    assert [(s.url, s.reason) for s in plan.skipped] == [
        ("https://A.example/rss/", "repeated"), ("https://n2.example/", "over_cap"),
        ("https://n3.example/", "over_cap"), ("https://n4.example/", "over_cap")]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://A.Example/rss", "https://a.example/rss", True),
        ("https://a.example/rss/", "https://a.example/rss", True),
        ("https://a.example", "https://a.example/", True),
        ("https://a.example:443/x", "https://a.example/x", True),
        ("https://user:pw@a.example/x", "https://a.example/x", True),
        ("https://a.example/RSS", "https://a.example/rss", False),
        ("http://a.example/x", "https://a.example/x", False),
        ("https://a.example/x?b=1", "https://a.example/x?B=1", False),
        ("https://a.example:8443/x", "https://a.example/x", False),
        ("https://[::1]:8080/x", "https://[::1]:8080/x/", True),
    ],
    ids=["host-case", "trailing-slash", "empty-path", "default-port", "credentials",
         "path-case-matters", "scheme-matters", "query-matters", "other-port-matters", "ipv6"],
)
def test_feed_key_normalises_lightly(a: str, b: str, same: bool) -> None:
    assert (feed_key(a) == feed_key(b)) is same


# ---------------------------------------------------------------- chat feeds in the config


def config_of(*specs: dict[str, object]) -> Config:
    return Config.model_validate({"feeds": list(specs)})


def test_chat_feeds_are_appended_after_the_file_and_the_file_wins() -> None:
    base = config_of({"url": "https://a.example/rss", "name": "A"})
    rows = [ChatFeed("https://b.example/rss", "B", "ru", "Wire"),
            ChatFeed("https://A.EXAMPLE/rss/", "A from chat"),
            ChatFeed("https://c.example/rss"),
            ChatFeed("https://b.example/rss/", "B again")]
    merged = with_chat_feeds(base, rows)
    assert [(f.url, f.name, f.lang) for f in merged.feeds] == [
        ("https://a.example/rss", "A", None), ("https://b.example/rss", "B", "ru"),
        ("https://c.example/rss", "c.example", None)]
    assert with_chat_feeds(merged, rows) == merged, "applying it again changes nothing"
    Config.model_validate(merged.model_dump())  # still a valid config


@pytest.mark.parametrize(
    "row",
    [ChatFeed("javascript:alert(1)", "x"), ChatFeed("https://a.example/", "x" * 201),
     ChatFeed("https://a.example/", "x", lang="fr"), ChatFeed("https://[::1/", "x")],
    ids=["scheme", "name-too-long", "unknown-lang", "unparseable"],
)
def test_a_stored_row_that_no_longer_validates_is_left_out(row: ChatFeed) -> None:
    base = config_of({"url": "https://z.example/rss"})
    assert with_chat_feeds(base, [row]) is base
