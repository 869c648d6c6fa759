"""Editors' saves, guarded against each other: a save goes through only if what the
editor started from is still what the desk holds, and every save, kept or refused, is in
the block's history.

A block's version is that of its editor's translation in the memory (none yet: the
machine's); an article's title, tags, title template and lead share one counter. Each
check and its write are one transaction whose first statement writes, so on SQLite two
saves cannot both read the old version; on PostgreSQL an advisory lock on the memory key
orders them.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from foreigndesk.errors import DeskError
from foreigndesk.models import MemoryEntry
from foreigndesk.store.guards import Repository, aware
from foreigndesk.store.tables import ArticleRow, BlockEditRow, MemoryRow

#: The version of a block no editor has translated yet.
MACHINE_VERSION = "machine"


def block_version(human_text: str | None) -> str:
    """The version a form carries for a block whose editor's translation is this."""
    if human_text is None:
        return MACHINE_VERSION
    return hashlib.sha256(human_text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class BlockEdit:
    article_id: int
    position: int
    editor: str
    at: datetime | None
    text: str
    outcome: str
    other: str | None


def _edit(row: BlockEditRow) -> BlockEdit:
    return BlockEdit(
        row.article_id, row.position, row.editor, aware(row.at), row.text, row.outcome, row.other
    )


class Edits(Repository):
    def save_block(
        self, entry: MemoryEntry, *, expect: str, article_id: int, position: int, editor: str
    ) -> BlockEdit:
        """Keep ``entry`` (an editor's translation) when the block's version is still
        ``expect``; either way the attempt is in the history (its ``outcome`` says which)."""
        with self.transaction() as session:
            attempt = BlockEditRow(
                article_id=article_id,
                position=position,
                editor=editor,
                text=entry.target_text,
                outcome="pending",
            )
            session.add(attempt)
            session.flush()  # the first statement writes: SQLite's write lock from here
            if self._store.engine.dialect.name == "postgresql":
                session.execute(select(func.pg_advisory_xact_lock(zlib.crc32(entry.key.encode()))))
            current = session.scalar(
                select(MemoryRow.target_text).where(MemoryRow.key == entry.key)
            )
            attempt.other = current
            if block_version(current) != expect:
                attempt.outcome = "conflict"
                return _edit(attempt)
            self._store.memory._save(session, [entry], replace=True)
            attempt.outcome = "saved"
            return _edit(attempt)

    def history(self, article_id: int) -> list[BlockEdit]:
        """Every save of the article's blocks, newest first."""
        with self.transaction() as session:
            rows = session.scalars(
                select(BlockEditRow)
                .where(BlockEditRow.article_id == article_id)
                .order_by(BlockEditRow.id.desc())
            )
            return [_edit(row) for row in rows]

    def bump(self, article_id: int, expect: int) -> bool:
        """Raise the article's edit version from ``expect``; False when a save from
        another form raised it first."""
        with self.transaction() as session:
            done = session.execute(
                update(ArticleRow)
                .where(ArticleRow.id == article_id, ArticleRow.edit_version == expect)
                .values(edit_version=ArticleRow.edit_version + 1),
                execution_options={"synchronize_session": False},
            )
            if cast(CursorResult[Any], done).rowcount:
                return True
            if session.get(ArticleRow, article_id) is None:
                raise DeskError(f"no article {article_id} — see the inbox")
            return False

    def version(self, article_id: int) -> int:
        with self.transaction() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise DeskError(f"no article {article_id} — see the inbox")
            return row.edit_version
