"""Bylines in Japanese, Chinese and Korean: the name without its marker, the date beside
it, and the byline out of the body once read."""

from __future__ import annotations

from datetime import date

import pytest

from foreigndesk.extract import clean_names
from tests.extract.pages import PROSE_JA, body_texts, extract, page

BLOG_URL = "https://harbour-notes.test/entry/2024/12/01/090000"


def japanese_blog(byline: str, *, lead: str = "") -> bytes:
    """A Japanese blog post that introduces a foreign article: the blog's own date in its
    template and URL, the original's author and date in a plain paragraph."""
    body = f"""<header id="blog-title"><a href="/">港の記録</a></header>
      <div class="entry"><div class="entry-header">
        <time class="entry-date" datetime="2024-12-01T09:00:00+09:00">2024-12-01</time>
        <h1 class="entry-title">港の朝、水門が開くとき</h1></div>
        <div class="entry-content">{lead}<p>{byline}</p>{PROSE_JA}</div></div>
      <footer>港の記録 · このブログについて</footer>"""
    head = '<meta property="og:site_name" content="港の記録">'
    return page(body, head=head, title="港の朝、水門が開くとき - 港の記録", lang="ja")


@pytest.mark.parametrize(
    "byline",
    [
        "ジェーン・ロウ著:16/11/2024",
        "ジェーン・ロウ著：16/11/2024",
        "ジェーン・ロウ著:2024年11月16日",
        "ジェーン・ロウ著：2024/11/16",
    ],
)
def test_a_japanese_blog_with_a_cho_byline_gives_author_date_and_a_clean_body(
    byline: str,
) -> None:
    article = extract(japanese_blog(byline), BLOG_URL)
    assert article.authors == ("ジェーン・ロウ",)
    assert article.published == date(2024, 11, 16)  # the original's, not the blog's
    assert not any("著" in text for text in body_texts(article))
    assert body_texts(article)[0].startswith("港の朝は早い")


def test_a_byline_after_the_lead_is_read_and_leaves_the_body() -> None:
    lead = "<p>水門の開く時刻をめぐる短い記事を紹介する。原文は英国の港湾誌に掲載された。</p>"
    article = extract(japanese_blog("ジェーン・ロウ著:2024年11月16日", lead=lead), BLOG_URL)
    assert article.authors == ("ジェーン・ロウ",)
    assert article.published == date(2024, 11, 16)
    texts = body_texts(article)
    assert texts[0].startswith("水門の開く時刻")
    assert "ジェーン・ロウ著:2024年11月16日" not in texts


@pytest.mark.parametrize(
    ("line", "lang", "author", "published"),
    [
        ("文：佐藤健 2024年11月16日", "ja", "佐藤健", date(2024, 11, 16)),
        ("筆者：山田花子（2024/11/16）", "ja", "山田花子", date(2024, 11, 16)),
        ("山田花子 記者 2024/11/16", "ja", "山田花子", date(2024, 11, 16)),
        ("作者：王小明 2024年11月16日", "zh", "王小明", date(2024, 11, 16)),
        ("记者 张伟 2024-11-16", "zh", "张伟", date(2024, 11, 16)),
        ("홍길동 기자 2024.11.16", "ko", "홍길동", date(2024, 11, 16)),
    ],
)
def test_cjk_bylines_in_a_plain_paragraph(
    line: str, lang: str, author: str, published: date
) -> None:
    body = f"<article><h1>港の朝、水門が開くとき</h1><p>{line}</p>{PROSE_JA}</article>"
    article = extract(page(body, title="港の朝、水門が開くとき", lang=lang))
    assert article.authors == (author,)
    assert article.published == published
    assert line not in body_texts(article)


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("ジェーン・ロウ著:2024年11月16日", ["ジェーン・ロウ"]),
        ("ジェーン・ロウ著：16/11/2024", ["ジェーン・ロウ"]),
        ("ジェーン・ロウ 著", ["ジェーン・ロウ"]),
        ("筆者：山田花子", ["山田花子"]),
        ("作者：王小明", ["王小明"]),
        ("记者 张伟", ["张伟"]),
        ("李文", ["李文"]),  # a name ending in 文 keeps it
        ("홍길동 기자", ["홍길동"]),
        ("[서울=뉴시스] 홍길동 기자", ["홍길동"]),
        ("文・佐藤健、山田花子", ["佐藤健", "山田花子"]),
    ],
)
def test_cjk_bylines_read_as_names(byline: str, names: list[str]) -> None:
    assert clean_names(byline) == names
