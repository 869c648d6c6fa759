"""The queries the stages need. Each public method is one transaction.

A stage reads what it needs, computes, then writes its result and the article's next
status in one transaction: a crash before the commit leaves the article where it was,
and the stage simply runs again.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from foreigndesk.errors import DeskError
from foreigndesk.fetch import FetchResult
from foreigndesk.fetch.robots import RobotsFile
from foreigndesk.models import (
    Article,
    ArticleStatus,
    Attribution,
    Block,
    BlockKind,
    ExtractedArticle,
    Finding,
    MemoryEntry,
    Post,
    Publication,
    Severity,
    Source,
)
from foreigndesk.store.claims import ClaimLost, Claims, waiting_for
from foreigndesk.store.database import create_db_engine, migrate
from foreigndesk.store.tables import (
    ArticleRow,
    BlockRow,
    EngineUsageRow,
    FindingRow,
    GlossaryRow,
    MemoryRow,
    PageRow,
    PostRow,
    PublicationRow,
    RobotsRow,
    SourceRow,
    utcnow,
)

#: The longest a failed article waits before it is tried again.
MAX_RETRY_DELAY = timedelta(days=1)


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    items_taken: int
    consecutive_failures: int = 0
    next_check_at: datetime | None = None


@dataclass(frozen=True)
class Page:
    final_url: str
    content_type: str
    encoding: str | None
    body: bytes
    fetched_at: datetime


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything the desk stores is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _source(row: SourceRow) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        lang=row.lang,
        license=row.license,
        title=row.title,
        kind=row.kind,
        paused=row.paused,
        engine=row.engine,
    )


def _block(row: BlockRow) -> Block:
    return Block(
        kind=BlockKind(row.kind),
        html=row.html,
        text=row.text,
        level=row.level,
        src=row.src,
        alt=row.alt,
        caption=row.caption,
        credit=row.credit,
        list_ordered=row.list_ordered,
    )


class Store:
    """The desk's state, in SQLite by default or PostgreSQL, behind one small API."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.claims = Claims(self._sessions, engine.dialect.name)

    @classmethod
    def open(cls, url: str) -> Store:
        """Open the store at ``url``, creating or migrating its schema as needed."""
        engine = create_db_engine(url)
        try:
            migrate(engine)
        except Exception as exc:
            if isinstance(exc, DeskError):
                raise
            raise DeskError(
                f"cannot open the store at {url}: {exc} — check desk.database_url"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def _insert(self, table: type[object]):  # type: ignore[no-untyped-def]
        if self.engine.dialect.name == "postgresql":
            return pg_insert(table)
        return sqlite_insert(table)

    @staticmethod
    def _hold(
        session: Session, article_ids: Sequence[int], claim: str | None, stage: ArticleStatus
    ) -> list[int]:
        """The first write of a stage's commit: of ``article_ids``, those still claimed by
        ``claim`` and still waiting for ``stage``, now locked by this transaction.

        Writing first matters: on SQLite the transaction takes the write lock here, before
        it reads anything, so no other writer can slip in between its reads and its
        writes; on PostgreSQL the rows stay locked until the commit. Without a claim
        (a command on one article) every id is held.
        """
        if claim is None:
            return list(article_ids)
        held = session.execute(
            update(ArticleRow)
            .where(
                ArticleRow.id.in_(list(article_ids)),
                ArticleRow.claimed_by == claim,
                or_(
                    ArticleRow.status == stage.value,
                    (ArticleRow.status == ArticleStatus.FAILED.value)
                    & (ArticleRow.failed_stage == stage.value),
                ),
            )
            .values(claim_expires_at=ArticleRow.claim_expires_at)
            .returning(ArticleRow.id),
            execution_options={"synchronize_session": False},
        )
        return list(held.scalars())

    def _hold_one(
        self, session: Session, article_id: int, claim: str | None, stage: ArticleStatus
    ) -> ArticleRow:
        if not self._hold(session, [article_id], claim, stage):
            raise ClaimLost(f"article {article_id}")
        row = session.get_one(ArticleRow, article_id)
        row.claimed_by = row.claim_expires_at = None
        return row

    @staticmethod
    def _hold_source(session: Session, source_id: int, claim: str | None) -> SourceRow:
        if claim is not None:
            held = cast(
                CursorResult[Any],
                session.execute(
                    update(SourceRow)
                    .where(SourceRow.id == source_id, SourceRow.claimed_by == claim)
                    .values(claimed_by=None, claim_expires_at=None),
                    execution_options={"synchronize_session": False},
                ),
            )
            if not held.rowcount:
                raise ClaimLost(f"source {source_id}")
        return session.get_one(SourceRow, source_id)

    # -- sources ---------------------------------------------------------------------------

    def add_source(
        self,
        url: str,
        lang: str,
        license: str | None = None,
        engine: str | None = None,
        kind: str = "auto",
    ) -> tuple[Source, bool]:
        """(the source, whether it is new). Adding a URL twice keeps the first."""
        with self.transaction() as session:
            row = session.scalar(select(SourceRow).where(SourceRow.url == url))
            if row is not None:
                return _source(row), False
            row = SourceRow(
                url=url,
                lang=lang,
                license=license,
                engine=engine,
                kind=kind,
                paused=False,
                consecutive_failures=0,
            )
            session.add(row)
            session.flush()
            return _source(row), True

    def source_engine(self, source_id: int) -> str | None:
        with self.transaction() as session:
            return session.get_one(SourceRow, source_id).engine

    def sources(self) -> list[Source]:
        with self.transaction() as session:
            return [_source(r) for r in session.scalars(select(SourceRow).order_by(SourceRow.id))]

    def source_health(self) -> list[SourceHealth]:
        with self.transaction() as session:
            return [
                SourceHealth(
                    source=_source(r),
                    last_checked_at=_aware(r.last_checked_at),
                    last_success_at=_aware(r.last_success_at),
                    last_error=r.last_error,
                    items_taken=r.items_taken,
                    consecutive_failures=r.consecutive_failures,
                    next_check_at=_aware(r.next_check_at),
                )
                for r in session.scalars(select(SourceRow).order_by(SourceRow.id))
            ]

    def source_validators(self, source_id: int) -> tuple[str | None, str | None]:
        with self.transaction() as session:
            row = session.get_one(SourceRow, source_id)
            return row.etag, row.last_modified

    def record_source_success(
        self,
        source_id: int,
        *,
        title: str | None,
        urls: Sequence[str],
        etag: str | None,
        last_modified: str | None,
        kind: str | None = None,
        interval: int | None = None,
        claim: str | None = None,
    ) -> int:
        """Store the candidate URLs (each once, ever) and the source's health; returns how
        many are new. ``interval`` sets when `watch` looks again."""
        now = utcnow()
        with self.transaction() as session:
            row = self._hold_source(session, source_id, claim)
            new = 0
            rows = [
                {
                    "source_id": source_id,
                    "url": url,
                    "status": ArticleStatus.DISCOVERED.value,
                    "attempts": 0,
                    "authors": [],
                    "repeats": [],
                    "tags": [],
                    "discovered_at": now,
                    "updated_at": now,
                }
                for url in dict.fromkeys(urls)
            ]
            if rows:
                # One compiled statement, run for many rows (SQLAlchemy batches them into
                # multi-row INSERTs); RETURNING, not rowcount: psycopg reports no count for
                # ON CONFLICT.
                statement = (
                    self._insert(ArticleRow)
                    .on_conflict_do_nothing(index_elements=["url"])
                    .returning(ArticleRow.id)
                )
                new = len(session.connection().execute(statement, rows).all())
            row.title = row.title or title
            row.etag, row.last_modified = etag, last_modified
            row.last_checked_at = row.last_success_at = now
            row.last_error = None
            row.consecutive_failures = 0
            row.items_taken += new
            if kind:
                row.kind = kind
            self._schedule(row, interval, now)
            return new

    @staticmethod
    def _schedule(row: SourceRow, interval: int | None, now: datetime) -> None:
        if interval is not None:
            row.interval_seconds = interval
            row.next_check_at = now + timedelta(seconds=interval)

    def record_source_not_modified(
        self, source_id: int, interval: int | None = None, *, claim: str | None = None
    ) -> None:
        now = utcnow()
        with self.transaction() as session:
            row = self._hold_source(session, source_id, claim)
            row.last_checked_at = row.last_success_at = now
            row.last_error = None
            row.consecutive_failures = 0
            self._schedule(row, interval, now)

    def record_source_error(
        self,
        source_id: int,
        error: str,
        *,
        pause_after: int,
        retry_in: int | None = None,
        claim: str | None = None,
    ) -> bool:
        """Record a failed check; returns True when this failure paused the source."""
        now = utcnow()
        with self.transaction() as session:
            row = self._hold_source(session, source_id, claim)
            row.last_checked_at = now
            row.last_error = error
            row.consecutive_failures += 1
            self._schedule(row, retry_in, now)
            if row.consecutive_failures >= pause_after and not row.paused:
                row.paused = True
                return True
            return False

    def move_source(self, source_id: int, url: str, kind: str) -> bool:
        """Point a source at the feed its homepage announced; False if that feed is
        already a source of its own."""
        with self.transaction() as session:
            if session.scalar(select(SourceRow.id).where(SourceRow.url == url)) is not None:
                return False
            row = session.get_one(SourceRow, source_id)
            row.url, row.kind = url, kind
            row.etag = row.last_modified = None
            return True

    def set_source_paused(self, source_id: int, paused: bool) -> Source:
        with self.transaction() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                raise DeskError(f"no source {source_id} — see `foreigndesk source list`")
            row.paused = paused
            if not paused:
                row.consecutive_failures = 0
                row.next_check_at = None
            return _source(row)

    def source_interval(self, source_id: int) -> int | None:
        with self.transaction() as session:
            return session.get_one(SourceRow, source_id).interval_seconds

    def due_sources(self, now: datetime | None = None) -> list[Source]:
        """Sources `watch` should check now: not paused, and their time has come."""
        now = now or utcnow()
        with self.transaction() as session:
            rows = session.scalars(
                select(SourceRow)
                .where(
                    SourceRow.paused.is_(False),
                    or_(SourceRow.next_check_at.is_(None), SourceRow.next_check_at <= now),
                )
                .order_by(SourceRow.id)
            )
            return [_source(row) for row in rows]

    def next_source_check(self) -> datetime | None:
        with self.transaction() as session:
            value = session.scalar(
                select(func.min(SourceRow.next_check_at)).where(SourceRow.paused.is_(False))
            )
            return _aware(value)

    # -- robots.txt ------------------------------------------------------------------------

    def load_robots(self, host: str) -> RobotsFile | None:
        with self.transaction() as session:
            row = session.get(RobotsRow, host)
            if row is None:
                return None
            fetched = _aware(row.fetched_at) or utcnow()
            return RobotsFile(row.status_code, row.body, fetched.timestamp())

    def save_robots(self, host: str, robots: RobotsFile) -> None:
        """An upsert: two workers that fetched one host's robots.txt at once both store it,
        the later one winning, instead of the second failing on the key."""
        values = {
            "host": host,
            "status_code": robots.status,
            "body": robots.body,
            "fetched_at": datetime.fromtimestamp(robots.fetched_at, UTC),
        }
        insert = self._insert(RobotsRow).values(**values)
        with self.transaction() as session:
            session.execute(
                insert.on_conflict_do_update(
                    index_elements=["host"],
                    set_={name: insert.excluded[name] for name in values if name != "host"},
                )
            )

    # -- articles --------------------------------------------------------------------------

    def due(self, status: ArticleStatus, now: datetime | None = None) -> list[int]:
        """Articles waiting for the stage that takes ``status``, failed ones whose wait is over
        included, oldest first."""
        now = now or utcnow()
        with self.transaction() as session:
            query = select(ArticleRow.id).where(waiting_for(status, now)).order_by(ArticleRow.id)
            return list(session.scalars(query))

    def waiting_articles(
        self, status: ArticleStatus, *, source_id: int | None = None, unclaimed: bool = False
    ) -> list[int]:
        """Articles waiting for the stage that takes ``status`` (of one source, or held by
        no live claim), oldest first: what a scheduler sends tasks for."""
        now = utcnow()
        query = select(ArticleRow.id).where(waiting_for(status, now)).order_by(ArticleRow.id)
        if source_id is not None:
            query = query.where(ArticleRow.source_id == source_id)
        if unclaimed:
            query = query.where(
                or_(ArticleRow.claimed_by.is_(None), ArticleRow.claim_expires_at < now)
            )
        with self.transaction() as session:
            return list(session.scalars(query))

    def article(self, article_id: int, *, with_blocks: bool = True) -> Article:
        with self.transaction() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise DeskError(f"no article {article_id} — see `foreigndesk articles list`")
            source = session.get_one(SourceRow, row.source_id)
            blocks: tuple[Block, ...] = ()
            if with_blocks:
                blocks = tuple(
                    _block(b)
                    for b in session.scalars(
                        select(BlockRow)
                        .where(BlockRow.article_id == article_id)
                        .order_by(BlockRow.position)
                    )
                )
            return self._article(row, source, blocks)

    @staticmethod
    def _article(row: ArticleRow, source: SourceRow, blocks: tuple[Block, ...]) -> Article:
        return Article(
            id=row.id,
            source_id=row.source_id,
            url=row.url,
            status=ArticleStatus(row.status),
            source_lang=row.lang or source.lang,
            title=row.title,
            authors=tuple(row.authors or ()),
            published=date.fromisoformat(row.published) if row.published else None,
            site_name=row.site_name,
            license=source.license or row.license,
            error=row.error,
            lead=tuple(row.lead) if row.lead is not None else None,
            blocks=blocks,
            discovered_at=_aware(row.discovered_at),
            tags=tuple(row.tags or ()),
            title_template=row.title_template,
        )

    def articles(self, status: ArticleStatus | None = None) -> list[Article]:
        with self.transaction() as session:
            query = select(ArticleRow, SourceRow).join(SourceRow).order_by(ArticleRow.id)
            if status is not None:
                query = query.where(ArticleRow.status == status.value)
            return [self._article(a, s, ()) for a, s in session.execute(query)]

    def status_counts(self) -> dict[str, int]:
        with self.transaction() as session:
            rows = session.execute(
                select(ArticleRow.status, func.count()).group_by(ArticleRow.status)
            )
            return {row[0]: row[1] for row in rows}

    def set_status(
        self,
        article_id: int,
        status: ArticleStatus,
        *,
        expect: Iterable[ArticleStatus] = (),
        claim: str | None = None,
    ) -> bool:
        """Move an article on; with ``expect``, only from one of those statuses; with
        ``claim``, only while that worker holds it (and the claim ends)."""
        with self.transaction() as session:
            statement = update(ArticleRow).where(ArticleRow.id == article_id)
            allowed = [s.value for s in expect]
            if allowed:
                statement = statement.where(ArticleRow.status.in_(allowed))
            values: dict[str, Any] = {
                "status": status.value,
                "error": None,
                "failed_stage": None,
                "attempts": 0,
            }
            if claim is not None:
                statement = statement.where(ArticleRow.claimed_by == claim)
                values.update(claimed_by=None, claim_expires_at=None)
            result = cast(CursorResult[Any], session.execute(statement.values(**values)))
            return bool(result.rowcount)

    def set_lead(self, article_id: int, lead: Sequence[int] | None) -> None:
        with self.transaction() as session:
            session.get_one(ArticleRow, article_id).lead = list(lead) if lead is not None else None

    def fail(
        self,
        article_id: int,
        stage: ArticleStatus,
        error: str,
        base_delay: float,
        *,
        not_before: float | None = None,
        claim: str | None = None,
    ) -> None:
        """Record a failure; the article is retried from ``stage`` after a doubling,
        jittered wait, and no sooner than a server's ``not_before`` (seconds)."""
        with self.transaction() as session:
            row = self._hold_one(session, article_id, claim, stage)
            row.attempts += 1
            ceiling = min(base_delay * 2 ** (row.attempts - 1), MAX_RETRY_DELAY.total_seconds())
            # Equal jitter: somewhere in the second half of the doubled wait.
            jittered = ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311
            wait = max(jittered, not_before or 0.0)
            delay = min(timedelta(seconds=wait), MAX_RETRY_DELAY)
            row.status = ArticleStatus.FAILED.value
            row.failed_stage = stage.value
            row.error = error
            row.retry_at = utcnow() + delay

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

    def page_validators(self, article_id: int) -> tuple[str | None, str | None]:
        with self.transaction() as session:
            row = session.get(PageRow, article_id)
            return (row.etag, row.last_modified) if row else (None, None)

    def keep_page(self, article_id: int, *, claim: str | None = None) -> None:
        """The page did not change (HTTP 304): the stored copy stands."""
        with self.transaction() as session:
            row = self._hold_one(session, article_id, claim, ArticleStatus.DISCOVERED)
            row.status, row.error, row.failed_stage = ArticleStatus.FETCHED.value, None, None

    def save_pages(
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
            held = set(
                self._hold(session, [i for i, _ in fetched], claim, ArticleStatus.DISCOVERED)
            )
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

    def pages_to_extract(self, ids: Sequence[int]) -> dict[int, tuple[Page, str]]:
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

    def page(self, article_id: int) -> Page:
        with self.transaction() as session:
            row = session.get(PageRow, article_id)
            if row is None:
                raise DeskError(f"article {article_id} has no stored page — run the fetch again")
            return _page(row)

    def save_extraction(
        self,
        article_id: int,
        extracted: ExtractedArticle,
        content_hash: str,
        *,
        minhash: bytes | None = None,
        near_duplicates: Sequence[int] = (),
        claim: str | None = None,
    ) -> int | None:
        """Store blocks and metadata; returns the id of an earlier article this one duplicates.

        Another article is the same story when it has the same canonical URL, the same
        content hash, or is among ``near_duplicates`` (found by the caller's MinHash index,
        whose signature ``minhash`` is stored with the article). Of the articles that are
        not copies themselves, the first one seen (the lowest id) is the one linked.
        """
        same = [ArticleRow.content_hash == content_hash]
        if extracted.canonical_url:
            same.append(ArticleRow.canonical_url == extracted.canonical_url)
        if near_duplicates:
            same.append(ArticleRow.id.in_(list(near_duplicates)))
        blocks = [
            {
                "article_id": article_id,
                "position": position,
                "kind": block.kind.value,
                "level": block.level,
                "html": block.html,
                "text": block.text,
                "src": block.src,
                "alt": block.alt,
                "caption": block.caption,
                "credit": block.credit,
                "list_ordered": block.list_ordered,
            }
            for position, block in enumerate(extracted.blocks)
        ]
        # Plain statements, no ORM objects: extraction stores thousands of blocks a run.
        with self.transaction() as session:
            if not self._hold(session, [article_id], claim, ArticleStatus.FETCHED):
                raise ClaimLost(f"article {article_id}")
            session.execute(delete(BlockRow).where(BlockRow.article_id == article_id))
            if blocks:
                session.execute(insert(BlockRow), blocks)
            earlier = session.scalar(
                select(ArticleRow.id)
                .where(
                    ArticleRow.id != article_id,
                    ArticleRow.content_hash.is_not(None),
                    ArticleRow.status != ArticleStatus.DUPLICATE.value,
                    or_(*same),
                )
                .order_by(ArticleRow.id)
                .limit(1)
            )
            stored = session.execute(
                update(ArticleRow)
                .where(ArticleRow.id == article_id)
                .values(
                    title=extracted.title,
                    authors=list(extracted.authors),
                    published=extracted.published.isoformat() if extracted.published else None,
                    site_name=extracted.site_name,
                    lang=extracted.lang,
                    license=extracted.license,
                    canonical_url=extracted.canonical_url,
                    description=extracted.description,
                    repeats=list(extracted.repeats),
                    tags=list(extracted.tags),
                    content_hash=content_hash,
                    minhash=minhash,
                    error=None,
                    failed_stage=None,
                    duplicate_of=earlier,
                    status=(
                        ArticleStatus.DUPLICATE.value if earlier else ArticleStatus.EXTRACTED.value
                    ),
                    claimed_by=None,
                    claim_expires_at=None,
                    updated_at=utcnow(),
                ),
                execution_options={"synchronize_session": False},
            )
            if not cast(CursorResult[Any], stored).rowcount:
                raise DeskError(f"no article {article_id} — see `foreigndesk articles list`")
            return earlier

    def near_duplicate_signatures(self) -> list[tuple[int, bytes]]:
        """(article id, MinHash signature) of every extracted article that is not a copy."""
        with self.transaction() as session:
            rows = session.execute(
                select(ArticleRow.id, ArticleRow.minhash)
                .where(
                    ArticleRow.minhash.is_not(None),
                    ArticleRow.status != ArticleStatus.DUPLICATE.value,
                )
                .order_by(ArticleRow.id)
            )
            return [(article_id, bytes(value)) for article_id, value in rows if value]

    def articles_with_pages(self) -> list[int]:
        """The ids of the articles whose fetched page is stored, in order."""
        with self.transaction() as session:
            return list(session.scalars(select(PageRow.article_id).order_by(PageRow.article_id)))

    # -- translation memory ----------------------------------------------------------------

    def memory_candidates(
        self, source_hashes: Iterable[str], source_lang: str, target_lang: str
    ) -> list[MemoryEntry]:
        """Every stored translation of these texts in this pair, whatever made it."""
        hashes = list(set(source_hashes))
        if not hashes:
            return []
        with self.transaction() as session:
            rows = session.scalars(
                select(MemoryRow).where(
                    MemoryRow.source_hash.in_(hashes),
                    MemoryRow.source_lang == source_lang,
                    MemoryRow.target_lang == target_lang,
                )
            )
            return [_memory_entry(row) for row in rows]

    def memory_entries(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> list[MemoryEntry]:
        with self.transaction() as session:
            query = select(MemoryRow).order_by(MemoryRow.id)
            if source_lang:
                query = query.where(MemoryRow.source_lang == source_lang)
            if target_lang:
                query = query.where(MemoryRow.target_lang == target_lang)
            return [_memory_entry(row) for row in session.scalars(query)]

    def save_memory(self, entries: Sequence[MemoryEntry], *, replace: bool = False) -> int:
        """Store entries; an existing key is kept, or overwritten with ``replace``."""
        with self.transaction() as session:
            return self._save_memory(session, entries, replace=replace)

    def _save_memory(
        self, session: Session, entries: Sequence[MemoryEntry], *, replace: bool
    ) -> int:
        now = utcnow()
        saved = 0
        for entry in entries:
            values = {
                "key": entry.key,
                "source_hash": entry.source_hash,
                "source_lang": entry.source_lang,
                "target_lang": entry.target_lang,
                "engine": entry.engine,
                "glossary_version": entry.glossary_version,
                "source_text": entry.source_text,
                "target_text": entry.target_text,
                "origin": entry.origin,
                "flags": list(entry.flags),
                "created_at": now,
                "updated_at": now,
            }
            statement = self._insert(MemoryRow).values(**values)
            if replace:
                changed = {k: v for k, v in values.items() if k not in {"key", "created_at"}}
                statement = statement.on_conflict_do_update(index_elements=["key"], set_=changed)
            else:
                statement = statement.on_conflict_do_nothing(index_elements=["key"])
            saved += len(session.execute(statement.returning(MemoryRow.key)).all())
        return saved

    def save_translation(
        self,
        article_id: int,
        entries: Sequence[MemoryEntry],
        *,
        usage: Mapping[str, tuple[int, int, str]],
        engine: str,
        target_lang: str,
        next_status: ArticleStatus | None,
        claim: str | None = None,
        segments: Sequence[str] = (),
    ) -> None:
        """New memory entries, each engine's (calls, billed, unit), and the article's next
        status, in one transaction. Without a next status the article stays where it is:
        what was translated is kept for the retry. ``segments`` are the in-flight claims
        (keys) these entries answer: they end in the same transaction.

        The memory and the bill are written even when the article's claim was lost: the
        engine was paid, and its answer serves whoever holds the article now."""
        month = utcnow().strftime("%Y-%m")
        with self.transaction() as session:
            held = self._hold(session, [article_id], claim, ArticleStatus.EXTRACTED)
            self._save_memory(session, entries, replace=False)
            if claim is not None:
                self.claims.drop_segments(session, segments, claim)
            for name, (calls, billed, unit) in usage.items():
                if not calls:
                    continue
                session.execute(
                    self._insert(EngineUsageRow)
                    .values(engine=name, month=month, calls=0, characters=0, tokens=0)
                    .on_conflict_do_nothing(index_elements=["engine", "month"])
                )
                column = EngineUsageRow.tokens if unit == "tokens" else EngineUsageRow.characters
                session.execute(
                    update(EngineUsageRow)
                    .where(EngineUsageRow.engine == name, EngineUsageRow.month == month)
                    .values(
                        {
                            EngineUsageRow.calls: EngineUsageRow.calls + calls,
                            column: column + billed,
                        }
                    )
                )
            if next_status is not None and held:
                row = session.get_one(ArticleRow, article_id)
                row.engine, row.target_lang = engine, target_lang
                row.status, row.error, row.failed_stage = next_status.value, None, None
                row.claimed_by = row.claim_expires_at = None
        if not held:
            raise ClaimLost(f"article {article_id}")

    def engine_usage(self, month: str | None = None) -> dict[str, tuple[int, int]]:
        """Engine → (calls, units billed), for one month (``YYYY-MM``) or all months."""
        with self.transaction() as session:
            query = select(
                EngineUsageRow.engine,
                func.sum(EngineUsageRow.calls),
                func.sum(EngineUsageRow.characters + EngineUsageRow.tokens),
            ).group_by(EngineUsageRow.engine)
            if month:
                query = query.where(EngineUsageRow.month == month)
            return {
                engine: (int(calls), int(billed))
                for engine, calls, billed in session.execute(query)
            }

    def translation_target(self, article_id: int) -> tuple[str, str]:
        """(engines, target language) the article was translated with."""
        with self.transaction() as session:
            row = session.get_one(ArticleRow, article_id)
            if not row.engine or not row.target_lang:
                raise DeskError(f"article {article_id} is not translated yet — run the desk")
            return row.engine, row.target_lang

    # -- glossary --------------------------------------------------------------------------

    def glossary_terms(self, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
        """(source term, target term) of the pair's glossary, by source term."""
        with self.transaction() as session:
            rows = session.execute(
                select(GlossaryRow.source, GlossaryRow.target)
                .where(
                    GlossaryRow.source_lang == source_lang, GlossaryRow.target_lang == target_lang
                )
                .order_by(GlossaryRow.source)
            )
            return [(source, target) for source, target in rows]

    def add_glossary_terms(
        self, source_lang: str, target_lang: str, terms: Iterable[tuple[str, str]]
    ) -> int:
        """Add or respell terms; returns how many changed."""
        changed = 0
        with self.transaction() as session:
            for source, target in terms:
                row = session.scalar(
                    select(GlossaryRow).where(
                        GlossaryRow.source_lang == source_lang,
                        GlossaryRow.target_lang == target_lang,
                        GlossaryRow.source == source,
                    )
                )
                if row is None:
                    session.add(
                        GlossaryRow(
                            source_lang=source_lang,
                            target_lang=target_lang,
                            source=source,
                            target=target,
                        )
                    )
                    changed += 1
                elif row.target != target:
                    row.target = target
                    changed += 1
        return changed

    def remove_glossary_entry(self, source_lang: str, target_lang: str, source: str) -> bool:
        with self.transaction() as session:
            row = session.scalar(
                select(GlossaryRow).where(
                    GlossaryRow.source_lang == source_lang,
                    GlossaryRow.target_lang == target_lang,
                    GlossaryRow.source == source,
                )
            )
            if row is None:
                return False
            session.delete(row)
            return True

    # -- posts -----------------------------------------------------------------------------

    def save_post(self, post: Post, *, claim: str | None = None) -> None:
        """Create or update the article's post and mark the article published; with
        ``claim``, only while that worker holds the approved article."""
        values = _post_values(post)
        with self.transaction() as session:
            if claim is not None:
                self._hold_one(session, post.article_id, claim, ArticleStatus.APPROVED)
            row = session.scalar(select(PostRow).where(PostRow.article_id == post.article_id))
            if row is None:
                session.add(PostRow(article_id=post.article_id, **values))
            elif row.content_hash != values["content_hash"]:
                for name, value in values.items():
                    setattr(row, name, value)
            article = session.get_one(ArticleRow, post.article_id)
            article.status = ArticleStatus.PUBLISHED.value
            article.error = article.failed_stage = None

    def posts(self) -> list[Post]:
        with self.transaction() as session:
            rows = session.scalars(select(PostRow).order_by(PostRow.published.desc(), PostRow.id))
            return [_post(row) for row in rows]

    # -- publications (where each post went) ------------------------------------------------

    def publication(self, article_id: int, target: str) -> Publication | None:
        with self.transaction() as session:
            row = session.scalar(
                select(PublicationRow).where(
                    PublicationRow.article_id == article_id, PublicationRow.target == target
                )
            )
            return _publication(row) if row else None

    def publications(self, target: str) -> list[Publication]:
        with self.transaction() as session:
            rows = session.scalars(
                select(PublicationRow)
                .where(PublicationRow.target == target)
                .order_by(PublicationRow.article_id)
            )
            return [_publication(row) for row in rows]

    def _publication_row(self, session: Session, article_id: int, target: str) -> PublicationRow:
        row = session.scalar(
            select(PublicationRow).where(
                PublicationRow.article_id == article_id, PublicationRow.target == target
            )
        )
        if row is None:
            row = PublicationRow(article_id=article_id, target=target, attempts=0)
            session.add(row)
        return row

    def begin_publication(self, article_id: int, target: str) -> None:
        """A request to the target is about to go out: until it is recorded as done, the
        next publish first looks on the target for a post this attempt may have made."""
        with self.transaction() as session:
            row = self._publication_row(session, article_id, target)
            row.status, row.error = "pending", None
            row.attempts += 1

    def record_publication(
        self,
        article_id: int,
        target: str,
        *,
        remote_id: str | None,
        remote_url: str | None,
        content_hash: str,
    ) -> None:
        """The post is on the target as ``content_hash``; its remote id makes the next
        publish an update."""
        with self.transaction() as session:
            row = self._publication_row(session, article_id, target)
            row.remote_id, row.remote_url = remote_id, remote_url
            if row.status != "pending":
                row.attempts += 1
            row.content_hash, row.status, row.error = content_hash, "done", None
            row.published_at = utcnow()

    def record_publication_failure(self, article_id: int, target: str, error: str) -> None:
        with self.transaction() as session:
            row = self._publication_row(session, article_id, target)
            if row.status != "pending":
                row.attempts += 1
            row.status, row.error = "failed", error

    # -- QA findings ---------------------------------------------------------------------

    def replace_findings(
        self, article_id: int, findings: Sequence[Finding], *, digest: str | None = None
    ) -> None:
        """The article's findings are exactly these now (a new check replaces the old);
        ``digest`` names the translation they were found on."""
        with self.transaction() as session:
            session.execute(
                update(ArticleRow).where(ArticleRow.id == article_id).values(qa_digest=digest)
            )
            session.query(FindingRow).filter(FindingRow.article_id == article_id).delete()
            for finding in findings:
                session.add(
                    FindingRow(
                        article_id=article_id,
                        position=finding.position,
                        check=finding.check,
                        severity=finding.severity.value,
                        message=finding.message,
                        span_start=finding.span[0] if finding.span else None,
                        span_end=finding.span[1] if finding.span else None,
                        resolved=finding.resolved,
                    )
                )

    def qa_digest(self, article_id: int) -> str | None:
        """The digest of the translation the stored findings were made on."""
        with self.transaction() as session:
            return session.scalar(select(ArticleRow.qa_digest).where(ArticleRow.id == article_id))

    def findings(self, article_id: int) -> list[Finding]:
        with self.transaction() as session:
            rows = session.scalars(
                select(FindingRow)
                .where(FindingRow.article_id == article_id)
                .order_by(FindingRow.position, FindingRow.id)
            )
            return [_finding(row) for row in rows]

    def override_qa(self, article_id: int) -> None:
        """An editor publishes despite open QA errors; the time is recorded."""
        with self.transaction() as session:
            session.get_one(ArticleRow, article_id).qa_overridden_at = utcnow()

    def qa_overridden(self, article_id: int) -> bool:
        with self.transaction() as session:
            return session.get_one(ArticleRow, article_id).qa_overridden_at is not None

    def slug_taken(self, slug: str, article_id: int) -> bool:
        with self.transaction() as session:
            owner = session.scalar(select(PostRow.article_id).where(PostRow.slug == slug))
            return owner is not None and owner != article_id


def _page(row: PageRow) -> Page:
    return Page(
        final_url=row.final_url,
        content_type=row.content_type,
        encoding=row.encoding,
        body=gzip.decompress(row.body),
        fetched_at=_aware(row.fetched_at) or utcnow(),
    )


def _publication(row: PublicationRow) -> Publication:
    return Publication(
        article_id=row.article_id,
        target=row.target,
        remote_id=row.remote_id,
        remote_url=row.remote_url,
        content_hash=row.content_hash,
        status=row.status,
        error=row.error,
        attempts=row.attempts,
        published_at=_aware(row.published_at),
    )


def _memory_entry(row: MemoryRow) -> MemoryEntry:
    return MemoryEntry(
        key=row.key,
        source_hash=row.source_hash,
        source_lang=row.source_lang,
        target_lang=row.target_lang,
        engine=row.engine,
        glossary_version=row.glossary_version,
        source_text=row.source_text,
        target_text=row.target_text,
        origin=row.origin,
        flags=tuple(row.flags or ()),
        updated_at=_aware(row.updated_at),
    )


def _finding(row: FindingRow) -> Finding:
    span = (row.span_start, row.span_end) if row.span_start is not None else None
    return Finding(
        check=row.check,
        severity=Severity(row.severity),
        message=row.message,
        position=row.position,
        span=span if span is None else (span[0], span[1] or span[0]),
        resolved=row.resolved,
    )


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _post_values(post: Post) -> dict[str, Any]:
    """A post as its row holds it; the hash lets a re-publish skip what did not change."""
    attribution = dataclasses.asdict(post.attribution)
    attribution["authors"] = list(post.attribution.authors)
    attribution["published"] = _iso(post.attribution.published)
    values: dict[str, Any] = {
        "slug": post.slug,
        "title": post.title,
        "lang": post.lang,
        "byline": post.byline,
        "lead_html": post.lead_html,
        "body_html": post.body_html,
        "attribution": attribution,
        "published": _iso(post.published),
        "excerpt_only": post.excerpt_only,
        "tags": list(post.tags),
        "pairs": [list(pair) for pair in post.pairs],
    }
    digest = hashlib.sha256(json.dumps(values, sort_keys=True).encode("utf-8")).hexdigest()
    return {**values, "content_hash": digest}


def _post(row: PostRow) -> Post:
    attribution: dict[str, Any] = dict(row.attribution)
    published = attribution["published"]
    return Post(
        article_id=row.article_id,
        slug=row.slug,
        title=row.title,
        lang=row.lang,
        byline=row.byline,
        lead_html=row.lead_html,
        body_html=row.body_html,
        attribution=Attribution(
            original_title=str(attribution["original_title"]),
            original_lang=str(attribution.get("original_lang", "")),
            url=str(attribution["url"]),
            authors=tuple(attribution["authors"]),
            published=date.fromisoformat(published) if published else None,
            site_name=str(attribution["site_name"]),
            license=attribution["license"],
            engine=str(attribution["engine"]),
            human_edited=bool(attribution["human_edited"]),
        ),
        published=date.fromisoformat(row.published) if row.published else None,
        excerpt_only=row.excerpt_only,
        tags=tuple(row.tags or ()),
        pairs=tuple((str(k), str(o), str(t)) for k, o, t in (row.pairs or ())),
        content_hash=row.content_hash,
    )
