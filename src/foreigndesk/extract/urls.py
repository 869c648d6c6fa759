"""The article's canonical address: one URL per article, whatever link it was found by.

The same story arrives by feed links, share links and campaign links; deduplication by
URL only works on the one address the publisher names as canonical (``rel=canonical``,
else ``og:url``, else the address it was fetched from), normalised by courlan: scheme and
host lower-cased, default ports, fragments and tracking parameters (``utm_*``, ``fbclid``
…) removed. A site's home page named as an article's canonical address is a template's
mistake (every article on the site would be one) and is ignored.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from courlan import normalize_url
from lxml import html as lxml_html

from foreigndesk.extract.metatags import MetaTags, first

logger = logging.getLogger(__name__)


def clean_url(url: str) -> str:
    """``url`` normalised, tracking parameters and fragment removed; as given if unparsable."""
    try:
        return str(normalize_url(url, strict=True))
    except ValueError:
        logger.debug("cannot normalise %r", url)
        return url


def canonical_url(tree: lxml_html.HtmlElement, meta: MetaTags, url: str) -> str:
    """The page's canonical URL, absolute and clean."""
    declared = next(
        (
            href.strip()
            for href in tree.xpath("//link[@rel='canonical']/@href")
            if str(href).strip()
        ),
        None,
    ) or first(meta, ("og:url",))
    target = urljoin(url, str(declared)) if declared else url
    if not target.startswith(("http://", "https://")) or (_is_home(target) and not _is_home(url)):
        target = url
    return clean_url(target)


def _is_home(url: str) -> bool:
    """Whether ``url`` is a site's home page: a template that names it as every article's
    canonical address would make every article on the site the same one."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query
