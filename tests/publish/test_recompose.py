"""`foreigndesk publish` brings published posts up to date with what changed since: an
editor's correction after publishing, a new title template. `--dry-run` says what would
change and changes nothing (issue #19)."""

from __future__ import annotations

from pathlib import Path

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from foreigndesk.store.edits import MACHINE_VERSION
from foreigndesk.web.editing import save_block
from tests.conftest import invoke, write_config


def published_desk(tmp_path: Path, sample_url: str) -> Path:
    config = write_config(tmp_path, desk={"auto_approve": True})
    assert invoke("source", "add", f"{sample_url}feed.xml", "-c", config).exit_code == 0
    assert invoke("run", "-c", config).exit_code == 0
    return config


def correct_first_paragraph(config: Path, text: str) -> tuple[int, str]:
    """An editor's correction of a published article's first paragraph: its id and slug."""
    settings = load_settings(config)
    store = Store.open(settings.database_url)
    try:
        desk = Desk(settings, store)
        post = store.posts.all()[0]
        article = store.articles.get(post.article_id)
        assert article.status == ArticleStatus.PUBLISHED
        position = next(
            i
            for i, b in enumerate(article.blocks)
            if b.kind.value == "paragraph" and "<" not in (b.html or "")
        )
        edit = save_block(desk, article.id, position, text, expect=MACHINE_VERSION, editor="editor")
        assert edit.outcome == "saved"
        return article.id, post.slug
    finally:
        store.close()


def page_of(config: Path, slug: str) -> str:
    pages = list((config.parent / "public").rglob(f"{slug}/index.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text(encoding="utf-8")


def test_a_correction_after_publishing_reaches_the_site_on_the_next_publish(
    tmp_path: Path, sample_url: str
) -> None:
    config = published_desk(tmp_path, sample_url)
    _, slug = correct_first_paragraph(config, "Un párrafo corregido por la editora.")
    assert "corregido por la editora" not in page_of(config, slug)

    result = invoke("publish", "-c", config)

    assert result.exit_code == 0, result.output
    assert "posts recomposed 1" in result.output
    assert "corregido por la editora" in page_of(config, slug)
    again = invoke("publish", "-c", config)
    assert "recomposed" not in again.output  # nothing changed since


def test_dry_run_lists_what_would_change_and_changes_nothing(
    tmp_path: Path, sample_url: str
) -> None:
    config = published_desk(tmp_path, sample_url)
    article_id, slug = correct_first_paragraph(config, "Un párrafo corregido por la editora.")
    before = page_of(config, slug)

    result = invoke("publish", "--dry-run", "-c", config)

    assert result.exit_code == 0, result.output
    # The text, and the attribution, which now says an editor revised the translation.
    assert (
        f"article {article_id} ({slug}): text, attribution changed — would be updated on site"
        in (" ".join(result.output.split()))
    )
    assert "1 post would change on site; nothing was changed (--dry-run)" in result.output
    assert page_of(config, slug) == before
    assert "posts recomposed 1" in invoke("publish", "-c", config).output


def test_a_new_title_template_recomposes_every_post(tmp_path: Path, sample_url: str) -> None:
    config = published_desk(tmp_path, sample_url)
    posts = len(list((tmp_path / "public").rglob("*/index.html")))
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('title_template = "', 'title_template = "Traducido: ', 1), encoding="utf-8"
    )

    result = invoke("publish", "--dry-run", "-c", config)

    assert "title changed — would be updated on site" in " ".join(result.output.split())
    assert posts > 0
