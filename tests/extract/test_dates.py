"""Dates in every shape are read once into an ISO date; numeric dates honour the page's
convention, and a first number above 12 settles the order by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from foreigndesk.extract.dates import parse_date

NOW = datetime(2024, 11, 20, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2024-11-16T09:30:00+00:00", None, date(2024, 11, 16)),
        ("Nov 16, 2024", "en-GB", date(2024, 11, 16)),
        ("November 16th, 2024", "en-US", date(2024, 11, 16)),
        ("16 November 2024", "en-GB", date(2024, 11, 16)),
        ("By Jane Roe · 16/11/2024", "en-GB", date(2024, 11, 16)),
        ("16/11/2024", "en-US", date(2024, 11, 16)),  # 16 cannot be a month
        ("03/10/2024", "en-GB", date(2024, 10, 3)),  # day first on a British page
        ("03/10/2024", "ja", date(2024, 10, 3)),
        ("11/05/2024", "en-US", date(2024, 11, 5)),  # month first on an American page
        ("03.10.2024", "de", date(2024, 10, 3)),
        ("2024年11月16日", "ja", date(2024, 11, 16)),
        ("3 hours ago", "en", date(2024, 11, 20)),
        ("2 days ago", "en", date(2024, 11, 18)),
        ("3時間前", "ja", date(2024, 11, 20)),
        ("5日前", "ja", date(2024, 11, 15)),
    ],
)
def test_dates_are_normalised(text: str, lang: str | None, expected: date) -> None:
    assert parse_date(text, lang=lang, now=NOW) == expected


@pytest.mark.parametrize("text", ["no date here", "31/02/2024", "Published long ago", ""])
def test_text_without_a_real_date_gives_none(text: str) -> None:
    assert parse_date(text, lang="en-GB", now=NOW) is None


def test_relative_dates_need_the_fetch_time() -> None:
    assert parse_date("3 hours ago") is None
