"""Running the desk again is running it once: nothing is duplicated and nothing is paid twice."""

from __future__ import annotations

from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.store import Store
from tests.conftest import invoke


def test_a_second_run_duplicates_nothing_and_calls_no_engine(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    first = desk.run()
    assert first.new_articles == 10
    assert first.translated == 10
    assert first.engine_calls == 10  # one apertium call per article, not per block
    usage_after_first = desk.store.memory.usage()

    second = desk.run()

    assert second.new_articles == 0
    assert second.engine_calls == 0
    assert desk.store.memory.usage() == usage_after_first
    assert len(desk.store.articles.all()) == 10
    assert desk.store.articles.status_counts() == {ArticleStatus.IN_REVIEW.value: 10}


def test_approving_and_publishing_twice_makes_one_post_per_article(
    desk: Desk, sample_url: str
) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    desk.run()
    for article in desk.store.articles.all(ArticleStatus.IN_REVIEW):
        desk.approve(article.id)
    desk.run()
    desk.run()
    posts = desk.store.posts.all()
    assert len(posts) == 10
    assert len({p.slug for p in posts}) == 10
    assert desk.store.articles.status_counts() == {ArticleStatus.PUBLISHED.value: 10}


def test_translating_an_article_again_takes_every_segment_from_memory(
    desk: Desk, sample_url: str
) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    desk.run()
    calls, characters = desk.store.memory.usage()["apertium"]
    assert calls == 10
    assert characters > 10_000
    for article in desk.store.articles.all():
        desk.store.articles.set_status(article.id, ArticleStatus.EXTRACTED)

    report = RunReport()
    desk.translate(report)

    assert report.translated == 10
    assert report.engine_calls == 0
    assert report.memory_hits > 100
    assert desk.store.memory.usage()["apertium"] == (calls, characters)


def test_run_checks_a_source_again_only_when_its_next_check_is_due(
    config_path: Path, sample_url: str
) -> None:
    invoke("source", "add", f"{sample_url}feed.xml", "--config", config_path)

    def last_checked() -> object:
        settings = load_settings(config_path)
        store = Store.open(settings.database_url)
        try:
            [health] = store.sources.health()
            return health.last_checked_at
        finally:
            store.close()

    assert invoke("run", "--config", config_path).exit_code == 0
    first = last_checked()
    assert invoke("run", "--config", config_path).exit_code == 0
    # The feed was read a moment ago and is not due for an hour (fetch.poll_interval).
    assert last_checked() == first
    assert invoke("run", "--all", "--config", config_path).exit_code == 0
    assert last_checked() != first
