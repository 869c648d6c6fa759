"""Dates in every shape → one ISO date.

Dates are normalised once, when an article is extracted, and formatted per locale only
when rendered. A numeric date like ``03/10/2024`` is ambiguous: it is read day-first
unless the page's language is one that writes month-first (US English), and a first
number above 12 settles it either way.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTHS = {
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
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b")
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})", re.I)
_DAY_MONTH_YEAR = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<y>\d{4})", re.I
)
_CJK = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_RELATIVE_EN = re.compile(r"\b(?P<n>\d+|an?|one)\s+(?P<unit>minute|hour|day|week)s?\s+ago\b", re.I)
_RELATIVE_JA = re.compile(r"(?P<n>\d+)\s*(?P<unit>分|時間|日|週間)前")
_UNIT_SECONDS = {
    "minute": 60,
    "分": 60,
    "hour": 3600,
    "時間": 3600,
    "day": 86400,
    "日": 86400,
    "week": 604800,
    "週間": 604800,
}

#: Languages (and regional variants) whose numeric dates put the month first.
MONTH_FIRST_LOCALES = frozenset({"en-us", "en_us", "en-ph", "en_ph"})


def is_month_first(lang: str | None) -> bool:
    return (lang or "").strip().lower() in MONTH_FIRST_LOCALES


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, lang: str | None = None, now: datetime | None = None) -> date | None:
    """The first date written in ``text``, or None. ``now`` anchors relative dates."""
    if match := _ISO.search(text):
        return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match := _CJK.search(text):
        return _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match := _MONTH_DAY_YEAR.search(text):
        return _safe_date(int(match["y"]), _MONTHS[match["month"].lower()], int(match["d"]))
    if match := _DAY_MONTH_YEAR.search(text):
        return _safe_date(int(match["y"]), _MONTHS[match["month"].lower()], int(match["d"]))
    if match := _NUMERIC.search(text):
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        month_first = is_month_first(lang)
        if first > 12:
            month_first = False
        elif second > 12:
            month_first = True
        day, month = (second, first) if month_first else (first, second)
        return _safe_date(year, month, day)
    if now is not None:
        for pattern in (_RELATIVE_EN, _RELATIVE_JA):
            if match := pattern.search(text):
                raw = match["n"].lower()
                count = 1 if raw in {"a", "an", "one"} else int(raw)
                unit = match["unit"].lower()
                return (now - timedelta(seconds=count * _UNIT_SECONDS[unit])).date()
    return None
