"""QA in the pipeline: findings are stored when an article is translated, and publishing
refuses an article with open errors until the editor overrides them."""

from __future__ import annotations

from foreigndesk.models import ArticleStatus, BlockKind, Severity
from foreigndesk.pipeline import Desk, RunReport, SilentReporter
from foreigndesk.translate.memory import human_entry


def test_publishing_waits_for_open_errors_until_overridden(desk: Desk, sample_url: str) -> None:
    desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
    desk.run()
    articles = desk.store.articles.all(ArticleStatus.IN_REVIEW)
    assert len(articles) == 10
    # Every translated article was checked: apertium's unknown words are on record.
    assert all(desk.store.articles.findings(a.id) for a in articles)

    # An editor's correction adds a language model's preamble to one paragraph.
    article = desk.store.articles.get(articles[0].id)
    index, block = next(
        (i, b) for i, b in enumerate(article.blocks) if b.kind == BlockKind.PARAGRAPH
    )
    translated = desk.translation(article).blocks[index].html or ""
    desk.store.memory.save(
        [human_entry(block.html, "Aquí está la traducción: " + translated, "en", "es")]
    )
    for each in articles:
        desk.approve(each.id)

    reporter = SilentReporter()
    desk.reporter = reporter
    report = RunReport()
    desk.publish(report)

    assert report.held_by_qa == 1
    assert report.published == 9
    (line,) = reporter.errors
    assert line.startswith(f"article {article.id}: not published, 1 open QA error (llm_artefacts")
    assert f"`foreigndesk qa override {article.id}`" in line
    assert desk.store.articles.get(article.id).status == ArticleStatus.APPROVED
    (stored,) = [
        f for f in desk.store.articles.findings(article.id) if f.severity == Severity.ERROR
    ]
    assert stored.position == index

    desk.store.articles.override_qa(article.id)
    again = RunReport()
    desk.publish(again)
    assert again.published == 1
    assert desk.store.articles.get(article.id).status == ArticleStatus.PUBLISHED
