"""A post in the desk's post format: title template, byline in the target locale, lead,
body and attribution, and excerpt mode for licences that forbid a full translation."""

from __future__ import annotations

from datetime import date

import pytest

from foreigndesk.config import Settings
from foreigndesk.models import (
    Article,
    ArticleStatus,
    Block,
    BlockKind,
    TranslatedBlock,
    Translation,
)
from foreigndesk.publish.compose import compose_post, slug_for, slugify
from foreigndesk.publish.licenses import allows_full_text

BLOCKS = (
    Block(BlockKind.PARAGRAPH, html="First <em>one</em>.", text="First one."),
    Block(BlockKind.HEADING, html="Part", text="Part", level=2),
    Block(BlockKind.LIST_ITEM, html="Item", text="Item"),
    Block(BlockKind.IMAGE, src="https://img.test/a.png", alt="A quay", credit="Image: Ola"),
    Block(BlockKind.PARAGRAPH, html="Last one.", text="Last one."),
)


def article(**changes: object) -> Article:
    values: dict[str, object] = {
        "id": 7,
        "source_id": 1,
        "url": "https://example-review.org/2024/harbour-cities.html",
        "status": ArticleStatus.APPROVED,
        "source_lang": "en",
        "title": "How harbour cities prepare",
        "authors": ("Jane Roe",),
        "published": date(2024, 11, 16),
        "site_name": "Example Review",
        "license": "CC BY 4.0",
        "blocks": BLOCKS,
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def translation(**changes: object) -> Translation:
    items = tuple(
        TranslatedBlock(block=b, html=f"訳{i}" if b.kind != BlockKind.IMAGE else "岸壁")
        for i, b in enumerate(BLOCKS)
    )
    values: dict[str, object] = {
        "article_id": 7,
        "source_lang": "en",
        "target_lang": "ja",
        "engine": "apertium",
        "title": "港湾都市は水位上昇にどう備えるか",
        "blocks": items,
    }
    values.update(changes)
    return Translation(**values)  # type: ignore[arg-type]


def test_title_and_byline_in_japanese_by_default() -> None:
    post = compose_post(article(), translation(), Settings(), "slug")
    assert post.title == "Jane Roe⚡️港湾都市は水位上昇にどう備えるか"
    assert post.byline == "Jane Roe著:2024年11月16日"


@pytest.mark.parametrize(
    ("date_format", "byline"),
    [
        ("short", "Jane Roe著:2024/11/16"),
        ("full", "Jane Roe著:2024年11月16日土曜日"),
        ("y年M月d日", "Jane Roe著:2024年11月16日"),
        ("yyyy.MM.dd", "Jane Roe著:2024.11.16"),
    ],
)
def test_the_bylines_date_format_is_a_setting(date_format: str, byline: str) -> None:
    settings = Settings.model_validate({"post": {"date_format": date_format}})
    assert compose_post(article(), translation(), settings, "slug").byline == byline


def test_byline_follows_the_locale_and_template() -> None:
    settings = Settings.model_validate(
        {"desk": {"target_lang": "es", "locale": "es_ES"}, "post": {"byline_template": "{date}"}}
    )
    post = compose_post(article(), translation(target_lang="es"), settings, "slug")
    assert post.byline == "16 de noviembre de 2024"


def test_two_authors_are_listed_the_target_languages_way() -> None:
    settings = Settings.model_validate({"desk": {"target_lang": "es", "locale": "es_ES"}})
    post = compose_post(
        article(authors=("Amira Haddad", "Kenji Mori")), translation(), settings, "s"
    )
    assert post.title.startswith("Amira Haddad y Kenji Mori⚡️")


def test_no_author_leaves_no_stray_separator() -> None:
    post = compose_post(article(authors=()), translation(), Settings(), "slug")
    assert post.title == "港湾都市は水位上昇にどう備えるか"
    assert post.byline == "2024年11月16日"


def test_lead_is_the_last_paragraph_unless_the_editor_picks() -> None:
    assert compose_post(article(), translation(), Settings(), "s").lead_html == "<p>訳4</p>"
    picked = compose_post(article(lead=(0, 2)), translation(), Settings(), "s")
    assert picked.lead_html == "<p>訳0</p>\n<ul>\n<li>訳2</li>\n</ul>"


def test_body_keeps_structure_images_and_credits() -> None:
    body = compose_post(article(), translation(), Settings(), "s").body_html
    assert body.splitlines() == [
        "<p>訳0</p>",
        "<h2>訳1</h2>",
        "<ul>",
        "<li>訳2</li>",
        "</ul>",
        '<figure><img src="https://img.test/a.png" alt="岸壁" loading="lazy">'
        '<figcaption><span class="credit">Image: Ola</span></figcaption></figure>',
        "<p>訳4</p>",
    ]


def test_engine_markup_is_sanitised_to_links_and_emphasis() -> None:
    dirty = tuple(
        TranslatedBlock(
            block=b,
            html='<a href="javascript:x()">a</a><script>x()</script><em onclick="y">e</em>',
        )
        for b in BLOCKS[:1]
    )
    body = compose_post(
        article(blocks=BLOCKS[:1]), translation(blocks=dirty), Settings(), "s"
    ).body_html
    assert "script" not in body and "javascript" not in body and "onclick" not in body
    assert "<em>e</em>" in body


def test_attribution_carries_everything_about_the_original() -> None:
    attribution = compose_post(article(), translation(), Settings(), "s").attribution
    assert attribution.original_title == "How harbour cities prepare"
    assert attribution.url == "https://example-review.org/2024/harbour-cities.html"
    assert attribution.authors == ("Jane Roe",)
    assert attribution.published == date(2024, 11, 16)
    assert attribution.license == "CC BY 4.0"
    assert attribution.engine == "apertium"
    assert attribution.human_edited is False


def test_a_licence_without_adaptation_rights_gives_an_excerpt() -> None:
    post = compose_post(article(license="CC BY-ND 4.0"), translation(), Settings(), "s")
    assert post.excerpt_only
    assert post.body_html == ""
    assert post.lead_html == "<p>訳4</p>"


def test_which_licences_allow_a_full_translation() -> None:
    for allowed in ("CC BY 4.0", "CC BY-SA 4.0", "CC BY-NC 4.0", "CC0 1.0", "permission"):
        assert allows_full_text(allowed), allowed
    for refused in (None, "", "CC BY-ND 4.0", "CC BY-NC-ND 4.0", "All rights reserved"):
        assert not allows_full_text(refused), refused


def test_slugs_are_safe_and_come_from_the_original_url() -> None:
    assert slug_for(article()) == "2024-11-16-harbour-cities"
    assert slug_for(article(url="https://x.test/index.php?id=3")) == (
        "2024-11-16-how-harbour-cities-prepare"
    )
    assert slugify("../../etc/passwd\x00", "x") == "etc-passwd"
    assert slugify("港湾", "article-7") == "article-7"
