"""The same desk on PostgreSQL: what scales out across workers must behave exactly as the
single-machine SQLite desk does — the same schema, the same idempotent runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus, NameOffer
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from foreigndesk.store.tables import Base
from tests.conftest import write_config
from tests.postgres import temporary_postgres


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with temporary_postgres() as url:
        yield url


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    store = Store.open(postgres_url)
    try:
        yield store
    finally:
        # Each test starts from an empty schema at the newest revision.
        with store.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        store.close()


def test_migrations_build_exactly_the_declared_tables_on_postgresql(pg_store: Store) -> None:
    with pg_store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_the_desk_runs_twice_on_postgresql_without_duplicating_anything(
    pg_store: Store, tmp_path: Path, sample_url: str, postgres_url: str
) -> None:
    settings = load_settings(write_config(tmp_path, desk={"database_url": postgres_url}))
    desk = Desk(settings, pg_store)
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")

    first = desk.run()
    for article in desk.store.articles.all(ArticleStatus.IN_REVIEW):
        desk.approve(article.id)
    second = desk.run()

    assert (first.new_articles, first.translated, first.engine_calls) == (10, 10, 10)
    assert (second.new_articles, second.engine_calls, second.published) == (0, 0, 10)
    assert len(desk.store.posts.all()) == 10
    assert desk.store.articles.status_counts() == {ArticleStatus.PUBLISHED.value: 10}


def test_two_workers_offering_one_name_at_once_store_it_once(
    pg_store: Store, postgres_url: str
) -> None:
    """Two workers meet Jane Roe in two articles at the same moment: one offer, whichever
    commits first."""
    other = Store.open(postgres_url)
    start = threading.Barrier(2)
    added: list[int] = []

    def offer(store: Store, spelling: str) -> None:
        start.wait()
        added.append(
            store.memory.offer_names([NameOffer("en", "ja", "Jane Roe", spelling, "openai")])
        )

    try:
        threads = [
            threading.Thread(target=offer, args=(store, spelling))
            for store, spelling in ((pg_store, "ジェーン・ロウ"), (other, "ジェーン・ロー"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        other.close()
    offers = pg_store.memory.name_offers("en", "ja")
    assert sorted(added) == [0, 1]
    assert [o.name for o in offers] == ["Jane Roe"]
