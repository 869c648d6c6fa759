"""The desk: the stages wired over one store, as the command line and the review desk
use them.

The work itself lives in ``stages/`` (one module per stage, each a function over one
claimed item) and is run by an executor: ``executors/inline.py`` here, in this process;
``executors/celery.py`` on workers across machines. ``Desk`` is the stage context with
the inline executor's stages and the operations an editor asks for by name (approve,
compose, check) as methods: the one object the front ends hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.executors.inline import InlineExecutor
from foreigndesk.extract import extract_article
from foreigndesk.fetch import Fetcher, FetchPolicy, FetchResult
from foreigndesk.models import (
    Article,
    ArticleStatus,
    ExtractedArticle,
    Finding,
    Post,
    Source,
    Translation,
)
from foreigndesk.stages import publish as publish_stage
from foreigndesk.stages import qa as qa_stage
from foreigndesk.stages import triage as triage_stage
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.qa import Missing
from foreigndesk.stages.report import Reporter, RunReport, SilentReporter
from foreigndesk.stages.translate import (
    assemble_translation,
    current_translation,
    glossary_for,
    segments_of,
)
from foreigndesk.store.guards import Repository
from foreigndesk.store.tables import ArticleRow, utcnow
from foreigndesk.translate import Glossary
from foreigndesk.triage import Estimate

#: Where an editor's approval takes an article from: anything translated and not yet
#: published (approving again keeps it approved, with a new lead).
APPROVABLE = frozenset({ArticleStatus.IN_REVIEW, ArticleStatus.TRANSLATED, ArticleStatus.APPROVED})


def extract_page(
    settings: Settings,
    location: str,
    *,
    url: str | None = None,
    lang: str | None = None,
) -> ExtractedArticle:
    """What the desk extracts from one page, stored nowhere: for checking a new source.

    ``location`` is an http(s) URL, fetched as the desk fetches (robots.txt, SSRF guard,
    size limit), or a saved HTML file; ``url`` is the address a saved file came from, for
    its links and canonical URL.
    """
    if location.startswith(("http://", "https://")):

        async def fetch() -> FetchResult:
            async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
                return await fetcher.get(location)

        result = asyncio.run(fetch())
        if not result.is_html:
            raise DeskError(
                f"{location}: not an HTML page ({result.content_type or 'no type'})"
                " — give the address of the article's page"
            )
        return extract_article(
            result.content,
            url or result.final_url,
            encoding=result.encoding,
            fetched_at=utcnow(),
            lang=lang,
        )
    path = Path(location)
    if not path.is_file():
        raise DeskError(
            f"{location}: no such file, and not an http(s) URL — give a page's address"
            " or a saved HTML file"
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DeskError(f"{location}: cannot be read ({exc.strerror}) — check the file") from exc
    return extract_article(content, url or path.resolve().as_uri(), lang=lang)


class Desk(StageContext):
    """The pipeline over one store with one configuration, run in this process."""

    @cached_property
    def executor(self) -> InlineExecutor:
        return InlineExecutor(self)

    # -- the stages, as `run` runs them ----------------------------------------------------

    def discover(self, report: RunReport, sources: Iterable[Source] | None = None) -> None:
        self.executor.discover(report, sources)

    def fetch_pages(self, report: RunReport) -> None:
        self.executor.fetch_pages(report)

    def extract(self, report: RunReport, article_ids: Sequence[int] | None = None) -> None:
        self.executor.extract(report, article_ids)

    def translate(self, report: RunReport) -> None:
        self.executor.translate(report)

    def review(self, report: RunReport) -> None:
        self.executor.review(report)

    def publish(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        self.executor.publish(report, targets)

    def build(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        self.executor.build(report, targets)

    def run(self, sources: Iterable[Source] | None = None) -> RunReport:
        """Every stage once, in order; only the named sources are checked, if any are."""
        return self.executor.run(sources)

    def reextract(self, report: RunReport, article_ids: Sequence[int] | None = None) -> None:
        """Extract the named articles (every article with a stored page if none is named)
        again from the pages stored when they were fetched, without fetching them again.

        A re-extracted article starts over from ``extracted`` (or ``duplicate``): its
        blocks may have changed, so its translation is made again, from the translation
        memory wherever a block's text is unchanged.
        """
        stored = self.store.pages.article_ids()
        if article_ids is None:
            ids = stored
        else:
            with_page = set(stored)
            for article_id in article_ids:
                self.store.articles.get(article_id, with_blocks=False)  # an unknown id says so
                if article_id not in with_page:
                    raise DeskError(
                        f"article {article_id} has no stored page yet — `foreigndesk run`"
                        " fetches and extracts it"
                    )
            ids = list(dict.fromkeys(article_ids))
        self.extract(report, ids)

    # -- what an editor asks for by name ---------------------------------------------------

    def approve(self, article_id: int, lead: Sequence[int] | None = None) -> Article:
        """Approve the article for publishing, from the status it was read in: one that
        was translated, or one whose translation failed once every block has a
        translation (an editor's or an engine's). Publishing then holds it while QA
        errors are open, as it holds every article, unless they are overridden."""
        article = self.store.articles.get(article_id, with_blocks=False)
        if article.status == ArticleStatus.FAILED and self.failed_in_translation(article_id):
            return self._approve_unfinished(article_id, lead)
        if article.status not in APPROVABLE:
            raise DeskError(
                f"article {article_id} is {article.status.value}, not ready for approval"
                " — run the desk until it is in_review"
            )
        if lead is not None:
            self.store.articles.set_lead(article_id, lead)
        if not self.store.articles.set_status(
            article_id, ArticleStatus.APPROVED, expect=[article.status]
        ):
            self._changed(article_id, article.status)
        return self.store.articles.get(article_id, with_blocks=False)

    def _approve_unfinished(self, article_id: int, lead: Sequence[int] | None) -> Article:
        """Approve an article whose translation failed: refused, in one line, while a
        block has no translation; else it moves on with the engines that translated it
        and the target language recorded, as a translated article has them."""
        article = self.store.articles.get(article_id)
        translation = self.translation(article)
        missing = self.missing_translations(article, translation)
        if missing:
            raise DeskError(
                f"article {article_id} cannot be approved yet: {missing.describe()} — write"
                " them, or translate them with another engine, in the review desk"
                " (`foreigndesk desk`)"
            )
        engines = ",".join(e.strip() for e in translation.engine.split(",") if e.strip())
        if not _Unfinished(self.store).approve(
            article_id, engines=engines, target_lang=translation.target_lang
        ):
            self._changed(article_id, ArticleStatus.FAILED)
        if lead is not None:
            self.store.articles.set_lead(article_id, lead)
        # Its findings, on the text approved: the translate stage never checked it, and
        # publishing holds it on these as on any article's.
        qa_stage.check_quality(self, article_id)
        return self.store.articles.get(article_id, with_blocks=False)

    def _changed(self, article_id: int, read: ArticleStatus) -> None:
        """Raise the line for a transition refused because the article moved on since
        it was read (another editor, or a worker's retry, came first)."""
        now = self.store.articles.get(article_id, with_blocks=False).status
        raise DeskError(
            f"article {article_id} changed while it was being approved: it was {read.value},"
            f" it is {now.value} now — look at it again"
        )

    def failed_in_translation(self, article_id: int) -> bool:
        """Whether the article is failed at the translate stage: an editor may finish it
        (its blocks were extracted; some may have been translated)."""
        return _Unfinished(self.store).failed_stage(article_id) == ArticleStatus.EXTRACTED

    def missing_translations(
        self, article: Article, translation: Translation | None = None
    ) -> Missing:
        """The title and blocks of ``article`` (read with its blocks) with no translation."""
        translation = translation or self.translation(article)
        return qa_stage.missing_translations(self, article, translation)

    def pick(self, article_ids: Sequence[int], by: str = "the command line") -> list[int]:
        """Triage: translate these articles in full on the next run (within budget)."""
        return triage_stage.pick_articles(self, article_ids, f"picked by {by}")

    def dismiss(self, article_ids: Sequence[int], by: str = "the command line") -> list[int]:
        """Triage: these articles are not worth translating."""
        return triage_stage.dismiss_articles(self, article_ids, f"dismissed by {by}")

    def estimates(self, article: Article) -> list[Estimate]:
        """What the article's full translation would cost with each engine of its chain."""
        return triage_stage.estimates(self, article)

    def glossary(self, article: Article) -> Glossary:
        return glossary_for(self, article)

    def translation(self, article: Article) -> Translation:
        """The article in the target language as the memory holds it now: for one whose
        translation failed, the segments that were translated (the rest has none).
        DeskError for an article never translated (one that failed before, say)."""
        if article.status == ArticleStatus.FAILED and not self.failed_in_translation(article.id):
            return current_translation(self, article)
        return qa_stage.translation_so_far(self, article)

    def check_quality(self, article_id: int) -> list[Finding]:
        """Run the QA checks on the article's translation as it is now; store the findings."""
        return qa_stage.check_quality(self, article_id)

    def qa_hold(self, article_id: int) -> str | None:
        """Why the article may not be published (open QA errors, not overridden), or None."""
        return qa_stage.qa_hold(self, article_id)

    def compose(self, article: Article) -> Post:
        """The post for ``article`` as it would be published now."""
        return publish_stage.compose(self, article)

    def publish_article(self, article_id: int, report: RunReport) -> bool:
        """Compose and store one approved article's post, unless QA holds it; True when
        it was published. ``build`` then brings the targets up to date."""
        return publish_stage.publish_article(self, article_id, report)


class _Unfinished(Repository):
    """The store's side of an article whose translation failed, as an editor finishes
    it: the stage it failed at, which the store's ``Article`` does not carry, and its
    approval, which records the engines and target language that a translation leaves
    on the article (as the translate stage does when it completes one). Both belong
    with the articles' own queries (store/articles.py); they are here until they move
    there."""

    def failed_stage(self, article_id: int) -> ArticleStatus | None:
        with self.transaction() as session:
            stage = session.scalar(
                select(ArticleRow.failed_stage).where(
                    ArticleRow.id == article_id,
                    ArticleRow.status == ArticleStatus.FAILED.value,
                )
            )
        return ArticleStatus(stage) if stage else None

    def approve(self, article_id: int, *, engines: str, target_lang: str) -> bool:
        """Failed in translation → approved, only if that is what it still is; False when
        another editor or a worker's retry moved it on first."""
        with self.transaction() as session:
            result = session.execute(
                update(ArticleRow)
                .where(
                    ArticleRow.id == article_id,
                    ArticleRow.status == ArticleStatus.FAILED.value,
                    ArticleRow.failed_stage == ArticleStatus.EXTRACTED.value,
                )
                .values(
                    status=ArticleStatus.APPROVED.value,
                    engine=engines[:64],
                    target_lang=target_lang,
                    error=None,
                    failed_stage=None,
                    attempts=0,
                    retry_at=None,
                )
            )
            return bool(cast(CursorResult[Any], result).rowcount)


__all__ = [
    "Desk",
    "Reporter",
    "RunReport",
    "SilentReporter",
    "assemble_translation",
    "extract_page",
    "segments_of",
]
