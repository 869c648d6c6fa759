"""What the article is about, as its publisher says: a description and tags.

Both are shown to the curator choosing what to translate, and tags seed the post's own
tags. They are taken from the JSON-LD article first (``description``, ``keywords``), then
from the meta tags (``description``, Open Graph, ``article:tag``, ``keywords``).
"""

from __future__ import annotations

import re

from foreigndesk.extract.jsonld import JsonObject, text_of
from foreigndesk.extract.metatags import MetaTags, first

DESCRIPTION_KEYS = ("og:description", "description", "twitter:description", "dc:description")
_TAG_SPLIT = re.compile(r"\s*[,;、，]\s*")
#: More tags than this is a keyword-stuffed list, not the article's topics.
MAX_TAGS = 20


def page_description(meta: MetaTags, article: JsonObject | None) -> str | None:
    declared = text_of(article.get("description")) if article else None
    return declared or first(meta, DESCRIPTION_KEYS)


def _split(values: list[str]) -> list[str]:
    return [tag for value in values for tag in _TAG_SPLIT.split(value) if tag.strip()]


def page_tags(meta: MetaTags, article: JsonObject | None) -> tuple[str, ...]:
    """The article's tags, in the publisher's order, each once."""
    raw: list[str] = []
    if article is not None:
        keywords = article.get("keywords")
        if isinstance(keywords, list):
            raw = _split([k for k in keywords if isinstance(k, str)])
        elif isinstance(keywords, str):
            raw = _split([keywords])
    if not raw:
        raw = meta.get("article:tag", []) or _split(
            meta.get("news_keywords", []) or meta.get("keywords", [])
        )
    tags = list(dict.fromkeys(" ".join(t.split()) for t in raw if t.strip()))
    return tuple(tags[:MAX_TAGS])
