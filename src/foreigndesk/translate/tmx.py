"""The translation memory as TMX 1.4: to move it between desks and other CAT tools.

Segments are HTML fragments (the desk's inline subset), so the header says
``datatype="html"`` and a segment's markup travels as escaped text. On import, TMX inline
codes from other tools (``<bpt>``, ``<ph>``...) are dropped and their text kept. Units
without the desk's properties are taken as human translations: that is what a TMX from
a translator is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape

from lxml import etree

from foreigndesk import __version__
from foreigndesk.errors import DeskError
from foreigndesk.models import MemoryEntry
from foreigndesk.translate.languages import base_language
from foreigndesk.translate.memory import HUMAN, human_entry, machine_entry

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _stamp(value: datetime | None) -> str:
    return (value or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def write_tmx(entries: Iterable[MemoryEntry], source_lang: str = "*all*") -> bytes:
    root = etree.Element("tmx", version="1.4")
    header = {
        "creationtool": "foreigndesk",
        "creationtoolversion": __version__,
        "datatype": "html",
        "segtype": "paragraph",
        "adminlang": "en",
        "srclang": source_lang,
        "o-tmf": "foreigndesk",
    }
    etree.SubElement(root, "header", header)
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
            etree.SubElement(variant, "seg").text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _segment_html(seg: etree._Element) -> str:
    # A segment the desk wrote holds its HTML as text; another tool's inline codes are
    # elements, whose own text is markup, not words.
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in {"bpt", "ept", "ph", "it", "ut"}:
            parts.append(escape("".join(str(t) for t in child.itertext()), quote=False))
        parts.append(child.tail or "")
    if len(seg):
        return "".join(parts)
    return seg.text or ""


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
    entries: list[MemoryEntry] = []
    for unit in root.iter("tu"):
        props = {p.get("type"): (p.text or "") for p in unit.findall("prop")}
        texts: dict[str, str] = {}
        for variant in unit.findall("tuv"):
            lang = base_language(variant.get(_XML_LANG) or variant.get("lang") or "")
            seg = variant.find("seg")
            if seg is not None and lang not in texts:
                texts[lang] = _segment_html(seg)
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
