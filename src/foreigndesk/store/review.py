"""The review desk's own queries: the inbox, an editor's changes to an article and a
source, and the figures on the stats page. The pipeline's queries live in the
aggregates' repositories (articles.py, pages.py, …)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from foreigndesk.errors import DeskError
from foreigndesk.models import ArticleStatus, Severity, Source
from foreigndesk.store.repository import Store
from foreigndesk.store.tables import (
    ArticleRow,
    EngineUsageRow,
    FindingRow,
    SourceRow,
    utcnow,
)

#: Statuses an editor may reject from: anything not yet out of the desk's hands.
REJECTABLE = (
    ArticleStatus.DISCOVERED,
    ArticleStatus.FETCHED,
    ArticleStatus.EXTRACTED,
    ArticleStatus.DUPLICATE,
    ArticleStatus.TRANSLATED,
    ArticleStatus.IN_REVIEW,
    ArticleStatus.APPROVED,
    ArticleStatus.FAILED,
)

#: The QA filter's choices.
QA_FILTERS = ("errors", "warnings", "clean")


@dataclass(frozen=True)
class InboxFilter:
    status: str | None = None
    source_id: int | None = None
    category: str | None = None
    lang: str | None = None
    qa: str | None = None
    search: str | None = None
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class InboxRow:
    id: int
    title: str | None
    url: str
    status: str
    source_id: int
    source: str
    lang: str
    published: str | None
    discovered_at: datetime | None
    errors: int
    warnings: int
    infos: int


@dataclass(frozen=True)
class Stats:
    per_source: list[tuple[str, int]]
    per_day: list[tuple[date, int]]
    #: (month, engine, calls, units billed), by month.
    usage: list[tuple[str, str, int, int]]
    #: (check, severity, open findings), most first.
    findings: list[tuple[str, str, int]]


def _open_count(severity: Severity) -> Any:
    return (
        select(func.count())
        .where(
            FindingRow.article_id == ArticleRow.id,
            FindingRow.severity == severity.value,
            FindingRow.resolved.is_(False),
        )
        .correlate(ArticleRow)
        .scalar_subquery()
    )


class Review:
    """What the review desk asks of the store beyond the pipeline's own queries."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- inbox ---------------------------------------------------------------------------

    def inbox(self, chosen: InboxFilter) -> tuple[list[InboxRow], int]:
        """The articles the filter picks, newest first, and how many there are in all."""
        errors = _open_count(Severity.ERROR).label("errors")
        warnings = _open_count(Severity.WARNING).label("warnings")
        infos = _open_count(Severity.INFO).label("infos")
        lang = func.coalesce(ArticleRow.lang, SourceRow.lang)
        query = select(ArticleRow, SourceRow, errors, warnings, infos).join(
            SourceRow, SourceRow.id == ArticleRow.source_id
        )
        if chosen.status:
            query = query.where(ArticleRow.status == chosen.status)
        if chosen.source_id is not None:
            query = query.where(ArticleRow.source_id == chosen.source_id)
        if chosen.category is not None:
            query = query.where(SourceRow.category == chosen.category)
        if chosen.lang:
            query = query.where(lang == chosen.lang)
        if chosen.qa == "errors":
            query = query.where(errors > 0)
        elif chosen.qa == "warnings":
            query = query.where(warnings > 0)
        elif chosen.qa == "clean":
            query = query.where(errors == 0, warnings == 0)
        if chosen.search:
            pattern = (
                "%"
                + chosen.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            query = query.where(
                or_(
                    ArticleRow.title.ilike(pattern, escape="\\"),
                    ArticleRow.url.ilike(pattern, escape="\\"),
                    ArticleRow.site_name.ilike(pattern, escape="\\"),
                )
            )
        with self.store.transaction() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.execute(
                query.order_by(ArticleRow.id.desc()).limit(chosen.limit).offset(chosen.offset)
            )
            found = [
                InboxRow(
                    id=article.id,
                    title=article.title,
                    url=article.url,
                    status=article.status,
                    source_id=source.id,
                    source=source.title or source.url,
                    lang=article.lang or source.lang,
                    published=article.published,
                    discovered_at=article.discovered_at,
                    errors=int(e or 0),
                    warnings=int(w or 0),
                    infos=int(i or 0),
                )
                for article, source, e, w, i in rows
            ]
        return found, int(total)

    def languages(self) -> list[str]:
        with self.store.transaction() as session:
            values = session.scalars(
                select(func.coalesce(ArticleRow.lang, SourceRow.lang))
                .join(SourceRow, SourceRow.id == ArticleRow.source_id)
                .distinct()
            )
            return sorted(v for v in values if v)

    def neighbours(self, article_id: int, status: str) -> tuple[int | None, int | None]:
        """The previous and next article in ``status`` around this one, by id."""
        with self.store.transaction() as session:
            before = session.scalar(
                select(func.max(ArticleRow.id)).where(
                    ArticleRow.status == status, ArticleRow.id < article_id
                )
            )
            after = session.scalar(
                select(func.min(ArticleRow.id)).where(
                    ArticleRow.status == status, ArticleRow.id > article_id
                )
            )
            return before, after

    def reject(self, article_ids: list[int]) -> int:
        """Reject the articles that are still in the desk's hands; returns how many."""
        if not article_ids:
            return 0
        with self.store.transaction() as session:
            result = session.execute(
                update(ArticleRow)
                .where(
                    ArticleRow.id.in_(article_ids),
                    ArticleRow.status.in_([s.value for s in REJECTABLE]),
                )
                .values(status=ArticleStatus.REJECTED.value, error=None, failed_stage=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    # -- an editor's changes to an article ---------------------------------------------

    def set_tags(self, article_id: int, tags: list[str]) -> None:
        with self.store.transaction() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise DeskError(f"no article {article_id}")
            row.tags = list(dict.fromkeys(t.strip() for t in tags if t.strip()))

    def set_title_template(self, article_id: int, template: str | None) -> None:
        with self.store.transaction() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise DeskError(f"no article {article_id}")
            row.title_template = template or None

    def prefer_engine(self, article_id: int, engine: str) -> None:
        """Put ``engine`` first among the article's engines: where it translated a block,
        its translation is the one the article shows."""
        with self.store.transaction() as session:
            row = session.get_one(ArticleRow, article_id)
            names = [n for n in (row.engine or "").split(",") if n]
            row.engine = ",".join(dict.fromkeys([engine, *names]))[:64]

    # -- sources -------------------------------------------------------------------------

    def update_source(
        self,
        source_id: int,
        *,
        url: str,
        lang: str,
        license: str | None,
        engine: str | None,
        title: str | None,
        category: str | None = None,
    ) -> Source:
        with self.store.transaction() as session:
            row = session.get(SourceRow, source_id)
            if row is None:
                raise DeskError(f"no source {source_id}")
            if url != row.url and session.scalar(select(SourceRow.id).where(SourceRow.url == url)):
                raise DeskError(f"{url} is already a source — edit that one instead")
            if url != row.url:
                row.etag = row.last_modified = None
            row.url, row.lang, row.license, row.engine = url, lang, license, engine
            row.title = title
            row.category = category
        return next(s for s in self.store.sources.all() if s.id == source_id)

    # -- stats ---------------------------------------------------------------------------

    def stats(self, days: int = 30, today: date | None = None) -> Stats:
        today = today or utcnow().date()
        first = today - timedelta(days=days - 1)
        with self.store.transaction() as session:
            per_source = [
                (title or url, int(count))
                for title, url, count in session.execute(
                    select(SourceRow.title, SourceRow.url, func.count(ArticleRow.id))
                    .join(ArticleRow, ArticleRow.source_id == SourceRow.id, isouter=True)
                    .group_by(SourceRow.id, SourceRow.title, SourceRow.url)
                    .order_by(func.count(ArticleRow.id).desc(), SourceRow.id)
                )
            ]
            since = datetime(first.year, first.month, first.day, tzinfo=utcnow().tzinfo)
            moments = session.scalars(
                select(ArticleRow.discovered_at).where(ArticleRow.discovered_at >= since)
            )
            counted = Counter(m.date() for m in moments if m is not None)
            usage = [
                (month, engine, int(calls), int(chars) + int(tokens))
                for month, engine, calls, chars, tokens in session.execute(
                    select(
                        EngineUsageRow.month,
                        EngineUsageRow.engine,
                        EngineUsageRow.calls,
                        EngineUsageRow.characters,
                        EngineUsageRow.tokens,
                    ).order_by(EngineUsageRow.month, EngineUsageRow.engine)
                )
            ]
            findings = [
                (check, severity, int(count))
                for check, severity, count in session.execute(
                    select(FindingRow.check, FindingRow.severity, func.count())
                    .where(FindingRow.resolved.is_(False))
                    .group_by(FindingRow.check, FindingRow.severity)
                    .order_by(func.count().desc(), FindingRow.check)
                )
            ]
        per_day = [(first + timedelta(days=n), counted.get(first + timedelta(days=n), 0))
                   for n in range(days)]  # fmt: skip
        return Stats(per_source=per_source, per_day=per_day, usage=usage, findings=findings)


__all__ = ["QA_FILTERS", "REJECTABLE", "InboxFilter", "InboxRow", "Review", "Stats"]
