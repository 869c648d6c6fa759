"""Triage in the store: the rules made in the desk, and an editor's picks and dismissals.

A pick moves a triaged (or dismissed) article back to ``extracted`` with ``picked_at``
set, so the translate stage takes it in full on the next run; a dismissal takes it out of
the editor's way. Both are guarded on the status they expect, like every status write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update

from foreigndesk.errors import DeskError
from foreigndesk.models import ArticleStatus
from foreigndesk.store.guards import Repository
from foreigndesk.store.tables import ArticleRow, TriageRuleRow, utcnow
from foreigndesk.triage.rules import RuleAction, TriageRule

#: Statuses an editor may pick from or dismiss from.
PICKABLE = (ArticleStatus.TRIAGED, ArticleStatus.DISMISSED, ArticleStatus.EXTRACTED)
DISMISSABLE = (ArticleStatus.TRIAGED, ArticleStatus.EXTRACTED)


def _rule(row: TriageRuleRow) -> TriageRule:
    return TriageRule(
        action=RuleAction(row.action),
        words=tuple(row.words or ()),
        pattern=row.pattern,
        authors=tuple(row.authors or ()),
        tags=tuple(row.tags or ()),
        min_chars=row.min_chars,
        max_chars=row.max_chars,
        source_id=row.source_id,
        label=f"rule {row.id}",
    )


class TriageRules(Repository):
    def all(self) -> list[tuple[int, TriageRule]]:
        """(id, rule) of every rule made in the desk, oldest first."""
        with self.transaction() as session:
            rows = session.scalars(select(TriageRuleRow).order_by(TriageRuleRow.id))
            return [(row.id, _rule(row)) for row in rows]

    def add(self, rule: TriageRule) -> int:
        with self.transaction() as session:
            row = TriageRuleRow(
                source_id=rule.source_id,
                action=rule.action.value,
                words=list(rule.words),
                pattern=rule.pattern,
                authors=list(rule.authors),
                tags=list(rule.tags),
                min_chars=rule.min_chars,
                max_chars=rule.max_chars,
            )
            session.add(row)
            session.flush()
            return row.id

    def remove(self, rule_id: int) -> None:
        with self.transaction() as session:
            done = session.execute(delete(TriageRuleRow).where(TriageRuleRow.id == rule_id))
            if not cast(CursorResult[Any], done).rowcount:
                raise DeskError(f"no triage rule {rule_id} — see the desk's sources page")

    # -- an editor's decisions -------------------------------------------------------------

    def pick(self, article_ids: Sequence[int], reason: str) -> list[int]:
        """Send triaged or dismissed articles to full translation; the ids moved."""
        return self._move(article_ids, PICKABLE, ArticleStatus.EXTRACTED, reason, picked=True)

    def dismiss(self, article_ids: Sequence[int], reason: str) -> list[int]:
        return self._move(article_ids, DISMISSABLE, ArticleStatus.DISMISSED, reason)

    def _move(
        self,
        article_ids: Sequence[int],
        expect: Sequence[ArticleStatus],
        status: ArticleStatus,
        reason: str,
        *,
        picked: bool = False,
    ) -> list[int]:
        values: dict[str, Any] = {
            "status": status.value,
            "triage_reason": reason,
            "error": None,
            "failed_stage": None,
            "attempts": 0,
        }
        if picked:
            values["picked_at"] = utcnow()
        with self.transaction() as session:
            moved = session.execute(
                update(ArticleRow)
                .where(
                    ArticleRow.id.in_(list(article_ids)),
                    ArticleRow.status.in_([s.value for s in expect]),
                )
                .values(**values)
                .returning(ArticleRow.id),
                execution_options={"synchronize_session": False},
            )
            return sorted(moved.scalars())

    def queued(self) -> list[int]:
        """Picked articles whose full translation has not been made yet."""
        with self.transaction() as session:
            return list(
                session.scalars(
                    select(ArticleRow.id).where(
                        ArticleRow.picked_at.is_not(None),
                        ArticleRow.status == ArticleStatus.EXTRACTED.value,
                    )
                )
            )
