"""What every repository shares: the store it works through, and the guarded first
write with which a stage's commit checks that its claim still holds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, bindparam, or_, update
from sqlalchemy.orm import Session

from foreigndesk.models import ArticleStatus
from foreigndesk.store.claims import ClaimLost
from foreigndesk.store.tables import ArticleRow, SourceRow, table_of

if TYPE_CHECKING:
    from foreigndesk.store.repository import Store


class Repository:
    """One aggregate's queries; each public method is one transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._store.transaction() as session:
            yield session

    def _insert(self, table: type[object]):  # type: ignore[no-untyped-def]
        return self._store._insert(table)


def aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything the desk stores is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


_ARTICLES = table_of(ArticleRow)
#: ``hold``'s statement, built once: it opens every commit of every stage, and building
#: it each time cost more than running it.
_HOLD = (
    update(_ARTICLES)
    .where(
        _ARTICLES.c.id.in_(bindparam("ids", expanding=True)),
        _ARTICLES.c.claimed_by == bindparam("claim"),
        or_(
            _ARTICLES.c.status == bindparam("stage"),
            (_ARTICLES.c.status == ArticleStatus.FAILED.value)
            & (_ARTICLES.c.failed_stage == bindparam("stage")),
        ),
    )
    .values(claim_expires_at=_ARTICLES.c.claim_expires_at)
    .returning(_ARTICLES.c.id)
)


def hold(
    session: Session, article_ids: Sequence[int], claim: str | None, stage: ArticleStatus
) -> list[int]:
    """The first write of a stage's commit: of ``article_ids``, those still claimed by
    ``claim`` and still waiting for ``stage``, now locked by this transaction.

    Writing first matters: on SQLite the transaction takes the write lock here, before it
    reads anything, so no other writer can slip in between its reads and its writes; on
    PostgreSQL the rows stay locked until the commit. Without a claim (a command on one
    article) every id is held.
    """
    if claim is None:
        return list(article_ids)
    held = session.connection().execute(
        _HOLD, {"ids": list(article_ids), "claim": claim, "stage": stage.value}
    )
    return list(held.scalars())


def hold_one(
    session: Session, article_id: int, claim: str | None, stage: ArticleStatus
) -> ArticleRow:
    """``hold`` for one article, whose row comes back with the claim ended; ClaimLost
    when another worker holds it now."""
    if not hold(session, [article_id], claim, stage):
        raise ClaimLost(f"article {article_id}")
    row = session.get_one(ArticleRow, article_id)
    row.claimed_by = row.claim_expires_at = None
    return row


def hold_source(session: Session, source_id: int, claim: str | None) -> SourceRow:
    """The source's row, its claim ended; ClaimLost when another worker holds it now."""
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
