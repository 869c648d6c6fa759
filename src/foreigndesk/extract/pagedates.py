"""When the article was published and last updated, from the most careful source.

Sources in order: the JSON-LD article's ``datePublished``/``dateModified``; the
publication meta tags (Open Graph ``article:published_time``, Dublin Core, Parse.ly,
``itemprop``); a ``<time>`` element marked as the publication time; the byline's text
and of the elements marked as its dateline (numeric dates ordered by the page's language
and its other dates, relative dates against the fetch time); and last htmldate, which
weighs every date on the page and in its URL.
A date is taken as written, in the time zone the page wrote it in: the desk shows the day
the source shows.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime

from htmldate import find_date
from lxml import html as lxml_html

from foreigndesk.extract.dates import numeric_order, parse_date
from foreigndesk.extract.jsonld import JsonObject, text_of
from foreigndesk.extract.metatags import MetaTags, first

logger = logging.getLogger(__name__)

PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc:date",
    "dcterms:created",
    "dcterms:issued",
    "dc:date.issued",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "citation_publication_date",
    "date",
)
UPDATED_KEYS = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms:modified",
    "last-modified",
)
_DATELINE_XPATH = (
    "//time | //*[contains(@class, 'date') or contains(@class, 'posted')"
    " or contains(@class, 'publish') or contains(@class, 'time')]"
)
_MAX_DATELINES = 5
_MAX_DATELINE_CHARS = 120
_NUMERIC_HINT = re.compile(r"\d[/.]\d")
_TIME_XPATH = (
    "//time[@datetime and (@itemprop='datePublished' or @pubdate"
    " or contains(@class, 'publish') or contains(@class, 'date'))]/@datetime"
)


def _datelines(tree: lxml_html.HtmlElement) -> list[str]:
    """The text of the first few elements marked as dates or times (the dateline)."""
    return [
        " ".join(element.text_content().split())[:_MAX_DATELINE_CHARS]
        for element in tree.xpath(_DATELINE_XPATH)[:_MAX_DATELINES]
    ]


def _first_date(values: list[str | None], lang: str | None) -> date | None:
    for value in values:
        if value and (found := parse_date(value, lang=lang)):
            return found
    return None


def published_date(
    tree: lxml_html.HtmlElement,
    meta: MetaTags,
    article: JsonObject | None,
    byline: str | None,
    *,
    lang: str | None,
    fetched_at: datetime | None,
    url: str,
) -> date | None:
    """The day the article was first published, or None when the page does not say."""
    declared = _first_date(
        [
            text_of(article.get("datePublished")) if article else None,
            text_of(article.get("dateCreated")) if article else None,
            first(meta, PUBLISHED_KEYS),
            *(str(v) for v in tree.xpath(_TIME_XPATH)[:1]),
        ],
        lang,
    )
    if declared:
        return declared
    for text in [byline or "", *_datelines(tree)]:
        order = numeric_order(tree.text_content()) if _NUMERIC_HINT.search(text) else None
        if found := parse_date(text, lang=lang, now=fetched_at, month_first=order):
            return found
    try:
        found_text = find_date(tree, url=url, original_date=True, extensive_search=False)
    except (ValueError, TypeError) as exc:  # htmldate's own parsing failures
        logger.debug("htmldate found no date in %s: %s", url, exc)
        return None
    return date.fromisoformat(found_text) if found_text else None


def updated_date(meta: MetaTags, article: JsonObject | None, lang: str | None) -> date | None:
    """The day the article was last changed, where the page says."""
    return _first_date(
        [text_of(article.get("dateModified")) if article else None, first(meta, UPDATED_KEYS)],
        lang,
    )
