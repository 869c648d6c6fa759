"""Extract: one fetched page into an article of blocks, and its copies found.

The work splits in two. Reading the page is pure and CPU-bound (``extract/job.py``:
the article, its content hash and its MinHash signature), so an executor may run it on a
process pool; storing the result and deciding whether the article repeats an earlier one
(``store_extraction``) reads and writes the store and runs in the executor's own
process, in id order, so the first of two copies is always the one kept.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

from foreigndesk.errors import DeskError
from foreigndesk.extract import signature_from_bytes, similarity
from foreigndesk.extract.dates import EARLIEST_YEAR, plausible
from foreigndesk.extract.job import Extraction, PageJob, extract_page_job
from foreigndesk.extract.lsh import band_keys, banding
from foreigndesk.extract.minhash import Signature
from foreigndesk.extract.near_duplicates import MAX_LSH_THRESHOLD, NUM_PERM
from foreigndesk.models import ArticleStatus
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import RunReport
from foreigndesk.store.claims import ClaimLost
from foreigndesk.store.tables import utcnow

logger = logging.getLogger(__name__)

__all__ = [
    "Extraction",
    "PageJob",
    "extract_page_job",
    "near_copy_of",
    "page_job",
    "page_jobs",
    "prepare_near_duplicates",
    "store_extraction",
]


def page_jobs(ctx: StageContext, article_ids: Sequence[int]) -> dict[int, PageJob]:
    """The stored pages of ``article_ids`` to read; an article without one is left out."""
    return {
        article_id: PageJob(
            article_id, page.body, page.final_url, page.encoding, page.fetched_at, lang
        )
        for article_id, (page, lang) in ctx.store.pages.to_extract(article_ids).items()
    }


def page_job(ctx: StageContext, article_id: int) -> PageJob:
    """The stored page of one article; DeskError when there is none."""
    if (job := page_jobs(ctx, [article_id]).get(article_id)) is None:
        raise DeskError(f"article {article_id} has no stored page — run the fetch again")
    return job


def _banding(ctx: StageContext) -> tuple[str, int, int]:
    """The LSH cut for the configured threshold: its name, bands and rows."""
    threshold = ctx.settings.extract.near_duplicate_threshold
    bands, rows = banding(min(threshold, MAX_LSH_THRESHOLD), NUM_PERM)
    return f"{bands}x{rows}", bands, rows


#: The named lock under which one worker cuts the bands while the others wait.
BANDS_LOCK = "near-duplicate-bands"
#: Not renewed while the cut runs: long enough for a million signatures (about two
#: minutes); a cutter that died frees it when it lapses.
BANDS_LEASE = timedelta(minutes=10)


def prepare_near_duplicates(ctx: StageContext) -> None:
    """Cut every stored signature into bands again when the stored bands are not cut for
    the configured threshold (after the upgrade that brought them, or a new threshold):
    once, by one worker, in one transaction, while the others wait; two cheap reads
    otherwise."""
    name, bands, rows = _banding(ctx)
    if ctx.store.articles.bands_ready(name):
        return
    while not ctx.store.claims.lock(BANDS_LOCK, ctx.worker, BANDS_LEASE):
        if ctx.stopping.is_set():
            return
        time.sleep(0.25)
    try:
        if not ctx.store.articles.bands_ready(name):  # unless another cut them meanwhile
            _cut_bands(ctx, name, bands, rows)
    finally:
        ctx.store.claims.unlock(BANDS_LOCK, ctx.worker)


def _cut_bands(ctx: StageContext, name: str, bands: int, rows: int) -> None:
    def cut() -> Iterator[tuple[int, list[int]]]:
        for article_id, data in ctx.store.articles.near_duplicate_signatures():
            try:
                yield article_id, band_keys(signature_from_bytes(data), bands, rows)
            except ValueError as exc:  # written by another version; re-extraction rewrites it
                logger.warning("article %s: stored signature not read (%s)", article_id, exc)

    count = ctx.store.articles.replace_bands(name, cut())
    logger.info("near-duplicate bands cut as %s for %d articles", name, count)


def near_copy_of(ctx: StageContext, signature: Signature) -> Callable[[bytes], bool]:
    """Whether a stored signature (a candidate that shares a band) is at least the
    threshold similar to ``signature``: the LSH only proposes, this decides."""
    threshold = ctx.settings.extract.near_duplicate_threshold

    def near(data: bytes) -> bool:
        try:
            return similarity(signature_from_bytes(data), signature) >= threshold
        except ValueError:  # written by another version; re-extraction rewrites it
            return False

    return near


def store_extraction(
    ctx: StageContext,
    job: PageJob,
    extraction: Extraction | str,
    report: RunReport,
    *,
    claim: str | None = None,
) -> None:
    """Store what ``extract_page_job`` made of the page, or its failure, as one line."""
    article_id = job.article_id
    if isinstance(extraction, str):
        ctx.fail(article_id, ArticleStatus.FETCHED, DeskError(extraction), report, claim=claim)
        return
    extracted = extraction.article
    today = utcnow().date()
    published, updated = extracted.published, extracted.updated
    for name, value in (("publication", published), ("update", updated)):
        if value is not None and not plausible(value, today):
            dropped = (
                f"article {article_id} ({job.url}): its {name} date {value.isoformat()} is"
                f" before {EARLIEST_YEAR} or after next year, and is not kept — check the"
                " page; the post shows no date rather than a wrong one"
            )
            logger.warning(dropped)
            ctx.reporter.warning(dropped)
    extracted = dataclasses.replace(
        extracted,
        published=published if published is None or plausible(published, today) else None,
        updated=updated if updated is None or plausible(updated, today) else None,
    )
    if extracted.undecodable_bytes:
        damage = (
            f"article {article_id} ({job.url}): {extracted.undecodable_bytes}"
            f" byte(s) of the page could not be read as {extracted.encoding} and became"
            " U+FFFD — check the text against the original; if all of it reads wrong,"
            " the site declares the wrong charset"
        )
        logger.warning(damage)
        ctx.reporter.warning(damage)
    signature = signature_from_bytes(extraction.signature)
    name, bands, rows = _banding(ctx)
    try:
        duplicate_of = ctx.store.articles.save_extraction(
            article_id,
            extracted,
            extraction.content_hash,
            minhash=extraction.signature,
            bands=(name, band_keys(signature, bands, rows)),
            near_copy=near_copy_of(ctx, signature),
            claim=claim,
        )
    except ClaimLost:
        logger.info("article %s: taken over by another worker", article_id)
        return
    if duplicate_of is None:
        report.extracted += 1
    else:
        report.duplicates += 1
