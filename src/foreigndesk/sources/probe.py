"""What a URL is, asked once when it is added as a source: a feed, a sitemap, a site whose
homepage announces its feed, or one article — and the language it writes in.

The answer comes from one fetch through the desk's own fetcher (robots.txt, the address
guard, the size limit), and for the language one more: the first article the source lists,
extracted as the desk extracts it and identified by its text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from foreigndesk.errors import DeskError
from foreigndesk.extract import extract_article
from foreigndesk.fetch import Fetcher
from foreigndesk.sources.poll import poll_source
from foreigndesk.store.tables import utcnow
from foreigndesk.translate.languages import base_language

#: What each kind is called in the line that says what was subscribed to.
KIND_NAMES = {
    "feed": "a feed",
    "sitemap": "a sitemap",
    "homepage": "a site's homepage",
    "url": "a single article",
}


@dataclass(frozen=True)
class Probe:
    url: str
    kind: str
    title: str | None
    listed: int
    lang: str | None
    #: The homepage the user gave, when ``url`` is the feed it announces.
    announced_by: str | None = None


def source_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a source, as one line; None when it can."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        return f"{url!r} is not an http(s) URL ({shown}) — give the feed's or page's address"
    if not parts.hostname or " " in url.strip():
        return f"{url!r} has no host name — give the full address, https://example.org/feed"
    return None


async def _article_lang(fetcher: Fetcher, url: str) -> str | None:
    result = await fetcher.get(url)
    if not result.is_html:
        return None
    article = extract_article(
        result.content, result.final_url, encoding=result.encoding, fetched_at=utcnow()
    )
    return base_language(article.lang) if article.lang else None


async def probe_source(fetcher: Fetcher, url: str, *, sitemap_depth: int = 3) -> Probe:
    """Fetch ``url`` and tell what it is; DeskError (one line) when it cannot be had."""
    poll = await poll_source(fetcher, url, sitemap_depth=sitemap_depth)
    announced_by = None
    if poll.moved_to:
        announced_by, url = url, poll.moved_to
        poll = await poll_source(fetcher, url, sitemap_depth=sitemap_depth)
    lang = None
    first = poll.urls[0] if poll.urls else None
    if first is not None:
        try:
            lang = await _article_lang(fetcher, first)
        except DeskError:
            lang = None
    return Probe(url, poll.kind, poll.title, len(poll.urls), lang, announced_by)


def run_probe(fetcher: Fetcher, url: str, sitemap_depth: int = 3) -> Probe:
    async def go() -> Probe:
        async with fetcher:
            return await probe_source(fetcher, url, sitemap_depth=sitemap_depth)

    return asyncio.run(go())
