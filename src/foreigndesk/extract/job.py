"""Reading one stored page: the pure, CPU-bound half of the extract stage.

It lives apart from the stage (stages/extract.py) so that reading a page needs nothing
of the store: the pool's processes are handed a ``PageJob`` and give back an
``Extraction`` (executors/pages_pool.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from foreigndesk.errors import DeskError
from foreigndesk.extract.article import content_hash, extract_article
from foreigndesk.extract.near_duplicates import near_duplicate_signature, signature_bytes
from foreigndesk.models import ExtractedArticle


@dataclass(frozen=True)
class PageJob:
    """One stored page to read: everything extraction needs, picklable."""

    article_id: int
    body: bytes
    url: str
    encoding: str | None
    fetched_at: datetime
    lang: str | None


@dataclass(frozen=True)
class Extraction:
    """What reading one page gives: the article and the two fingerprints its copies are
    found by, made where the page is read (hashing the shingles costs a third as much
    as reading the page, and belongs on the pool with it)."""

    article: ExtractedArticle
    content_hash: str
    #: The MinHash signature, packed (``signature_bytes``): cheap to send between processes.
    signature: bytes


def extract_page_job(job: PageJob) -> Extraction | str:
    """What ``job``'s page holds, or the reason it holds no article (a string: it crosses
    process boundaries, where an exception's own arguments may not)."""
    try:
        article = extract_article(
            job.body, job.url, encoding=job.encoding, fetched_at=job.fetched_at, lang=job.lang
        )
    except DeskError as exc:
        return str(exc)
    signature = signature_bytes(near_duplicate_signature(article.blocks))
    return Extraction(article, content_hash(article.blocks), signature)
