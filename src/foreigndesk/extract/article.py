"""One fetched page → one extracted article: blocks, title, authors, date, licence."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

import trafilatura
from lxml import html as lxml_html

from foreigndesk.errors import DeskError
from foreigndesk.extract.blocks import xml_to_blocks
from foreigndesk.extract.dates import parse_date
from foreigndesk.extract.figures import set_figures_aside
from foreigndesk.extract.metadata import (
    byline_text,
    linked_authors,
    page_lang,
    page_license,
    split_authors,
    strip_site_suffix,
)
from foreigndesk.extract.repeats import drop_repeats
from foreigndesk.models import Block, BlockKind, ExtractedArticle

#: Where a byline's names end and its date begins: "By Jane Roe · 16/11/2024".
_DATE_TAIL = re.compile(r"\s(?:·|\||—|-|,|on)\s|\s\d")

#: A paragraph this short near the top that names the author or the date is the byline.
_BYLINE_MAX_CHARS = 160


def _parse(content: bytes, encoding: str | None) -> lxml_html.HtmlElement:
    try:
        if encoding:
            return lxml_html.document_fromstring(content.decode(encoding, errors="replace"))
        return lxml_html.document_fromstring(content)
    except (LookupError, ValueError, lxml_html.etree.ParserError) as exc:
        raise DeskError(f"page cannot be parsed as HTML ({exc})") from exc


def _is_byline(block: Block, authors: tuple[str, ...], byline: str | None) -> bool:
    if block.kind != BlockKind.PARAGRAPH or len(block.text) > _BYLINE_MAX_CHARS:
        return False
    text = block.text.strip()
    if byline and text == byline:
        return True
    return text.lower().startswith("by ") and any(name in text for name in authors)


def _clean_top(
    blocks: list[Block], title: str, authors: tuple[str, ...], byline: str | None
) -> list[Block]:
    """Drop the headline and the byline that extractors leave at the top of the body."""
    cleaned: list[Block] = []
    for index, block in enumerate(blocks):
        near_top = index < 4
        if near_top and block.kind == BlockKind.HEADING and block.text.strip() == title:
            continue
        if near_top and _is_byline(block, authors, byline):
            continue
        cleaned.append(block)
    return cleaned


def content_hash(blocks: list[Block] | tuple[Block, ...]) -> str:
    """A hash of the article's text, insensitive to whitespace and case: exact duplicates."""
    text = "\n".join(" ".join(b.text.split()).casefold() for b in blocks if b.text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extract_article(
    content: bytes,
    url: str,
    *,
    encoding: str | None = None,
    fetched_at: datetime | None = None,
    lang: str | None = None,
) -> ExtractedArticle:
    """Extract the article from a page; raises DeskError when there is none to be had."""
    tree = _parse(content, encoding)
    lang = page_lang(tree) or lang
    metadata = trafilatura.extract_metadata(
        lxml_html.tostring(tree, encoding="unicode"), default_url=url
    )
    site_name = (metadata.sitename if metadata else None) or None
    raw_title = (metadata.title if metadata else None) or ""
    title = strip_site_suffix(raw_title, site_name)
    byline = byline_text(tree)
    # rel=author links name every co-author; trafilatura's metadata keeps only the first.
    authors = linked_authors(tree)
    if not authors and byline:
        authors = split_authors(_DATE_TAIL.split(byline)[0])
    if not authors and metadata:
        authors = split_authors(metadata.author)
    published = parse_date(byline, lang=lang, now=fetched_at) if byline else None
    if published is None and metadata and metadata.date:
        published = parse_date(metadata.date)
    license_ = page_license(tree, url)
    canonical = tree.xpath("string(//link[@rel='canonical']/@href)") or None

    figures = set_figures_aside(tree, url)
    xml = trafilatura.extract(
        tree,
        url=url,
        output_format="xml",
        include_images=True,
        include_links=True,
        include_formatting=True,
        include_tables=False,
        include_comments=False,
        with_metadata=False,
    )
    if not xml:
        raise DeskError(f"{url}: no article text found on the page — is it an article page?")
    blocks = _clean_top(xml_to_blocks(xml, figures), title, authors, byline)
    blocks, repeats = drop_repeats(blocks)
    if not any(b.kind == BlockKind.PARAGRAPH for b in blocks):
        raise DeskError(f"{url}: no article text found on the page — is it an article page?")
    if not title:
        title = next((b.text for b in blocks if b.kind == BlockKind.HEADING), url)
    return ExtractedArticle(
        title=title,
        blocks=tuple(blocks),
        authors=authors,
        published=published,
        site_name=site_name,
        canonical_url=str(canonical).strip() or None if canonical else None,
        lang=lang,
        license=license_,
        description=(metadata.description if metadata else None) or None,
        repeats=tuple(repeats),
    )
