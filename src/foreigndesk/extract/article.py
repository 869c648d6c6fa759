"""One fetched page → one extracted article: blocks, title, authors, dates, licence.

The page is parsed once; its metadata (JSON-LD, meta tags, byline) is read from that tree
and its body found by trafilatura on a copy of it, with a second extractor consulted only
when the first one's result looks wrong (see ``fallback``). The body's blocks are then
cleaned in a fixed order: figures put back, the repeated header dropped, boilerplate
lines dropped, repeated paragraphs kept once, languages identified.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime

from foreigndesk.errors import DeskError
from foreigndesk.extract.authors import (
    byline_authors,
    site_authors,
    site_identity,
    structured_authors,
)
from foreigndesk.extract.blocks import body_to_blocks
from foreigndesk.extract.body import article_scope, paragraph_chars, trafilatura_body
from foreigndesk.extract.boilerplate import drop_boilerplate
from foreigndesk.extract.bylines import headline_element, marked_byline, text_byline
from foreigndesk.extract.decoding import page_encoding
from foreigndesk.extract.fallback import better_body
from foreigndesk.extract.figures import set_figures_aside
from foreigndesk.extract.header import drop_header
from foreigndesk.extract.jsonld import article_object, id_index, read_jsonld
from foreigndesk.extract.language import article_language, block_language, script_of
from foreigndesk.extract.licenses import mentions_license, page_license
from foreigndesk.extract.metatags import first, read_meta
from foreigndesk.extract.pagedates import published_date, updated_date
from foreigndesk.extract.parsing import parse_page, strip_chrome, strip_never_text
from foreigndesk.extract.repeats import drop_repeats
from foreigndesk.extract.tags import page_description, page_tags
from foreigndesk.extract.titles import page_title, site_names
from foreigndesk.extract.urls import canonical_url
from foreigndesk.models import Block, BlockKind, ExtractedArticle

logger = logging.getLogger(__name__)

#: Less body text than this (headings aside) is a menu or a stub, not an article.
MIN_BODY_CHARS = 40


def content_hash(blocks: list[Block] | tuple[Block, ...]) -> str:
    """A hash of the article's text, insensitive to whitespace and case: exact duplicates."""
    text = "\n".join(" ".join(b.text.split()).casefold() for b in blocks if b.text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _page_lang(declared: str | None, given: str | None) -> str | None:
    return (declared or "").strip().replace("_", "-") or given


def extract_article(
    content: bytes,
    url: str,
    *,
    encoding: str | None = None,
    fetched_at: datetime | None = None,
    lang: str | None = None,
) -> ExtractedArticle:
    """Extract the article from a page; raises DeskError when there is none to be had.

    ``lang`` is the source's language, used when the page does not declare one;
    ``fetched_at`` anchors relative dates ("3 hours ago").
    """
    read = page_encoding(content, encoding)
    tree = parse_page(content, read)
    # Metadata first, while the tree still has its scripts, links and footer.
    meta = read_meta(tree)
    objects = read_jsonld(tree)
    index = id_index(objects)
    article = article_object(objects)
    canonical = canonical_url(tree, meta, url)
    license_ = page_license(tree, url, article) if mentions_license(content) else None
    # The rest reads the page without its scripts; the body without its chrome as well.
    strip_never_text(tree)
    declared_lang = _page_lang(tree.get("lang") or first(meta, ("og:locale",)), lang)
    names = site_names(meta, article, objects, index)
    title = page_title(tree, meta, article, names)
    headline = headline_element(tree, title)
    # A byline in the article's own text is a short walk from the headline; a marked one
    # is a walk of the whole tree, needed only where no source for machines names anyone.
    text_line = text_byline(headline)
    site = site_identity(meta, article, objects, index)
    authors = structured_authors(meta, article, index, site)
    byline = None if authors else (marked_byline(tree, headline) or text_line)
    if byline is not None:
        authors = byline_authors(byline, site)
    if not authors:
        authors = site_authors(meta, article, index, site)
    bylines = [b.text for b in (byline, text_line) if b is not None]
    headline_text = " ".join(headline.text_content().split()) if headline is not None else ""
    published = published_date(
        tree,
        meta,
        article,
        byline.text if byline is not None and not byline.in_text else None,
        lang=declared_lang,
        fetched_at=fetched_at,
        url=url,
        text_byline=text_line.text if text_line else None,
    )
    strip_chrome(tree)

    figures = set_figures_aside(tree, url)
    page_chars = paragraph_chars(tree)
    scope = article_scope(tree, page_chars)
    body = trafilatura_body(scope)
    blocks = body_to_blocks(body, figures, url) if body is not None else []
    topic = f"{title} {page_description(meta, article) or ''}"
    blocks, extractor = better_body(scope, url, blocks, figures, page_chars=page_chars, topic=topic)
    blocks = drop_header(
        blocks,
        titles=[title, headline_text],
        authors=authors,
        bylines=bylines,
        lang=declared_lang,
        now=fetched_at,
    )
    blocks = drop_boilerplate(blocks)
    blocks, repeats = drop_repeats(blocks)
    if sum(len(b.text) for b in blocks if b.kind != BlockKind.HEADING) < MIN_BODY_CHARS:
        raise DeskError(f"{url}: no article text found on the page — is it an article page?")

    lang_tag = article_language(declared_lang, blocks)
    script = script_of(" ".join(b.text for b in blocks[:3]))
    blocks = [_with_lang(b, block_language(b, lang_tag, script)) for b in blocks]
    if not title:
        title = next((b.text for b in blocks if b.kind == BlockKind.HEADING), url)
    return ExtractedArticle(
        title=title,
        blocks=tuple(blocks),
        authors=authors,
        published=published,
        site_name=names[0] if names else None,
        canonical_url=canonical,
        lang=lang_tag,
        license=license_,
        description=page_description(meta, article),
        repeats=tuple(repeats),
        updated=updated_date(meta, article, declared_lang),
        tags=page_tags(meta, article),
        extractor=extractor,
        encoding=read.codec,
        undecodable_bytes=read.undecodable,
    )


def _with_lang(block: Block, lang: str | None) -> Block:
    return block if block.lang == lang else replace(block, lang=lang)
