"""Feed autodiscovery: a homepage's ``<link rel="alternate">`` to its feed."""

from __future__ import annotations

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
