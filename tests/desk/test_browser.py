"""The review desk in a real browser: Debian's Chromium, headless, driven by Playwright,
against the desk served by uvicorn on loopback.

An editor signs in, corrects a block, approves and publishes, and the published page
shows the correction; the keyboard moves between blocks and decides; a page of script
payloads runs nothing in the editor or the preview; a form on another site cannot act
for a signed-in editor. The tests write no files into the project: the screenshots
docs/desk.md shows are written by scripts/desk-screenshots (`make screenshots`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from foreigndesk.models import ArticleStatus
from foreigndesk.sample import serve_directory
from tests.desk.conftest import EDITOR, PASSWORD, DeskWorld


class Watched:
    """A page whose dialogs, console errors and uncaught exceptions are all recorded."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []

        def dialog(d: object) -> None:
            self.dialogs.append(getattr(d, "message", ""))
            d.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", dialog)

        def console(message: ConsoleMessage) -> None:
            where = str(message.location.get("url", ""))
            # The browser asks every site for /favicon.ico on its own; the blog has none.
            if message.type == "error" and not where.endswith("/favicon.ico"):
                self.errors.append(f"{message.text} ({where})")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        yield Watched(page)
    finally:
        context.close()


def sign_in(page: Page, served: str, path: str = "/") -> None:
    page.goto(served + path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(served + path)
    page.wait_for_load_state("load")


def first_paragraph(world: DeskWorld, name: str) -> int:
    article = world.store.articles.get(world.articles[name])
    return next(i for i, b in enumerate(article.blocks) if b.kind.value == "paragraph")


def test_edit_approve_publish_and_the_published_page_shows_the_edit(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = watched.page
    article_id = world.articles["bread-oven"]
    sign_in(page, served)
    expect(page.locator("table.articles")).to_contain_text("Mill Street")

    page.click(f"a[href='/articles/{article_id}']")
    expect(page).to_have_url(f"{served}/articles/{article_id}")
    position = first_paragraph(world, "bread-oven")
    edit = "Cada sábado por la mañana, el olor a pan recién hecho llena la calle Mill (corregido)."
    block = page.locator(f"#block-{position}")
    block.locator("textarea").fill(edit)
    block.locator("form.edit-form button").click()
    # The confirmation is in the block saved, where the editor is looking.
    expect(page.locator(f"#block-{position} .block-note")).to_contain_text(
        f"block {position} saved"
    )
    expect(page.locator(f"#block-{position} .block-note")).to_be_in_viewport()
    expect(page.locator(f"#block-{position} textarea")).to_have_value(edit)
    expect(page.locator(f"#block-{position} .human")).to_be_visible()
    preview = page.frame_locator("#preview")
    expect(preview.locator(".post-body")).to_contain_text("(corregido)")

    page.click("#approve-form button")
    expect(page.locator(".flash").first).to_contain_text(f"approved {article_id}")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.APPROVED

    page.goto(f"{served}/articles/{article_id}")
    override = page.locator("input[name=override_qa]")
    if override.count():
        override.check()
    page.click("#publish-form button")
    expect(page.locator(".flash").first).to_contain_text(f"published {article_id}")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.PUBLISHED

    [post] = [p for p in world.store.posts.all() if p.article_id == article_id]
    assert post.attribution.human_edited
    with serve_directory(world.desk.settings.output_dir) as blog:
        page.goto(f"{blog}posts/{post.slug}/")
        expect(page.locator(".post-body")).to_contain_text(edit)
    assert not watched.dialogs and not watched.errors, (watched.dialogs, watched.errors)


def test_keyboard_moves_between_blocks_and_decides_and_a_selection_fills_the_glossary(
    world: DeskWorld, served: str, watched: Watched
) -> None:
    page = watched.page
    article_id = world.articles["harbour-tides"]
    sign_in(page, served, f"/articles/{article_id}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator("tr.block.current")).to_have_attribute("data-position", "1")
    original = page.locator("#block-1 td.original")
    # An editor drags over the first words of the block's original text.
    selected = original.evaluate(
        """cell => {
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (node && !node.textContent.trim()) { node = walker.nextNode(); }
            const start = node.textContent.search(/\\S/);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, Math.min(start + 12, node.textContent.length));
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            return String(window.getSelection()).trim();
        }"""
    )
    original.dispatch_event("mouseup")
    assert selected and page.input_value("#glossary-source") == selected
    assert page.evaluate("document.activeElement.id") == "glossary-target"
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.press("a")  # typed into the box: no approval
    page.keyboard.press("Escape")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.IN_REVIEW
    # a asks first, in the page; Esc answers no.
    page.keyboard.press("a")
    bar = page.locator(".confirm-bar")
    expect(bar).to_contain_text(f"Approve article {article_id}? Enter to confirm, Esc to cancel")
    page.keyboard.press("Escape")
    expect(bar).to_have_count(0)
    expect(page).to_have_url(f"{served}/articles/{article_id}")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.IN_REVIEW
    # a, then Enter, approves.
    page.keyboard.press("a")
    expect(bar).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator(".flash").first).to_contain_text(f"approved {article_id}")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.APPROVED
    page.goto(f"{served}/articles/{article_id}")
    page.keyboard.press("r")
    expect(bar).to_contain_text(f"Reject article {article_id}? Enter to confirm, Esc to cancel")
    page.keyboard.press("Enter")
    expect(page.locator(".flash").first).to_contain_text(f"rejected {article_id}")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.REJECTED
    assert not watched.dialogs, watched.dialogs


def test_script_payloads_run_nowhere(world: DeskWorld, served: str, watched: Watched) -> None:
    page = watched.page
    article_id = world.articles["payloads"]
    sign_in(page, served, f"/articles/{article_id}")
    expect(page.locator("h1")).to_contain_text("<script>alert('og')</script>")
    expect(page.locator("table.blocks")).to_contain_text("<script>alert('written')</script>")
    preview = page.frame_locator("#preview")
    expect(preview.locator(".post-title")).to_be_visible()
    page.locator("#preview").scroll_into_view_if_needed()
    assert page.evaluate("document.scripts.length") == 1  # desk.js, nothing else
    frame = page.frame_locator("#preview").locator("html")
    assert frame.evaluate("() => document.scripts.length") == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    assert page.locator("[onerror], [onclick], [onload]").count() == 0
    page.goto(f"{served}/articles/{article_id}/preview")
    expect(page.locator(".post-body")).to_contain_text("<alerta>")
    assert page.evaluate("document.scripts.length") == 0
    page.goto(f"{served}/?q=Lighthouse&status=all")
    expect(page.locator("table.articles")).to_contain_text("<script>alert('og')</script>")
    page.wait_for_timeout(300)
    assert not watched.dialogs, watched.dialogs
    assert not watched.errors, watched.errors


def test_a_form_on_another_site_cannot_act_for_the_editor(
    world: DeskWorld, served: str, watched: Watched, tmp_path: Path
) -> None:
    page = watched.page
    [article_id] = [
        a.id
        for a in world.store.articles.all(ArticleStatus.IN_REVIEW)
        if a.id not in world.articles.values()
    ][:1]
    sign_in(page, served)
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>win a prize</title>"
        f'<form id="f" method="post" action="{served}/articles/{article_id}/approve">'
        '<input name="csrf" value="guessed"></form>'
        '<script>document.getElementById("f").submit()</script>',
        encoding="utf-8",
    )
    with serve_directory(tmp_path) as evil:
        # localhost is another site than 127.0.0.1: the browser withholds the session
        # cookie, and the desk would refuse the token anyway.
        page.goto(evil.replace("127.0.0.1", "localhost"))
        page.wait_for_load_state("networkidle")
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.IN_REVIEW
