"""The store's tables. One row per thing the desk keeps; the domain types live in models.py.

Uniqueness constraints carry the pipeline's idempotence: an article URL, a block's
position, a translation-memory key and a post's article are each stored at most once, so
re-running a stage after a crash cannot duplicate anything.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    lang: Mapped[str] = mapped_column(String(16))
    license: Mapped[str | None] = mapped_column(String(256))
    title: Mapped[str | None] = mapped_column(String(512))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    items_taken: Mapped[int] = mapped_column(Integer, default=0)
    # Overrides translate.engine for this source's articles.
    engine: Mapped[str | None] = mapped_column(String(64))
    # feed, sitemap or url (a single article).
    kind: Mapped[str] = mapped_column(String(16), default="feed", server_default="feed")
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Seconds between polls, from the config, the feed (ttl, sy:updatePeriod) or
    # Cache-Control; None until known.
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A folder of the user's, as feed readers have them.
    category: Mapped[str | None] = mapped_column(String(128), index=True)
    # The user's own seconds between polls, over whatever the feed asks.
    poll_every: Mapped[int | None] = mapped_column(Integer)
    # No longer followed; its articles and posts stay (`source remove --purge` deletes all).
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The worker checking the source now, and until when its lease holds (stages/claims.py).
    claimed_by: Mapped[str | None] = mapped_column(String(160), index=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ArticleRow(Base):
    __tablename__ = "articles"
    # Failed articles stay failed until retried: without this index, every stage's
    # "what is waiting for me" read all of them (store/claims.py, waiting_for).
    __table_args__ = (Index("ix_articles_failed_retry", "status", "failed_stage", "retry_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # When status is "failed": the stage to retry, why, how often, and not before when.
    failed_stage: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[str | None] = mapped_column(String(10))
    site_name: Mapped[str | None] = mapped_column(String(512))
    lang: Mapped[str | None] = mapped_column(String(16))
    license: Mapped[str | None] = mapped_column(String(512))
    # Indexed, as content_hash is: every extraction looks for an earlier article with
    # either (store/articles.py), and without it read the whole table each time.
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Indexed for the foreign key's own check: deleting an article (a source's purge)
    # otherwise read the whole table once per deleted row.
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    repeats: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    updated: Mapped[str | None] = mapped_column(String(10))
    # MinHash signature of the body's word shingles, for near-duplicate detection.
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    # An editor published despite open QA errors: when, recorded for the footer and audit.
    qa_overridden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lead: Mapped[list[int] | None] = mapped_column(JSON)
    # An editor's title template for this article's post, instead of post.title_template.
    title_template: Mapped[str | None] = mapped_column(String(256))
    target_lang: Mapped[str | None] = mapped_column(String(16))
    engine: Mapped[str | None] = mapped_column(String(64))
    discovered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # The worker whose stage holds the article now, and until when its lease holds; a
    # stage's result is written only while the claim is still its own (stages/claims.py).
    claimed_by: Mapped[str | None] = mapped_column(String(160), index=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The digest of the translation the stored QA findings were made on: the checks run
    # again only when the translation changed.
    qa_digest: Mapped[str | None] = mapped_column(String(64))
    # Triage (translate.mode): the summary as the original reads, title and summary in
    # the target language, when the article was picked for a full translation (by an
    # editor or a rule), and which rule or person decided.
    summary: Mapped[str | None] = mapped_column(Text)
    brief_title: Mapped[str | None] = mapped_column(Text)
    brief_summary: Mapped[str | None] = mapped_column(Text)
    picked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    triage_reason: Mapped[str | None] = mapped_column(String(512))
    # Raised by every save of the article's title, tags, title template or lead: a form
    # carries the version it was made from, and a save from an older one is refused.
    edit_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BlockEditRow(Base):
    """One save of a block's translation by an editor, kept or refused: the history the
    editor shows, and where a refused text stays so nothing typed is lost."""

    __tablename__ = "block_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    editor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    # "saved", or "conflict" when another save had come first.
    outcome: Mapped[str] = mapped_column(String(16))
    # The text this save replaced (saved), or the one it did not replace (conflict).
    other: Mapped[str | None] = mapped_column(Text)


class TriageRuleRow(Base):
    """A triage rule made in the desk (desk.toml's own rules are read from the file)."""

    __tablename__ = "triage_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    words: Mapped[list[str]] = mapped_column(JSON, default=list)
    pattern: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_chars: Mapped[int | None] = mapped_column(Integer)
    max_chars: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PageRow(Base):
    """The raw page as fetched, kept so extraction can be re-run without fetching again."""

    __tablename__ = "pages"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    final_url: Mapped[str] = mapped_column(String(2048))
    status_code: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(256))
    encoding: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Validators for a conditional GET when the page is fetched again.
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))


