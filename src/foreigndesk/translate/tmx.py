"""The translation memory as TMX 1.4: to move it between desks and other CAT tools.

Segments are HTML fragments in the desk's inline subset (text with ``<a href>``, ``<em>``
and ``<strong>``). In TMX a segment is text with inline codes, so on export a tag becomes
a code holding the tag exactly as stored: ``<bpt i="1" type="italic">&lt;em&gt;</bpt>``
… ``<ept i="1">&lt;/em&gt;</ept>``; the text between is text, ``&`` and ``<`` as
characters. Anything else tag-like (which the subset never holds) travels as ``<ph>``.

On import a code becomes markup again only when it is a ``<bpt>``/``<ept>`` pair (by
``i``, properly nested) whose codes are ``<em>``, ``<strong>`` or ``<a href>`` with an
http, https or mailto address; every other code (``<b>``, ``{1}``, ``<br/>``, isolated
``<it>`` tags) is dropped and the text around it kept. ``<hi>`` gives its content;
``<sub>`` flows inside codes are not text of the segment. Units without the desk's
properties are taken as human translations: that is what a TMX from a translator is.

TMX files written by the desk before inline codes (no ``x-inline-codes`` property in the
header) hold each segment's HTML as text; they are read as HTML, with the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape, unescape
from typing import TypeAlias

from lxml import etree

from foreigndesk import __version__
from foreigndesk.errors import DeskError
from foreigndesk.models import MemoryEntry
from foreigndesk.publish.sanitize import is_link_url
from foreigndesk.translate.languages import base_language
from foreigndesk.translate.memory import HUMAN, human_entry, machine_entry

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CREATION_TOOL = "foreigndesk"
#: The header property that says segments carry TMX inline codes, not HTML as text.
_INLINE_PROP = "x-inline-codes"
#: The TMX ``type`` of each tag of the subset (the spec's recommended values).
_CODE_TYPES = {"em": "italic", "strong": "bold", "a": "link"}

#: A tag in stored inline HTML; quoted attribute values may hold ``>``.
_HTML_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
#: Native code that can open markup: the tag name, then its attributes.
_OPENING = re.compile(r"<\s*(em|strong|a)((?:\s[^<>]*)?)>", re.IGNORECASE)
_CLOSING = re.compile(r"</\s*(em|strong|a)\s*>", re.IGNORECASE)
#: A link as the desk stores it (the extractor's, or nh3's with rel): kept as it is.
_STORED_LINK = re.compile(r'<a href="([^"<>]*)"(?: rel="[a-z ]*")?>')
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
#: Characters XML 1.0 cannot carry, not even as references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class _Code:
    """An inline code: ``native`` is the tag as written; ``name`` is set when the code may
    open or close markup, ``key`` pairs an opening with its closing, and ``html`` is the
    markup it stands for when it is paired."""

    native: str
    name: str | None = None
    closing: bool = False
    key: str | None = None
    html: str = ""


_Token: TypeAlias = str | _Code


def _pairs(tokens: Sequence[_Token]) -> dict[int, int]:
    """Opening index → closing index for the codes that pair, properly nested.

    A closing code closes the nearest open code of the same name and key; codes opened
    after that one and still open cross it, and stay unpaired. Linear in the codes,
    however many a hostile file leaves open.
    """
    pairs: dict[int, int] = {}
    open_codes: list[_Code] = []
    open_indexes: list[int] = []
    depths: dict[tuple[str | None, str | None], list[int]] = {}
    for index, token in enumerate(tokens):
        if not isinstance(token, _Code) or token.name is None:
            continue
        kind = (token.name, token.key)
        if not token.closing:
            depths.setdefault(kind, []).append(len(open_codes))
            open_codes.append(token)
            open_indexes.append(index)
            continue
        if not depths.get(kind):
            continue
        depth = depths[kind][-1]
        pairs[open_indexes[depth]] = index
        for closed in open_codes[depth:]:
            depths[(closed.name, closed.key)].pop()
        del open_codes[depth:], open_indexes[depth:]
    return pairs


# Export


def _stamp(value: datetime | None) -> str:
    return (value or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _html_tokens(html: str) -> list[_Token]:
    """Stored inline HTML as text (entities decoded) and codes (the tags as written)."""
    tokens: list[_Token] = []
    position = 0
    for match in _HTML_TAG.finditer(html):
        if match.start() > position:
            tokens.append(unescape(html[position : match.start()]))
        closing, name = bool(match.group(1)), match.group(2).lower()
        self_closing = match.group(3).rstrip().endswith("/")
        pairable = name in _CODE_TYPES and not self_closing
        tokens.append(
            _Code(match.group(0), name if pairable else None, closing, name if pairable else None)
        )
        position = match.end()
    if position < len(html):
        tokens.append(unescape(html[position:]))
    return tokens


def _fill_segment(seg: etree._Element, html: str) -> None:
    """``seg``'s content: the text of ``html`` and its tags as TMX inline codes."""
    tokens = _html_tokens(html)
    pairs = _pairs(tokens)
    openers = {closing: opening for opening, closing in pairs.items()}
    numbers: dict[int, str] = {}
    last: etree._Element | None = None
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            text = _xml_text(token)
            if last is None:
                seg.text = (seg.text or "") + text
            else:
                last.tail = (last.tail or "") + text
            continue
        if index in pairs:
            numbers[index] = str(len(numbers) + 1)
            assert token.name is not None
            last = etree.SubElement(seg, "bpt", i=numbers[index], type=_CODE_TYPES[token.name])
        elif index in openers:
            last = etree.SubElement(seg, "ept", i=numbers[openers[index]])
        else:
            last = etree.SubElement(seg, "ph")
        last.text = _xml_text(token.native)


