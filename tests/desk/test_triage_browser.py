"""Triage in a real browser: an editor opens the To pick view, sees each article's title
and summary translated beside the original with what its full translation would cost,
picks one, and finds it translated in full after the next run.

The desk translates with the real DeepL client against the local DeepL fake (an engine
that bills, so the desk triages); Chromium is Debian's, driven by Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from foreigndesk.store.accounts import Accounts
from foreigndesk.web import create_app
from tests.conftest import write_config
from tests.desk.conftest import EDITOR, PASSWORD, DeskWorld, TestClient, csrf_of
from tests.desk.test_browser import Watched, sign_in, watched
from tests.desk.test_editor import flashes, post
from tests.fakes import DeepLFake

__all__ = ["watched"]  # the fixture, used by name (browser comes from conftest)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sample_url: str) -> Iterator[DeskWorld]:
    folder = tmp_path_factory.mktemp("triage-desk")
    with pytest.MonkeyPatch.context() as env, DeepLFake() as fake:
        env.setenv("DEEPL_API_KEY", "test-key")
        config = write_config(
            folder,
            translate={"engine": "deepl", "deepl": {"api_url": fake.url}},
            web={"prices": {"deepl": 20.0}},
        )
        settings = load_settings(Path(config))
        store = Store.open(settings.database_url)
        desk = Desk(settings, store)
        store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        report = desk.run()
        assert report.triaged == 10 and report.failed == 0
        articles = {
            a.url.rsplit("/", 1)[-1].removesuffix(".html"): a.id for a in store.articles.all()
        }
        Accounts(store).add_user(EDITOR, PASSWORD)
        try:
            yield DeskWorld(folder, desk, store, create_app(settings, store), articles)
        finally:
            store.close()


def test_an_editor_picks_from_the_inbox_and_the_full_translation_follows_the_next_run(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = watched.page
    chosen = world.articles["bread-oven"]
    article = world.store.articles.get(chosen)
    sign_in(page, served, "/?status=triaged")

    row = page.locator("table.triage tr.row", has=page.locator(f"input[value='{chosen}']"))
    expect(row).to_contain_text(article.title or "")
    expect(row).to_contain_text((article.title or "").upper())
    expect(row).to_contain_text((article.brief_summary or "")[:40])
    expect(row.locator(".estimates")).to_contain_text("deepl:")
    expect(row.locator(".estimates")).to_contain_text("characters ≈")
    expect(page.locator("table.budgets")).to_contain_text("deepl")

    row.locator("input[name=ids]").check()
    page.click("button[formaction='/articles/pick']")
    expect(page.locator(".flash").first).to_contain_text(f"picked 1 of 1 articles ({chosen})")
    assert world.store.articles.get(chosen, with_blocks=False).status == ArticleStatus.EXTRACTED
    expect(page.locator("table.triage")).not_to_contain_text(article.title or "")

    # The next run, as cron would start it: in a thread of its own, away from the
    # browser driver's event loop.
    with ThreadPoolExecutor(1) as runner:
        report = runner.submit(world.desk.run).result()

    assert report.translated == 1
    page.goto(f"{served}/articles/{chosen}")
    paragraph = next(b for b in article.blocks if b.kind.value == "paragraph")
    expect(page.locator("td.translation").first).to_be_visible()
    expect(page.locator("table.blocks")).to_contain_text(paragraph.text.upper()[:40])
    assert not watched.dialogs and not watched.errors, (watched.dialogs, watched.errors)


def test_rules_are_added_and_removed_on_the_sources_page(
    world: DeskWorld, signed_in: TestClient
) -> None:
    [source] = world.store.sources.all()
    landed = post(
        signed_in,
        "/rules/add",
        "/sources",
        action="exclude",
        source=str(source.id),
        words="chess, 囲碁",
        pattern="",
        authors="",
        tags="",
        min_chars="",
        max_chars="",
    )
    [(rule_id, rule)] = world.store.triage.all()
    assert flashes(landed) == [f"rule {rule_id} added: exclude — words: chess, 囲碁"]
    assert rule.source_id == source.id and rule.words == ("chess", "囲碁")
    assert "every source" not in landed.split('id="rules"')[1].split("</table>")[0]

    bad = post(signed_in, "/rules/add", "/sources", action="pick", pattern="(", words="")
    assert flashes(bad) == [
        "error: the new rule: pattern '(' is not a regular expression (missing ), unterminated"
        " subpattern at position 0) — fix it, or use words instead"
    ]
    removed = post(signed_in, f"/rules/{rule_id}/remove", "/sources")
    assert flashes(removed) == [f"rule {rule_id} removed"]
    assert world.store.triage.all() == []


def test_a_pick_over_budget_is_refused_in_the_desk_with_the_reason(
    world: DeskWorld, signed_in: TestClient
) -> None:
    world.desk.settings.translate.budget["deepl"] = 1
    try:
        ids = sorted([world.articles["night-trains"], world.articles["chess-club"]])
        landed = signed_in.post(
            "/articles/pick",
            data={"csrf": csrf_of(signed_in.get("/").text), "ids": ids, "back": "/"},
        ).text
    finally:
        del world.desk.settings.translate.budget["deepl"]
    [message] = flashes(landed)
    assert message.startswith(f"error: picking articles {ids[0]}, {ids[1]} needs about")
    assert "characters of deepl; 0 are left of this month's budget — pick fewer" in message
    assert world.store.articles.get(ids[0], with_blocks=False).status == ArticleStatus.TRIAGED
