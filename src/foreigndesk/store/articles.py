"""Articles on their way through the stages: status, failures, extraction, QA findings."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from foreigndesk.errors import DeskError
from foreigndesk.models import (
    Article,
    ArticleStatus,
    Block,
    BlockKind,
    ExtractedArticle,
    Finding,
    Severity,
)
from foreigndesk.store.claims import ClaimLost, waiting_for
from foreigndesk.store.guards import Repository, aware, hold, hold_one
from foreigndesk.store.tables import (
    ArticleRow,
    BlockRow,
    FindingRow,
    NearDuplicateBandRow,
    SourceRow,
    table_of,
    utcnow,
)

#: The longest a failed article waits before it is tried again.
MAX_RETRY_DELAY = timedelta(days=1)

# Extraction's statements, built once: it stores thousands of articles a run, and building
# a statement (and its cache key) cost more than SQLite took to run it. Core statements
# on the tables, no ORM objects.
_ARTICLES, _BLOCKS = table_of(ArticleRow), table_of(BlockRow)
_BANDS = table_of(NearDuplicateBandRow)
_DELETE_BANDS = delete(_BANDS).where(_BANDS.c.article_id == bindparam("article"))
_INSERT_BANDS = insert(_BANDS)


@lru_cache(maxsize=8)
def _near_candidates(bands: int) -> Select[int, bytes | None]:
    """The articles (copies aside) sharing one of ``bands`` bands' keys (``k0``, ``k1``,
    ...), built once per number of bands. One equality per band, OR'd: SQLite reads each
    through the bands' index (a row-value IN made it read the whole table)."""
    shares = or_(
        *(
            and_(_BANDS.c.band == bindparam(f"b{i}"), _BANDS.c.key == bindparam(f"k{i}"))
            for i in range(bands)
        )
    )
    return (
        select(_ARTICLES.c.id, _ARTICLES.c.minhash)
        .where(
            _ARTICLES.c.id.in_(
                select(_BANDS.c.article_id).where(shares, _BANDS.c.banding == bindparam("banding"))
            ),
            _ARTICLES.c.id != bindparam("exclude"),
            _ARTICLES.c.minhash.is_not(None),
            _ARTICLES.c.status != ArticleStatus.DUPLICATE.value,
        )
        .order_by(_ARTICLES.c.id)
    )


