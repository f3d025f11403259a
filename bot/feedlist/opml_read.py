"""Reading an OPML file someone sent: a strict, entity-free XML gate (size, DOCTYPE, well-
formedness, outline count), then listparser for the outlines. Owns listparser.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

import listparser

from bot.feedlist.plan import Outline, OutlineKind

MAX_BYTES = 1_000_000  # a generous OPML of a thousand feeds is about 200 kB
MAX_OUTLINES = 2000
MAX_DEPTH = 50
_KINDS: tuple[tuple[str, OutlineKind], ...] = (
    ("feeds", "feed"), ("lists", "list"), ("opportunities", "page"))


class OpmlError(ValueError):
    """The file is refused as a whole: `code` names why (chat replies are translated by
    it, with `values` formatted in), the message says it in English."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.code, self.values = code, values


@dataclass(frozen=True, slots=True)
class OpmlList:
    title: str
    outlines: tuple[Outline, ...]


@dataclass
class _Gate:
    """What the XML gate learned on its way through the document."""

    encoding: str | None = None
    outlines: int = 0
    depth: int = 0
    root: str | None = None
    languages: dict[str, str] = field(default_factory=dict)  # xmlUrl -> language


def read_opml(data: bytes) -> OpmlList:
    """The outlines of an OPML document, or OpmlError. Nothing in the document is fetched
    or expanded: a DOCTYPE (the only way to declare entities) refuses the whole file."""
    if len(data) > MAX_BYTES:
        raise OpmlError("too_large", f"the file is larger than {MAX_BYTES // 1000} kB",
                        kb=MAX_BYTES // 1000)
    if not data.strip():
        raise OpmlError("empty", "the file is empty")
    gate = _check_xml(data)
    if gate.root != "opml":
        raise OpmlError("not_opml", f"not an OPML file: the document is <{gate.root}>, not <opml>",
                        root=gate.root)
    if gate.outlines == 0:
        raise OpmlError("no_outlines", "the file lists no outlines")
    # listparser reads with a lenient HTML parser; the gate above already proved the
    # document well-formed XML, so both see the same outlines. Always bytes: given a str
    # that starts with http, listparser would fetch it.
    parsed = listparser.parse(_as_utf8(data, gate.encoding))
    outlines = [_outline(item, kind, gate.languages)
                for key, kind in _KINDS for item in parsed.get(key) or []]
    title = str((parsed.get("meta") or {}).get("title") or "")
    return OpmlList(title, tuple(outlines))


def _outline(item: Any, kind: OutlineKind, languages: dict[str, str]) -> Outline:
    url = str(item.get("url") or "").strip()
    categories = item.get("categories") or []
    category = " / ".join(str(p) for p in categories[0]) if categories else ""
    return Outline(url, str(item.get("title") or ""), languages.get(url, ""), category, kind)


def _check_xml(data: bytes) -> _Gate:
    gate = _Gate()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype  # unreachable without a DOCTYPE; belt and braces
    parser.XmlDeclHandler = lambda _version, encoding, _standalone: setattr(
        gate, "encoding", encoding)
    parser.StartElementHandler = lambda name, attrs: _on_start(gate, name, attrs)
    parser.EndElementHandler = lambda _name: setattr(gate, "depth", gate.depth - 1)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        detail = f"{expat.ErrorString(err.code)}, line {err.lineno}, column {err.offset + 1}"
        raise OpmlError("not_xml", f"not well-formed XML: {detail}", detail=detail) from None
    except (LookupError, UnicodeError):
        raise OpmlError("encoding", "the file's declared encoding is unknown or wrong") from None
    return gate


def _refuse_doctype(*_args: object) -> None:
    raise OpmlError("doctype", "the file declares a DOCTYPE (entities are not accepted in OPML)")


def _on_start(gate: _Gate, name: str, attrs: dict[str, str]) -> None:
    gate.depth += 1
    if gate.root is None:
        gate.root = name.lower()[:40]
    if gate.depth > MAX_DEPTH:
        raise OpmlError("too_deep", f"outlines are nested more than {MAX_DEPTH} deep", n=MAX_DEPTH)
    if name.lower() != "outline":
        return
    gate.outlines += 1
    if gate.outlines > MAX_OUTLINES:
        raise OpmlError("too_many", f"the file has more than {MAX_OUTLINES} outlines",
                        n=MAX_OUTLINES)
    lower = {k.lower(): v for k, v in attrs.items()}
    url, language = lower.get("xmlurl", "").strip(), lower.get("language", "")
    if url and language:
        gate.languages.setdefault(url, language)


def _as_utf8(data: bytes, declared: str | None) -> bytes:
    """The document as UTF-8 (listparser decodes every document as UTF-8)."""
    codec = declared or "utf-8"
    for bom, with_bom in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            codec = with_bom
            break
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeError):
        raise OpmlError("encoding", "the file's declared encoding is unknown or wrong") from None
    if text.startswith("<?xml"):  # its encoding= would no longer be true
        text = text[text.find("?>") + 2:]
    return text.encode("utf-8")
