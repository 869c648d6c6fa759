"""Fetch: one discovered article's page, politely, into the store.

Pages are written in batches (a transaction per page was a fifth of the stage's time),
each batch guarded by the claims of its articles: a page whose claim was lost meanwhile
is not stored over the new holder's work.
"""

from __future__ import annotations

import logging
import time

from foreigndesk.errors import DeskError
from foreigndesk.fetch import Fetcher, FetchResult
from foreigndesk.models import ArticleStatus
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import RunReport
from foreigndesk.store import Store
from foreigndesk.store.claims import ClaimLost

logger = logging.getLogger(__name__)

#: An article's URL and its stored page's validators (ETag, Last-Modified).
Target = tuple[str, str | None, str | None]


class PageBatch:
    """Fetched pages waiting to be stored together, in one transaction.

    A batch is written when it holds ``size`` pages or its oldest page has waited
    ``max_wait`` seconds, and at the end of the stage (a stop included). A crash loses at
    most one batch of fetched pages, never an article: their articles are still waiting
    to be fetched and the next run fetches them again.
    """

    def __init__(
        self, store: Store, *, claim: str | None = None, size: int = 50, max_wait: float = 0.5
    ) -> None:
        self.store = store
        self.claim = claim
        self.size = size
        self.max_wait = max_wait
        self._pages: list[tuple[int, FetchResult]] = []
        self._since = 0.0

    def add(self, article_id: int, result: FetchResult) -> None:
        if not self._pages:
            self._since = time.monotonic()
        self._pages.append((article_id, result))
        if len(self._pages) >= self.size or time.monotonic() - self._since >= self.max_wait:
            self.flush()

    def flush(self) -> None:
        if self._pages:
            self.store.pages.save(self._pages, claim=self.claim)
            self._pages = []


async def fetch_article(
    ctx: StageContext,
    fetcher: Fetcher,
    article_id: int,
    target: Target,
    pages: PageBatch,
    report: RunReport,
    *,
    claim: str | None = None,
) -> None:
    """Fetch one article's page into ``pages``; a failure is one error line and a retry
    later, never an exception."""
    url, etag, last_modified = target
    try:
        result = await fetcher.get(url, etag=etag, last_modified=last_modified)
        if result.not_modified:
            ctx.store.pages.keep(article_id, claim=claim)
        elif not result.is_html:
            raise DeskError(
                f"{url}: not an HTML page ({result.content_type or 'no type'})"
                " — remove the item from the source or link its HTML page"
            )
        else:
            pages.add(article_id, result)
        report.fetched += 1
    except ClaimLost:
        logger.info("article %s: taken over by another worker", article_id)
    except DeskError as exc:
        ctx.fail(article_id, ArticleStatus.DISCOVERED, exc, report, claim=claim)
