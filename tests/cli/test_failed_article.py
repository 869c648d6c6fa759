"""A failed article from the command line: `qa ID` checks what it has and says what is
missing, `approve ID` refuses it in one line until every block has a translation, and
then approves it; publishing holds it on open QA errors as any article, until
`approve ID --override-qa`.

The articles failed in translation for real (tests/desk/failing.py: an engine that
refuses some of their blocks); the missing blocks are written as the review desk writes
them (web/editing.py), each an editor's entry of the translation memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreigndesk.models import ArticleStatus
from foreigndesk.web import editing
from foreigndesk.web.editable import to_editable
from tests.conftest import invoke
from tests.desk.conftest import DeskWorld
from tests.desk.failing import failed_world


@pytest.fixture(scope="module")
def failed(
    tmp_path_factory: pytest.TempPathFactory, sample_url: str
) -> Iterator[tuple[DeskWorld, Path]]:
    """A desk whose articles all failed in translation, and its desk.toml."""
    refused = {
        "bread-oven": ("The oven took four months to build.", "The oven group has simple rules."),
        "night-trains": ("The first hour was the most interesting.",),
    }
    with failed_world(tmp_path_factory.mktemp("failed-cli"), sample_url, refused) as made:
        yield made


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def fill_with_the_original(world: DeskWorld, article_id: int) -> list[int]:
    """Write every missing block as an editor in the review desk would, with the
    original's own text: a translation QA refuses ("the block is not translated")."""
    article = world.store.articles.get(article_id)
    missing = world.desk.missing_translations(article)
    view = {b.position: b for b in editing.editor_view(world.desk, article_id).blocks}
    for position in missing.blocks:
        saved = editing.save_block(
            world.desk,
            article_id,
            position,
            to_editable(article.blocks[position].html),
            expect=view[position].version,
            editor="editor",
        )
        assert saved.outcome == "saved"
    return list(missing.blocks)


def test_qa_checks_a_failed_article_and_says_what_is_missing(
    failed: tuple[DeskWorld, Path],
) -> None:
    world, config = failed
    article_id = world.articles["bread-oven"]
    error = world.store.articles.get(article_id, with_blocks=False).error
    result = invoke("qa", article_id, "--config", config)
    assert result.exit_code == 0, result.output
    shown = lines(result.output)
    assert shown[1] == f"translation failed: {error}"
    assert shown[2] == (
        "2 of 10 blocks have no translation yet (blocks 3 and 8) — write them in the review"
        f" desk (`foreigndesk desk`), then `foreigndesk approve {article_id}`"
    )
    assert shown[3].startswith("QA: ")

    document = json.loads(invoke("qa", article_id, "--json", "--config", config).output)
    assert document["status"] == "failed"
    assert document["error"] == error
    assert document["missing"] == {"title": False, "blocks": [3, 8]}


def test_approve_refuses_in_one_line_until_every_block_has_a_translation(
    failed: tuple[DeskWorld, Path],
) -> None:
    world, config = failed
    article_id = world.articles["bread-oven"]
    result = invoke("approve", article_id, "--config", config)
    assert result.exit_code == 1
    assert lines(result.output) == [
        f"error: article {article_id} cannot be approved yet: 2 of 10 blocks have no"
        " translation yet (blocks 3 and 8) — write them, or translate them with another"
        " engine, in the review desk (`foreigndesk desk`)"
    ]
    assert world.store.articles.get(article_id, with_blocks=False).status == ArticleStatus.FAILED


def test_a_finished_article_is_held_by_its_qa_errors_until_approve_override_qa(
    failed: tuple[DeskWorld, Path],
) -> None:
    world, config = failed
    article_id = world.articles["night-trains"]
    title = world.store.articles.get(article_id, with_blocks=False).title
    # The editor "finishes" it with the original's text: QA's error.
    [position] = fill_with_the_original(world, article_id)

    report = invoke("qa", article_id, "--config", config)
    assert report.exit_code == 0, report.output
    assert "every block has a translation now" in report.output
    assert "untranslated" in report.output
    assert f"publishing waits; fix them or `foreigndesk qa override {article_id}`" in report.output

    approved = invoke("approve", article_id, "--config", config)
    assert approved.exit_code == 0, approved.output
    assert lines(approved.output) == [f"approved {article_id} {title}"]
    held = invoke("publish", "--config", config)
    assert (
        f"article {article_id}: not published, 1 open QA error (untranslated in block"
        f" {position}: the block is not translated)"
    ) in held.output
    assert world.store.articles.get(article_id, with_blocks=False).status == (
        ArticleStatus.APPROVED
    )

    overridden = invoke("approve", article_id, "--override-qa", "--config", config)
    assert overridden.exit_code == 0, overridden.output
    assert lines(overridden.output) == [f"approved {article_id} {title} (QA errors overridden)"]
    published = invoke("publish", "--config", config)
    assert published.exit_code == 0, published.output
    assert world.store.articles.get(article_id, with_blocks=False).status == (
        ArticleStatus.PUBLISHED
    )
    [post] = [p for p in world.store.posts.all() if p.article_id == article_id]
    assert post.attribution.human_edited
