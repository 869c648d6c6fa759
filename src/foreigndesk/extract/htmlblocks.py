"""Plain HTML (a second extractor's output) → the desk's blocks, same rules as ``blocks``.

readability-lxml returns the article as cleaned HTML rather than trafilatura's tree, so
its result is read here into the same kinds of block with the same small inline subset:
links (absolute, safe schemes only) and emphasis, everything else text.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from urllib.parse import urljoin

from lxml import html as lxml_html

from foreigndesk.extract.blocks import code_block, figure_block
from foreigndesk.extract.figures import MARKER_RE, Figure
from foreigndesk.models import Block, BlockKind

_EMPHASIS = {"em": "em", "i": "em", "strong": "strong", "b": "strong"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "ul", "ol", "li", "blockquote", "pre", "table"}
    | set(_HEADINGS)
    | {"figure", "header", "dl", "dd", "dt"}
)
_SKIP = frozenset({"script", "style", "noscript", "form", "button", "nav"})


def _squeeze(value: str) -> str:
    return " ".join(value.split())


def _inline(element: lxml_html.HtmlElement, base: str) -> tuple[str, str]:
    html_parts: list[str] = []
    text_parts: list[str] = []
    if element.text:
        html_parts.append(escape(element.text, quote=False))
        text_parts.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            html_parts.append(" ")
            text_parts.append(" ")
        elif tag and tag not in _SKIP:
            inner_html, inner_text = _inline(child, base)
            text_parts.append(inner_text)
            href = urljoin(base, (child.get("href") or "").strip()) if tag == "a" else ""
            if tag in _EMPHASIS and inner_text.strip():
                name = _EMPHASIS[tag]
                html_parts.append(f"<{name}>{inner_html}</{name}>")
            elif href.startswith(_SAFE_SCHEMES) and inner_text.strip():
                html_parts.append(f'<a href="{escape(href)}">{inner_html}</a>')
            else:
                html_parts.append(inner_html)
        if child.tail:
            html_parts.append(escape(child.tail, quote=False))
            text_parts.append(child.tail)
    return _squeeze("".join(html_parts)), _squeeze("".join(text_parts))


def _has_blocks(element: lxml_html.HtmlElement) -> bool:
    return any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in element)


def _text_block(
    kind: BlockKind, element: lxml_html.HtmlElement, base: str, **extra: object
) -> Block | None:
    html, text = _inline(element, base)
    if not text:
        return None
    return Block(kind=kind, html=html, text=text, **extra)  # type: ignore[arg-type]


def _walk(
    parent: lxml_html.HtmlElement, base: str, figures: list[Figure]
) -> Iterator[Block | None]:
    for element in parent:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _SKIP:
            continue
        if tag in _HEADINGS:
            yield _text_block(BlockKind.HEADING, element, base, level=_HEADINGS[tag])
        elif tag in {"ul", "ol"}:
            for item in element.iterchildren("li"):
                yield _text_block(BlockKind.LIST_ITEM, item, base, list_ordered=tag == "ol")
        elif tag == "blockquote":
            yield _text_block(BlockKind.QUOTE, element, base)
        elif tag == "pre":
            yield code_block(element.text_content())
        elif tag in {"p", "div", "section", "article", "main", "td", "header", "figure"}:
            if _has_blocks(element):
                yield from _walk(element, base, figures)
                continue
            text = element.text_content().strip()
            if (match := MARKER_RE.match(text)) and int(match.group(1)) < len(figures):
                yield figure_block(figures[int(match.group(1))])
            else:
                yield _text_block(BlockKind.PARAGRAPH, element, base)
        elif tag == "table":
            for cell in element.iter("td", "th"):
                if _has_blocks(cell):
                    yield from _walk(cell, base, figures)
                else:
                    yield _text_block(BlockKind.PARAGRAPH, cell, base)


def html_to_blocks(html: str, base_url: str, figures: list[Figure]) -> list[Block]:
    """Blocks from an HTML fragment, figures put back where their markers stood."""
    if not html.strip():
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    return [block for block in _walk(root, base_url, figures) if block is not None]
