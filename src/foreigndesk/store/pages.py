"""The raw pages as fetched, kept so extraction can run again without fetching."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from foreigndesk.errors import DeskError
from foreigndesk.fetch import FetchResult
from foreigndesk.models import (
    ArticleStatus,
)
from foreigndesk.store.guards import Repository, aware, hold, hold_one
from foreigndesk.store.tables import (
    ArticleRow,
    PageRow,
    SourceRow,
    utcnow,
)


@dataclass(frozen=True)
class Page:
    final_url: str
    content_type: str
    encoding: str | None
    body: bytes
    fetched_at: datetime


def _page(row: PageRow) -> Page:
    return Page(
        final_url=row.final_url,
        content_type=row.content_type,
        encoding=row.encoding,
        body=gzip.decompress(row.body),
        fetched_at=aware(row.fetched_at) or utcnow(),
    )


class Pages(Repository):
    """The raw pages as fetched, kept so extraction can run again without fetching."""

    def fetch_targets(self, ids: Sequence[int]) -> dict[int, tuple[str, str | None, str | None]]:
        """Each article's URL and its page's validators (ETag, Last-Modified), for the fetch
        stage: one query per 900 articles, not two per article."""
        targets: dict[int, tuple[str, str | None, str | None]] = {}
        with self.transaction() as session:
            for start in range(0, len(ids), 900):
                query = (
                    select(ArticleRow.id, ArticleRow.url, PageRow.etag, PageRow.last_modified)
                    .outerjoin(PageRow, PageRow.article_id == ArticleRow.id)
                    .where(ArticleRow.id.in_(ids[start : start + 900]))
                )
                for article_id, url, etag, last_modified in session.execute(query):
                    targets[article_id] = (url, etag, last_modified)
        return targets

    def validators(self, article_id: int) -> tuple[str | None, str | None]:
        with self.transaction() as session:
            row = session.get(PageRow, article_id)
            return (row.etag, row.last_modified) if row else (None, None)

    def keep(self, article_id: int, *, claim: str | None = None) -> None:
        """The page did not change (HTTP 304): the stored copy stands."""
        with self.transaction() as session:
            row = hold_one(session, article_id, claim, ArticleStatus.DISCOVERED)
            row.status, row.error, row.failed_stage = ArticleStatus.FETCHED.value, None, None

    def save(
        self, fetched: Sequence[tuple[int, FetchResult]], *, claim: str | None = None
    ) -> list[int]:
        """Store fetched pages, compressed, and mark their articles fetched — all in one
        transaction: the fetch stage writes thousands of pages a run, and a transaction
        per page was a fifth of its time. Plain statements, no ORM objects, for the same
        reason. Returns the ids stored: with ``claim``, those the worker still held."""
        if not fetched:
            return []
        now = utcnow()
        pages = [
            {
                "article_id": article_id,
                "final_url": result.final_url,
                "status_code": result.status_code,
                "content_type": result.content_type,
                "encoding": result.encoding,
                "body": gzip.compress(result.content, compresslevel=6, mtime=0),
                "fetched_at": now,
                "etag": result.etag,
                "last_modified": result.last_modified,
            }
            for article_id, result in fetched
        ]
        insert = self._insert(PageRow)
        # One compiled statement run for every page (a statement built per page spent
        # more time in SQLAlchemy's compiler than in SQLite).
        upsert = insert.on_conflict_do_update(
            index_elements=["article_id"],
            set_={name: insert.excluded[name] for name in pages[0] if name != "article_id"},
        )
        with self.transaction() as session:
            held = set(hold(session, [i for i, _ in fetched], claim, ArticleStatus.DISCOVERED))
            if not held:
                return []
            connection = session.connection()
            connection.execute(upsert, [page for page in pages if page["article_id"] in held])
            connection.execute(
                update(ArticleRow)
                .where(ArticleRow.id.in_(sorted(held)))
                .values(
                    status=ArticleStatus.FETCHED.value,
                    error=None,
                    failed_stage=None,
                    updated_at=now,
                    claimed_by=None,
                    claim_expires_at=None,
                )
            )
            return sorted(held)

    def to_extract(self, ids: Sequence[int]) -> dict[int, tuple[Page, str]]:
        """Each article's stored page and its language as the source declares it, for the
        extract stage: one query for many articles. An article without a stored page is
        left out."""
        found: dict[int, tuple[Page, str]] = {}
        with self.transaction() as session:
            for chunk in range(0, len(ids), 500):
                rows = session.execute(
                    select(PageRow, func.coalesce(ArticleRow.lang, SourceRow.lang))
                    .join(ArticleRow, ArticleRow.id == PageRow.article_id)
                    .join(SourceRow, SourceRow.id == ArticleRow.source_id)
                    .where(PageRow.article_id.in_(list(ids[chunk : chunk + 500])))
                )
                for row, lang in rows:
                    found[row.article_id] = (_page(row), lang)
        return found

    def get(self, article_id: int) -> Page:
        with self.transaction() as session:
            row = session.get(PageRow, article_id)
            if row is None:
                raise DeskError(f"article {article_id} has no stored page — run the fetch again")
            return _page(row)

    def article_ids(self) -> list[int]:
        """The ids of the articles whose fetched page is stored, in order."""
        with self.transaction() as session:
            return list(session.scalars(select(PageRow.article_id).order_by(PageRow.article_id)))
