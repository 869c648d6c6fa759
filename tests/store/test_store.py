"""The store: migrations describe the tables exactly, SQLite runs in WAL mode, and the
uniqueness the pipeline's idempotence rests on holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from foreigndesk.models import ArticleStatus
from foreigndesk.store import Store
from foreigndesk.store.claims import waiting_for
from foreigndesk.store.database import alembic_config, migrate
from foreigndesk.store.tables import ArticleRow, Base


def test_migrations_build_exactly_the_declared_tables(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_twice_migrates_once(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    migrate(store.engine)
    with store.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    head = ScriptDirectory.from_config(alembic_config(store.engine)).get_current_head()
    assert versions == [(head,)]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_source_url_is_stored_once(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    first, created = store.sources.add("https://feeds.test/a.xml", "en")
    again, created_again = store.sources.add("https://feeds.test/a.xml", "fr")
    assert created and not created_again
    assert again == first
    assert [s.url for s in store.sources.all()] == ["https://feeds.test/a.xml"]


def test_a_candidate_url_is_stored_once_whichever_source_lists_it(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    a, _ = store.sources.add("https://feeds.test/a.xml", "en")
    b, _ = store.sources.add("https://feeds.test/b.xml", "en")
    assert a.id is not None and b.id is not None
    urls = ["https://news.test/1", "https://news.test/2"]
    kwargs = {"title": None, "etag": None, "last_modified": None}
    assert store.sources.record_success(a.id, urls=urls, **kwargs) == 2
    assert store.sources.record_success(b.id, urls=[*urls, "https://news.test/3"], **kwargs) == 1
    assert len(store.articles.all()) == 3


def test_finding_an_earlier_copy_reads_indexes_not_the_whole_table(tmp_path: Path) -> None:
    """Every extraction asks it: a scan would cost 20 ms an article at 100,000 articles."""
    from foreigndesk.store.articles import _EARLIER_COPY

    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    query = _EARLIER_COPY.params(article=7, hash="0" * 64, canonical="https://a.test/", near=[3])
    plan = query_plan(store, query)
    assert "MULTI-INDEX OR" in plan
    assert not [step for step in plan if step.startswith("SCAN articles")], plan


def query_plan(store: Store, query: Any) -> list[str]:
    sql = query.compile(store.engine, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as connection:
        return [row[-1] for row in connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]


def test_what_waits_for_a_stage_is_found_through_indexes(tmp_path: Path) -> None:
    """Asked by every stage: failed articles pile up, so they may not be read whole."""
    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    waiting = waiting_for(ArticleStatus.FETCHED, datetime(2026, 12, 7, tzinfo=UTC))
    plan = query_plan(store, select(ArticleRow.id).where(waiting).order_by(ArticleRow.id))
    assert not [step for step in plan if step.startswith("SCAN articles")], plan
    assert [step for step in plan if "ix_articles_failed_retry" in step], plan


def test_finding_near_copies_reads_the_bands_index_not_every_signature(tmp_path: Path) -> None:
    """Every extraction asks it, on every worker: it may not grow with the store."""
    from foreigndesk.store.articles import _near_candidates

    store = Store.open(f"sqlite:///{tmp_path}/desk.db")
    keys = {"b0": 0, "k0": 11, "b1": 1, "k1": -12, "b2": 2, "k2": 13}
    query = _near_candidates(3).params(banding="9x13", exclude=5, **keys)
    plan = query_plan(store, query)
    assert not [step for step in plan if step.startswith("SCAN")], plan
    assert [step for step in plan if "ix_near_duplicate_bands_key" in step], plan
