"""Sitemaps (sitemaps.org 0.9), sitemap indexes and news sitemaps → article URLs.

An index is followed to at most ``depth`` levels with a visited set, so an index that
lists itself, or two that list each other, end at once. News sitemaps are ordinary
sitemaps with extra tags; their ``<loc>`` is what counts. A sitemap's DOCTYPE is taken
out before it is parsed, so an entity it declares is never expanded, and a ``<loc>`` that
refers to one is left out.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass

from lxml import etree

from foreigndesk.errors import DeskError
from foreigndesk.sources.feed import http_url
from foreigndesk.sources.xmlsafety import defuse, parser

MAX_URLS = 50_000  # the protocol's own limit per file


@dataclass(frozen=True)
class Sitemap:
    urls: tuple[str, ...]
    #: Child sitemaps listed by an index, still to be read.
    children: tuple[str, ...]


def looks_like_sitemap(content: bytes) -> bool:
    head = content[:2048]
    return b"<urlset" in head or b"<sitemapindex" in head


def _ungzip(content: bytes, cap: int) -> bytes:
    if not content.startswith(b"\x1f\x8b"):
        return content
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = decompressor.decompress(content, cap + 1)
    if len(data) > cap:
        raise DeskError(f"gzipped sitemap expands past {cap} bytes — refused")
    return data


def parse_sitemap(content: bytes, url: str, cap: int = 50 * 1024 * 1024) -> Sitemap:
    try:
        content = _ungzip(content, cap)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise DeskError(f"{url}: a corrupt gzipped sitemap ({exc})") from exc
    content = defuse(content, url)
    try:
        root = etree.fromstring(content, parser=parser())
    except etree.XMLSyntaxError as exc:
        raise DeskError(f"{url}: not a sitemap ({exc}) — check the URL") from exc
    if root is None:
        raise DeskError(f"{url}: not a sitemap (empty document) — check the URL")
    name = etree.QName(root).localname
    locs = [
        (element.text or "").strip()
        for element in root.iter("{*}loc", "loc")
        if etree.QName(element.getparent()).localname in {"url", "sitemap"}
        # A reference to an entity the sitemap declared is left unexpanded: the address
        # around it is not one to take.
        and not any(child.tag is etree.Entity for child in element)
    ]
    cleaned = list(dict.fromkeys(u for u in (http_url(url, loc) for loc in locs) if u))[:MAX_URLS]
    if name == "sitemapindex":
        return Sitemap(urls=(), children=tuple(cleaned))
    if name == "urlset":
        return Sitemap(urls=tuple(cleaned), children=())
    raise DeskError(f"{url}: not a sitemap (root <{name}>) — check the URL")
