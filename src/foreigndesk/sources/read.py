"""Whatever a source URL answered → what to do with it.

A source is added as a URL; what it is shows when it is fetched: an RSS or Atom feed, a
JSON Feed, a sitemap or sitemap index, a homepage that announces a feed, or a single
article page.
"""

from __future__ import annotations

from dataclasses import dataclass

from foreigndesk.sources.discovery import discover_feeds, is_article_page
from foreigndesk.sources.feed import parse_feed
from foreigndesk.sources.jsonfeed import looks_like_json_feed, parse_json_feed
from foreigndesk.sources.sitemap import looks_like_sitemap, parse_sitemap

_HTML_TYPES = {"text/html", "application/xhtml+xml"}


@dataclass(frozen=True)
class SourceRead:
    kind: str  # feed, sitemap, homepage, url
    title: str | None = None
    urls: tuple[str, ...] = ()
    #: Sitemaps an index lists; the feed a homepage announces.
    follow: tuple[str, ...] = ()
    interval: int | None = None


def read_source(content: bytes, content_type: str, url: str) -> SourceRead:
    if content_type in _HTML_TYPES or content[:1024].lstrip().lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        feeds = [] if is_article_page(content, url) else discover_feeds(content, url)
        if feeds:
            return SourceRead(kind="homepage", follow=(feeds[0],))
        return SourceRead(kind="url", urls=(url,))
    if looks_like_json_feed(content) or content_type == "application/feed+json":
        feed = parse_json_feed(content, url)
        return SourceRead(kind="feed", title=feed.title, urls=tuple(e.url for e in feed.entries))
    if looks_like_sitemap(content) or content.startswith(b"\x1f\x8b"):
        sitemap = parse_sitemap(content, url)
        return SourceRead(kind="sitemap", urls=sitemap.urls, follow=sitemap.children)
    feed = parse_feed(content, url)
    return SourceRead(
        kind="feed",
        title=feed.title,
        urls=tuple(e.url for e in feed.entries),
        interval=feed.interval,
    )
