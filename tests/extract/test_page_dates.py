"""The day the page means: its statements vote, each read in the article's own time zone,
the URL breaks a tie, and htmldate's extensive search is the last resort."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from foreigndesk.extract.pagedates import Stamp, local_days, read_stamp, url_date, vote
from tests.extract.pages import PROSE, extract, page

ARTICLE = f"<article><h1>Harbour Tides</h1>{PROSE}</article>"


def jsonld_date(value: str) -> str:
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour'
        f' Tides", "datePublished": "{value}"}}</script>'
    )


def meta_date(value: str) -> str:
    return f'<meta property="article:published_time" content="{value}">'


def test_a_utc_timestamp_after_midnight_takes_the_day_in_the_url() -> None:
    content = page(ARTICLE, head=jsonld_date("2020-02-25T02:25:54Z"))
    article = extract(content, "https://harbour.test/2020/02/24/tides")
    assert article.published == date(2020, 2, 24)


def test_a_utc_timestamp_after_midnight_takes_the_visible_day() -> None:
    body = f"""<article><h1>Harbour Tides</h1>
      <p class="byline">By Jane Roe · Feb 24, 2020</p>{PROSE}</article>"""
    article = extract(page(body, head=jsonld_date("2020-02-25T02:25:54Z")))
    assert article.published == date(2020, 2, 24)


def test_a_utc_timestamp_is_read_in_the_zone_another_statement_gives() -> None:
    head = jsonld_date("2017-02-24T01:18:13Z") + meta_date("2017-02-23T17:18:13-08:00")
    assert extract(page(ARTICLE, head=head)).published == date(2017, 2, 23)


def test_a_timestamp_with_its_offset_is_the_day_as_written() -> None:
    head = jsonld_date("2024-11-16T23:30:00-05:00")
    assert extract(page(ARTICLE, head=head)).published == date(2024, 11, 16)


def test_a_utc_timestamp_no_zone_can_move_keeps_its_day() -> None:
    # Noon UTC is the 25th from UTC-12 to UTC+11: a visible 24th cannot be the same moment.
    body = f"""<article><h1>Harbour Tides</h1>
      <p class="byline">By Jane Roe · Feb 24, 2020</p>{PROSE}</article>"""
    article = extract(page(body, head=jsonld_date("2020-02-25T12:00:00Z")))
    assert article.published == date(2020, 2, 25)


def test_the_statements_that_agree_outvote_the_json_ld() -> None:
    head = (
        jsonld_date("2024-11-20")
        + meta_date("2024-11-16T08:00:00+01:00")
        + '<meta itemprop="datePublished" content="2024-11-16">'
    )
    body = f"""<article><h1>Harbour Tides</h1>
      <time class="published" datetime="2024-11-16T08:00:00+01:00">16 Nov</time>{PROSE}</article>"""
    assert extract(page(body, head=head)).published == date(2024, 11, 16)


def test_the_url_breaks_a_tie() -> None:
    head = jsonld_date("2024-11-20") + meta_date("2024-11-16")
    article = extract(page(ARTICLE, head=head), "https://harbour.test/2024/11/16/tides")
    assert article.published == date(2024, 11, 16)


def test_without_a_url_the_json_ld_settles_a_tie() -> None:
    head = jsonld_date("2024-11-20") + meta_date("2024-11-16")
    assert extract(page(ARTICLE, head=head)).published == date(2024, 11, 20)


def test_an_old_time_on_the_page_does_not_beat_the_url() -> None:
    body = f"""<aside><time>3 March 2019</time> From the archive</aside>{ARTICLE}"""
    article = extract(page(body), "https://harbour.test/news/2024-11-16-tides")
    assert article.published == date(2024, 11, 16)


def test_htmldate_searches_the_page_when_nothing_states_a_date() -> None:
    body = f"{ARTICLE}<div class='colophon'>Harbour Review, 16 November 2024, Easton.</div>"
    assert extract(page(body)).published == date(2024, 11, 16)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.test/2020/02/24/story", date(2020, 2, 24)),
        ("https://a.test/news/2020-02-24-story", date(2020, 2, 24)),
        ("https://a.test/20200224/story", date(2020, 2, 24)),
        ("https://a.test/entry/2024/12/01/090000", date(2024, 12, 1)),
        ("https://a.test/2019/11/story", None),  # no day
        ("https://a.test/a/20191118123456", None),  # an id, not a date
        ("https://a.test/r~8fa032ba3add11ec/", None),
    ],
)
def test_the_date_a_url_names(url: str, expected: date | None) -> None:
    assert url_date(url) == expected


def test_a_stamp_keeps_its_time_and_offset() -> None:
    stamp = read_stamp("meta", "2020-02-25T02:25:54Z", None)
    assert stamp == Stamp("meta", date(2020, 2, 25), time(2, 25, 54), timedelta(0))
    assert stamp.is_utc
    offset = read_stamp("meta", "2021-11-01T10:52:50+0100", None)
    assert offset is not None and offset.offset == timedelta(hours=1)
    assert read_stamp("meta", "16 November 2024", "en") == Stamp("meta", date(2024, 11, 16))


def test_the_vote_counts_days_and_falls_back_to_care() -> None:
    day, other = date(2024, 11, 16), date(2024, 11, 17)
    assert vote([("jsonld", other), ("meta", day), ("time", day)], None) == day
    assert vote([("meta", day), ("jsonld", other)], None) == other  # JSON-LD is more careful
    assert vote([("jsonld", other), ("meta", day)], day) == day
    assert vote([], day) == day
    assert vote([], None) is None


def test_a_utc_stamp_moves_only_to_a_day_a_real_zone_reaches() -> None:
    late = Stamp("jsonld", date(2020, 2, 25), time(2, 25), timedelta(0))
    assert local_days([late], [date(2020, 2, 24)]) == [("jsonld", date(2020, 2, 24))]
    assert local_days([late], [date(2020, 2, 23)]) == [("jsonld", date(2020, 2, 25))]
    early = Stamp("jsonld", date(2020, 2, 24), time(22, 0), timedelta(0))
    assert local_days([early], [date(2020, 2, 25)]) == [("jsonld", date(2020, 2, 25))]
