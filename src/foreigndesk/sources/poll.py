"""Checking one source: fetch it, find out what it is, collect its article URLs.

A homepage is followed to the feed it announces (once: the source then points at the
feed); a sitemap index is walked breadth-first to a depth cap with a visited set. How
long to wait before the next check is decided here too, from what the source asked for
and how often it has had something new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foreigndesk.errors import DeskError
from foreigndesk.fetch import Fetcher
from foreigndesk.sources.read import SourceRead, read_source
from foreigndesk.sources.sitemap import parse_sitemap

_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.I)


@dataclass(frozen=True)
class Poll:
    kind: str
    urls: tuple[str, ...] = ()
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    #: The source asked for this many seconds between checks (ttl, Cache-Control).
    interval_hint: int | None = None
    #: A homepage's feed: the URL the source should point at from now on.
    moved_to: str | None = None


async def poll_source(
    fetcher: Fetcher,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    sitemap_depth: int = 3,
) -> Poll:
    result = await fetcher.get(url, etag=etag, last_modified=last_modified)
    hint = max_age(result.cache_control)
    if result.not_modified:
        return Poll(
            kind="feed",
            not_modified=True,
            interval_hint=hint,
            etag=result.etag or etag,
            last_modified=result.last_modified or last_modified,
        )
    read = read_source(result.content, result.content_type, result.final_url)
    moved_to = None
    if read.kind == "homepage":
        moved_to = read.follow[0]
        result = await fetcher.get(moved_to)
        read = read_source(result.content, result.content_type, result.final_url)
        if read.kind not in {"feed", "sitemap"}:
            raise DeskError(f"{moved_to}: announced as a feed but is not one — add the feed URL")
    urls = list(read.urls)
    if read.kind == "sitemap" and read.follow:
        urls += await _walk_sitemaps(fetcher, url, read, sitemap_depth)
    hints = [h for h in (hint, read.interval) if h]
    return Poll(
        kind=read.kind,
        urls=tuple(dict.fromkeys(urls)),
        title=read.title,
        etag=result.etag,
        last_modified=result.last_modified,
        interval_hint=max(hints) if hints else None,
        moved_to=moved_to,
    )


async def _walk_sitemaps(fetcher: Fetcher, root: str, index: SourceRead, depth: int) -> list[str]:
    visited = {root}
    frontier = [u for u in index.follow if u not in visited]
    urls: list[str] = []
    for _level in range(depth):
        following: list[str] = []
        for child in frontier:
            if child in visited:
                continue
            visited.add(child)
            result = await fetcher.get(child)
            sitemap = parse_sitemap(result.content, result.final_url)
            urls += sitemap.urls
            following += [u for u in sitemap.children if u not in visited]
        frontier = following
        if not frontier:
            break
    return urls


def max_age(cache_control: str | None) -> int | None:
    if not cache_control or "no-cache" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return int(match.group(1)) if match else None


def next_interval(
    previous: int | None, hint: int | None, new_items: int, base: int, maximum: int
) -> int:
    """Seconds until the next check: at least what the source asked for; longer, step by
    step, for a source that keeps having nothing new; back to the base when it does."""
    floor = max(base, hint or 0)
    if new_items or previous is None:
        return min(floor, maximum) if floor <= maximum else floor
    return max(floor, min(int(previous * 1.5), maximum))
