"""Dates in every shape are read once into an ISO date; numeric dates honour the page's
convention, and a first number above 12 settles the order by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from foreigndesk.extract.dates import numeric_order, parse_date

NOW = datetime(2024, 11, 20, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2024-11-16T09:30:00+00:00", None, date(2024, 11, 16)),
        ("2018-06-12T23:00:00.000Z", None, date(2018, 6, 12)),  # the day as written
        ("2024/11/16", "ja", date(2024, 11, 16)),
        ("Nov 16, 2024", "en-GB", date(2024, 11, 16)),
        ("November 16th, 2024", "en-US", date(2024, 11, 16)),
        ("16 November 2024", "en-GB", date(2024, 11, 16)),
        ("By Jane Roe · 16/11/2024", "en-GB", date(2024, 11, 16)),
        ("16/11/2024", "en-US", date(2024, 11, 16)),  # 16 cannot be a month
        ("11/16/2024", "en-GB", date(2024, 11, 16)),  # nor here
        ("03/10/2024", "en-GB", date(2024, 10, 3)),  # day first on a British page
        ("03/10/2024", "ja", date(2024, 10, 3)),
        ("11/05/2024", "en-US", date(2024, 11, 5)),  # month first on an American page
        ("03.10.2024", "de", date(2024, 10, 3)),
        ("2024年11月16日", "ja", date(2024, 11, 16)),
        ("2024년 11월 16일", "ko", date(2024, 11, 16)),
        ("16 de noviembre de 2024", "es", date(2024, 11, 16)),
        ("1 de diciembre de 2017 3:00 AM", "es", date(2017, 12, 1)),
        ("16 ноября 2024", "ru", date(2024, 11, 16)),
        ("16. November 2024", "de", date(2024, 11, 16)),
        ("16 novembre 2024", "fr-FR", date(2024, 11, 16)),
        ("3 hours ago", "en", date(2024, 11, 20)),
        ("2 days ago", "en", date(2024, 11, 18)),
        ("a week ago", "en", date(2024, 11, 13)),
        ("yesterday", "en", date(2024, 11, 19)),
        ("3時間前", "ja", date(2024, 11, 20)),
        ("5日前", "ja", date(2024, 11, 15)),
        ("hace 3 días", "es", date(2024, 11, 17)),
        ("2 дня назад", "ru", date(2024, 11, 18)),
    ],
)
def test_dates_are_normalised(text: str, lang: str | None, expected: date) -> None:
    assert parse_date(text, lang=lang, now=NOW) == expected


@pytest.mark.parametrize("text", ["no date here", "31/02/2024", "Published long ago", ""])
def test_text_without_a_real_date_gives_none(text: str) -> None:
    assert parse_date(text, lang="en-GB", now=NOW) is None


def test_relative_dates_need_the_fetch_time() -> None:
    assert parse_date("3 hours ago") is None


def test_the_pages_other_dates_settle_an_ambiguous_one() -> None:
    page = "Posted 05/06/2024. Comments: 23/06/2024, 24/06/2024."
    assert numeric_order(page) is False  # 23 and 24 cannot be months: day first
    assert numeric_order("Updated 06/23/2024") is True
    assert numeric_order("05/06/2024 and 07/08/2024") is None
    # An American page whose other dates are day-first is read day-first.
    assert parse_date("05/06/2024", lang="en-US", month_first=False) == date(2024, 6, 5)
    assert parse_date("05/06/2024", lang="en-GB", month_first=True) == date(2024, 5, 6)


def test_english_month_names_are_built_in_for_every_english_locale_babel_knows() -> None:
    """English pages do not load babel's locale data (a tenth of a second in every process
    that reads pages): the built-in names must be all babel would add for them."""
    from babel import Locale, localedata
    from babel.dates import get_month_names

    from foreigndesk.extract.dates import _ENGLISH_MONTHS, _month_names

    english = [
        Locale.parse(tag)
        for tag in localedata.locale_identifiers()
        if tag == "en" or tag.startswith("en_")
    ]
    latin = [locale for locale in english if locale.script in (None, "Latn")]
    assert len(latin) > 100
    for locale in latin:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    assert _ENGLISH_MONTHS[str(name).casefold().rstrip(".")] == number, locale
    # English written in another script (Deseret, Shavian) still asks babel.
    assert set(_month_names("en-Dsrt")) > set(_ENGLISH_MONTHS)