def _indent(element: etree._Element, level: int = 0) -> None:
    """Line up the containers; a segment's or a property's content is left as it is."""
    if element.tag in ("seg", "prop") or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def write_tmx(entries: Iterable[MemoryEntry], source_lang: str = "*all*") -> bytes:
    root = etree.Element("tmx", version="1.4")
    header = {
        "creationtool": _CREATION_TOOL,
        "creationtoolversion": __version__,
        "datatype": "html",
        "segtype": "paragraph",
        "adminlang": "en",
        "srclang": source_lang,
        "o-tmf": "foreigndesk",
    }
    marker = etree.SubElement(etree.SubElement(root, "header", header), "prop", type=_INLINE_PROP)
    marker.text = "bpt ept ph"
    body = etree.SubElement(root, "body")
    for entry in entries:
        unit = etree.SubElement(body, "tu", tuid=entry.key, changedate=_stamp(entry.updated_at))
        for kind, value in (
            ("x-origin", entry.origin),
            ("x-engine", entry.engine),
            ("x-glossary-version", entry.glossary_version),
        ):
            prop = etree.SubElement(unit, "prop", type=kind)
            prop.text = value
        for lang, text in (
            (entry.source_lang, entry.source_text),
            (entry.target_lang, entry.target_text),
        ):
            variant = etree.SubElement(unit, "tuv", {_XML_LANG: lang})
            _fill_segment(etree.SubElement(variant, "seg"), text)
    _indent(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


# Import


def _link_allowed(href: str) -> bool:
    try:
        return is_link_url(unescape(href))
    except ValueError:  # urlsplit refuses some malformed addresses: not a link
        return False


def _opening_html(native: str) -> tuple[str, str] | None:
    """The tag name and markup a native opening tag stands for, or None when it is not
    one we keep."""
    native = native.strip()
    match = _OPENING.fullmatch(native)
    if match is None or match.group(2).rstrip().endswith("/"):
        return None
    name = match.group(1).lower()
    if name != "a":
        return name, f"<{name}>"
    stored = _STORED_LINK.fullmatch(native)
    if stored is not None:
        return (name, native) if _link_allowed(stored.group(1)) else None
    for attribute in _ATTRIBUTE.finditer(match.group(2)):
        if attribute.group(1).lower() == "href":
            href = next((v for v in attribute.group(2, 3, 4) if v is not None), "")
            return (name, f'<a href="{escape(unescape(href))}">') if _link_allowed(href) else None
    return None


def _code(native: str, *, closing: bool, key: str | None) -> _Code:
    """A code that may pair into markup when its native code is a tag we keep."""
    if closing:
        match = _CLOSING.fullmatch(native.strip())
        if match is None:
            return _Code(native)
        name = match.group(1).lower()
        return _Code(native, name, True, key, f"</{name}>")
    opening = _opening_html(native)
    if opening is None:
        return _Code(native)
    return _Code(native, opening[0], False, key, opening[1])


def _native(code: etree._Element) -> str:
    """An inline code's native code: its text, without the text of its ``<sub>`` flows."""
    return (code.text or "") + "".join(child.tail or "" for child in code)


#: Nodes of a segment that are neither text nor elements (entities stay unexpanded).
_NOT_CONTENT = (etree._Comment, etree._ProcessingInstruction, etree._Entity)


def _seg_tokens(element: etree._Element, tokens: list[_Token]) -> None:
    if element.text:
        tokens.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(child, _NOT_CONTENT):
            pass  # a comment, a processing instruction or an unexpanded entity: no text
        elif tag in ("bpt", "ept"):
            tokens.append(_code(_native(child), closing=tag == "ept", key=child.get("i")))
        elif tag in ("ph", "it", "ut"):
            tokens.append(_Code(_native(child)))  # standalone, isolated, unknown: no markup
        else:
            _seg_tokens(child, tokens)  # <hi>, or an element TMX does not define: its text
        if child.tail:
            tokens.append(child.tail)


def _legacy_tokens(html: str) -> list[_Token]:
    """A segment the desk wrote before inline codes: its HTML, checked as codes are."""
    return [
        token
        if isinstance(token, str)
        else _code(token.native, closing=token.closing, key=token.name)
        for token in _html_tokens(html)
    ]


def _segment_html(seg: etree._Element, legacy: bool) -> str:
    if legacy and not len(seg):
        tokens = _legacy_tokens(seg.text or "")
    else:
        tokens = []
        _seg_tokens(seg, tokens)
    pairs = _pairs(tokens)
    closings = set(pairs.values())
    out: list[str] = []
    for index, token in enumerate(tokens):
        if isinstance(token, str):
            out.append(escape(token, quote=False))
        elif index in pairs or index in closings:
            out.append(token.html)
    return "".join(out)


def _is_legacy(root: etree._Element) -> bool:
    header = root.find("header")
    if header is None or header.get("creationtool") != _CREATION_TOOL:
        return False
    return all(prop.get("type") != _INLINE_PROP for prop in header.findall("prop"))


def read_tmx(data: bytes, source_lang: str, target_lang: str) -> list[MemoryEntry]:
    """The units of a TMX file that hold both languages, as memory entries."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DeskError(f"TMX file is not well-formed XML ({exc}) — check the file") from exc
    if root.tag != "tmx":
        raise DeskError("not a TMX file (no <tmx> root) — export it as TMX 1.4")
    legacy = _is_legacy(root)
    entries: list[MemoryEntry] = []
    for unit in root.iter("tu"):
        props = {p.get("type"): (p.text or "") for p in unit.findall("prop")}
        texts: dict[str, str] = {}
        for variant in unit.findall("tuv"):
            lang = base_language(variant.get(_XML_LANG) or variant.get("lang") or "")
            seg = variant.find("seg")
            if seg is not None and lang not in texts:
                texts[lang] = _segment_html(seg, legacy)
        if source_lang not in texts or target_lang not in texts or not texts[source_lang]:
            continue
        source, target = texts[source_lang], texts[target_lang]
        origin = props.get("x-origin", HUMAN)
        if origin == HUMAN:
            entries.append(human_entry(source, target, source_lang, target_lang))
        else:
            entries.append(
                machine_entry(
                    source,
                    target,
                    source_lang,
                    target_lang,
                    props.get("x-engine") or "tmx",
                    props.get("x-glossary-version") or "none",
                )
            )
    return entries
