"""When the article was published and last updated: the day the page means, in its own
time zone.

A page states its publication date several times, and the statements disagree more often
than one would think: a JSON-LD ``datePublished`` in UTC a day after the local date, a
meta tag from the first draft, an old ``<time>`` from a sidebar. So the statements vote:

- the JSON-LD article's ``datePublished`` (or ``dateCreated``), the publication meta tag
  (Open Graph ``article:published_time``, Dublin Core, Parse.ly, ``itemprop``…), a
  ``<time>`` element marked as the publication time, the date in a marked byline, and the
  date in the URL (``/2024/11/16/``) each give one vote for the day they name;
- the day with most votes wins; on a tie, the day the URL names, else the most careful
  source's (JSON-LD, meta, ``<time>``, byline in that order).

Each statement is read as the local day of the article's own time zone. A timestamp with
an offset (``2024-11-16T23:30:00-05:00``) is that day as written. A UTC timestamp
(``Z``, ``+00:00``) is moved into the page's zone where another statement gives its
offset; where none does, and its time is near enough midnight that a real zone (UTC−12
to UTC+14) puts it on the neighbouring day, it takes that day when the URL or a visible
date names it (``2020-02-25T02:25:54Z`` for an article of 24 February).

A date that the article's own text states beside its author's name, in a plain line near
the headline (``ジェーン・ロウ著:2024年11月16日``), is not put to the vote: it is the
date of the text, and on a page that republishes or translates an article every template
date (the meta tags, the blog's ``<time>``, its URL) is the repost's.

Where no statement is found, the first dates marked as such on the page (its dateline)
vote with the URL, and last htmldate's extensive search weighs every date on the page.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

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
#: A ``<time>`` marked as the publication time; one marked only as the update is not.
_TIME_XPATH = (
    "//time[@datetime and (@itemprop='datePublished' or @pubdate"
    " or contains(@class, 'publish') or (contains(@class, 'date')"
    " and not(contains(@class, 'updated') or contains(@class, 'modified'))))]/@datetime"
)
_TIMESTAMP = re.compile(
    r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[T ](?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2}))?(?:[.,]\d+)?\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?(?!\d)",
    re.I,
)
#: A date in a URL's path: ``/2024/11/16/``, ``/2024-11-16-``, ``/20241116/``.
_URL_DATE = re.compile(
    r"(?:^|(?<=[/_-]))(?P<y>(?:19|20)\d{2})(?:(?P<sep>[/_.-])(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)"
    r"|(?P<mm>[01]\d)(?P<dd>[0-3]\d))(?=[/_.-]|$)"
)
#: The offsets real time zones have, for judging which day a UTC timestamp can be.
_WESTMOST = timedelta(hours=-12)
_EASTMOST = timedelta(hours=14)
#: Sources in the order of care that settles a tie no URL settles.
JSONLD, META, TIME, BYLINE, DATELINE = "jsonld", "meta", "time", "byline", "dateline"
_CARE = (JSONLD, META, TIME, BYLINE, DATELINE)


@dataclass(frozen=True)
class Stamp:
    """One statement of the publication date: the day as written, with the time and the
    offset when the statement gives them (``offset`` None: no zone was written)."""

    source: str
    day: date
    at: time | None = None
    offset: timedelta | None = None

    @property
    def is_utc(self) -> bool:
        return self.at is not None and self.offset == timedelta(0)


def _offset(zone: str | None) -> timedelta | None:
    if not zone:
        return None
    if zone.upper() in {"Z", "UTC", "GMT"}:
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return sign * timedelta(hours=hours, minutes=minutes)


def read_stamp(source: str, text: str | None, lang: str | None) -> Stamp | None:
    """A statement as a Stamp: a timestamp keeps its time and offset, anything else is
    read by ``parse_date`` as a day."""
    if not text:
        return None
    if match := _TIMESTAMP.search(text):
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            at = time(int(match["H"]), int(match["M"]), int(match["S"] or 0))
        except ValueError:
            return None
        return Stamp(source, day, at, _offset(match["z"]))
    found = parse_date(text, lang=lang)
    return Stamp(source, found) if found else None


def url_date(url: str) -> date | None:
    """The date a URL's path names (year, month and day), if it names one."""
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        try:
            month, day = match["m"] or match["mm"], match["d"] or match["dd"]
            return date(int(match["y"]), int(month), int(day))
        except ValueError:
            continue
    return None


def page_offset(stamps: Sequence[Stamp]) -> timedelta | None:
    """The page's own UTC offset: the first one a statement writes that is not UTC."""
    for stamp in stamps:
        if stamp.at is not None and stamp.offset:
            return stamp.offset
    return None


def _shifted(stamp: Stamp, offset: timedelta) -> date:
    """The day of a timestamp moved by ``offset``; the day as written at the calendar's
    ends (a page's year 9999), where no shift is possible."""
    assert stamp.at is not None
    try:
        return (datetime.combine(stamp.day, stamp.at, tzinfo=UTC) + offset).date()
    except OverflowError:
        return stamp.day


