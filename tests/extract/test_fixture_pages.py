"""What the desk extracts from pages in several languages, read as a specification.

The pages in tests/data/extract were written for the project (see SOURCE.txt there); each
test names one behaviour and the page that shows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from foreigndesk.extract import extract_article
from foreigndesk.models import BlockKind, ExtractedArticle

PAGES = Path(__file__).parents[1] / "data" / "extract"
FETCHED_AT = datetime(2024, 11, 16, 15, 0, tzinfo=UTC)


def extract(name: str, **options: object) -> ExtractedArticle:
    return extract_article(
        (PAGES / name).read_bytes(),
        f"https://pages.test/{name}",
        fetched_at=FETCHED_AT,
        **options,  # type: ignore[arg-type]
    )


def texts(article: ExtractedArticle) -> list[str]:
    return [b.text for b in article.blocks]


# -- bylines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "authors"),
    [
        ("ferry-us.html", ("Jane Roe", "Kenji Mori")),  # "By X and Y, Staff Writers · date"
        ("ferry-syndicated.html", ("Jane Roe", "Kenji Mori")),  # <meta name=author> "X, Y"
        ("allotment-gb.html", ("Priya Shah",)),  # JSON-LD author
        ("tea-ja-utf8.html", ("山田花子",)),  # "X著"
        ("bakery-ja-sjis.html", ("佐藤健",)),  # "文：X"
        ("library-ru.html", ("Анна Петрова",)),  # "Автор: X"
        ("market-es.html", ("Lucía Fernández", "Tomás Ortega")),  # "Por X y Y"
        ("bus-relative.html", ("Sam Okafor",)),  # a bare name in the byline
    ],
)
def test_authors_are_clean_names(page: str, authors: tuple[str, ...]) -> None:
    assert extract(page).authors == authors


def test_a_byline_loses_its_job_titles_and_its_date() -> None:
    article = extract("ferry-us.html")
    assert not any("Staff" in name or "2024" in name for name in article.authors)


# -- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "published"),
    [
        ("ferry-us.html", date(2024, 11, 16)),  # 11/16/2024 on an en-US page
        ("allotment-gb.html", date(2024, 11, 16)),  # 16/11/2024 on an en-GB page
        ("tea-ja-utf8.html", date(2024, 11, 16)),  # 2024年11月16日
        ("market-es.html", date(2024, 11, 16)),  # ISO in <time datetime>
        ("library-ru.html", date(2024, 11, 16)),  # 16 ноября 2024
        ("ferry-syndicated.html", date(2024, 11, 17)),  # article:published_time
        ("bakery-ja-sjis.html", date(2024, 11, 16)),  # 3時間前, fetched 15:00 UTC
        ("bus-relative.html", date(2024, 11, 16)),  # 3 hours ago
    ],
)
def test_published_dates_are_normalised(page: str, published: date) -> None:
    assert extract(page).published == published


def test_a_relative_date_is_counted_back_from_the_fetch_time() -> None:
    page = (PAGES / "bus-relative.html").read_bytes()
    late = datetime(2024, 11, 20, 1, 0, tzinfo=UTC)
    article = extract_article(page, "https://pages.test/bus.html", fetched_at=late)
    assert article.published == date(2024, 11, 19)


# -- title, site, language, licence, address ------------------------------------------


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("ferry-us.html", "The Night Ferry Gets a Quieter Engine"),
        ("market-es.html", "El mercado de los sábados cumple veinte años"),
        ("library-ru.html", "Районная библиотека открыла читальный зал на крыше"),
        ("tea-ja-utf8.html", "駅前の茶屋、百年目の新しいお茶会"),
        ("bakery-ja-sjis.html", "川沿いのパン屋、朝六時の行列"),  # no site name declared
        ("bus-relative.html", "Route 7 bus gets a stop at the new clinic"),
    ],
)
def test_titles_lose_the_site_name(page: str, title: str) -> None:
    assert extract(page).title == title


def test_a_shift_jis_page_is_read_in_its_own_encoding() -> None:
    article = extract("bakery-ja-sjis.html")
    assert article.blocks[0].text.startswith("川沿いの小さなパン屋「こむぎ堂」")
    assert "\ufffd" not in " ".join(texts(article))


@pytest.mark.parametrize(
    ("page", "lang"),
    [
        ("ferry-us.html", "en-US"),
        ("market-es.html", "es"),
        ("library-ru.html", "ru"),
        ("tea-ja-utf8.html", "ja"),
        ("bakery-ja-sjis.html", "ja"),
    ],
)
def test_language_of_the_article_and_of_its_blocks(page: str, lang: str) -> None:
    article = extract(page)
    assert article.lang == lang
    assert {b.lang for b in article.blocks} == {lang}


def test_the_text_overrides_a_wrong_page_language() -> None:
    page = (PAGES / "library-ru.html").read_bytes().replace(b'lang="ru"', b'lang="en"')
    assert extract_article(page, "https://pages.test/ru.html").lang == "ru"


def test_a_block_in_another_script_gets_its_own_language() -> None:
    page = (
        (PAGES / "ferry-us.html")
        .read_bytes()
        .replace(
            b"<h2>What comes next</h2>",
            "<p>Надпись на борту парома гласит: берегите тишину на реке и уважайте соседей.</p>"
            "<h2>What comes next</h2>".encode(),
        )
    )
    article = extract_article(page, "https://pages.test/ferry.html")
    [russian] = [b for b in article.blocks if b.text.startswith("Надпись")]
    assert russian.lang == "ru"
    assert article.lang == "en-US"


def test_site_name_description_tags_and_licence() -> None:
    article = extract("ferry-us.html")
    assert article.site_name == "Riverside Courier"
    assert article.description and article.description.startswith("The crossing between")
    assert article.tags == ("ferries", "transport")
    assert article.license == "CC BY-SA 4.0"  # a Creative Commons link in the footer
    assert extract("allotment-gb.html").license == "CC BY 4.0"  # JSON-LD "license"
    assert extract("allotment-gb.html").tags == ("gardening", "garlic", "allotments")


def test_the_canonical_url_loses_its_tracking_parameters() -> None:
    article = extract("ferry-us.html")
    assert article.canonical_url == "https://courier.example/2024/11/night-ferry-engine?id=42"
    assert extract("bus-relative.html").canonical_url == "https://pages.test/bus-relative.html"


# -- the body -------------------------------------------------------------------------


def test_the_headline_byline_and_furniture_are_not_in_the_body() -> None:
    for page in ("ferry-us.html", "market-es.html", "library-ru.html", "tea-ja-utf8.html"):
        article = extract(page)
        body = texts(article)
        assert article.title not in body
        assert article.blocks[0].kind == BlockKind.PARAGRAPH, page
        assert not any(name in body[0] for name in article.authors), page
    ferry = " ".join(texts(extract("ferry-us.html")))
    for furniture in ("4 min read", "Share this article", "Subscribe to our newsletter"):
        assert furniture not in ferry
    assert "first appeared" not in " ".join(texts(extract("ferry-syndicated.html")))


def test_a_lead_pasted_twice_is_kept_once_and_recorded() -> None:
    article = extract("allotment-gb.html")
    body = texts(article)
    [repeat] = article.repeats
    assert repeat.startswith("Every November our allotment group")
    assert body.count(repeat) == 1
    assert body.index(repeat) == 0


def test_a_pull_quote_is_recorded_not_repeated() -> None:
    article = extract("ferry-us.html")
    assert article.repeats == ("Passengers on the open deck had to raise their voices to talk.",)
    assert not any(b.kind == BlockKind.QUOTE for b in article.blocks)
    assert "raise their voices to talk" in article.blocks[0].text


def test_every_section_of_a_long_article_is_kept_in_order() -> None:
    article = extract("ferry-us.html")
    headings = [(b.text, b.level) for b in article.blocks if b.kind == BlockKind.HEADING]
    assert headings == [
        ("Half the noise on deck", 2),
        ("Timetable and fares", 2),
        ("What comes next", 2),
    ]
    assert texts(article)[-1].startswith("Residents of the waterfront")


def test_an_image_keeps_its_place_caption_and_credit() -> None:
    article = extract("ferry-us.html")
    [image] = [b for b in article.blocks if b.kind == BlockKind.IMAGE]
    assert image.src == "https://pages.test/images/night-ferry.jpg"
    assert image.alt == "The ferry at the Easton pier after dark"
    assert image.caption == "The ferry waits at the Easton pier before its last crossing."
    assert image.credit == "Photo: Lena Park"
    before = article.blocks[article.blocks.index(image) - 1]
    assert before.text.startswith("Engineers measured the sound")


def test_tables_keep_rows_and_cells() -> None:
    [table] = [b for b in extract("ferry-us.html").blocks if b.kind == BlockKind.TABLE]
    assert table.text.splitlines() == [
        "Ticket | Price",
        "Single adult | $3.50",
        "Child under 12 | $1.00",
        "Bicycle | free",
    ]
    assert table.html.startswith("<table><tr><th>Ticket</th>")
    [japanese] = [b for b in extract("tea-ja-utf8.html").blocks if b.kind == BlockKind.TABLE]
    assert "大人 | 八百円" in japanese.text


def test_code_keeps_its_lines_and_indentation() -> None:
    [code] = [b for b in extract("allotment-gb.html").blocks if b.kind == BlockKind.CODE]
    assert code.text.splitlines()[-1] == "    print(number, crop)"
    assert code.html.startswith("beds = [&quot;garlic&quot;") or code.html.startswith(
        'beds = ["garlic"'
    )
