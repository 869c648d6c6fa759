"""Claims: which worker holds which item, until when.

Every stage takes an item by *claiming* it: one guarded ``UPDATE`` that writes the
worker's name and a lease on rows that nobody holds (or whose lease ran out), skipping
rows another transaction is claiming at that moment (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite lets one writer in at a time, which gives the same guarantee). The
stage's result is then written only while the claim is still the worker's own, so two
`run`s, or twenty Celery workers, on one store never do one item's work twice.

A worker that dies leaves its claims behind. Its leases run out (a live worker renews
its own with a heartbeat), and a dead process on *this* machine is recognised at once by
its name: host, pid and the process's start time, so a later `run` after a `kill -9`
takes the items straight back instead of waiting for the lease.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from foreigndesk.models import ArticleStatus
from foreigndesk.store.tables import ArticleRow, LockRow, SegmentClaimRow, SourceRow, utcnow


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, from /proc; None if it is gone
    (or /proc is not there)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # Field 22 of stat(5); the split above starts at field 3.
    return fields[19].decode() if len(fields) > 19 else None


@dataclass(frozen=True)
class Worker:
    """A process that claims work, named so that its death can be told on its own host."""

    host: str
    pid: int
    started: str

    @classmethod
    def current(cls) -> Worker:
        return _current(os.getpid())

    @property
    def name(self) -> str:
        return f"{self.host}:{self.pid}:{self.started}"

    @staticmethod
    def is_dead_here(name: str) -> bool:
        """True when ``name`` is a worker on this machine whose process has ended (its pid
        gone, or taken by a process started at another time)."""
        host, _, rest = name.partition(":")
        pid, _, started = rest.partition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return False
        return _process_start(int(pid)) != started


@cache
def _current(pid: int) -> Worker:
    # Cached per pid: a forked child is a worker of its own.
    return Worker(socket.gethostname(), pid, _process_start(pid) or "0")


def segment_claim_key(source_hash: str, source_lang: str, target_lang: str, version: str) -> str:
    """The in-flight key of a segment: its text, pair and glossary version, not its
    engine (whichever engine translates it, it is paid for once)."""
    raw = "\x1f".join((source_hash, source_lang, target_lang, version))
    return hashlib.sha256(raw.encode()).hexdigest()


def waiting_for(status: ArticleStatus, now: datetime) -> ColumnElement[bool]:
    """Articles in ``status``, and failed ones to retry from it whose wait is over."""
    return or_(
        ArticleRow.status == status.value,
        (ArticleRow.status == ArticleStatus.FAILED.value)
        & (ArticleRow.failed_stage == status.value)
        & (ArticleRow.retry_at <= now),
    )


def _free(table: type[ArticleRow] | type[SourceRow], now: datetime) -> ColumnElement[bool]:
    return or_(table.claimed_by.is_(None), table.claim_expires_at < now)


class ClaimLost(Exception):
    """The item's lease ran out and another worker took it: this worker's result is
    dropped, and the other's stands."""


