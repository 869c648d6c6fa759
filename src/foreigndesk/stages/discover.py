"""Discover: check one source for new candidate articles.

The source is claimed by the caller; every write here is guarded by that claim, and the
claim ends with the write. New URLs are stored once, ever (a unique key), so two workers
that read the same feed add each article once.
"""

from __future__ import annotations

import logging

from foreigndesk.errors import DeskError
from foreigndesk.fetch import Deferred, Fetcher
from foreigndesk.models import Source
from foreigndesk.sources.poll import next_interval, poll_source
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import RunReport
from foreigndesk.store.claims import ClaimLost

logger = logging.getLogger(__name__)


async def check_source(
    ctx: StageContext,
    fetcher: Fetcher,
    source: Source,
    report: RunReport,
    *,
    claim: str | None = None,
) -> None:
    """Poll ``source`` and store what it lists; a failure is one error line and the
    source's health, never an exception."""
    assert source.id is not None
    store, options = ctx.store, ctx.settings.fetch
    try:
        etag, last_modified = store.sources.validators(source.id)
        poll = await poll_source(
            fetcher,
            source.url,
            etag=etag,
            last_modified=last_modified,
            sitemap_depth=options.sitemap_depth,
        )
        interval = next_interval(
            store.sources.interval(source.id),
            poll.interval_hint,
            len(poll.urls),
            options.poll_interval,
            options.max_poll_interval,
        )
        if poll.note:
            ctx.reporter.warning(_about(source, poll.note))
        if poll.not_modified:
            store.sources.record_not_modified(source.id, interval, claim=claim)
        else:
            if poll.moved_to and store.sources.move(source.id, poll.moved_to, poll.kind):
                logger.info("source %s now follows its feed %s", source.url, poll.moved_to)
            kind = "url" if poll.kind == "url" else poll.kind
            report.new_articles += store.sources.record_success(
                source.id,
                title=poll.title,
                urls=poll.urls,
                etag=poll.etag,
                last_modified=poll.last_modified,
                kind=kind,
                interval=interval,
                claim=claim,
            )
    except ClaimLost:
        logger.info("source %s: taken over by another worker", source.id)
    except DeskError as exc:
        message = _about(source, str(exc))
        retry = exc.retry_after if isinstance(exc, Deferred) else None
        try:
            paused = store.sources.record_error(
                source.id,
                str(exc),
                pause_after=options.pause_after,
                retry_in=int(retry) if retry else options.poll_interval,
                claim=claim,
            )
        except ClaimLost:
            return
        if paused:
            message += (
                f" — paused after {options.pause_after} failures in a row;"
                f" `foreigndesk source resume {source.id}` when it is fixed"
            )
        logger.warning(message)
        ctx.reporter.error(message)


def _about(source: Source, said: str) -> str:
    """A line about ``source``: fetch and feed errors start with the URL they are about,
    the source's own or another one fetched for it (its robots.txt, the feed its page
    announces); the source is named once either way."""
    if said.startswith(f"{source.url}:"):
        return f"source {said}"
    return f"source {source.id} ({source.url}): {said}"
