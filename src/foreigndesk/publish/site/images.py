"""Optional local copies of post images (``publish.site.local_images``).

Each remote image is fetched once, through the desk's own fetcher (SSRF guard, size cap,
robots.txt, per-host politeness), and kept in the site's ``images/`` folder under the
digest of its URL; the post's pages then point at the copy. Only raster images the
browser shows as such are kept — an SVG (which can carry script) or a page that is not an
image is never copied — and an image that cannot be had keeps its remote link and is
tried again on the next build.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.fetch import Fetcher, FetchPolicy
from foreigndesk.models import Post
from foreigndesk.publish.digest import digest, digest_of
from foreigndesk.publish.site.files import OutputFolder

logger = logging.getLogger(__name__)

IMAGES_DIR = "images"
SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
}
_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')


def sources(posts: Sequence[Post]) -> set[str]:
    found: set[str] = set()
    for post in posts:
        for html in (post.lead_html, post.body_html, *(t for _, _, t in post.pairs)):
            found.update(m.group(2).replace("&amp;", "&") for m in _SRC.finditer(html))
    return {url for url in found if urlsplit(url).scheme in ("http", "https")}


async def _fetch_all(settings: Settings, urls: Sequence[str]) -> dict[str, tuple[str, bytes]]:
    got: dict[str, tuple[str, bytes]] = {}

    async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:

        async def one(url: str) -> None:
            try:
                result = await fetcher.get(url)
            except DeskError as exc:
                logger.warning("image %s kept remote: %s", url, exc)
                return
            suffix = SUFFIXES.get(result.content_type)
            if suffix is None:
                logger.warning("image %s kept remote: it is %s", url, result.content_type)
                return
            got[url] = (suffix, result.content)

        await asyncio.gather(*(one(url) for url in urls))
    return got


def localize(posts: Sequence[Post], settings: Settings, folder: OutputFolder) -> list[Post]:
    """The posts with their images pointing at local copies (fetched when missing)."""
    wanted = sources(posts)
    if not wanted:
        return list(posts)
    have: dict[str, str] = {}
    directory = folder.root / IMAGES_DIR
    if directory.is_dir():
        for entry in os.scandir(directory):
            have[entry.name.split(".", 1)[0]] = entry.name
    missing = sorted(url for url in wanted if digest([url]) not in have)
    if missing:
        for url, (suffix, data) in asyncio.run(_fetch_all(settings, missing)).items():
            name = digest([url]) + suffix
            folder.write(f"{IMAGES_DIR}/{name}", data)
            have[digest([url])] = name
        folder.flush()
    base = urlsplit(settings.site.base_url).path or "/"
    mapping = {
        url: f"{base.rstrip('/')}/{IMAGES_DIR}/{have[digest([url])]}"
        for url in wanted
        if digest([url]) in have
    }
    if not mapping:
        return list(posts)

    def swap(html: str) -> str:
        def one(match: re.Match[str]) -> str:
            url = match.group(2).replace("&amp;", "&")
            return match.group(1) + mapping.get(url, match.group(2)) + match.group(3)

        return _SRC.sub(one, html)

    changed = []
    for post in posts:
        lead, body = swap(post.lead_html), swap(post.body_html)
        pairs = tuple((k, o, swap(t)) for k, o, t in post.pairs)
        if (lead, body, pairs) == (post.lead_html, post.body_html, post.pairs):
            changed.append(post)
            continue
        changed.append(
            dataclasses.replace(
                post,
                lead_html=lead,
                body_html=body,
                pairs=pairs,
                content_hash=digest([digest_of(post), "local-images", lead, body]),
            )
        )
    return changed
