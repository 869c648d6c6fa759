"""Figures kept in place.

trafilatura drops ``<figure>`` captions and images it does not recognise (SVG, images
without an extension), so before extraction each figure is swapped for a marker paragraph
and set aside; markers that survive extraction become image blocks where they stood, and
figures that were boilerplate vanish with the boilerplate around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import html as lxml_html

MARKER = "FDFIGURE{}X"
MARKER_RE = re.compile(r"^FDFIGURE(\d+)X$")
_CREDIT_RE = re.compile(
    r"(?:^|\s)((?:image|photo|photograph|illustration|picture|credit|source)s?\s*[:：].*)$",
    re.I,
)


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str
    caption: str | None
    credit: str | None


def _split_caption(element: lxml_html.HtmlElement | None) -> tuple[str | None, str | None]:
    if element is None:
        return None, None
    credit = None
    for node in element.xpath(
        ".//*[contains(concat(' ', normalize-space(@class), ' '), ' credit ')]"
    ):
        credit = " ".join(node.text_content().split())
        node.drop_tree()
    caption = " ".join(element.text_content().split())
    if credit is None and (match := _CREDIT_RE.search(caption)):
        credit = match.group(1).strip()
        caption = caption[: match.start(1)].strip()
    return caption or None, credit or None


def set_figures_aside(tree: lxml_html.HtmlElement, base_url: str) -> list[Figure]:
    """Replace each ``<figure>`` holding an image in ``tree`` with a marker paragraph."""
    figures: list[Figure] = []
    for figure in tree.iter("figure"):
        images = figure.xpath(".//img[@src]")
        if not images:
            continue
        image = images[0]
        captions = figure.xpath(".//figcaption")
        caption, credit = _split_caption(captions[0] if captions else None)
        figures.append(
            Figure(
                src=urljoin(base_url, image.get("src", "").strip()),
                alt=" ".join((image.get("alt") or "").split()),
                caption=caption,
                credit=credit,
            )
        )
    # Replace after collecting: mutating the tree while iterating it skips nodes.
    for index, figure in enumerate([f for f in tree.iter("figure") if f.xpath(".//img[@src]")]):
        marker = lxml_html.Element("p")
        marker.text = MARKER.format(index)
        marker.tail = figure.tail
        parent = figure.getparent()
        if parent is not None:
            parent.replace(figure, marker)
    return figures