_DELETE_BLOCKS = delete(_BLOCKS).where(_BLOCKS.c.article_id == bindparam("article"))
_INSERT_BLOCKS = insert(_BLOCKS)
#: The first earlier article (not a copy itself) with the same text, canonical URL, or
#: among the near copies the caller's MinHash index found.
_EARLIER_COPY = (
    select(_ARTICLES.c.id)
    .where(
        _ARTICLES.c.id != bindparam("article"),
        _ARTICLES.c.content_hash.is_not(None),
        _ARTICLES.c.status != ArticleStatus.DUPLICATE.value,
        or_(
            _ARTICLES.c.content_hash == bindparam("hash"),
            _ARTICLES.c.canonical_url == bindparam("canonical"),
            _ARTICLES.c.id.in_(bindparam("near", expanding=True)),
        ),
    )
    .order_by(_ARTICLES.c.id)
    .limit(1)
)
_STORE_EXTRACTION = (
    update(_ARTICLES)
    .where(_ARTICLES.c.id == bindparam("article"))
    .values(
        {
            **{
                column: bindparam(f"new_{column}")
                for column in (
                    "title",
                    "authors",
                    "published",
                    "site_name",
                    "lang",
                    "license",
                    "canonical_url",
                    "description",
                    "repeats",
                    "tags",
                    "content_hash",
                    "minhash",
                    "duplicate_of",
                    "status",
                    "updated_at",
                )
            },
            "error": None,
            "failed_stage": None,
            "claimed_by": None,
            "claim_expires_at": None,
        }
    )
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


def _band_rows(article_id: int, banding: str, keys: Sequence[int]) -> list[dict[str, object]]:
    return [
        {"article_id": article_id, "band": band, "key": key, "banding": banding}
        for band, key in enumerate(keys)
    ]


def _candidates(
    connection: Connection, banding: str, keys: Sequence[int], *, exclude: int
) -> list[tuple[int, bytes]]:
    """(article id, MinHash signature) of the articles, copies aside, that share a band's
    key with ``keys``: each one read through the bands' index."""
    if not keys:
        return []
    values: dict[str, object] = {"banding": banding, "exclude": exclude}
    for band, key in enumerate(keys):
        values[f"b{band}"], values[f"k{band}"] = band, key
    found = connection.execute(_near_candidates(len(keys)), values)
    return [(i, bytes(m)) for i, m in found if m]


class Articles(Repository):
    """Articles on their way through the stages: status, failures, extraction, QA findings."""

    def waiting(
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

    def get(self, article_id: int, *, with_blocks: bool = True) -> Article:
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
            discovered_at=aware(row.discovered_at),
            tags=tuple(row.tags or ()),
            title_template=row.title_template,
            description=row.description,
            summary=row.summary,
            brief_title=row.brief_title,
            brief_summary=row.brief_summary,
            picked=row.picked_at is not None,
            triage_reason=row.triage_reason,
        )

    def all(self, status: ArticleStatus | None = None) -> list[Article]:
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
            row = hold_one(session, article_id, claim, stage)
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

    def save_extraction(
        self,
        article_id: int,
        extracted: ExtractedArticle,
        content_hash: str,
        *,
        minhash: bytes | None = None,
        bands: tuple[str, Sequence[int]] | None = None,
        near_copy: Callable[[bytes], bool] | None = None,
        claim: str | None = None,
    ) -> int | None:
        """Store blocks and metadata; returns the id of an earlier article this one duplicates.

        Another article is the same story when it has the same canonical URL, the same
        content hash, or is a near copy: one of the articles that share one of its
        ``bands`` (banding, keys) and whose stored signature ``near_copy`` accepts, looked
        up in this transaction. The signature ``minhash`` is
        stored with the article, and its bands too unless it is a copy itself. Of the
        articles that are not copies themselves, the first one seen (the lowest id) is the
        one linked.
        """
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
        with self.transaction() as session:
            if not hold(session, [article_id], claim, ArticleStatus.FETCHED):
                raise ClaimLost(f"article {article_id}")
            connection = session.connection()
            near: list[int] = []
            if bands is not None and near_copy is not None:
                candidates = _candidates(connection, bands[0], bands[1], exclude=article_id)
                near = [i for i, signature in candidates if near_copy(signature)]
            connection.execute(_DELETE_BLOCKS, {"article": article_id})
            if blocks:
                connection.execute(_INSERT_BLOCKS, blocks)
            earlier = connection.scalar(
                _EARLIER_COPY,
                {
                    "article": article_id,
                    "hash": content_hash,
                    # NULL matches no row: an article without a canonical URL or near copies
                    # is looked for by its hash alone.
                    "canonical": extracted.canonical_url or None,
                    "near": near,
                },
            )
            stored = connection.execute(
                _STORE_EXTRACTION,
                {
                    "article": article_id,
                    "new_title": extracted.title,
                    "new_authors": list(extracted.authors),
                    "new_published": (
                        extracted.published.isoformat() if extracted.published else None
                    ),
                    "new_site_name": extracted.site_name,
                    "new_lang": extracted.lang,
                    "new_license": extracted.license,
                    "new_canonical_url": extracted.canonical_url,
                    "new_description": extracted.description,
                    "new_repeats": list(extracted.repeats),
                    "new_tags": list(extracted.tags),
                    "new_content_hash": content_hash,
                    "new_minhash": minhash,
                    "new_duplicate_of": earlier,
                    "new_status": (
                        ArticleStatus.DUPLICATE.value if earlier else ArticleStatus.EXTRACTED.value
                    ),
                    "new_updated_at": utcnow(),
                },
            )
            if not stored.rowcount:
                raise DeskError(f"no article {article_id} — see `foreigndesk articles list`")
            connection.execute(_DELETE_BANDS, {"article": article_id})
            if bands is not None and earlier is None:  # a copy is never matched itself
                connection.execute(_INSERT_BANDS, _band_rows(article_id, *bands))
            return earlier

    def bands_ready(self, banding: str) -> bool:
        """Whether the stored bands are cut as ``banding`` says, for every article that
        has a signature: False after an upgrade that brought the bands' table (empty),
        or after the threshold changed (``replace_bands`` then cuts them again)."""
        with self.transaction() as session:
            stored = session.scalar(select(_BANDS.c.banding).limit(1))
            if stored is not None:
                return bool(stored == banding)
            signed = session.scalar(
                select(_ARTICLES.c.id)
                .where(
                    _ARTICLES.c.minhash.is_not(None),
                    _ARTICLES.c.status != ArticleStatus.DUPLICATE.value,
                )
                .limit(1)
            )
            return signed is None

    def replace_bands(self, banding: str, bands: Iterable[tuple[int, Sequence[int]]]) -> int:
        """Every article's bands, cut anew as ``banding`` (article id, keys): one
        transaction, so no reader sees two cuts at once; the number of articles."""
        count = 0
        with self.transaction() as session:
            connection = session.connection()
            connection.execute(delete(_BANDS))
            for article_id, keys in bands:
                connection.execute(_INSERT_BANDS, _band_rows(article_id, banding, keys))
                count += 1
        return count

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

    def translation_target(self, article_id: int) -> tuple[str, str]:
        """(engines, target language) the article was translated with."""
        with self.transaction() as session:
            row = session.get_one(ArticleRow, article_id)
            if not row.engine or not row.target_lang:
                raise DeskError(f"article {article_id} is not translated yet — run the desk")
            return row.engine, row.target_lang

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
