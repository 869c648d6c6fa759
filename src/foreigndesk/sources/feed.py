"""RSS and Atom feeds → candidate article URLs.

feedparser is always handed bytes we fetched ourselves, never a URL: it must not make
requests of its own past our fetch layer's limits and User-Agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser

from foreigndesk.errors import DeskError


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: tuple[FeedEntry, ...]


def parse_feed(content: bytes, url: str) -> Feed:
    """The feed's entries with absolute http(s) links, in feed order, each URL once."""
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise DeskError(f"{url}: not a feed ({reason}) — add the site's RSS or Atom feed URL")
    seen: set[str] = set()
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = entry.get("link") or _alternate_link(entry)
        if not link:
            continue
        absolute = urljoin(url, link.strip())
        if urlsplit(absolute).scheme not in {"http", "https"} or absolute in seen:
            continue
        seen.add(absolute)
        entries.append(FeedEntry(url=absolute, title=entry.get("title")))
    return Feed(title=parsed.feed.get("title"), entries=tuple(entries))


def _alternate_link(entry: feedparser.FeedParserDict) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None
