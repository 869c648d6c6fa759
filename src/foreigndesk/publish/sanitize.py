"""What may reach a reader from a source: a small HTML subset, cleaned by nh3.

Everything a source sends is hostile until cleaned. A post's HTML is built from blocks and
cleaned here when it is composed, before it is stored, so every target starts from clean
HTML; remote targets clean again before they send. Only http, https and mailto links
survive, images only from http and https, and nothing can carry script: no script or
style elements, no event handlers, no ``javascript:`` or ``data:`` URLs.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

#: Inline markup that travels through translation.
INLINE_TAGS = frozenset({"a", "em", "strong"})
#: Everything a post's body may contain.
FRAGMENT_TAGS = INLINE_TAGS | frozenset(
    {
        "p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
        "figure", "img", "figcaption", "span", "br", "hr", "dl", "dt", "dd",
    }
)  # fmt: skip
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})
#: Elements removed with everything inside them, not just unwrapped.
_DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "object", "embed", "noscript", "svg", "math"}
)

_inline = nh3.Cleaner(
    tags=set(INLINE_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={"a": {"href"}},
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow noopener",
)


def _image_source(tag: str, attribute: str, value: str) -> str | None:
    """nh3 checks link schemes; an image may only come from http(s), not mailto."""
    if tag == "img" and attribute == "src":
        return value if is_image_url(value) else None
    return value


_fragment = nh3.Cleaner(
    tags=set(FRAGMENT_TAGS),
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
    attributes={
        "a": {"href"},
        "img": {"src", "alt", "loading", "width", "height"},
        "span": {"lang"},
        "p": {"lang"},
        "blockquote": {"lang"},
        "li": {"lang"},
    },
    allowed_classes={"span": {"credit"}, "p": {"source", "byline", "excerpt-note"}},
    attribute_filter=_image_source,
    url_schemes=set(LINK_SCHEMES),
    link_rel="nofollow noopener",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_inline(html: str) -> str:
    """Only links (http, https, mailto) and emphasis survive; other tags become their text."""
    return _inline.clean(html)


def clean_fragment(html: str) -> str:
    """A post body: blocks, lists, quotes, figures and the inline subset; nothing live."""
    return _fragment.clean(html) if html else ""


def is_image_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in IMAGE_SCHEMES


def is_link_url(url: str) -> bool:
    return urlsplit(url.strip()).scheme.lower() in LINK_SCHEMES


def plain(text: str) -> str:
    """Text for places that take text only (XML, YAML, titles): no control characters."""
    return _CONTROL.sub("", text)
