"""Under which licence the page is published: it decides full republication or excerpt.

Read from what the page says in markup, most explicit first: a ``rel=license`` link, the
JSON-LD article's ``license``, then a link to a Creative Commons licence anywhere on the
page (the usual footer). Creative Commons licences get their short name (``CC BY 4.0``)
so the desk's licence rules can match them; any other licence stays the URL given.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from foreigndesk.extract.jsonld import JsonObject, text_of

_CC_LICENSE = re.compile(r"creativecommons\.org/(?:licenses|publicdomain)/([a-z-]+)/(\d\.\d)", re.I)
_CC_XPATH = (
    "//a[contains(@href, 'creativecommons.org/licenses/')"
    " or contains(@href, 'creativecommons.org/publicdomain/')]/@href"
)


#: Plain substrings: a case-insensitive regex over a whole page costs a millisecond.
_MENTIONS = (b"icen", b"ICEN", b"creativecommons")


def mentions_license(content: bytes) -> bool:
    """Whether the raw page mentions a licence at all: most do not, and a byte search is
    far cheaper than looking for licence links in the tree."""
    return any(mention in content for mention in _MENTIONS)


def license_name(href: str) -> str:
    """A Creative Commons URL as its short name (``CC BY 4.0``); other licences as given."""
    if match := _CC_LICENSE.search(href):
        kind, version = match.group(1).lower(), match.group(2)
        if kind in {"zero", "mark"}:
            return f"CC0 {version}" if kind == "zero" else f"Public Domain Mark {version}"
        return f"CC {kind.upper()} {version}"
    return href


def page_license(
    tree: lxml_html.HtmlElement, base_url: str, article: JsonObject | None = None
) -> str | None:
    """The page's licence, or None when the page names none."""
    for element in tree.xpath(
        "//*[contains(concat(' ', normalize-space(@rel), ' '), ' license ')]"
    ):
        if href := (element.get("href") or "").strip():
            return license_name(urljoin(base_url, href))
    if article is not None and (declared := text_of(article.get("license"))):
        return license_name(declared)
    for href in tree.xpath(_CC_XPATH):
        return license_name(str(href))
    return None
