"""Feed autodiscovery: a homepage's ``<link rel="alternate">`` to its feed — and whether
the page is an article of its own, which most article pages are as well as announcing
their site's feed."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from lxml import html

from foreigndesk.sources.feed import http_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)


def discover_feeds(content: bytes, url: str) -> list[str]:
    """Feed URLs a page announces, in its order of preference (RSS and Atom first)."""
    try:
        tree = html.document_fromstring(content)
    except (ValueError, html.etree.ParserError):
        return []
    found: list[tuple[int, str]] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            href = http_url(url, link.get("href"))
            if href and href not in [u for _, u in found]:
                found.append((FEED_TYPES.index(kind), href))
    return [u for _, u in sorted(found, key=lambda pair: pair[0])]


#: schema.org types of a page that is one article.
_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportage", "opinionnewsarticle",
     "analysisnewsarticle", "reviewnewsarticle", "scholarlyarticle", "techarticle",
     "report", "backgroundnewsarticle"}
)  # fmt: skip


def _jsonld_types(value: object) -> list[str]:
    if isinstance(value, list):
        return [t for item in value for t in _jsonld_types(item)]
    if not isinstance(value, dict):
        return []
    kinds = value.get("@type")
    found = [kinds] if isinstance(kinds, str) else [k for k in kinds or [] if isinstance(k, str)]
    return [k.lower() for k in found] + _jsonld_types(value.get("@graph"))


def is_article_page(content: bytes, url: str) -> bool:
    """Whether an HTML page is one article rather than a site's front page: it says so
    (``og:type`` article, a schema.org Article in its JSON-LD), or, saying nothing, it is
    not the site's root and holds exactly one ``<article>``. A single article added as a
    source stays one article, though its page announces the site's whole feed."""
    try:
        tree = html.document_fromstring(content)
    except (ValueError, html.etree.ParserError):
        return False
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            kind = (meta.get("content") or "").strip().lower()
            if kind:
                return kind == "article"
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            try:
                data = json.loads(script.text or "")
            except ValueError:
                continue
            if _jsonld_types(data) and set(_jsonld_types(data)) & _ARTICLE_TYPES:
                return True
    if urlsplit(url).path.strip("/") == "":
        return False
    return sum(1 for _ in tree.iter("article")) == 1