def possible_days(stamp: Stamp) -> set[date]:
    """The local days a UTC timestamp can be, in some real time zone."""
    return {_shifted(stamp, _WESTMOST), stamp.day, _shifted(stamp, _EASTMOST)}


def local_days(stamps: Sequence[Stamp], evidence: Sequence[date]) -> list[tuple[str, date]]:
    """Each statement's local day: UTC timestamps moved into the page's zone, or, where
    the page gives no zone, onto a neighbouring day that ``evidence`` (the URL, other
    statements, a visible date) names."""
    zone = page_offset(stamps)
    firm = [s.day for s in stamps if not s.is_utc] + list(evidence)
    days: list[tuple[str, date]] = []
    for stamp in stamps:
        if not stamp.is_utc:
            days.append((stamp.source, stamp.day))
        elif zone is not None:
            days.append((stamp.source, _shifted(stamp, zone)))
        elif stamp.day in firm:
            days.append((stamp.source, stamp.day))
        else:
            named = [d for d in firm if d in possible_days(stamp)]
            days.append((stamp.source, Counter(named).most_common(1)[0][0] if named else stamp.day))
    return days


def vote(days: Sequence[tuple[str, date]], from_url: date | None) -> date | None:
    """The day most statements name; on a tie the URL's, then the most careful source's."""
    counts = Counter(day for _, day in days)
    if from_url is not None:
        counts[from_url] += 1
    if not counts:
        return None
    best = max(counts.values())
    tied = {day for day, count in counts.items() if count == best}
    if from_url in tied:
        return from_url
    for source in _CARE:
        for named_by, day in days:
            if named_by == source and day in tied:
                return day
    return min(tied)


def _datelines(tree: lxml_html.HtmlElement) -> list[str]:
    """The text of the first few elements marked as dates or times (the dateline)."""
    return [
        " ".join(element.text_content().split())[:_MAX_DATELINE_CHARS]
        for element in tree.xpath(_DATELINE_XPATH)[:_MAX_DATELINES]
    ]


def _visible_date(
    tree: lxml_html.HtmlElement, text: str, lang: str | None, fetched_at: datetime | None
) -> date | None:
    """A date as a reader sees it, numeric dates ordered by the page's other dates."""
    order = numeric_order(tree.text_content()) if _NUMERIC_HINT.search(text) else None
    return parse_date(text, lang=lang, now=fetched_at, month_first=order)


def declared_stamps(
    tree: lxml_html.HtmlElement, meta: MetaTags, article: JsonObject | None, lang: str | None
) -> list[Stamp]:
    """The statements the page makes for machines: JSON-LD, meta tag, marked ``<time>``."""
    from_jsonld = None
    if article is not None:
        from_jsonld = text_of(article.get("datePublished")) or text_of(article.get("dateCreated"))
    times = [str(v) for v in tree.xpath(_TIME_XPATH)[:1]]
    candidates = [
        read_stamp(JSONLD, from_jsonld, lang),
        read_stamp(META, first(meta, PUBLISHED_KEYS), lang),
        read_stamp(TIME, times[0] if times else None, lang),
    ]
    return [stamp for stamp in candidates if stamp is not None]


def _htmldate(tree: lxml_html.HtmlElement, url: str) -> date | None:
    try:
        found = find_date(tree, url=url, original_date=True, extensive_search=True)
    except (ValueError, TypeError) as exc:  # htmldate's own parsing failures
        logger.debug("htmldate found no date in %s: %s", url, exc)
        return None
    return date.fromisoformat(found) if found else None


def published_date(
    tree: lxml_html.HtmlElement,
    meta: MetaTags,
    article: JsonObject | None,
    byline: str | None,
    *,
    lang: str | None,
    fetched_at: datetime | None,
    url: str,
    text_byline: str | None = None,
) -> date | None:
    """The day the article was first published, or None when the page does not say.

    ``byline`` is the text of the page's marked byline, ``text_byline`` that of a byline
    written as a plain line of the article's text (see the module's docstring).
    """
    if text_byline and (stated := _visible_date(tree, text_byline, lang, fetched_at)):
        return stated
    stamps = declared_stamps(tree, meta, article, lang)
    visible: list[date] = []
    if byline and (in_byline := _visible_date(tree, byline, lang, fetched_at)):
        stamps.append(Stamp(BYLINE, in_byline))
        visible.append(in_byline)
    from_url = url_date(url)
    if not stamps:
        for text in _datelines(tree):
            if found := _visible_date(tree, text, lang, fetched_at):
                stamps.append(Stamp(DATELINE, found))
                break
    if not stamps and from_url is None:
        return _htmldate(tree, url)
    evidence = [*visible, *([from_url] if from_url else [])]
    return vote(local_days(stamps, evidence), from_url)


def updated_date(meta: MetaTags, article: JsonObject | None, lang: str | None) -> date | None:
    """The day the article was last changed, where the page says."""
    for value in (
        text_of(article.get("dateModified")) if article else None,
        first(meta, UPDATED_KEYS),
    ):
        if value and (found := parse_date(value, lang=lang)):
            return found
    return None
