"""The article's body as trafilatura finds it: one call, its tree kept as a tree.

trafilatura runs in its fast mode (no fallback extractors of its own, comments left out):
the desk decides itself when a second opinion is worth its cost (see ``fallback``), and
the body is taken as the tree trafilatura built rather than serialised to XML and parsed
back, which is both slower and lossy.

Where the page marks its article itself, with a single ``<article>`` element that holds
most of the page's paragraph text, trafilatura is given that element alone: the sidebars,
teasers and comment threads it would otherwise have to recognise as not the article are
never in front of it, and it has a fraction of the tree to walk.
"""

from __future__ import annotations

import logging

import trafilatura
from lxml import etree
from lxml import html as lxml_html

logger = logging.getLogger(__name__)


#: The marked article must hold at least this share of the page's paragraph text.
MIN_ARTICLE_SHARE = 0.6


def paragraph_chars(element: lxml_html.HtmlElement) -> int:
    """How much paragraph text an element holds: the measure of "most of the page"."""
    return sum(len(p.text_content()) for p in element.iter("p"))


def article_scope(tree: lxml_html.HtmlElement, total: int) -> lxml_html.HtmlElement:
    """The page's one ``<article>`` as a document of its own when it holds most of the
    page's ``total`` paragraph text, else the page. The element is moved out of ``tree``,
    which is not read for text again."""
    articles = tree.xpath("//article")
    if len(articles) != 1:
        return tree
    article = articles[0]
    if not total or paragraph_chars(article) < MIN_ARTICLE_SHARE * total:
        return tree
    scope = lxml_html.Element("html")
    body = lxml_html.Element("body")
    scope.append(body)
    body.append(article)
    return scope


def trafilatura_body(tree: lxml_html.HtmlElement) -> etree._Element | None:
    """trafilatura's body tree for the page (``p``, ``head``, ``list``, ``table``…), or None.

    trafilatura works on a copy, so ``tree`` is left as it was. It is given no URL: it would
    resolve every link on the page against it, while the desk resolves only the few links
    that end up in the body (see ``blocks``).
    """
    try:
        document = trafilatura.bare_extraction(
            tree,
            output_format="xml",  # skips the plain-text rendering the desk does not use
            fast=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=True,
            include_formatting=True,
        )
    except ValueError:  # trafilatura's way of saying "nothing here"
        logger.debug("trafilatura found no body")
        return None
    body = getattr(document, "body", None)
    if body is None or not len(body):
        return None
    return body  # type: ignore[no-any-return]
