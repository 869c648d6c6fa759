"""Checking one source: fetch it, find out what it is, collect its article URLs.

A homepage is followed to the feed it announces (once: the source then points at the
feed); when that feed cannot be had, the page itself is taken as a single article, with a
warning that says why, and the feed is tried again at the next check. A sitemap index is
walked breadth-first to a depth cap with a visited set. How long to wait before the next
check is decided here too, from what the source asked for and how often it has had
something new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from foreigndesk.errors import Deferred, DeskError
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
    #: A warning for the curator about what was done instead of what was asked (a feed
    #: that could not be had, so the page was taken as an article); the caller says it.
    note: str | None = None


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
        page, moved_to = result.final_url, read.follow[0]
        try:
            result = await fetcher.get(moved_to)
            read = read_source(result.content, result.content_type, result.final_url)
            if read.kind not in {"feed", "sitemap"}:
                raise DeskError(
                    f"{moved_to}: announced as a feed but is not one — add the feed URL"
                )
        except Deferred:
            raise  # the feed's site asks to be asked later: the source is, feed and all
        except DeskError as exc:
            return page_as_article(page, hint, note=feed_not_used(page, moved_to, exc))
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


def feed_not_used(page: str, feed: str, why: DeskError) -> str:
    """The warning line for a page whose announced feed cannot be had: the page, the feed,
    why (the error's own line, less the feed's address it starts with), what was done."""
    reason = str(why).removeprefix(f"{feed}: ")
    return (
        f"{page}: the feed it announces, {feed}, cannot be had ({reason}) — the page itself"
        " is taken as a single article; the feed is tried again at the next check"
    )


def page_as_article(
    page: str, interval_hint: int | None = None, *, note: str | None = None
) -> Poll:
    """A page whose announced feed cannot be had, taken as one article of its own.

    The page's validators are not kept: a page that has not changed would answer the next
    check with 304, and its feed would not be tried again until it did."""
    return Poll(kind="url", urls=(page,), interval_hint=interval_hint, note=note)


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
