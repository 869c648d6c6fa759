"""A failed article is the editor's to finish.

The engine refused some blocks of each article (tests/desk/failing.py): the article
failed in translation, the rest of its blocks translated and kept. In the desk the
editor finds it under "Failed" with the reason, opens it, sees the reason and every
block with the translation the memory holds, writes the missing ones by hand (or has
another engine translate them), and approves it; the next publish publishes it. Until
every block has a translation, approving it says, in one line, how many are missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from foreigndesk.errors import DeskError
from foreigndesk.models import ArticleStatus, Severity
from foreigndesk.pipeline import RunReport
from foreigndesk.stages.qa import Missing
from foreigndesk.store.review import Review
from foreigndesk.translate.memory import HUMAN
from foreigndesk.web import editing
from foreigndesk.web.editable import to_editable
from tests.desk.conftest import EDITOR, PASSWORD, DeskWorld, TestClient
from tests.desk.failing import failed_world
from tests.desk.test_editor import flashes, hidden_fields, post


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sample_url: str) -> Iterator[DeskWorld]:
    """This module's desk: every article failed in translation (overrides conftest's)."""
    with failed_world(tmp_path_factory.mktemp("failed"), sample_url) as (made, _):
        yield made


def box(html: str, position: int) -> str | None:
    """What the edit box of block ``position`` holds, or None when it has none."""
    found = re.search(rf'aria-label="translation of block {position}">(.*?)</textarea>', html, re.S)
    return unescape(found.group(1)) if found else None


def row(html: str, position: int) -> str:
    found = re.search(rf'<tr class="([^"]*)" id="block-{position}"', html)
    assert found, f"no block {position} on the page"
    return found.group(1)


def test_the_inbox_lists_failed_articles_with_their_reason(
    world: DeskWorld, signed_in: TestClient
) -> None:
    inbox = signed_in.get("/").text
    assert re.search(r'<a href="/\?status=failed"[^>]*>Failed \(6\)</a>', inbox)
    failed = signed_in.get("/?status=failed").text
    for article_id in world.articles.values():
        assert f'href="/articles/{article_id}"' in failed
    assert failed.count('<p class="reason">') == 6
    assert "segments not translated" in failed
    assert "Cannot translate text: the model gave up" in failed


def test_a_failed_article_shows_why_and_every_block_with_what_was_translated(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["bread-oven"]
    article = world.store.articles.get(article_id)
    assert article.error is not None
    page = signed_in.get(f"/articles/{article_id}").text

    # The reason, the stored error line, stands at the head of the page.
    reason = re.search(r'<p class="failure-reason">(.*?)</p>', page, re.S)
    assert reason and unescape(reason.group(1)) == article.error
    assert article.error.startswith("2 of 11 segments not translated (block 3: ")
    assert "2 of 10 blocks have no translation yet (blocks 3 and 8)" in page

    # Every block the engine translated shows its translation, editable as in any
    # article; the two it refused have an empty box, marked.
    translation = world.desk.translation(article)
    for position, block in enumerate(article.blocks):
        if position in (3, 8):
            assert box(page, position) == ""
            assert "is-missing" in row(page, position)
        else:
            shown = box(page, position)
            assert shown, f"block {position} ({block.kind.value}) shows no translation"
            assert "is-missing" not in row(page, position)
            assert translation.blocks[position].html is not None
    assert box(page, 0) == unescape(translation.blocks[0].html or "")
    # No preview yet: the post is composed once the article is approved.
    assert 'id="preview"' not in page


def test_the_editor_fills_the_missing_blocks_approves_and_the_next_publish_publishes_it(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["bread-oven"]
    page = f"/articles/{article_id}"
    # What the editor writes keeps the original's emphasis and link, as QA asks.
    written = {
        3: "El horno tardó cuatro meses en construirse. Los voluntarios trabajaron por las"
        " tardes y los fines de semana. Pusieron una base de piedra y luego construyeron una"
        " cúpula de <strong>arcilla y ladrillos viejos</strong>. Los ladrillos venían de una"
        " casa que se estaba derribando en la calle de al lado. Un tejado de madera y tejas"
        " protege el horno de la lluvia. Los niños de la calle pintaron la puerta con flores"
        " y pájaros.",
        8: "El grupo del horno tiene reglas sencillas. Nadie vende pan en el horno, y todos"
        " ayudan a limpiar al final. Los panaderos nuevos pueden apuntarse a una clase"
        " gratuita de <em>primera hogaza</em> el primer sábado de cada mes. El grupo también"
        ' comparte recetas en una <a href="https://example.org/mill-street-oven">pequeña'
        " web</a>. La receta más popular es una hogaza sencilla de harina, agua, sal y"
        " levadura.",
    }
    for position, text in written.items():
        landed = post(signed_in, f"{page}/blocks/{position}", page, text=text)
        assert f"block {position} saved as your translation" in flashes(landed)
        assert box(landed, position) == text
    # Saved as human entries of the memory, as any editor's correction is.
    article = world.store.articles.get(article_id)
    humans = {
        e.source_text: e.target_text for e in world.store.memory.entries() if e.origin == HUMAN
    }
    assert {to_editable(humans[article.blocks[p].html]) for p in written} == set(written.values())

    landed = signed_in.get(page).text
    assert "Every block has a translation now: approve it to publish it." in landed
    assert 'class="failure-reason"' in landed  # still failed, until approved
    answer = signed_in.post(
        f"{page}/approve", data=hidden_fields(landed, f"{page}/approve"), follow_redirects=True
    )
    assert answer.status_code == 200
    assert f"approved {article_id} {article.title}" in flashes(answer.text)
    approved = world.store.articles.get(article_id, with_blocks=False)
    assert approved.status == ArticleStatus.APPROVED
    assert approved.error is None
    # Approving checked it: no open QA error holds it.
    assert not [
        f
        for f in world.store.articles.findings(article_id)
        if f.severity == Severity.ERROR and not f.resolved
    ]

    report = RunReport()
    world.desk.publish(report)
    assert report.published == 1, report
    assert world.store.articles.get(article_id, with_blocks=False).status == (
        ArticleStatus.PUBLISHED
    )
    [published] = [p for p in world.store.posts.all() if p.article_id == article_id]
    for text in written.values():
        assert text.split(". ")[0] in published.body_html
    assert published.attribution.human_edited
    assert "libretranslate" in published.attribution.engine


def test_approving_with_a_block_still_missing_says_how_many_in_one_line(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["night-trains"]
    page = f"/articles/{article_id}"
    missing = world.desk.missing_translations(world.store.articles.get(article_id))
    assert missing.blocks and not missing.title
    [position] = missing.blocks
    landed = post(signed_in, f"{page}/approve", page)
    [line] = [f for f in flashes(landed) if f.startswith("error:")]
    # The command line's hint (`foreigndesk desk`) is left off: this is the desk.
    assert line == (
        f"error: article {article_id} cannot be approved yet: 1 of 11 blocks has no"
        f" translation yet (block {position})"
    )
    assert "\n" not in line
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.FAILED
    # "Publish now" approves first: refused the same way, nothing published.
    landed = post(signed_in, f"{page}/publish", page)
    assert any("cannot be approved yet: 1 of 11 blocks" in f for f in flashes(landed))
    assert not [p for p in world.store.posts.all() if p.article_id == article_id]


def test_another_engine_translates_the_rest(world: DeskWorld, signed_in: TestClient) -> None:
    article_id = world.articles["harbour-tides"]
    page = f"/articles/{article_id}"
    before = signed_in.get(page).text
    article = world.store.articles.get(article_id)
    caption = next(i for i, b in enumerate(article.blocks) if b.kind.value == "image")
    missing = world.desk.missing_translations(article)
    assert caption in missing.blocks and len(missing.blocks) == 2
    assert box(before, caption) == ""  # an image's caption is edited like a block
    assert f'action="/articles/{article_id}/translate-missing"' in before

    landed = post(signed_in, f"{page}/translate-missing", page, engine="apertium")
    assert "translated 2 of 2 with apertium" in flashes(landed)
    assert "Every block has a translation now" in landed
    for position in missing.blocks:
        assert box(landed, position), f"block {position} still empty"
        assert "is-missing" not in row(landed, position)
    assert not world.desk.missing_translations(world.store.articles.get(article_id))
    apertium = [e for e in world.store.memory.entries() if e.engine == "apertium"]
    assert {e.source_text for e in apertium} >= {article.blocks[p].html for p in missing.blocks[1:]}
    assert world.desk.approve(article_id).status == ArticleStatus.APPROVED


def test_one_missing_block_by_another_engine_and_the_title_field_of_a_failed_article(
    world: DeskWorld, signed_in: TestClient
) -> None:
    article_id = world.articles["chess-club"]
    page = f"/articles/{article_id}"
    [position] = world.desk.missing_translations(world.store.articles.get(article_id)).blocks
    landed = post(signed_in, f"{page}/blocks/{position}/retranslate", page, engine="apertium")
    assert f"block {position} translated again with apertium" in flashes(landed)
    assert box(landed, position)
    # The title the engine translated is the title field's, editable as in any article.
    title = re.search(r'<input name="title" value="([^"]*)"', landed)
    assert (
        title
        and title.group(1)
        and title.group(1) != world.store.articles.get(article_id, with_blocks=False).title
    )


@pytest.mark.parametrize(
    ("missing", "line"),
    [
        (Missing(False, (4,), 11), "1 of 11 blocks has no translation yet (block 4)"),
        (Missing(False, (3, 8), 10), "2 of 10 blocks have no translation yet (blocks 3 and 8)"),
        (Missing(True, (), 10), "the title has no translation yet"),
        (
            Missing(True, (2,), 10),
            "the title and 1 of 10 blocks have no translation yet (block 2)",
        ),
        (
            Missing(False, tuple(range(12)), 12),
            "12 of 12 blocks have no translation yet (blocks 0, 1, 2, 3, 4, 5, 6, 7 and 4 more)",
        ),
    ],
)
def test_what_is_missing_is_said_in_one_line(missing: Missing, line: str) -> None:
    assert bool(missing)
    assert missing.describe() == line


def test_an_approval_that_meets_another_editors_decision_changes_nothing(
    world: DeskWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = world.articles["repair-cafe"]
    desk = world.desk
    article = world.store.articles.get(article_id)
    [position] = desk.missing_translations(article).blocks
    view = {b.position: b for b in editing.editor_view(desk, article_id).blocks}
    written = "Los aparatos eléctricos son los más comunes."
    saved = editing.save_block(
        desk, article_id, position, written, expect=view[position].version, editor="editor"
    )
    assert saved.outcome == "saved"

    # Another editor rejects it between this approval's reading it and its writing.
    checked = desk.missing_translations

    def meanwhile(*args: Any, **kwargs: Any) -> Missing:
        Review(world.store).reject([article_id])
        return checked(*args, **kwargs)

    monkeypatch.setattr(desk, "missing_translations", meanwhile)
    with pytest.raises(DeskError) as refused:
        desk.approve(article_id)
    assert str(refused.value) == (
        f"article {article_id} changed while it was being approved: it was failed, it is"
        " rejected now — look at it again"
    )
    assert world.store.articles.get(article_id, with_blocks=False).status == (
        ArticleStatus.REJECTED
    )


def test_in_a_browser_the_editor_finds_finishes_and_approves_a_failed_article(
    world: DeskWorld, served: str, browser: Browser
) -> None:
    article_id = world.articles["old-bicycles"]
    article = world.store.articles.get(article_id)
    missing_now = world.desk.missing_translations(article)
    [position] = missing_now.blocks
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{served}/?status=failed")
        page.fill("input[name=name]", EDITOR)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("table.articles")).to_contain_text("the model gave up")
        page.click(f"a[href='/articles/{article_id}']")

        failure = page.locator("section.failure")
        expect(failure).to_be_visible()
        expect(failure.locator("h2")).to_have_text("Translation failed")
        expect(failure.locator(".failure-reason")).to_have_text(article.error or "")
        expect(failure.locator(".missing")).to_have_text(
            f"1 of {missing_now.of} blocks has no translation yet (block {position}). Write them"
            " below, or translate them with another engine; then approve it."
        )
        # The translated blocks show what the engine made of them; the missing one waits.
        expect(page.locator("tr.block.is-missing")).to_have_count(1)
        missing = page.locator(f"#block-{position}")
        expect(missing.locator(".untranslated")).to_have_text("no translation yet")
        expect(missing.locator("textarea")).to_have_value("")
        expect(page.locator("#block-0 textarea")).not_to_have_value("")

        # The keyboard reaches the empty box as any other: j to the block, e to edit.
        for _ in range(position + 1):
            page.keyboard.press("j")
        page.keyboard.press("e")
        assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
        written = (
            "Cada bicicleta que llega recibe una revisión cuidadosa. Los voluntarios miran el"
            " cuadro, las ruedas, los frenos y la cadena."
        )
        page.keyboard.type(written)
        missing.locator("form.edit-form button").click()
        expect(page.locator(f"#block-{position} .block-note")).to_contain_text(
            f"block {position} saved as your translation"
        )
        expect(page.locator("tr.block.is-missing")).to_have_count(0)
        expect(failure.locator(".missing")).to_have_text(
            "Every block has a translation now: approve it to publish it."
        )

        page.click("#approve-form button")
        expect(page.locator(".flash").first).to_contain_text(f"approved {article_id}")
        assert world.store.articles.get(article_id, with_blocks=False).status == (
            ArticleStatus.APPROVED
        )
        assert not errors, errors
    finally:
        context.close()
