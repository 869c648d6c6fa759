"""The translation memory, what the engines billed, and the glossary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from foreigndesk.models import (
    ArticleStatus,
    MemoryEntry,
    NameOffer,
)
from foreigndesk.store.claims import ClaimLost
from foreigndesk.store.guards import Repository, aware, hold
from foreigndesk.store.tables import (
    ArticleRow,
    EngineUsageRow,
    GlossaryRow,
    MemoryRow,
    NameOfferRow,
    utcnow,
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
        updated_at=aware(row.updated_at),
    )


class Memory(Repository):
    """The translation memory, what the engines billed, and the glossary."""

    def candidates(
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

    def entries(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> list[MemoryEntry]:
        with self.transaction() as session:
            query = select(MemoryRow).order_by(MemoryRow.id)
            if source_lang:
                query = query.where(MemoryRow.source_lang == source_lang)
            if target_lang:
                query = query.where(MemoryRow.target_lang == target_lang)
            return [_memory_entry(row) for row in session.scalars(query)]

    def save(self, entries: Sequence[MemoryEntry], *, replace: bool = False) -> int:
        """Store entries; an existing key is kept, or overwritten with ``replace``."""
        with self.transaction() as session:
            return self._save(session, entries, replace=replace)

    def _save(self, session: Session, entries: Sequence[MemoryEntry], *, replace: bool) -> int:
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
        article_values: Mapping[str, Any] | None = None,
    ) -> None:
        """New memory entries, each engine's (calls, billed, unit), and the article's next
        status, in one transaction. Without a next status the article stays where it is
        (and its claim with it): what was translated is kept for the retry. ``segments``
        are the in-flight claims (keys) these entries answer: they end in the same
        transaction. ``article_values`` are written on the article's row as well (the
        brief of triage).

        The memory and the bill are written even when the article's claim was lost: the
        engine was paid, and its answer serves whoever holds the article now."""
        month = utcnow().strftime("%Y-%m")
        with self.transaction() as session:
            held = hold(session, [article_id], claim, ArticleStatus.EXTRACTED)
            self._save(session, entries, replace=False)
            if claim is not None:
                self._store.claims.drop_segments(session, segments, claim)
            for name, (calls, billed, unit) in usage.items():
                if not calls and not billed:
                    continue  # tokens spent on refused answers are billed without a call
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
            if article_values and held:
                row = session.get_one(ArticleRow, article_id)
                for name, value in article_values.items():
                    setattr(row, name, value)
            if next_status is not None and held:
                row = session.get_one(ArticleRow, article_id)
                row.engine, row.target_lang = engine, target_lang
                row.status, row.error, row.failed_stage = next_status.value, None, None
                row.claimed_by = row.claim_expires_at = None
        if not held:
            raise ClaimLost(f"article {article_id}")

    def usage(self, month: str | None = None) -> dict[str, tuple[int, int]]:
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
        with self.transaction() as session:
            return sum(
                _put_term(session, source_lang, target_lang, source, target)
                for source, target in terms
            )

    def remove_glossary_entry(self, source_lang: str, target_lang: str, source: str) -> bool:
        with self.transaction() as session:
            row = _term_row(session, GlossaryRow, source_lang, target_lang, source)
            if row is None:
                return False
            session.delete(row)
            return True

    # -- names to confirm (translate/names.py) ------------------------------------------

    def offer_names(self, offers: Iterable[NameOffer]) -> int:
        """Keep each name for an editor to confirm, unless the glossary has it or it was
        offered (or dismissed) before; returns how many are new."""
        added = 0
        with self.transaction() as session:
            for offer in offers:
                if _term_row(
                    session, GlossaryRow, offer.source_lang, offer.target_lang, offer.name
                ):
                    continue
                statement = (
                    self._insert(NameOfferRow)
                    .values(
                        source_lang=offer.source_lang,
                        target_lang=offer.target_lang,
                        source=offer.name,
                        target=offer.spelling,
                        engine=offer.engine,
                        article_id=offer.article_id,
                        dismissed=False,
                        created_at=utcnow(),
                    )
                    .on_conflict_do_nothing(index_elements=["source_lang", "target_lang", "source"])
                )
                added += len(session.execute(statement.returning(NameOfferRow.id)).all())
        return added

    def names_met(self, source_lang: str, target_lang: str, names: Iterable[str]) -> set[str]:
        """Which of ``names`` were offered before (waiting or dismissed), or are in the
        glossary: the ones not to translate and offer again."""
        wanted = list(set(names))
        if not wanted:
            return set()
        with self.transaction() as session:
            return {
                name
                for table in (NameOfferRow, GlossaryRow)
                for name in session.scalars(
                    select(table.source).where(
                        *_of_pair(table, source_lang, target_lang), table.source.in_(wanted)
                    )
                )
            }

    def name_offers(
        self, source_lang: str, target_lang: str, names: Iterable[str] | None = None
    ) -> list[NameOffer]:
        """The names of the pair waiting to be confirmed (of ``names`` only, when given),
        oldest first; a name put in the glossary by other means is no longer waiting."""
        in_glossary = (
            select(GlossaryRow.id)
            .where(
                *_of_pair(GlossaryRow, source_lang, target_lang),
                GlossaryRow.source == NameOfferRow.source,
            )
            .exists()
        )
        query = select(NameOfferRow).where(
            *_of_pair(NameOfferRow, source_lang, target_lang),
            NameOfferRow.dismissed.is_(False),
            ~in_glossary,
        )
        if names is not None:
            query = query.where(NameOfferRow.source.in_(list(names)))
        with self.transaction() as session:
            return [
                NameOffer(
                    row.source_lang,
                    row.target_lang,
                    row.source,
                    row.target,
                    row.engine,
                    row.article_id,
                )
                for row in session.scalars(query.order_by(NameOfferRow.id))
            ]

    def confirm_name(
        self, source_lang: str, target_lang: str, terms: Sequence[tuple[str, str]]
    ) -> None:
        """Put ``terms`` (a name and its spelling, and perhaps its surname's) in the
        glossary and take their offers away, in one transaction."""
        with self.transaction() as session:
            for source, target in terms:
                _put_term(session, source_lang, target_lang, source, target)
                offer = _term_row(session, NameOfferRow, source_lang, target_lang, source)
                if offer is not None:
                    session.delete(offer)

    def dismiss_name(self, source_lang: str, target_lang: str, name: str) -> bool:
        """Never offer ``name`` again; False when it is not on offer."""
        with self.transaction() as session:
            offer = _term_row(session, NameOfferRow, source_lang, target_lang, name)
            if offer is None or offer.dismissed:
                return False
            offer.dismissed = True
            return True


def _put_term(
    session: Session, source_lang: str, target_lang: str, source: str, target: str
) -> bool:
    """Add a glossary term or respell it; whether anything changed."""
    row = _term_row(session, GlossaryRow, source_lang, target_lang, source)
    if row is None:
        session.add(
            GlossaryRow(
                source_lang=source_lang, target_lang=target_lang, source=source, target=target
            )
        )
        return True
    if row.target == target:
        return False
    row.target = target
    return True


def _of_pair(
    table: type[GlossaryRow] | type[NameOfferRow], source_lang: str, target_lang: str
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The conditions for one language pair's rows of a table keyed by pair and term."""
    return table.source_lang == source_lang, table.target_lang == target_lang


_Term = TypeVar("_Term", GlossaryRow, NameOfferRow)


def _term_row(
    session: Session, table: type[_Term], source_lang: str, target_lang: str, source: str
) -> _Term | None:
    """A glossary term's or a name offer's row, by pair and source term."""
    return session.scalar(
        select(table).where(*_of_pair(table, source_lang, target_lang), table.source == source)
    )
