"""trafilatura's XML → the desk's blocks, with the small inline subset kept.

Only links (http, https, mailto) and emphasis survive as markup; everything else is text.
Markup is rebuilt from the parsed tree and escaped here, so no source HTML reaches a
block verbatim.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from lxml import etree

from foreigndesk.extract.figures import MARKER_RE, Figure
from foreigndesk.models import Block, BlockKind

_EMPHASIS = {"#i": "em", "#b": "strong"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def _inline(element: etree._Element) -> tuple[str, str]:
    """(html, text) of an element's content with links and emphasis kept."""
    html_parts: list[str] = []
    text_parts: list[str] = []
    if element.text:
        html_parts.append(escape(element.text, quote=False))
        text_parts.append(element.text)
    for child in element:
        inner_html, inner_text = _inline(child)
        tag = child.tag
        if tag == "hi" and (name := _EMPHASIS.get(child.get("rend", ""))) and inner_text.strip():
            html_parts.append(f"<{name}>{inner_html}</{name}>")
        elif tag == "ref" and (target := (child.get("target") or "").strip()).startswith(
            _SAFE_SCHEMES
        ):
            html_parts.append(f'<a href="{escape(target)}">{inner_html}</a>')
        elif tag == "lb":
            html_parts.append(" ")
            inner_text = " "
        else:
            html_parts.append(inner_html)
        text_parts.append(inner_text)
        if child.tail:
            html_parts.append(escape(child.tail, quote=False))
            text_parts.append(child.tail)
    return _squeeze("".join(html_parts)), _squeeze("".join(text_parts))


def _squeeze(value: str) -> str:
    return " ".join(value.split())


def _text_block(kind: BlockKind, element: etree._Element, **extra: object) -> Block | None:
    html, text = _inline(element)
    if not text:
        return None
    return Block(kind=kind, html=html, text=text, **extra)  # type: ignore[arg-type]


def xml_to_blocks(xml: str, figures: list[Figure]) -> list[Block]:
    """Blocks from trafilatura's XML output, figures put back where their markers stood."""
    root = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False))
    main = root.find("main")
    if main is None:
        return []
    return [block for block in _walk(main, figures) if block is not None]


def _walk(parent: etree._Element, figures: list[Figure]) -> Iterator[Block | None]:
    for element in parent:
        tag = element.tag
        if tag == "head":
            rend = element.get("rend", "h2")
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            yield _text_block(BlockKind.HEADING, element, level=level)
        elif tag == "p":
            text = "".join(str(t) for t in element.itertext()).strip()
            if match := MARKER_RE.match(text):
                index = int(match.group(1))
                if index < len(figures):
                    figure = figures[index]
                    yield Block(
                        kind=BlockKind.IMAGE,
                        src=figure.src,
                        alt=figure.alt,
                        caption=figure.caption,
                        credit=figure.credit,
                    )
                continue
            yield _text_block(BlockKind.PARAGRAPH, element)
        elif tag == "quote":
            paragraphs = element.findall("p")
            for part in paragraphs or [element]:
                yield _text_block(BlockKind.QUOTE, part)
        elif tag == "list":
            ordered = element.get("rend", "ul") == "ol"
            for item in element.iter("item"):
                yield _text_block(BlockKind.LIST_ITEM, item, list_ordered=ordered)
        elif tag == "graphic" and (src := element.get("src")):
            yield Block(
                kind=BlockKind.IMAGE,
                src=src,
                alt=element.get("alt") or "",
                caption=element.get("title") or None,
            )
        elif tag in {"div", "section"}:
            yield from _walk(element, figures)
