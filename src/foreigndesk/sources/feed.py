"""RSS (0.9x, 1.0, 2.0) and Atom feeds → candidate article URLs.

feedparser is always handed bytes we fetched ourselves, never a URL: it must not make
requests of its own past our fetch layer's limits, guard and User-Agent. Only http(s)
links are taken (feedparser passes ``javascript:`` and ``data:`` through), each URL once
however many entries repeat it or its GUID. A feed's DOCTYPE is taken out before it is
parsed (:func:`~foreigndesk.sources.xmlsafety.defuse`): an entity it declares is never
expanded, and its items are read all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser

from foreigndesk.errors import DeskError
from foreigndesk.sources.xmlsafety import defuse

_UPDATE_PERIODS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 604800,
    "monthly": 2592000,
    "yearly": 31536000,
}


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    #: Seconds the feed asks readers to wait between checks (ttl, sy:updatePeriod).
    interval: int | None = None


def http_url(base: str, link: str | None) -> str | None:
    """``link`` made absolute against ``base``, or None unless it is http(s)."""
    if not link or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
        parts = urlsplit(absolute)
        host = parts.hostname
    except ValueError:  # "http://[::1/": not a URL (an unclosed IPv6 bracket, say)
        return None
    if parts.scheme not in {"http", "https"} or not host:
        return None
    return absolute


def _interval(parsed: feedparser.FeedParserDict) -> int | None:
    feed = parsed.feed
    ttl = str(feed.get("ttl", "")).strip()
    if ttl.isdigit() and int(ttl) > 0:
        return int(ttl) * 60
    period = _UPDATE_PERIODS.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period:
        frequency = str(feed.get("sy_updatefrequency", "1")).strip()
        return period // max(int(frequency) if frequency.isdigit() else 1, 1)
    return None


def parse_feed(content: bytes, url: str) -> Feed:
    """The feed's entries with absolute http(s) links, in feed order, each URL once."""
    content = defuse(content, url)
    parsed = feedparser.parse(content, response_headers={"content-location": url})
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise DeskError(f"{url}: not a feed ({reason}) — add the site's RSS or Atom feed URL")
    seen_urls: set[str] = set()
    seen_ids: set[str] = set()
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = http_url(url, entry.get("link") or _alternate_link(entry))
        guid = str(entry.get("id") or "")
        if link is None or link in seen_urls or (guid and guid in seen_ids):
            continue
        seen_urls.add(link)
        if guid:
            seen_ids.add(guid)
        entries.append(FeedEntry(url=link, title=entry.get("title")))
    return Feed(title=parsed.feed.get("title"), entries=tuple(entries), interval=_interval(parsed))


def _alternate_link(entry: feedparser.FeedParserDict) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None
