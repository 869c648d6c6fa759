"""Triage end to end: with an engine that bills, a run translates every article's title
and summary and nothing more; what an editor or a rule picks is translated in full on the
next run, exactly as a full translation would have it, and no segment is paid for twice.

The engine is the real DeepL client against the local DeepL fake (it upper-cases text,
and here also turns "river" into "río", so a rule can match the translation alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from foreigndesk.config import load_settings
from foreigndesk.errors import DeskError
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk, RunReport
from foreigndesk.stages.translate import segments_of
from foreigndesk.store import Store
from tests.conftest import invoke, write_config
from tests.fakes import DeepLFake
from tests.fakes._translate import fake_translate


def translate_with_rio(text: str, **options: Any) -> str:
    return fake_translate(text, **options).replace("RIVER", "RÍO")


@dataclass
class World:
    desk: Desk
    fake: DeepLFake
    config: Path

    def article_id(self, slug: str) -> int:
        [found] = [a.id for a in self.desk.store.articles.all() if slug in a.url]
        return found

    def status(self, slug: str) -> ArticleStatus:
        return self.desk.store.articles.get(self.article_id(slug), with_blocks=False).status

    def billed(self) -> int:
        return sum(billed for _, billed in self.desk.store.memory.usage().values())

    def run(self) -> RunReport:
        return self.desk.run()


def open_world(
    folder: Path, fake: DeepLFake, sample_url: str, **translate: object
) -> Iterator[World]:
    folder.mkdir(exist_ok=True)
    config = write_config(
        folder,
        translate={
            "engine": "deepl",
            "deepl": {"api_url": fake.url, "key_env": "DEEPL_API_KEY"},
            **translate,
        },
    )
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    try:
        desk = Desk(settings, store)
        store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        yield World(desk, fake, config)
    finally:
        store.close()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeepLFake]:
    monkeypatch.setenv("DEEPL_API_KEY", "test-key")
    with DeepLFake(translator=translate_with_rio) as running:
        yield running


@pytest.fixture
def world(tmp_path: Path, fake: DeepLFake, sample_url: str) -> Iterator[World]:
    yield from open_world(tmp_path / "triage", fake, sample_url)


@pytest.fixture
def full(tmp_path: Path, fake: DeepLFake, sample_url: str) -> Iterator[World]:
    """The same desk translating every article whole: what a pick must equal."""
    yield from open_world(tmp_path / "full", fake, sample_url, mode="full")


def test_an_engine_that_bills_gets_titles_and_summaries_only(world: World) -> None:
    report = world.run()

    articles = world.desk.store.articles.all()
    assert report.triaged == len(articles) == 10
    assert report.translated == 0
    for article in articles:
        assert article.status == ArticleStatus.TRIAGED
        assert article.brief_title == (article.title or "").upper().replace("RIVER", "RÍO")
        assert article.summary and article.brief_summary
    whole = sum(len(s) for a in articles for s in segments_of(world.desk.store.articles.get(a.id)))
    assert world.billed() < whole / 4


def test_a_picked_article_is_translated_on_the_next_run_as_full_mode_would(
    world: World, full: World
) -> None:
    world.run()
    full.run()
    chosen = world.article_id("bread-oven")
    billed_before = world.billed()

    assert world.desk.pick([chosen]) == [chosen]
    report = world.run()

    assert report.translated == 1
    assert world.status("bread-oven") == ArticleStatus.IN_REVIEW
    article = world.desk.store.articles.get(chosen)
    other = full.desk.store.articles.get(full.article_id("bread-oven"))
    mine, theirs = world.desk.translation(article), full.desk.translation(other)
    assert mine.title == theirs.title
    assert [b.html for b in mine.blocks] == [b.html for b in theirs.blocks]
    # The title and the summary's paragraphs were paid for with the brief, not again.
    brief = {article.title or ""} | set((article.summary or "").split("\n\n"))
    paid_again = sum(len(s) for s in segments_of(article) if s not in brief)
    assert world.billed() - billed_before <= paid_again
    assert all(world.status(s) == ArticleStatus.TRIAGED for s in ("harbour-tides", "chess-club"))


def test_a_local_engine_translates_everything_in_full_by_default(
    tmp_path: Path, sample_url: str
) -> None:
    settings = load_settings(write_config(tmp_path))
    assert settings.translate.mode == "auto" and settings.translate.engine == "apertium"
    store = Store.open(settings.database_url)
    try:
        store.sources.add(f"{sample_url}feed.xml", "en")
        report = Desk(settings, store).run()
    finally:
        store.close()
    assert report.translated == report.extracted == 10
    assert report.triaged == 0


def test_rules_in_desk_toml_pick_and_dismiss_in_either_language(
    tmp_path: Path, fake: DeepLFake, sample_url: str
) -> None:
    rules = [
        # "río" is only in the translation of the river clean-up's title.
        {"action": "pick", "words": ["río"]},
        {"action": "exclude", "pattern": "(?i)chess"},
    ]
    for world in open_world(tmp_path, fake, sample_url, rules=rules):
        report = world.run()
        assert report.picked == 1 and report.dismissed == 1
        assert world.status("river-clean-up") == ArticleStatus.IN_REVIEW
        assert world.status("chess-club") == ArticleStatus.DISMISSED
        assert world.status("bread-oven") == ArticleStatus.TRIAGED
        dismissed = world.desk.store.articles.get(world.article_id("chess-club"))
        assert dismissed.triage_reason == "excluded by desk.toml rule 2"


def test_a_pick_that_would_overrun_the_budget_is_refused_before_it_is_queued(
    tmp_path: Path, fake: DeepLFake, sample_url: str
) -> None:
    for world in open_world(tmp_path, fake, sample_url, budget={"deepl": 9000}):
        world.run()
        left = 9000 - world.billed()
        ids = [world.article_id(s) for s in ("bread-oven", "harbour-tides", "night-trains")]
        with pytest.raises(
            DeskError,
            match=rf"needs about [\d,]+ characters of deepl; {left:,}"
            r" are left of this month's budget — pick fewer",
        ):
            world.desk.pick(ids)
        assert world.desk.store.triage.queued() == []
        assert all(world.status(s) == ArticleStatus.TRIAGED for s in ("bread-oven",))
        # One fits.
        assert world.desk.pick(ids[:1]) == ids[:1]


def test_pick_and_dismiss_from_the_command_line(world: World) -> None:
    world.run()
    bread, tides = world.article_id("bread-oven"), world.article_id("harbour-tides")

    picked = invoke("pick", bread, "--config", world.config)
    dismissed = invoke("dismiss", tides, "--config", world.config)
    again = invoke("dismiss", tides, "--config", world.config)
    unknown = invoke("pick", 999, "--config", world.config)

    assert picked.exit_code == 0, picked.output
    assert f"picked {bread}: translated in full on the next run" in picked.output
    assert dismissed.exit_code == 0 and f"dismissed {tides}" in dismissed.output
    assert world.status("harbour-tides") == ArticleStatus.DISMISSED
    assert again.exit_code == 1
    assert again.output.count("error:") == 1
    assert f"article {tides} is dismissed — only triaged or extracted" in again.output
    assert unknown.exit_code == 1 and "no article 999" in unknown.output
