"""The feeds, sitemaps and pages the desk follows: their health and their schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from foreigndesk.errors import DeskError
from foreigndesk.models import (
    ArticleStatus,
    Source,
)
from foreigndesk.store.guards import Repository, aware, hold_source
from foreigndesk.store.tables import (
    ArticleRow,
    SourceRow,
    utcnow,
)


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    items_taken: int
    consecutive_failures: int = 0
    next_check_at: datetime | None = None


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
        category=row.category,
        poll_every=row.poll_every,
    )


#: Sources the desk follows: not removed.
_FOLLOWED = SourceRow.removed_at.is_(None)

#: ``Sources.edit`` leaves a field as it is unless given.
KEEP: Any = object()


class Sources(Repository):
    """The feeds, sitemaps and pages the desk follows: their health and their schedule."""

    def add(
        self,
        url: str,
        lang: str,
        license: str | None = None,
        engine: str | None = None,
        kind: str = "auto",
        category: str | None = None,
        title: str | None = None,
    ) -> tuple[Source, bool]:
        """(the source, whether it is new). Adding a URL twice keeps the first; adding a
        removed one follows it again, as it was."""
        with self.transaction() as session:
            row = session.scalar(select(SourceRow).where(SourceRow.url == url))
            if row is not None:
                revived = row.removed_at is not None
                row.removed_at = None
                return _source(row), revived
            row = SourceRow(
                url=url,
                lang=lang,
                license=license,
                engine=engine,
                kind=kind,
                paused=False,
                consecutive_failures=0,
                category=category,
                title=title,
            )
            session.add(row)
            session.flush()
            return _source(row), True

    def engine(self, source_id: int) -> str | None:
        with self.transaction() as session:
            return session.get_one(SourceRow, source_id).engine

    def all(self, category: str | None = None) -> list[Source]:
        """The sources the desk follows (of one category)."""
        query = select(SourceRow).where(_FOLLOWED).order_by(SourceRow.id)
        if category is not None:
            query = query.where(SourceRow.category == category)
        with self.transaction() as session:
            return [_source(r) for r in session.scalars(query)]

    def categories(self) -> list[str]:
        with self.transaction() as session:
            found = session.scalars(
                select(SourceRow.category)
                .where(_FOLLOWED, SourceRow.category.is_not(None))
                .distinct()
                .order_by(SourceRow.category)
            )
            return [c for c in found if c]

    def edit(self, source_id: int, **changes: Any) -> Source:
        """Change what the user sets of a source: title, lang, license, engine, category,
        poll_every (each left as it is unless given)."""
        allowed = {"title", "lang", "license", "engine", "category", "poll_every"}
        unknown = set(changes) - allowed
        if unknown:
            raise DeskError(f"cannot edit {', '.join(sorted(unknown))} of a source")
        with self.transaction() as session:
            row = session.get(SourceRow, source_id)
            if row is None or row.removed_at is not None:
                raise DeskError(f"no source {source_id} — see `foreigndesk source list`")
            for name, value in changes.items():
                if value is not KEEP:
                    setattr(row, name, value)
            if changes.get("poll_every", KEEP) is not KEEP:
                row.next_check_at = None
            return _source(row)

    def remove(self, source_id: int, *, purge: bool = False) -> int:
        """Stop following a source; its articles and posts stay, unless ``purge`` deletes
        them with it. The number of articles deleted."""
        with self.transaction() as session:
            row = session.get(SourceRow, source_id)
            if row is None or (row.removed_at is not None and not purge):
                raise DeskError(f"no source {source_id} — see `foreigndesk source list`")
            if not purge:
                row.removed_at = utcnow()
                return 0
            count = session.scalar(
                select(func.count())
                .select_from(ArticleRow)
                .where(ArticleRow.source_id == source_id)
            )
            # Copies elsewhere that point at these articles stop pointing (they stay copies).
            theirs = select(ArticleRow.id).where(ArticleRow.source_id == source_id)
            session.execute(
                update(ArticleRow)
                .where(ArticleRow.duplicate_of.in_(theirs.scalar_subquery()))
                .values(duplicate_of=None),
                execution_options={"synchronize_session": False},
            )
            session.delete(row)
            return int(count or 0)

    def health(self) -> list[SourceHealth]:
        with self.transaction() as session:
            return [
                SourceHealth(
                    source=_source(r),
                    last_checked_at=aware(r.last_checked_at),
                    last_success_at=aware(r.last_success_at),
                    last_error=r.last_error,
                    items_taken=r.items_taken,
                    consecutive_failures=r.consecutive_failures,
                    next_check_at=aware(r.next_check_at),
                )
                for r in session.scalars(select(SourceRow).where(_FOLLOWED).order_by(SourceRow.id))
            ]

    def validators(self, source_id: int) -> tuple[str | None, str | None]:
        with self.transaction() as session:
            row = session.get_one(SourceRow, source_id)
            return row.etag, row.last_modified

    def record_success(
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
            row = hold_source(session, source_id, claim)
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
        interval = row.poll_every or interval
        if interval is not None:
            row.interval_seconds = interval
            row.next_check_at = now + timedelta(seconds=interval)

    def record_not_modified(
        self, source_id: int, interval: int | None = None, *, claim: str | None = None
    ) -> None:
        now = utcnow()
        with self.transaction() as session:
            row = hold_source(session, source_id, claim)
            row.last_checked_at = row.last_success_at = now
            row.last_error = None
            row.consecutive_failures = 0
            self._schedule(row, interval, now)

    def record_error(
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
            row = hold_source(session, source_id, claim)
            row.last_checked_at = now
            row.last_error = error
            row.consecutive_failures += 1
            self._schedule(row, retry_in, now)
            if row.consecutive_failures >= pause_after and not row.paused:
                row.paused = True
                return True
            return False

    def move(self, source_id: int, url: str, kind: str) -> bool:
        """Point a source at the feed its homepage announced; False if that feed is
        already a source of its own."""
        with self.transaction() as session:
            if session.scalar(select(SourceRow.id).where(SourceRow.url == url)) is not None:
                return False
            row = session.get_one(SourceRow, source_id)
            row.url, row.kind = url, kind
            row.etag = row.last_modified = None
            return True

    def get(self, source_id: int) -> Source | None:
        with self.transaction() as session:
            row = session.get(SourceRow, source_id)
            return _source(row) if row is not None else None

    def set_paused(self, source_id: int, paused: bool) -> Source:
        with self.transaction() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                raise DeskError(f"no source {source_id} — see `foreigndesk source list`")
            row.paused = paused
            if not paused:
                row.consecutive_failures = 0
                row.next_check_at = None
            return _source(row)

    def interval(self, source_id: int) -> int | None:
        with self.transaction() as session:
            return session.get_one(SourceRow, source_id).interval_seconds

    def due(self, now: datetime | None = None) -> list[Source]:
        """Sources `watch` should check now: not paused, and their time has come."""
        now = now or utcnow()
        with self.transaction() as session:
            rows = session.scalars(
                select(SourceRow)
                .where(
                    _FOLLOWED,
                    SourceRow.paused.is_(False),
                    or_(SourceRow.next_check_at.is_(None), SourceRow.next_check_at <= now),
                )
                .order_by(SourceRow.id)
            )
            return [_source(row) for row in rows]

    def next_check(self) -> datetime | None:
        with self.transaction() as session:
            value = session.scalar(
                select(func.min(SourceRow.next_check_at)).where(
                    _FOLLOWED, SourceRow.paused.is_(False)
                )
            )
            return aware(value)
