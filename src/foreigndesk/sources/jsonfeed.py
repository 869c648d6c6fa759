"""JSON Feed 1.0/1.1 (jsonfeed.org), read by our own small parser.

Only what the desk needs is taken — each item's URL and title — and URLs pass the same
rules as RSS links: absolute, http(s), each once.
"""

from __future__ import annotations

import json

from foreigndesk.errors import DeskError
from foreigndesk.sources.feed import Feed, FeedEntry, http_url

JSON_FEED_PREFIX = "https://jsonfeed.org/version/"


def looks_like_json_feed(content: bytes) -> bool:
    head = content[:512].lstrip()
    return head.startswith(b"{") and b"jsonfeed.org/version" in content[:4096]


def parse_json_feed(content: bytes, url: str) -> Feed:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DeskError(f"{url}: not a JSON Feed ({exc}) — check the feed URL") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        JSON_FEED_PREFIX
    ):
        raise DeskError(f"{url}: not a JSON Feed (no jsonfeed.org version) — check the URL")
    items = document.get("items")
    if not isinstance(items, list):
        raise DeskError(f"{url}: JSON Feed without an items list — check the feed")
    seen: set[str] = set()
    entries: list[FeedEntry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        link = http_url(url, str(item.get("url") or item.get("external_url") or ""))
        if link is None or link in seen:
            continue
        seen.add(link)
        title = item.get("title")
        entries.append(FeedEntry(url=link, title=str(title) if title else None))
    title = document.get("title")
    return Feed(title=str(title) if title else None, entries=tuple(entries))