class Claims:
    """Claiming, renewing and releasing items, segments and locks; each call is one
    transaction."""

    def __init__(self, sessions: sessionmaker[Session], dialect: str) -> None:
        self._sessions = sessions
        self._dialect = dialect

    def _insert(self, table: type[object]):  # type: ignore[no-untyped-def]
        return pg_insert(table) if self._dialect == "postgresql" else sqlite_insert(table)

    # -- articles and sources --------------------------------------------------------------

    def articles(
        self,
        status: ArticleStatus,
        worker: str,
        lease: timedelta,
        *,
        ids: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> list[int]:
        """Claim articles waiting for the stage that takes ``status`` (only ``ids``, if
        given), oldest first; returns the ids now held by ``worker``."""
        now = utcnow()
        chosen = (
            select(ArticleRow.id)
            .where(waiting_for(status, now), _free(ArticleRow, now))
            .order_by(ArticleRow.id)
            .with_for_update(skip_locked=True)
        )
        if ids is not None:
            if not ids:
                return []
            chosen = chosen.where(ArticleRow.id.in_(list(ids)))
        if limit is not None:
            chosen = chosen.limit(limit)
        statement = (
            update(ArticleRow)
            .where(ArticleRow.id.in_(chosen.scalar_subquery()))
            .values(claimed_by=worker, claim_expires_at=now + lease)
            .returning(ArticleRow.id)
        )
        with self._sessions() as session, session.begin():
            claimed = session.execute(statement, execution_options={"synchronize_session": False})
            return sorted(claimed.scalars())

    def sources(self, ids: Sequence[int], worker: str, lease: timedelta) -> list[int]:
        """Claim the named sources that no other worker is checking now."""
        if not ids:
            return []
        now = utcnow()
        chosen = (
            select(SourceRow.id)
            .where(SourceRow.id.in_(list(ids)), _free(SourceRow, now))
            .with_for_update(skip_locked=True)
        )
        statement = (
            update(SourceRow)
            .where(SourceRow.id.in_(chosen.scalar_subquery()))
            .values(claimed_by=worker, claim_expires_at=now + lease)
            .returning(SourceRow.id)
        )
        with self._sessions() as session, session.begin():
            claimed = session.execute(statement, execution_options={"synchronize_session": False})
            return sorted(claimed.scalars())

    def release(
        self, worker: str, *, articles: Iterable[int] = (), sources: Iterable[int] = ()
    ) -> None:
        """Give back items claimed and not worked on (a stop, a skipped item)."""
        tables: tuple[tuple[type[ArticleRow] | type[SourceRow], list[int]], ...] = (
            (ArticleRow, list(articles)),
            (SourceRow, list(sources)),
        )
        with self._sessions() as session, session.begin():
            for table, ids in tables:
                if ids:
                    session.execute(
                        update(table)
                        .where(table.id.in_(ids), table.claimed_by == worker)
                        .values(claimed_by=None, claim_expires_at=None),
                        execution_options={"synchronize_session": False},
                    )

    def renew(self, worker: str, lease: timedelta) -> None:
        """Extend every lease ``worker`` holds: the heartbeat of a live worker."""
        until = utcnow() + lease
        with self._sessions() as session, session.begin():
            for table in (ArticleRow, SourceRow):
                session.execute(
                    update(table).where(table.claimed_by == worker).values(claim_expires_at=until),
                    execution_options={"synchronize_session": False},
                )
            for other in (SegmentClaimRow, LockRow):
                session.execute(
                    update(other).where(other.claimed_by == worker).values(expires_at=until),
                    execution_options={"synchronize_session": False},
                )

    def release_dead(self) -> int:
        """Free what workers that died on this machine still hold; returns how many
        workers were found dead."""
        tables: tuple[Any, ...] = (ArticleRow, SourceRow, SegmentClaimRow, LockRow)
        with self._sessions() as session, session.begin():
            holders: set[str] = set()
            for table in tables:
                holders.update(
                    session.scalars(
                        select(table.claimed_by).where(table.claimed_by.is_not(None)).distinct()
                    )
                )
            dead = [name for name in holders if Worker.is_dead_here(name)]
            if not dead:
                return 0
            for table in (ArticleRow, SourceRow):
                session.execute(
                    update(table)
                    .where(table.claimed_by.in_(dead))
                    .values(claimed_by=None, claim_expires_at=None),
                    execution_options={"synchronize_session": False},
                )
            for other in (SegmentClaimRow, LockRow):
                session.execute(delete(other).where(other.claimed_by.in_(dead)))
            return len(dead)

    # -- in-flight segments ----------------------------------------------------------------

    def segments(self, keys: Collection[str], worker: str, lease: timedelta) -> set[str]:
        """Claim the segments nobody is translating now; returns the keys won."""
        if not keys:
            return set()
        now = utcnow()
        won: set[str] = set()
        with self._sessions() as session, session.begin():
            # Take over expired claims first, then insert the keys nobody holds.
            taken = session.execute(
                update(SegmentClaimRow)
                .where(SegmentClaimRow.key.in_(list(keys)), SegmentClaimRow.expires_at < now)
                .values(claimed_by=worker, expires_at=now + lease)
                .returning(SegmentClaimRow.key),
                execution_options={"synchronize_session": False},
            )
            won.update(taken.scalars())
            rows = [
                {"key": key, "claimed_by": worker, "expires_at": now + lease}
                for key in sorted(set(keys) - won)
            ]
            if rows:
                statement = (
                    self._insert(SegmentClaimRow)
                    .on_conflict_do_nothing(index_elements=["key"])
                    .returning(SegmentClaimRow.key)
                )
                won.update(session.connection().execute(statement, rows).scalars())
        return won

    def held_segments(self, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` some live lease still holds."""
        if not keys:
            return set()
        with self._sessions() as session, session.begin():
            return set(
                session.scalars(
                    select(SegmentClaimRow.key).where(
                        SegmentClaimRow.key.in_(list(keys)), SegmentClaimRow.expires_at >= utcnow()
                    )
                )
            )

    @staticmethod
    def drop_segments(session: Session, keys: Collection[str], worker: str) -> None:
        """Within the transaction that stores their translations: the segments are no
        longer in flight."""
        if keys:
            session.execute(
                delete(SegmentClaimRow).where(
                    SegmentClaimRow.key.in_(list(keys)), SegmentClaimRow.claimed_by == worker
                )
            )

    # -- named locks -----------------------------------------------------------------------

    def lock(self, name: str, worker: str, lease: timedelta) -> bool:
        """Take the lock ``name`` unless another worker holds it; True when taken."""
        now = utcnow()
        with self._sessions() as session, session.begin():
            result = cast(
                CursorResult[Any],
                session.execute(
                    update(LockRow)
                    .where(
                        LockRow.name == name,
                        or_(LockRow.expires_at < now, LockRow.claimed_by == worker),
                    )
                    .values(claimed_by=worker, expires_at=now + lease),
                    execution_options={"synchronize_session": False},
                ),
            )
            if result.rowcount:
                return True
            inserted = session.execute(
                self._insert(LockRow)
                .values(name=name, claimed_by=worker, expires_at=now + lease)
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(LockRow.name)
            )
            return inserted.first() is not None

    def unlock(self, name: str, worker: str) -> None:
        with self._sessions() as session, session.begin():
            session.execute(
                delete(LockRow).where(LockRow.name == name, LockRow.claimed_by == worker)
            )


__all__ = ["ClaimLost", "Claims", "Worker", "segment_claim_key", "waiting_for"]