class NearDuplicateBandRow(Base):
    """One band of an extracted article's MinHash signature (extract/lsh.py): articles
    that share a band's key are candidate copies. Kept in the store, written with each
    extraction, so that finding an article's earlier copies is a few indexed reads
    however many articles there are, on every worker at once. Copies have no bands (the
    first of a story is the one matched). ``banding`` names the cut (``bands x rows``,
    from ``extract.near_duplicate_threshold``); a new threshold means new bands."""

    __tablename__ = "near_duplicate_bands"
    __table_args__ = (Index("ix_near_duplicate_bands_key", "band", "key"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)
    banding: Mapped[str] = mapped_column(String(16))


class BlockRow(Base):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(Integer, default=0)
    html: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    src: Mapped[str | None] = mapped_column(String(2048))
    alt: Mapped[str | None] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)
    list_ordered: Mapped[bool] = mapped_column(Boolean, default=False)


class MemoryRow(Base):
    """The translation memory: one translated segment per key, machine or human."""

    __tablename__ = "translation_memory"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(64))
    glossary_version: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))  # "machine" or "human"
    # What the translator noticed: markup_lost, glossary_lost, unknown_words:...
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class EngineUsageRow(Base):
    """Engine calls and characters sent, per engine per month: the basis of budgets."""

    __tablename__ = "engine_usage"
    __table_args__ = (UniqueConstraint("engine", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engine: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    calls: Mapped[int] = mapped_column(Integer, default=0)
    characters: Mapped[int] = mapped_column(Integer, default=0)
    tokens: Mapped[int] = mapped_column(Integer, default=0)


class GlossaryRow(Base):
    """One term of a language pair's glossary: one spelling everywhere."""

    __tablename__ = "glossary_entries"
    __table_args__ = (UniqueConstraint("source_lang", "target_lang", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(512))
    target: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NameOfferRow(Base):
    """A name met in an article and not in the glossary yet, with the engine's spelling of
    it, waiting for an editor to confirm it (it then moves to the glossary) or dismiss it
    (it stays here, so that it is not offered again)."""

    __tablename__ = "name_offers"
    __table_args__ = (UniqueConstraint("source_lang", "target_lang", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(16))
    target_lang: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(512))
    target: Mapped[str] = mapped_column(String(512))
    engine: Mapped[str] = mapped_column(String(64))
    article_id: Mapped[int | None] = mapped_column(Integer)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PostRow(Base):
    """A composed post, rendered once; publish targets render pages from it."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(256), unique=True)
    title: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    byline: Mapped[str] = mapped_column(Text)
    lead_html: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    attribution: Mapped[dict[str, object]] = mapped_column(JSON)
    published: Mapped[str | None] = mapped_column(String(10))
    excerpt_only: Mapped[bool] = mapped_column(Boolean, default=False)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The bilingual view: [kind, original html, translated html] per block, in order.
    pairs: Mapped[list[list[str]]] = mapped_column(JSON, default=list, server_default="[]")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # The folder of the source it came from: the site has a feed per category.
    category: Mapped[str | None] = mapped_column(String(128))


class SegmentClaimRow(Base):
    """A segment an engine is translating now: the translation memory's in-flight entry.

    A worker claims the segments it is about to send; another worker that meets the same
    text waits for the memory entry instead of paying for it a second time.
    """

    __tablename__ = "segment_claims"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(160), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LockRow(Base):
    """A named lock with a lease, for work of which only one may run at a time anywhere
    (a site build)."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(160))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RobotsRow(Base):
    """A host's robots.txt as last fetched (RFC 9309: cached up to 24 hours)."""

    __tablename__ = "robots"

    host: Mapped[str] = mapped_column(String(512), primary_key=True)
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingRow(Base):
    """A QA finding on a translated block (or the whole article, without a position)."""

    __tablename__ = "qa_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int | None] = mapped_column(Integer)
    check: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))  # error, warning, info
    message: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublicationRow(Base):
    """Where a post went: one row per post and target, with the target's own id for it.

    The remote id is what makes a re-publish an update and never a second post.
    """

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("article_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(64))
    remote_id: Mapped[str | None] = mapped_column(String(512))
    remote_url: Mapped[str | None] = mapped_column(String(2048))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, done, failed
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class UserRow(Base):
    """An editor of the review desk; the password is kept only as an argon2 hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "editor": reviews, approves, publishes; "admin": also manages sources and rules.
    role: Mapped[str] = mapped_column(String(16), default="editor", server_default="admin")


class SessionRow(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored, so the table
    alone does not let anyone sign in; the CSRF token belongs to the session."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRow(Base):
    """A failed sign-in, by user name and by client address: what login throttling counts."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(256), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


def table_of(row: type[Base]) -> Table:
    """A row class's table, for Core statements built once on a hot path (typed: the
    ORM's ``__table__`` is typed as any FROM clause)."""
    table = row.__table__
    assert isinstance(table, Table)
    return table
