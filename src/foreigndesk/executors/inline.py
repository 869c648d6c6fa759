"""The inline executor: every stage in this process, on this machine's cores.

Each stage claims what is waiting for it, works on the claimed items, and lets go of
whatever it did not finish (a stop, a bug): another `run` on the same store at the same
time finds those items claimed and leaves them alone, so nothing is fetched, translated
or billed twice. I/O stages run many items at once (fetching, bounded per host;
translation, ``workers.translate_in_flight`` articles); reading pages, the CPU stage,
runs on a process pool of ``workers.processes``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from foreigndesk.errors import DeskError
from foreigndesk.executors.pages_pool import START_EARLY, PagesPool, PoolFailed
from foreigndesk.extract.language import preload_language_model
from foreigndesk.fetch.hosts import interleave_hosts
from foreigndesk.models import ArticleStatus, Source
from foreigndesk.slots import LocalSlots, Slots
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.discover import check_source
from foreigndesk.stages.extract import (
    Extraction,
    PageJob,
    extract_page_job,
    page_jobs,
    prepare_near_duplicates,
    store_extraction,
)
from foreigndesk.stages.fetch import PageBatch, fetch_article
from foreigndesk.stages.publish import (
    build,
    publish_article,
    refresh_published,
    review_article,
)
from foreigndesk.stages.qa import check_quality
from foreigndesk.stages.report import RunReport
from foreigndesk.stages.translate import translate_article
from foreigndesk.stages.triage import brief_article, triage_applies, triage_rules
from foreigndesk.store import Store
from foreigndesk.store.claims import ClaimLost
from foreigndesk.triage import Decision

logger = logging.getLogger(__name__)


class Heartbeat:
    """Renews the worker's leases every third of their length while work is in hand, so
    a live worker keeps its claims and a dead one's run out."""

    def __init__(self, store: Store, worker: str, lease_seconds: float) -> None:
        self._store = store
        self._worker = worker
        self._lease_seconds = lease_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="claims-heartbeat", daemon=True)

    def _beat(self) -> None:
        while not self._stop.wait(self._lease_seconds / 3):
            try:
                self._store.claims.renew(self._worker, timedelta(seconds=self._lease_seconds))
            except Exception:  # a busy store now and then: the next beat tries again
                logger.warning("could not renew the claims of %s", self._worker, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


class InlineExecutor:
    """Runs the stages of ``ctx`` in this process, one stage after the other."""

    def __init__(self, ctx: StageContext) -> None:
        self.ctx = ctx
        self.processes = ctx.settings.workers.processes or os.cpu_count() or 1
        self.pages_pool = PagesPool(self.processes)
        self._preloading = False

    def _preload(self) -> None:
        """Load the language model in a thread while the network stages wait, so the
        first article to extract does not wait for it (once per executor)."""
        if not self._preloading:
            self._preloading = True
            threading.Thread(target=preload_language_model, daemon=True).start()

    @contextmanager
    def _claimed(
        self, articles: Sequence[int] = (), *, sources: Sequence[int] = ()
    ) -> Iterator[None]:
        """While the block runs, the worker's leases are renewed; after it, whatever of
        these articles and sources is still claimed (not finished) is let go."""
        ctx = self.ctx
        try:
            with Heartbeat(ctx.store, ctx.worker, ctx.lease.total_seconds()):
                yield
        finally:
            ctx.store.claims.release(ctx.worker, articles=articles, sources=sources)

    def _claim(self, status: ArticleStatus) -> list[int]:
        ctx = self.ctx
        ctx.store.claims.release_dead()
        return ctx.store.claims.articles(status, ctx.worker, ctx.lease)

    def _each(
        self,
        stage: str,
        ids: Sequence[int],
        work: Callable[[int], None],
        on_error_status: ArticleStatus,
        report: RunReport,
    ) -> None:
        ctx = self.ctx
        ctx.reporter.stage(stage, len(ids))
        for article_id in ids:
            if ctx.stopping.is_set():
                return
            try:
                work(article_id)
            except DeskError as exc:
                ctx.fail(article_id, on_error_status, exc, report, claim=ctx.worker)
            ctx.reporter.advance()

    async def _until_done_or_stopped(self, work: Sequence[Coroutine[Any, Any, None]]) -> None:
        """Run ``work`` concurrently; on a stop request, cancel what has not finished.

        Cancelling is safe: the store is written only after a page or feed has arrived
        whole, with no ``await`` in between, so a cut-off fetch leaves nothing behind and
        is simply made again by the next run.
        """
        tasks = [asyncio.ensure_future(coroutine) for coroutine in work]
        # Waited on as one future: asyncio.wait on every task would visit all of them
        # (twenty thousand pages, say) ten times a second.
        everything = asyncio.gather(*tasks, return_exceptions=True)
        while not everything.done():
            await asyncio.wait([everything], timeout=0.1)
            if not everything.done() and self.ctx.stopping.is_set():
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                break
        for task in tasks:
            if not task.cancelled() and (error := task.exception()) is not None:
                raise error

    # -- stages ----------------------------------------------------------------------------

    def discover(self, report: RunReport, sources: Iterable[Source] | None = None) -> None:
        """Check each source (all of them unless named) for new candidate articles; a
        source another worker is checking now is left to it."""
        ctx = self.ctx
        chosen = [
            s for s in (sources if sources is not None else ctx.store.sources.all()) if not s.paused
        ]
        if not chosen:
            return
        ctx.store.claims.release_dead()
        held = set(ctx.store.claims.sources([s.id for s in chosen if s.id], ctx.worker, ctx.lease))
        mine = [s for s in chosen if s.id in held]
        ctx.reporter.stage("sources", len(chosen))
        for _ in range(len(chosen) - len(mine)):
            ctx.reporter.advance()

        async def one(fetcher: Any, source: Source) -> None:
            await check_source(ctx, fetcher, source, report, claim=ctx.worker)
            ctx.reporter.advance()

        async def all_sources() -> None:
            async with ctx.limits() as shared, ctx.fetcher(shared) as fetcher:
                await self._until_done_or_stopped([one(fetcher, s) for s in mine])

        with self._claimed(sources=sorted(held)):
            asyncio.run(all_sources())

    def fetch_pages(self, report: RunReport) -> None:
        """Fetch every discovered article's page, many hosts at once, each politely."""
        ctx = self.ctx
        ids = self._claim(ArticleStatus.DISCOVERED)
        if not ids:
            return
        if self._on_pool(len(ids)):
            self.pages_pool.start()  # while this stage waits on the network
        else:
            self._preload()  # the pages will be read here
        with self._claimed(ids):
            ctx.reporter.stage("fetch", len(ids))
            targets = ctx.store.pages.fetch_targets(ids)
            ordered = interleave_hosts(ids, lambda i: urlsplit(targets[i][0]).hostname)
            pages = PageBatch(ctx.store, claim=ctx.worker)

            async def all_pages() -> None:
                async with ctx.limits() as shared, ctx.fetcher(shared) as fetcher:
                    # Tasks wait in the host gate; this bound keeps the waiting list small.
                    bound = asyncio.Semaphore(ctx.settings.fetch.concurrency * 4)

                    async def one(article_id: int) -> None:
                        async with bound:
                            await fetch_article(
                                ctx,
                                fetcher,
                                article_id,
                                targets[article_id],
                                pages,
                                report,
                                claim=ctx.worker,
                            )
                        ctx.reporter.advance()

                    try:
                        await self._until_done_or_stopped([one(i) for i in ordered])
                    finally:
                        pages.flush()

            asyncio.run(all_pages())

    def extract(self, report: RunReport, article_ids: Sequence[int] | None = None) -> None:
        """Extract every fetched article, or the named ones again from their stored pages.

        Each article is checked against the articles before it for being the same story
        (same canonical URL, same text, or a near-duplicate by MinHash LSH, whose bands
        the store keeps with each article: stages/extract.py).
        """
        ctx = self.ctx
        claim = ctx.worker if article_ids is None else None
        ids = self._claim(ArticleStatus.FETCHED) if article_ids is None else list(article_ids)
        if not ids:
            return
        with self._claimed(ids if claim else []):
            prepare_near_duplicates(ctx)
            ctx.reporter.stage("extract", len(ids))
            for job, extracted in self._read_pages(ids, report, claim):
                if ctx.stopping.is_set():
                    return
                store_extraction(ctx, job, extracted, report, claim=claim)
                ctx.reporter.advance()

    def _on_pool(self, pages: int) -> bool:
        """Whether ``pages`` pages are read on the pool rather than here: when they are
        many (the pool's start costs less than it saves), or when the pool has been
        started already (by the fetch stage, or kept by `watch`) for any number."""
        return self.processes > 1 and (self.pages_pool.started or pages >= START_EARLY)

    def _read_pages(
        self, ids: Sequence[int], report: RunReport, claim: str | None
    ) -> Iterator[tuple[PageJob, Extraction | str]]:
        """Each stored page read, in id order: all of them on the pool, or all here
        (``_on_pool``).

        Never some here and the rest on a pool still starting: reading here means loading
        the extractor's lazy tables and the language model in this process as well,
        which costs about as much as the pages it would read before the pool is up,
        and on a machine whose cores the pool's start already keeps busy."""
        ctx = self.ctx

        def jobs() -> Iterator[PageJob]:
            for start in range(0, len(ids), 100):
                chunk = ids[start : start + 100]
                found = page_jobs(ctx, chunk)
                for article_id in chunk:
                    if article_id in found:
                        yield found[article_id]
                        continue
                    missing = DeskError(
                        f"article {article_id} has no stored page — run the fetch again"
                    )
                    ctx.fail(article_id, ArticleStatus.FETCHED, missing, report, claim=claim)
                    ctx.reporter.advance()

        if self._on_pool(len(ids)):
            self.pages_pool.start()
            yield from self._read_on_pool(list(jobs()))
            return
        for job in jobs():
            yield job, extract_page_job(job)

    def _read_on_pool(self, jobs: list[PageJob]) -> Iterator[tuple[PageJob, Extraction | str]]:
        """``jobs`` read on the pool, in order; if the pool fails, what it had not read is
        read here, with one warning line (none when the desk is stopping: the signal
        reached the pool's processes too)."""
        ctx = self.ctx
        read = 0
        try:
            for extraction in self.pages_pool.read(jobs):
                yield jobs[read], extraction
                read += 1
        except PoolFailed as exc:
            if ctx.stopping.is_set():
                return
            ctx.reporter.warning(
                f"the pool that reads pages stopped ({exc}); the {len(jobs) - read} pages it"
                " had not read are read in this process, and the next batch starts a new"
                " pool — if this repeats, check the machine's memory or set"
                " workers.processes = 1"
            )
            for left in jobs[read:]:
                yield left, extract_page_job(left)

    def close(self) -> None:
        """Stop the pool's processes, if any were started."""
        self.pages_pool.close()

    def translate(self, report: RunReport) -> None:
        """Translate every extracted article, ``workers.translate_in_flight`` at once, and
        check each translation once; in triage, only the brief of an article nobody has
        picked (stages/triage.py)."""
        ctx = self.ctx
        ids = self._claim(ArticleStatus.EXTRACTED)
        if not ids:
            return
        with self._claimed(ids):
            ctx.reporter.stage("translate", len(ids))

            async def all_articles() -> None:
                bound = asyncio.Semaphore(ctx.settings.workers.translate_in_flight)
                async with ctx.limits() as shared:
                    # One set of engine limits for every article in flight.
                    slots = shared or LocalSlots()
                    await gather_articles(bound, slots)

            rules = triage_rules(ctx)

            async def gather_articles(bound: asyncio.Semaphore, slots: Slots) -> None:
                async def one(article_id: int) -> None:
                    async with bound:
                        if ctx.stopping.is_set():
                            return
                        try:
                            article = ctx.store.articles.get(article_id, with_blocks=False)
                            if triage_applies(ctx, article):
                                decided = await brief_article(
                                    ctx, article_id, report, rules, claim=ctx.worker, slots=slots
                                )
                                if decided != Decision.PICK:
                                    ctx.reporter.advance()
                                    return
                            await translate_article(
                                ctx, article_id, report, claim=ctx.worker, slots=slots
                            )
                            # In a thread: the loop keeps the other articles' engine
                            # calls going while this one is checked.
                            await asyncio.to_thread(check_quality, ctx, article_id)
                        except ClaimLost:
                            logger.info("article %s: taken over by another worker", article_id)
                        except DeskError as exc:
                            ctx.fail(
                                article_id,
                                ArticleStatus.EXTRACTED,
                                exc,
                                report,
                                claim=ctx.worker,
                            )
                    ctx.reporter.advance()

                try:
                    await asyncio.gather(*(one(i) for i in ids))
                finally:
                    # Remote engines keep their connections open from article to article
                    # within the stage; they close with it.
                    await ctx.close_engines()

            asyncio.run(all_articles())

    def review(self, report: RunReport) -> None:
        """Translated articles wait for an editor, or go straight on with auto_approve."""
        ctx = self.ctx
        ids = self._claim(ArticleStatus.TRANSLATED)
        with self._claimed(ids):
            for article_id in ids:
                review_article(ctx, article_id, report, claim=ctx.worker)

    def publish(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        """Compose a post for every approved article and again for every published one
        whose post would change (an edit, a template, tags), then bring every target up
        to date."""
        ctx = self.ctx
        ids = self._claim(ArticleStatus.APPROVED)
        with self._claimed(ids):

            def work(article_id: int) -> None:
                publish_article(ctx, article_id, report, claim=ctx.worker)

            self._each("publish", ids, work, ArticleStatus.APPROVED, report)
        refresh_published(ctx, report)
        self.build(report, targets)

    def build(self, report: RunReport, targets: Sequence[str] | None = None) -> None:
        """Bring each publish target up to date; another process's build in progress is
        waited for, then this one runs (it may include posts that one did not)."""
        # No heartbeat here: a site build renders on forked processes only when no other
        # thread runs beside it. The build's lock has a lease of its own, long enough.
        build(self.ctx, report, targets, wait=max(self.ctx.lease.total_seconds(), 60.0))

    def run(self, sources: Iterable[Source] | None = None) -> RunReport:
        """Every stage once, in order; only the named sources are checked, if any are."""
        report = RunReport()
        self.discover(report, sources)
        self.fetch_pages(report)
        self.extract(report)
        self.translate(report)
        self.review(report)
        self.publish(report)
        return report
