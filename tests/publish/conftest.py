"""Posts for the publish tests: composed by the real compose_post from neutral fixture
articles, and a real store whose articles they belong to (the targets' ledger)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from foreigndesk.config import Settings, load_settings
from foreigndesk.models import (
    Article,
    ArticleStatus,
    Block,
    BlockKind,
    Post,
    TranslatedBlock,
    Translation,
)
from foreigndesk.publish.compose import compose_post, slug_for
from foreigndesk.store import Store
from tests.conftest import write_config

BLOCKS = (
    Block(
        BlockKind.PARAGRAPH,
        html='Tides rise <em>twice</em> a day at the <a href="https://port.test/wall">quay</a>.',
    ),
    Block(BlockKind.HEADING, html="What engineers measure", level=2),
    Block(BlockKind.LIST_ITEM, html="Water level", list_ordered=False),
    Block(BlockKind.LIST_ITEM, html="Wave height", list_ordered=False),
    Block(BlockKind.QUOTE, html="We plan for the century, not the season."),
    Block(
        BlockKind.IMAGE,
        src="https://img.port.test/wall.jpg",
        alt="The harbour wall",
        caption="The wall at dawn",
        credit="Image: Ola Nordmann",
    ),
    Block(BlockKind.PARAGRAPH, html="Cities that plan early <strong>spend less</strong>."),
)  # fmt: skip

TRANSLATED = (
    'Las mareas suben <em>dos veces</em> al día en el <a href="https://port.test/wall">muelle</a>.',
    "Lo que miden los ingenieros",
    "Nivel del agua",
    "Altura de las olas",
    "Planificamos para el siglo, no para la temporada.",
    "El muro del puerto",
    "Las ciudades que planifican pronto <strong>gastan menos</strong>.",
)


def make_article(number: int, **changes: object) -> Article:
    values: dict[str, object] = {
        "id": number,
        "source_id": 1,
        "url": f"https://example-review.org/2024/harbour-{number}.html",
        "status": ArticleStatus.APPROVED,
        "source_lang": "en",
        "title": f"How harbour city {number} prepares",
        "authors": ("Jane Roe",),
        "published": date(2024, 11, (number % 28) + 1),
        "site_name": "Example Review",
        "license": "CC BY 4.0",
        "blocks": BLOCKS,
        "tags": ("harbours", "climate"),
    }
    values.update(changes)
    return Article(**values)  # type: ignore[arg-type]


def make_translation(article: Article, texts: tuple[str, ...] = TRANSLATED) -> Translation:
    items = tuple(
        TranslatedBlock(
            block=block,
            html=text,
            caption="El muro al amanecer" if block.kind == BlockKind.IMAGE else None,
        )
        for block, text in zip(article.blocks, texts, strict=True)
    )
    return Translation(
        article_id=article.id,
        source_lang="en",
        target_lang="es",
        engine="apertium",
        title=f"Cómo se prepara la ciudad portuaria {article.id}",
        blocks=items,
    )


def make_post(article: Article, settings: Settings, translation: Translation | None = None) -> Post:
    post = compose_post(
        article, translation or make_translation(article), settings, slug_for(article)
    )
    return dataclasses.replace(post, tags=article.tags)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(write_config(tmp_path))


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = Store.open(settings.database_url)
    source, _ = store.sources.add("https://example-review.org/feed.xml", "en", "CC BY 4.0")
    assert source.id is not None
    store.sources.record_success(
        source.id,
        title="Example Review",
        urls=[f"https://example-review.org/2024/harbour-{n}.html" for n in range(1, 13)],
        etag=None,
        last_modified=None,
    )
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def posts(settings: Settings, store: Store) -> list[Post]:
    """Three posts whose article ids exist in ``store``."""
    return [make_post(make_article(n), settings) for n in (1, 2, 3)]
