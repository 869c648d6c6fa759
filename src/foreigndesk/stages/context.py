"""What every stage works with in one worker process: the settings, the store, the
worker's name for its claims, the engines it has built, and where its lines go.

A context lives as long as its process's work does (one `run`, one Celery worker); the
stage functions take it as their first argument and keep no state of their own, so the
inline executor and the Celery tasks call the very same functions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import timedelta

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError
from foreigndesk.fetch import Deferred, Fetcher, FetchPolicy
from foreigndesk.fetch.transport import Resolver, system_resolver
from foreigndesk.models import ArticleStatus
from foreigndesk.plugins import engine_specs
from foreigndesk.slots import RedisSlots, Slots
from foreigndesk.stages.report import Reporter, RunReport, SilentReporter
from foreigndesk.store import Store
from foreigndesk.store.claims import ClaimLost, Worker
from foreigndesk.store.tables import utcnow
from foreigndesk.translate import Engine
from foreigndesk.translate.breaker import CircuitBreaker

logger = logging.getLogger(__name__)


class StageContext:
    """The equipment of the stages in one process."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        reporter: Reporter | None = None,
        engine: str | None = None,
        allow_hosts: Iterable[str] = (),
        resolver: Resolver = system_resolver,
        worker: str | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.reporter: Reporter = reporter or SilentReporter()
        self.engine_override = engine
        self.breakers: dict[str, CircuitBreaker] = {}
        #: Set to end the current stage after the items in hand (SIGTERM in `watch`).
        self.stopping = threading.Event()
        self._allow_hosts = frozenset(allow_hosts)
        self._resolver = resolver
        self._engines: dict[str, Engine] = {}
        self._worker = worker
        #: Redis that keeps the limits on hosts and engines for every process, if any.
        self.limits_url = settings.workers.limits_url or None

    @property
    def worker(self) -> str:
        """This process's name on its claims (looked up each time: a forked child is a
        worker of its own)."""
        return self._worker or Worker.current().name

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.workers.lease_seconds)

    # -- limits and fetching ---------------------------------------------------------------

    @asynccontextmanager
    async def limits(self) -> AsyncIterator[Slots | None]:
        """The limits shared with other processes for the work of one event loop (a
        stage, a task), or None when each process keeps its own."""
        if self.limits_url is None:
            yield None
            return
        slots = RedisSlots(self.limits_url)
        try:
            yield slots
        finally:
            await slots.aclose()

    def fetch_policy(self) -> FetchPolicy:
        return FetchPolicy.from_settings(self.settings, self._allow_hosts)

    def fetcher(self, shared: Slots | None = None) -> Fetcher:
        return Fetcher(
            self.fetch_policy(),
            robots_store=self.store.robots,
            resolver=self._resolver,
            shared=shared,
        )

    # -- engines ---------------------------------------------------------------------------

    def engine(self, name: str) -> Engine:
        """The engine called ``name``, built once per context from its plugin's spec."""
        if name not in self._engines:
            specs = engine_specs()
            if name not in specs:
                raise DeskError(
                    f"engine {name!r} is not installed — choose one of "
                    f"{', '.join(sorted(specs)) or 'none'} in translate.engine"
                )
            self._engines[name] = specs[name].create(self.settings)
        return self._engines[name]

    def chain(self, source_engine: str | None = None) -> list[Engine]:
        """The engines to try, in order: the run's or source's choice, then the fallbacks."""
        first = self.engine_override or source_engine or self.settings.translate.engine
        names = list(dict.fromkeys([first, *self.settings.translate.fallback]))
        return [self.engine(name) for name in names]

    def budget_left(self, name: str) -> int | None:
        """What is left of the engine's monthly budget, read from the store: every worker
        bills into the same rows, so the budget holds across all of them."""
        budget = self.settings.translate.budget.get(name)
        if budget is None:
            return None
        _, used = self.store.memory.usage(utcnow().strftime("%Y-%m")).get(name, (0, 0))
        return max(budget - used, 0)

    async def close_engines(self) -> None:
        for engine in self._engines.values():
            await engine.aclose()
        self._engines.clear()

    # -- failures --------------------------------------------------------------------------

    def fail(
        self,
        article_id: int,
        stage: ArticleStatus,
        exc: DeskError,
        report: RunReport,
        *,
        claim: str | None = None,
    ) -> None:
        """One error line naming the article, and the failure stored for a retry with
        backoff; the stage goes on with the rest."""
        message = f"article {article_id}: {exc}"
        logger.warning(message)
        self.reporter.error(message)
        try:
            self.store.articles.fail(
                article_id,
                stage,
                str(exc),
                self.settings.fetch.retry_base_seconds,
                not_before=exc.retry_after if isinstance(exc, Deferred) else None,
                claim=claim,
            )
        except ClaimLost:
            logger.info("article %s: taken over by another worker; its outcome stands", article_id)
        report.failed += 1
