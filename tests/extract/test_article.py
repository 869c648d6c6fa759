"""Extraction of the sample magazine's pages: the article, its metadata, its figures, and no
page furniture."""

from __future__ import annotations

from datetime import date

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.extract import content_hash, extract_article
from foreigndesk.extract.header import drop_header
from foreigndesk.models import Block, BlockKind, ExtractedArticle
from foreigndesk.sample import SAMPLE_SITE

BASE = "http://magazine.test/articles/"


def extract(name: str) -> ExtractedArticle:
    path = SAMPLE_SITE / "articles" / name
    return extract_article(path.read_bytes(), BASE + name)


def test_title_loses_the_site_name_suffix() -> None:
    article = extract("bread-oven.html")
    assert article.title == "The Community Bread Oven on Mill Street"
    assert article.site_name == "The Harbour Review"


def test_headline_and_byline_are_not_part_of_the_body() -> None:
    article = extract("bread-oven.html")
    texts = [b.text for b in article.blocks]
    assert article.title not in texts
    assert not any(t.startswith("By ") for t in texts)
    assert article.blocks[0].kind == BlockKind.PARAGRAPH


def test_a_sentence_about_the_author_near_the_top_stays_in_the_body() -> None:
    page = (
        "<!DOCTYPE html><html lang='en'><head><title>Reeds Clear the River</title></head>"
        "<body><main><article><h1>Reeds Clear the River</h1>"
        "<p class='byline'>By Jane Roe · 16/11/2024</p>"
        "<p>The reeds planted by the river trust in spring have grown well all summer.</p>"
        "<p>Jane Roe, who chairs the trust, walked the northern bank with the volunteers.</p>"
        "<p>Roe said the water was clearer than in any year she could remember.</p>"
        "<p>The trust will measure the flow again in the autumn, when the rains come.</p>"
        "</article></main></body></html>"
    )
    article = extract_article(page.encode(), BASE + "reeds.html")
    texts = [b.text for b in article.blocks]
    assert article.authors == ("Jane Roe",)
    assert "Jane Roe, who chairs the trust, walked the northern bank with the volunteers." in texts
    assert not any(t.startswith("By ") for t in texts)


@pytest.mark.parametrize(
    "byline",
    [
        "By Jane Roe | Published 16 November 2024, 10:30 a.m.",
        "By Jane Roe and Karl Weber, Staff Writers, updated Nov. 16, 2024.",
        "By Jane Roe, Senior Correspondent for The River Post in Tokyo.",
    ],
)
def test_a_long_byline_ending_in_a_full_stop_is_still_a_byline(byline: str) -> None:
    blocks = [
        Block(BlockKind.PARAGRAPH, byline, byline),
        Block(BlockKind.PARAGRAPH, "The river rose.", "The river rose."),
    ]
    kept = drop_header(blocks, titles=[], authors=("Jane Roe", "Karl Weber"), bylines=[])
    assert [b.text for b in kept] == ["The river rose."]


def test_page_furniture_is_left_out() -> None:
    texts = " ".join(b.text for b in extract("harbour-tides.html").blocks)
    assert "Subscribe to our newsletter" not in texts
    assert "Share this article" not in texts


@pytest.mark.parametrize(
    ("name", "authors", "published"),
    [
        ("harbour-tides.html", ("Jane Roe",), date(2024, 9, 5)),  # ISO meta
        ("urban-beekeeping.html", ("Amira Haddad",), date(2024, 9, 12)),  # "Sep 12, 2024"
        ("repair-cafe.html", ("Tomás Ferreira",), date(2024, 10, 3)),  # "03/10/2024"
        ("bread-oven.html", ("Ingrid Solberg",), date(2024, 11, 16)),  # "16/11/2024"
        ("rooftop-gardens.html", ("Amira Haddad", "Kenji Mori"), date(2024, 11, 8)),
    ],
)
def test_authors_and_dates(name: str, authors: tuple[str, ...], published: date) -> None:
    article = extract(name)
    assert article.authors == authors
    assert article.published == published


def test_licence_and_language_come_from_the_page() -> None:
    article = extract("chess-club.html")
    assert article.license == "CC BY 4.0"
    assert article.lang == "en-GB"


def test_a_paragraph_pasted_twice_is_kept_once_and_recorded() -> None:
    article = extract("bread-oven.html")
    texts = [b.text for b in article.blocks]
    assert len(texts) == len(set(texts))
    [repeat] = article.repeats
    assert repeat in texts
    assert texts.index(repeat) == 0


def test_figures_keep_their_place_caption_and_credit() -> None:
    article = extract("harbour-tides.html")
    [image] = [b for b in article.blocks if b.kind == BlockKind.IMAGE]
    assert image.src == "http://magazine.test/images/harbour-wall.svg"
    assert image.alt
    assert image.caption and not image.caption.startswith("Image:")
    assert image.credit and image.credit.startswith("Image:")
    position = article.blocks.index(image)
    assert 0 < position < len(article.blocks) - 1


def test_structure_and_inline_markup_are_kept() -> None:
    blocks = extract("harbour-tides.html").blocks + extract("chess-club.html").blocks
    kinds = {b.kind for b in blocks}
    assert {BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE} <= kinds
    html = " ".join(b.html for b in blocks)
    assert '<a href="https://example.' in html
    assert "<em>" in html or "<strong>" in html


def test_inline_markup_is_rebuilt_not_copied() -> None:
    page = b"""<html lang="en"><head><title>Safe</title></head><body><article><h1>Safe</h1>
    <p>A paragraph with <a href="javascript:alert(1)">a bad link</a>, an
    <img src=x onerror=alert(1)> image and <b onclick="x()">bold</b> words, long enough to
    count as the body of a small article for the extractor to keep it.</p>
    <p>Another paragraph follows so that the page reads as an article with some text.</p>
    </article></body></html>"""
    article = extract_article(page, "http://magazine.test/safe.html")
    html = " ".join(b.html for b in article.blocks)
    assert "javascript" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "<strong>bold</strong>" in html


def test_a_page_without_an_article_is_a_clear_error() -> None:
    with pytest.raises(DeskError, match="no article text found"):
        extract_article(b"<html><body><nav>Home</nav></body></html>", "http://x.test/")


def test_content_hash_ignores_whitespace_and_case() -> None:
    a = extract("chess-club.html").blocks
    assert content_hash(a) == content_hash(a)
    assert content_hash(a) != content_hash(extract("bread-oven.html").blocks)
