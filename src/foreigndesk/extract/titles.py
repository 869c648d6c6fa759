"""The article's title and the site's name, with the site's name kept out of the title.

A page states its title several times. The ones written for machines (JSON-LD
``headline``, Dublin Core, Open Graph, Twitter, Parse.ly) are the article's own title more
often than the ``<title>`` element, which sites pad with their name, section and slogan;
so they are read first, in that order, and ``<title>`` and then the first ``<h1>`` only
when none is given.

Whichever title is used loses a site-name part at either end (``Harbour Tides | The
Harbour Review``) when that part is a name the page gives itself (``og:site_name``,
``application-name``, the JSON-LD publisher). A ``<title>`` element also loses a short
last part (three words at most, after a title of four or more) when no site name is
declared, since that is where sites put their name by convention (in scripts written
without spaces, eight characters stand for four words).
"""

from __future__ import annotations

import re
from html import unescape

from lxml import html as lxml_html

from foreigndesk.extract.jsonld import JsonIndex, JsonObject, resolve, text_of, types_of
from foreigndesk.extract.metatags import MetaTags, first

TITLE_KEYS = (
    "dc:title",
    "dcterm:title",
    "dcterms:title",
    "og:title",
    "twitter:title",
    "parsely-title",
    "title",
    "sailthru.title",
)
SITE_NAME_KEYS = ("og:site_name", "application-name", "twitter:app:name:iphone")
#: What sites put between a title and their name.
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»:/\\]|::)\s+")
_SHORT_TAIL_WORDS = 3
_MIN_TITLE_WORDS = 4
_MIN_CJK_CHARS = 8
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _squeeze(text: str | None) -> str:
    """Spacing normalised and entities a site escaped twice (``&amp;mdash;``) read."""
    return " ".join(unescape(text or "").split())


def site_names(
    meta: MetaTags,
    article: JsonObject | None,
    objects: list[JsonObject],
    index: JsonIndex | None = None,
) -> list[str]:
    """Every name the page gives its site, most explicit first (a publisher given as a
    pointer into the page's ``@graph`` is followed)."""
    names = [v for key in SITE_NAME_KEYS for v in meta.get(key, [])]
    publisher = article.get("publisher") if article is not None else None
    if publisher is not None and (publisher := text_of(resolve(publisher, index or {}))):
        names.append(publisher)
    names.extend(
        name
        for obj in objects
        if types_of(obj) & {"organization", "newsmediaorganization", "website"}
        and (name := text_of(obj.get("name")))
    )
    return list(dict.fromkeys(_squeeze(n) for n in names if _squeeze(n)))


def strip_site_name(title: str, names: list[str]) -> str:
    """``"Harbour Tides | The Harbour Review"`` → ``"Harbour Tides"`` for a known site name."""
    title = _squeeze(title)
    parts = _SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    folded = {n.casefold() for n in names}
    separators = _SEPARATOR.findall(title)
    if parts[-1].casefold() in folded:
        return title[: title.rfind(separators[-1])].strip()
    if parts[0].casefold() in folded:
        return title[title.find(separators[0]) + len(separators[0]) :].strip()
    return title


def _strip_short_tail(title: str) -> str:
    """``"Lorem ipsum dolor sit amet – My website"`` → ``"Lorem ipsum dolor sit amet"``."""
    separators = _SEPARATOR.findall(title)
    if not separators:
        return title
    cut = title.rfind(separators[-1])
    head, tail = title[:cut].strip(), title[cut + len(separators[-1]) :].strip()
    if len(tail.split()) <= _SHORT_TAIL_WORDS and _long_enough(head):
        return head
    return title


def _long_enough(head: str) -> bool:
    """Four words, or eight characters of a script written without spaces."""
    return len(head.split()) >= _MIN_TITLE_WORDS or len(_CJK.findall(head)) >= _MIN_CJK_CHARS


def _jsonld_title(article: JsonObject | None, page_title: str, names: list[str]) -> str | None:
    """The JSON-LD headline; where ``name`` differs, the one ``<title>`` agrees with. A
    ``name`` that is the site's own (``"name": "Aktuálně.cz"`` on a NewsArticle) is no
    title at all."""
    if article is None:
        return None
    headline = text_of(article.get("headline"))
    # A bare WebPage's name is as often the site's as the article's: only its headline.
    name = text_of(article.get("name")) if types_of(article) - {"webpage"} else None
    if name and _squeeze(name).casefold() in {n.casefold() for n in names}:
        name = None
    if headline and name and headline != name:
        folded = page_title.casefold()
        if name.casefold() in folded and headline.casefold() not in folded:
            return name
    return headline or name


def page_title(
    tree: lxml_html.HtmlElement,
    meta: MetaTags,
    article: JsonObject | None,
    names: list[str],
) -> str:
    """The article's title, its site's name kept out; empty when the page gives none."""
    element = _squeeze(tree.findtext(".//title"))
    declared = _jsonld_title(article, element, names) or first(meta, TITLE_KEYS)
    if declared:
        return strip_site_name(declared, names)
    if element:
        stripped = strip_site_name(element, names)
        return stripped if stripped != element else _strip_short_tail(element)
    for heading in tree.iter("h1"):
        if text := _squeeze(heading.text_content()):
            return text
    return ""
