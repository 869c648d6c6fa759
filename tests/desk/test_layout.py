"""The review desk's layout in Chromium, at a phone's width (390 px) and a desktop's (1280 px).

At both widths no page scrolls sideways: sign-in, the inbox (its To review list and its
To pick view with the triage table), the editor (a sample article and the page of script
payloads), the sources (and a source's edit form) and the stats. On a phone the inbox's
rows are cards — title, source, status and QA each on a line of their own, the tick box
usable — and the editor shows each block as one card, the original above its translation,
both full width, with the edit box as wide as the translation and the findings below it;
at 1280 px the inbox is a table and the editor shows original and translation side by side.

Everything is measured from the laid-out page (bounding boxes, scroll widths); nothing
waits on time, and nothing is written to disk.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from foreigndesk.models import ArticleStatus
from tests.desk.conftest import DeskWorld
from tests.desk.test_browser import Watched, first_paragraph, sign_in, watched

__all__ = ["watched"]  # the fixture, used by name (browser comes from conftest)

PHONE = 390
DESKTOP = 1280
HEIGHT = 844


@pytest.fixture(scope="module")
def triaged(world: DeskWorld) -> int:
    """An article of the module's desk put back in To pick, so the triage view has a row."""
    chosen = next(
        a.id
        for a in world.store.articles.all(ArticleStatus.IN_REVIEW)
        if a.id not in world.articles.values()
    )
    assert world.store.articles.set_status(chosen, ArticleStatus.TRIAGED)
    return chosen


def at_width(watched: Watched, width: int) -> Page:
    watched.page.set_viewport_size({"width": width, "height": HEIGHT})
    return watched.page


def overflow(page: Page) -> dict[str, Any]:
    """How wide the document is against the viewport, and the elements that stick out."""
    measured: dict[str, Any] = page.evaluate(
        """() => {
            const width = window.innerWidth;
            const out = [...document.querySelectorAll("body *")]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 5)
                .map(e => `${e.tagName.toLowerCase()}.${e.className} ` +
                          `${Math.round(e.getBoundingClientRect().right)}px`);
            return {scroll: document.scrollingElement.scrollWidth, width, out};
        }"""
    )
    return measured


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not laid out"
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def below(upper: dict[str, float], lower: dict[str, float]) -> bool:
    return upper["y"] + upper["height"] <= lower["y"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_page_scrolls_sideways(
    world: DeskWorld, served: str, watched: Watched, triaged: int, width: int
) -> None:
    page = at_width(watched, width)
    [source, *_] = world.store.sources.all()
    pages = [
        "/",
        "/?status=triaged",
        "/?status=all",
        f"/articles/{world.articles['bread-oven']}",
        f"/articles/{world.articles['payloads']}",
        "/sources",
        f"/sources?edit={source.id}",
        "/stats",
    ]
    page.goto(f"{served}/login")
    sideways = {}
    measured = overflow(page)
    if measured["scroll"] > width:
        sideways["/login"] = measured
    sign_in(page, served)
    for path in pages:
        page.goto(served + path)
        if path == "/?status=triaged":
            expect(page.locator("table.triage tr.row")).to_have_count(1)
        measured = overflow(page)
        assert measured["width"] == width
        if measured["scroll"] > width:
            sideways[path] = measured
    assert not sideways, sideways
    assert not watched.dialogs and not watched.errors, (watched.dialogs, watched.errors)


def test_on_a_phone_the_inbox_rows_are_cards_with_a_usable_tick(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = at_width(watched, PHONE)
    sign_in(page, served)
    article_id = world.articles["bread-oven"]
    row = f"tr.row:has(input[value='{article_id}'])"
    lines = [box(page, f"{row} td[data-label='{c}']") for c in ("title", "source", "status", "QA")]
    for upper, lower in itertools.pairwise(lines):
        assert below(upper, lower), lines
    card = box(page, row)
    assert card["width"] >= PHONE - 40, card
    tick = page.locator(f"{row} input[name=ids]")
    tick_box = box(page, f"{row} input[name=ids]")
    assert tick_box["width"] >= 18 and tick_box["height"] >= 18, tick_box
    assert tick_box["x"] + tick_box["width"] <= lines[0]["x"], (tick_box, lines[0])
    tick.check()  # Playwright clicks it where it is shown: nothing covers it
    expect(tick).to_be_checked()
    tick.uncheck()
    expect(tick).not_to_be_checked()


def test_on_a_phone_the_editor_shows_the_original_above_its_translation(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = at_width(watched, PHONE)
    article_id = world.articles["bread-oven"]
    sign_in(page, served, f"/articles/{article_id}")
    block = f"#block-{first_paragraph(world, 'bread-oven')}"
    original = box(page, f"{block} td.original")
    translation = box(page, f"{block} td.translation")
    assert original["y"] + original["height"] <= translation["y"], (original, translation)
    assert original["width"] >= 300 and translation["width"] >= 300, (original, translation)
    textarea = box(page, f"{block} textarea")
    assert textarea["width"] >= translation["width"] - 30, (textarea, translation)

    # Every block the same way, and its findings, when it has any, below the translation.
    blocks = page.evaluate(
        """() => [...document.querySelectorAll("tr.block")].map(row => {
            const rect = sel => {
                const found = row.querySelector(sel);
                if (!found || !found.getClientRects().length) { return null; }
                const r = found.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height};
            };
            return {id: row.id, original: rect("td.original"),
                    translation: rect("td.translation"), findings: rect("td.findings"),
                    has_findings: !!row.querySelector("td.findings .finding")};
        })"""
    )
    assert len(blocks) > 3
    assert any(b["has_findings"] for b in blocks)
    for found in blocks:
        assert below(found["original"], found["translation"]), found
        assert found["original"]["width"] >= 300 and found["translation"]["width"] >= 300, found
        if found["has_findings"]:
            assert below(found["translation"], found["findings"]), found
    assert not watched.errors, watched.errors


def test_at_1280_px_the_inbox_is_a_table_and_the_editor_is_side_by_side(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = at_width(watched, DESKTOP)
    sign_in(page, served)
    article_id = world.articles["bread-oven"]
    row = f"tr.row:has(input[value='{article_id}'])"
    cells = [box(page, f"{row} td[data-label='{c}']") for c in ("title", "source", "status")]
    assert len({round(c["y"]) for c in cells}) == 1, cells
    assert cells[0]["x"] < cells[1]["x"] < cells[2]["x"], cells

    page.goto(f"{served}/articles/{article_id}")
    block = f"#block-{first_paragraph(world, 'bread-oven')}"
    original = box(page, f"{block} td.original")
    translation = box(page, f"{block} td.translation")
    findings = box(page, f"{block} td.findings")
    assert round(original["y"]) == round(translation["y"]) == round(findings["y"])
    assert original["x"] + original["width"] <= translation["x"], (original, translation)
    assert translation["x"] + translation["width"] <= findings["x"], (translation, findings)
    assert original["width"] >= 400 and translation["width"] >= 400, (original, translation)
