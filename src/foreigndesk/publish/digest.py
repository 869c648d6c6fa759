"""Content digests: the one way publish targets tell what changed.

A post's digest is computed once, when it is composed (and kept by the store), so a build
compares short strings instead of re-reading every post's text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from foreigndesk.models import Post

_SEPARATOR = "\x1f"


def digest(parts: Iterable[str]) -> str:
    """A short, stable digest of ``parts`` in order (128-bit BLAKE2b, hex)."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x1f")
    return hasher.hexdigest()


def _post_parts(post: Post) -> Iterable[str]:
    a = post.attribution
    yield from (str(post.article_id), post.slug, post.title, post.lang, post.byline)
    yield from (post.lead_html, post.body_html, str(post.published), str(post.excerpt_only))
    yield _SEPARATOR.join(post.tags)
    yield from (a.original_title, a.original_lang, a.url, _SEPARATOR.join(a.authors))
    yield from (str(a.published), a.site_name, a.license or "", a.engine, str(a.human_edited))
    for kind, original, translated in post.pairs:
        yield from (kind, original, translated)
    if post.category:  # only when set: digests of posts without one stay as they were
        yield f"category:{post.category}"


def post_digest(post: Post) -> str:
    """The digest of everything a post shows (not of ``content_hash`` itself)."""
    return digest(_post_parts(post))


def digest_of(post: Post) -> str:
    """The post's digest: the one it carries, or computed now when it carries none."""
    return post.content_hash or post_digest(post)
