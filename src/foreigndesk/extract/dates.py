"""Dates in every shape → one ISO date.

Dates are normalised once, when an article is extracted, and formatted per locale only
when rendered. A numeric date like ``03/10/2024`` is ambiguous: it is read day-first
unless the page's language is one that writes month-first (US English), and the page's
other dates can settle it (a ``16/11/2024`` elsewhere on the page means the page writes
day-first), as does a first number above 12. Month names are recognised in English and in
the page's own language (from Babel's locale data, so every language Babel knows is
covered, genitive forms such as Russian ``ноября`` included). Relative dates ("3 hours
ago", "3時間前", "hace 3 horas", "3 часа назад") are anchored at the fetch time.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

_ENGLISH_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_YEAR_FIRST = re.compile(r"\b(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b")
_CJK = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_KOREAN = re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일")

_UNITS = {
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
}
#: "N units ago" in the desk's languages: (pattern, unit words → unit).
_RELATIVE = (
    re.compile(r"\b(?P<n>\d+|an?|one)\s+(?P<u>minute|hour|day|week)s?\s+ago\b", re.I),
    re.compile(r"(?P<n>\d+)\s*(?P<u>分|時間|日|週間)前"),
    re.compile(r"\bhace\s+(?P<n>\d+|una?)\s+(?P<u>minuto|hora|día|dia|semana)s?\b", re.I),
    re.compile(
        r"(?P<n>\d+)\s+(?P<u>минут[уы]?|час(?:а|ов)?|д(?:ень|ня|ней)|недел[юиь])\s+назад",
        re.I,
    ),
)
_UNIT_WORDS = {
    "分": "minute",
    "時間": "hour",
    "日": "day",
    "週間": "week",
    "minuto": "minute",
    "hora": "hour",
    "día": "day",
    "dia": "day",
    "semana": "week",
}
_YESTERDAY = re.compile(r"\b(?:yesterday|ayer|вчера)\b|昨日", re.I)

#: Languages (and regional variants) whose numeric dates put the month first.
MONTH_FIRST_LOCALES = frozenset({"en-us", "en_us", "en-ph", "en_ph", "en-fm", "en-as"})


def is_month_first(lang: str | None) -> bool:
    return (lang or "").strip().lower() in MONTH_FIRST_LOCALES


def numeric_order(text: str) -> bool | None:
    """Whether the numeric dates in ``text`` are month-first, where one of them shows it."""
    for match in _NUMERIC.finditer(text):
        first, second = int(match["a"]), int(match["b"])
        if first > 12 >= second:
            return False
        if second > 12 >= first:
            return True
    return None


@lru_cache(maxsize=64)
def _month_names(lang: str | None) -> dict[str, int]:
    """Month names (wide and abbreviated, in every grammatical context) → month number."""
    names = dict(_ENGLISH_MONTHS)
    if lang:
        try:
            locale = Locale.parse(lang.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            return names
        if locale.language == "en" and locale.script in (None, "Latn"):
            # Babel's English names are these; asking it would load its locale data
            # (a tenth of a second, in every process that reads pages) for nothing.
            return names
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = str(name).casefold().rstrip(".")
                    if key and not any(ch.isdigit() for ch in key):
                        names.setdefault(key, number)
    return names


@lru_cache(maxsize=64)
def _month_patterns(lang: str | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    alternatives = "|".join(re.escape(n) for n in sorted(_month_names(lang), key=len, reverse=True))
    month = rf"(?P<month>{alternatives})\.?"
    month_day_year = re.compile(
        rf"(?<!\w){month}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.I
    )
    day_month_year = re.compile(
        rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?{month},?\s+(?:de\s+)?(?P<y>\d{{4}})",
        re.I,
    )
    return month_day_year, day_month_year


#: The first year an article the desk takes can plausibly carry.
EARLIEST_YEAR = 1990


def plausible(value: date, today: date) -> bool:
    """A publication date the desk believes: from 1990 to the end of next year. Anything
    else is a page's mistake (year 9999, a Unix epoch of zero) or a hostile one."""
    return EARLIEST_YEAR <= value.year <= today.year + 1


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _relative(text: str, now: datetime) -> date | None:
    for pattern in _RELATIVE:
        if match := pattern.search(text):
            raw = match["n"].lower()
            count = 1 if raw in {"a", "an", "one", "un", "una"} else int(raw)
            unit = match["u"].lower()
            unit = _UNIT_WORDS.get(unit, unit)
            if unit not in _UNITS:  # Russian stems: минут… час… д… недел…
                unit = {"м": "minute", "ч": "hour", "д": "day", "н": "week"}[unit[0]]
            return (now - timedelta(seconds=count * _UNITS[unit])).date()
    if _YESTERDAY.search(text):
        return (now - timedelta(days=1)).date()
    return None


def parse_date(
    text: str,
    *,
    lang: str | None = None,
    now: datetime | None = None,
    month_first: bool | None = None,
) -> date | None:
    """The first date written in ``text``, or None.

    ``now`` anchors relative dates; ``month_first`` (from the page's other dates) settles
    numeric dates before the language does.
    """
    for pattern in (_ISO, _YEAR_FIRST, _CJK, _KOREAN):
        if match := pattern.search(text):
            return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    month_day_year, day_month_year = _month_patterns((lang or "").split("-")[0] or None)
    names = _month_names((lang or "").split("-")[0] or None)
    for pattern in (month_day_year, day_month_year):
        match = pattern.search(text)
        if match and (month := names.get(match["month"].casefold().rstrip("."))):
            return _safe_date(int(match["y"]), month, int(match["d"]))
    if match := _NUMERIC.search(text):
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        order = is_month_first(lang) if month_first is None else month_first
        if first > 12:
            order = False
        elif second > 12:
            order = True
        day, month = (second, first) if order else (first, second)
        return _safe_date(year, month, day)
    if now is not None:
        return _relative(text, now)
    return None
