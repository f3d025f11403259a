"""The configured feeds as an OPML 2.0 document other feed readers import: a head with a
title and dateCreated, one `type="rss"` outline per feed, in folders when feeds have groups.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.config import FeedSpec

DEFAULT_TITLE = "Summit Watch feeds"
OPML_DOCS = "https://opml.org/spec2.opml"
# Characters XML 1.0 cannot carry at all, even escaped; a YAML "\x01" could hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def export_opml(feeds: Sequence[FeedSpec], groups: Mapping[str, str] | None = None, *,
                now: datetime, title: str = DEFAULT_TITLE) -> bytes:
    """OPML 2.0 (UTF-8) listing `feeds` in order; `groups` maps a feed URL to the folder it
    goes in (each folder once, where its first feed is); feeds without one stay at the top."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(now.astimezone(UTC), usegmt=True)
    ET.SubElement(head, "docs").text = OPML_DOCS
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        group = xml_text((groups or {}).get(feed.url, "")).strip()
        parent = body
        if group:
            if group not in folders:
                folders[group] = ET.SubElement(body, "outline", text=group, title=group)
            parent = folders[group]
        ET.SubElement(parent, "outline", _attributes(feed))
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _attributes(feed: FeedSpec) -> dict[str, str]:
    name = xml_text(feed.name)
    attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": xml_text(feed.url)}
    if feed.lang:
        attrs["language"] = feed.lang
    return attrs
