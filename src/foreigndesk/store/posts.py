"""Composed posts, and where each went: one publication per post and target."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foreigndesk.models import (
    ArticleStatus,
    Attribution,
    Post,
    Publication,
)
from foreigndesk.store.guards import Repository, aware, hold_one
from foreigndesk.store.tables import (
    ArticleRow,
    PostRow,
    PublicationRow,
    utcnow,
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
        published_at=aware(row.published_at),
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
    # The category counts only when there is one: posts without stay as they were hashed.
    hashed = {**values, "category": post.category} if post.category else values
    digest = hashlib.sha256(json.dumps(hashed, sort_keys=True).encode("utf-8")).hexdigest()
    return {**values, "category": post.category, "content_hash": digest}


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
        category=row.category,
    )


class Posts(Repository):
    """Composed posts, and where each went: one publication per post and target."""

    def save(self, post: Post, *, claim: str | None = None) -> None:
        """Create or update the article's post and mark the article published; with
        ``claim``, only while that worker holds the approved article."""
        values = _post_values(post)
        with self.transaction() as session:
            if claim is not None:
                hold_one(session, post.article_id, claim, ArticleStatus.APPROVED)
            row = session.scalar(select(PostRow).where(PostRow.article_id == post.article_id))
            if row is None:
                session.add(PostRow(article_id=post.article_id, **values))
            elif row.content_hash != values["content_hash"]:
                for name, value in values.items():
                    setattr(row, name, value)
            article = session.get_one(ArticleRow, post.article_id)
            article.status = ArticleStatus.PUBLISHED.value
            article.error = article.failed_stage = None

    def all(self) -> list[Post]:
        with self.transaction() as session:
            rows = session.scalars(select(PostRow).order_by(PostRow.published.desc(), PostRow.id))
            return [_post(row) for row in rows]

    def slug_taken(self, slug: str, article_id: int) -> bool:
        with self.transaction() as session:
            owner = session.scalar(select(PostRow.article_id).where(PostRow.slug == slug))
            return owner is not None and owner != article_id

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
