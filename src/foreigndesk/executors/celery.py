"""The Celery executor: the same stage functions as tasks, on workers across machines.

Tasks carry ids only; the store (PostgreSQL, shared by every worker) is the truth. Each
task claims its item before it works (``store/claims.py``), so a task delivered twice
(Celery's ``acks_late`` redelivers what a dead worker held) or sent twice (the scheduler's
sweep) does its work once. A task that finds its item claimed or done returns quietly.

Queues follow the kind of work, so CPU and I/O can be placed on different machines:
``sources`` and ``fetch`` (network), ``extract`` (CPU), ``translate`` (engines),
``publish`` (the targets). ``foreigndesk worker --queues …`` picks them.

The worker's process reads its configuration from ``FOREIGNDESK_CONFIG`` (the path of
desk.toml), which `foreigndesk worker` sets; ``celery -A foreigndesk.executors.celery
worker`` works the same with the variable set by hand.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from celery import Celery
from celery.signals import worker_process_shutdown

from foreigndesk.config import CONFIG_FILE, Settings, load_settings
from foreigndesk.errors import DeskError
from foreigndesk.models import ArticleStatus
from foreigndesk.slots import RedisSlots, Slots
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.discover import check_source
from foreigndesk.stages.extract import (
    extract_page_job,
    page_job,
    prepare_near_duplicates,
    store_extraction,
)
from foreigndesk.stages.fetch import PageBatch, fetch_article
from foreigndesk.stages.publish import build as build_targets
from foreigndesk.stages.publish import publish_article, review_article
from foreigndesk.stages.qa import check_quality
from foreigndesk.stages.report import LoggingReporter, RunReport
from foreigndesk.stages.translate import translate_article
from foreigndesk.stages.triage import brief_article, triage_applies, triage_rules
from foreigndesk.store import Store
from foreigndesk.store.claims import ClaimLost
from foreigndesk.triage import Decision

logger = logging.getLogger(__name__)

#: The queue each task goes to.
QUEUES = {
    "foreigndesk.discover": "sources",
    "foreigndesk.fetch": "fetch",
    "foreigndesk.extract": "extract",
    "foreigndesk.translate": "translate",
    "foreigndesk.review": "translate",
    "foreigndesk.publish": "publish",
    "foreigndesk.build": "publish",
}
T = TypeVar("T")

#: Seconds a build waits after a publish, so a burst of publishes makes one build.
BUILD_DEBOUNCE = 2.0


def settings_from_environment() -> Settings:
    return load_settings(Path(os.environ.get("FOREIGNDESK_CONFIG") or CONFIG_FILE))


def configure(app: Celery, settings: Settings) -> None:
    """Broker and delivery: one task at a time per process, acknowledged only when done,
    and given back to the queue when the process running it dies."""
    app.conf.update(
        broker_url=settings.broker_url,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_routes={name: {"queue": queue} for name, queue in QUEUES.items()},
        task_default_queue="sources",
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # A message whose worker vanished (machine lost) is delivered again after this;
        # the item's own lease decides whether the redelivered task may work on it.
        broker_transport_options={"visibility_timeout": 2 * settings.workers.lease_seconds},
    )


app = Celery("foreigndesk")
configure(app, settings_from_environment())


# -- one stage context per worker process --------------------------------------------------


class _Process:
    """What a worker process keeps from task to task: its stage context, one event loop,
    and on that loop the engines (their connections stay open) and the shared limits."""

    #: Seconds between two looks for claims of dead workers on this machine.
    DEAD_CHECK_EVERY = 5.0

    def __init__(self) -> None:
        settings = settings_from_environment()
        self.ctx = StageContext(
            settings, Store.open(settings.database_url), reporter=LoggingReporter(logger)
        )
        # Politeness and engine limits hold across every worker: they live in Redis.
        self.ctx.limits_url = settings.workers.limits_url or settings.broker_url
        self.runner = asyncio.Runner()
        self._slots: RedisSlots | None = None
        self._dead_checked = 0.0

    def run(self, work: Callable[[Slots], Coroutine[Any, Any, T]]) -> T:
        async def with_slots() -> T:
            if self._slots is None:
                assert self.ctx.limits_url is not None
                self._slots = RedisSlots(self.ctx.limits_url)
            return await work(self._slots)

        return self.runner.run(with_slots())

    @contextmanager
    def holding(self, article_id: int, status: ArticleStatus) -> Iterator[bool]:
        """Whether this process claimed the article waiting for the stage that takes
        ``status``; whatever of it the process still holds after the block is let go."""
        ctx = self.ctx
        if time.monotonic() - self._dead_checked > self.DEAD_CHECK_EVERY:
            ctx.store.claims.release_dead()
            self._dead_checked = time.monotonic()
        claimed = bool(ctx.store.claims.articles(status, ctx.worker, ctx.lease, ids=[article_id]))
        try:
            yield claimed
        finally:
            if claimed:
                ctx.store.claims.release(ctx.worker, articles=[article_id])

    def close(self) -> None:
        async def close_async() -> None:
            await self.ctx.close_engines()
            if self._slots is not None:
                await self._slots.aclose()

        self.runner.run(close_async())
        self.runner.close()
        self.ctx.store.close()


_processes: dict[int, _Process] = {}


def process() -> _Process:
    """This process's state, made on first use (a forked pool process makes its own:
    database connections and event loops do not survive a fork)."""
    pid = os.getpid()
    if pid not in _processes:
        _processes[pid] = _Process()
    return _processes[pid]


def context() -> StageContext:
    return process().ctx


@worker_process_shutdown.connect
def _close_process(**_: Any) -> None:
    state = _processes.pop(os.getpid(), None)
    if state is not None:
        state.close()


# -- the tasks ------------------------------------------------------------------------------


@app.task(name="foreigndesk.discover")
def discover(source_id: int) -> int:
    """Check one source; each article it lists and nobody has fetched goes to ``fetch``."""
    ctx = context()
    if not ctx.store.claims.sources([source_id], ctx.worker, ctx.lease):
        return 0
    source = ctx.store.sources.get(source_id)
    try:
        if source is None or source.paused:
            return 0
        report = RunReport()

        async def check(shared: Slots) -> None:
            async with ctx.fetcher(shared) as fetcher:
                await check_source(ctx, fetcher, source, report, claim=ctx.worker)

        process().run(check)
    finally:
        ctx.store.claims.release(ctx.worker, sources=[source_id])
    waiting = ctx.store.articles.waiting(ArticleStatus.DISCOVERED, source_id=source_id)
    for article_id in waiting:
        fetch.delay(article_id)
    return len(waiting)


@app.task(name="foreigndesk.fetch")
def fetch(article_id: int) -> None:
    ctx = context()
    report = RunReport()
    with process().holding(article_id, ArticleStatus.DISCOVERED) as held:
        if not held:
            return
        target = ctx.store.pages.fetch_targets([article_id])[article_id]
        pages = PageBatch(ctx.store, claim=ctx.worker, size=1)

        async def one(shared: Slots) -> None:
            async with ctx.fetcher(shared) as fetcher:
                await fetch_article(
                    ctx, fetcher, article_id, target, pages, report, claim=ctx.worker
                )

        process().run(one)
        pages.flush()
    if report.fetched:
        extract.delay(article_id)


@app.task(name="foreigndesk.extract")
def extract(article_id: int) -> None:
    """Read the stored page. Its earlier copies are looked up through the bands stored
    with every extraction, so copies extracted at the same moment on two machines may
    both be kept (each looked before the other had stored its bands)."""
    ctx = context()
    report = RunReport()
    with process().holding(article_id, ArticleStatus.FETCHED) as held:
        if not held:
            return
        try:
            job = page_job(ctx, article_id)
        except DeskError as exc:
            ctx.fail(article_id, ArticleStatus.FETCHED, exc, report, claim=ctx.worker)
            return
        prepare_near_duplicates(ctx)
        store_extraction(ctx, job, extract_page_job(job), report, claim=ctx.worker)
    if report.extracted:
        translate.delay(article_id)


@app.task(name="foreigndesk.translate")
def translate(article_id: int) -> None:
    """Translate, check, and move on to review; approved articles go to ``publish``."""
    ctx = context()
    report = RunReport()
    with process().holding(article_id, ArticleStatus.EXTRACTED) as held:
        if not held:
            return
        try:
            article = ctx.store.articles.get(article_id, with_blocks=False)
            if triage_applies(ctx, article):
                rules = triage_rules(ctx)
                decided = process().run(
                    lambda shared: brief_article(
                        ctx, article_id, report, rules, claim=ctx.worker, slots=shared
                    )
                )
                if decided != Decision.PICK:
                    return
            process().run(
                lambda shared: translate_article(
                    ctx, article_id, report, claim=ctx.worker, slots=shared
                )
            )
        except ClaimLost:
            logger.info("article %s: taken over by another worker", article_id)
            return
        except DeskError as exc:
            ctx.fail(article_id, ArticleStatus.EXTRACTED, exc, report, claim=ctx.worker)
            return
    check_quality(ctx, article_id)
    _review(ctx, article_id)


@app.task(name="foreigndesk.review")
def review(article_id: int) -> None:
    """A translated article waits for an editor, or goes on to ``publish``."""
    _review(context(), article_id)


def _review(ctx: StageContext, article_id: int) -> None:
    report = RunReport()
    with process().holding(article_id, ArticleStatus.TRANSLATED) as held:
        if not held:
            return
        review_article(ctx, article_id, report, claim=ctx.worker)
    if report.approved:
        publish.delay(article_id)


@app.task(name="foreigndesk.publish")
def publish(article_id: int) -> None:
    ctx = context()
    report = RunReport()
    with process().holding(article_id, ArticleStatus.APPROVED) as held:
        if not held:
            return
        try:
            published = publish_article(ctx, article_id, report, claim=ctx.worker)
        except DeskError as exc:
            ctx.fail(article_id, ArticleStatus.APPROVED, exc, report, claim=ctx.worker)
            return
    if published:
        build.apply_async(countdown=BUILD_DEBOUNCE)


@app.task(name="foreigndesk.build", bind=True, max_retries=None)
def build(self: Any) -> None:
    """Bring every target up to date; while another worker builds, try again shortly
    (that build may have read the post list before the newest posts)."""
    if not build_targets(context(), RunReport()):
        raise self.retry(countdown=BUILD_DEBOUNCE)


# -- what the scheduler sends ---------------------------------------------------------------

_STAGE_TASKS: dict[ArticleStatus, Any] = {
    ArticleStatus.DISCOVERED: fetch,
    ArticleStatus.FETCHED: extract,
    ArticleStatus.EXTRACTED: translate,
    ArticleStatus.TRANSLATED: review,
    ArticleStatus.APPROVED: publish,
}


def enqueue_due(store: Store, *, sources: bool = True) -> dict[str, int]:
    """Send a task for every due source and every article waiting for a stage that no
    worker holds: the store, not the queue, says what is left to do, so a lost message
    costs a delay, never an article. Returns how many tasks went to each stage."""
    sent: dict[str, int] = {}
    store.claims.release_dead()
    if sources:
        due = store.sources.due()
        for source in due:
            discover.delay(source.id)
        sent["sources"] = len(due)
    for status, task in _STAGE_TASKS.items():
        waiting = store.articles.waiting(status, unclaimed=True)
        for article_id in waiting:
            task.delay(article_id)
        sent[status.value] = len(waiting)
    return sent
