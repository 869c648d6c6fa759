"""trafilatura's body tree → the desk's blocks, with the small inline subset kept.

Only links (http, https, mailto; made absolute against the page's URL) and emphasis
survive as markup; everything else is text. Markup is rebuilt from the parsed tree and
escaped here, so no source HTML reaches a block verbatim. Tables keep their rows and
cells (as a bare ``<table>``), code keeps its line breaks, a list nested in a list item
becomes items of its own one level deeper rather than text run into its parent, and a
table used for page layout (its cells hold paragraphs) is read as the blocks it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from urllib.parse import urljoin

from lxml import etree

from foreigndesk.extract.figures import MARKER_RE, Figure
from foreigndesk.models import Block, BlockKind

_EMPHASIS = {"#i": "em", "#b": "strong"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
#: Children that are blocks of their own, never inline text of their parent.
_BLOCK_CHILDREN = frozenset({"list", "table", "quote", "code", "head", "p"})
_NONE: frozenset[str] = frozenset()
_CONTAINERS = frozenset({"div", "section", "body", "main", "cell"})


def _squeeze(value: str) -> str:
    return " ".join(value.split())


def _heading_level(element: etree._Element) -> int:
    rend = element.get("rend", "h2")
    return int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2


def _is_layout(table: etree._Element) -> bool:
    """A table whose cells hold paragraphs or headings lays out a page; it holds no data."""
    return any(child.tag in _BLOCK_CHILDREN for cell in table.iter("cell") for child in cell)


@dataclass(frozen=True)
class _Builder:
    """Turns one body tree into blocks; ``base`` resolves links, ``figures`` fill markers."""

    base: str
    figures: list[Figure]

    def _href(self, href: str | None) -> str:
        href = (href or "").strip()
        if not href or href.startswith("#"):
            return ""
        try:
            target = urljoin(self.base, href)
        except ValueError:
            return ""
        return target if target.startswith(_SAFE_SCHEMES) else ""

    def inline(self, element: etree._Element, skip: frozenset[str] = _NONE) -> tuple[str, str]:
        """(html, text) of an element's content with links and emphasis kept.

        Children tagged in ``skip`` are left out: they are blocks of their own.
        """
        html_parts: list[str] = []
        text_parts: list[str] = []
        if element.text:
            html_parts.append(escape(element.text, quote=False))
            text_parts.append(element.text)
        for child in element:
            tag = child.tag
            if tag in skip or tag == "lb":
                html_parts.append(" ")
                text_parts.append(" ")
            else:
                inner_html, inner_text = self.inline(child)
                text_parts.append(inner_text)
                name = _EMPHASIS.get(child.get("rend", "")) if tag == "hi" else None
                target = self._href(child.get("target")) if tag == "ref" else ""
                if name and inner_text.strip():
                    html_parts.append(f"<{name}>{inner_html}</{name}>")
                elif target and inner_text.strip():
                    html_parts.append(f'<a href="{escape(target)}">{inner_html}</a>')
                else:
                    html_parts.append(inner_html)
            if child.tail:
                html_parts.append(escape(child.tail, quote=False))
                text_parts.append(child.tail)
        return _squeeze("".join(html_parts)), _squeeze("".join(text_parts))

    def text_block(self, kind: BlockKind, element: etree._Element, **extra: object) -> Block | None:
        skip = _BLOCK_CHILDREN if kind == BlockKind.LIST_ITEM else _NONE
        html, text = self.inline(element, skip)
        if not text:
            return None
        return Block(kind=kind, html=html, text=text, **extra)  # type: ignore[arg-type]

    def table(self, element: etree._Element) -> Block | None:
        """A table as rows of cells: ``html`` a bare table, ``text`` one row a line."""
        rows_html: list[str] = []
        rows_text: list[str] = []
        for row in element.iter("row"):
            cells_html: list[str] = []
            cells_text: list[str] = []
            for cell in row.iterchildren("cell"):
                html, text = self.inline(cell)
                tag = "th" if cell.get("role") == "head" else "td"
                cells_html.append(f"<{tag}>{html}</{tag}>")
                cells_text.append(text)
            if any(cells_text):
                rows_html.append("<tr>" + "".join(cells_html) + "</tr>")
                rows_text.append(" | ".join(cells_text))
        if not rows_text:
            return None
        return Block(
            kind=BlockKind.TABLE,
            html="<table>" + "".join(rows_html) + "</table>",
            text="\n".join(rows_text),
        )

    def list_items(self, element: etree._Element, depth: int) -> Iterator[Block | None]:
        ordered = element.get("rend", "ul") == "ol"
        for item in element.iterchildren("item"):
            yield self.text_block(BlockKind.LIST_ITEM, item, list_ordered=ordered, level=depth)
            for nested in item.iterchildren("list"):
                yield from self.list_items(nested, depth + 1)

    def paragraph(self, element: etree._Element) -> Block | None:
        text = "".join(str(t) for t in element.itertext()).strip()
        if match := MARKER_RE.match(text):
            index = int(match.group(1))
            return figure_block(self.figures[index]) if index < len(self.figures) else None
        return self.text_block(BlockKind.PARAGRAPH, element)

    def walk(self, parent: etree._Element) -> Iterator[Block | None]:
        for element in parent:
            tag = element.tag
            if tag == "head":
                yield self.text_block(BlockKind.HEADING, element, level=_heading_level(element))
            elif tag == "p":
                yield self.paragraph(element)
            elif tag == "quote":
                parts = [child for child in element if child.tag == "p"]
                if parts and not (element.text or "").strip():
                    for part in parts:
                        yield self.text_block(BlockKind.QUOTE, part)
                else:
                    yield self.text_block(BlockKind.QUOTE, element)
            elif tag == "list":
                yield from self.list_items(element, 0)
            elif tag == "table" and _is_layout(element):
                for cell in element.iter("cell"):
                    yield from self.walk(cell)
            elif tag == "table":
                yield self.table(element)
            elif tag == "code":
                yield code_block("".join(str(t) for t in element.itertext()))
            elif tag == "graphic" and (src := self._href(element.get("src"))):
                yield Block(
                    kind=BlockKind.IMAGE,
                    src=src,
                    alt=element.get("alt") or "",
                    caption=element.get("title") or None,
                )
            elif tag in _CONTAINERS:
                yield from self.walk(element)


def figure_block(figure: Figure) -> Block:
    return Block(
        kind=BlockKind.IMAGE,
        src=figure.src,
        alt=figure.alt,
        caption=figure.caption,
        credit=figure.credit,
    )


def code_block(raw: str) -> Block | None:
    """Code as written: line breaks and indentation are its meaning, so they are kept."""
    text = raw.strip("\n")
    if not text.strip():
        return None
    return Block(kind=BlockKind.CODE, html=escape(text, quote=False), text=text)


def body_to_blocks(body: etree._Element, figures: list[Figure], base_url: str) -> list[Block]:
    """Blocks from trafilatura's body tree, figures put back where their markers stood."""
    builder = _Builder(base=base_url, figures=figures)
    return [block for block in builder.walk(body) if block is not None]
