"""Review and publish: an article's way from translated to a post on every target.

``review_article`` and ``publish_article`` each take one claimed article; ``build``
brings the targets up to date with every post, and runs in one process at a time
anywhere (a named lock in the store), since two builds of one site would write the same
files.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from datetime import timedelta

from foreigndesk.errors import DeskError
from foreigndesk.models import Article, ArticleStatus, Post
from foreigndesk.plugins import publish_targets
from foreigndesk.publish.compose import compose_post, slug_for
from foreigndesk.publish.digest import post_digest
from foreigndesk.publish.titles import title_template_problem
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.qa import qa_hold
from foreigndesk.stages.report import RunReport
from foreigndesk.stages.translate import current_translation, glossary_for
from foreigndesk.store.claims import ClaimLost

logger = logging.getLogger(__name__)

#: The lock one site build at a time holds, and for how long at most.
BUILD_LOCK = "build"
BUILD_LEASE = timedelta(minutes=15)


def review_article(
    ctx: StageContext, article_id: int, report: RunReport, *, claim: str | None = None
) -> None:
    """A translated article waits for an editor, or goes straight on with auto_approve."""
    auto = ctx.settings.desk.auto_approve
    next_status = ArticleStatus.APPROVED if auto else ArticleStatus.IN_REVIEW
    if ctx.store.articles.set_status(
        article_id, next_status, expect=[ArticleStatus.TRANSLATED], claim=claim
    ):
        if auto:
            report.approved += 1
        else:
            report.in_review += 1


def _slug(ctx: StageContext, article: Article) -> str:
    base = slug_for(article)
    return base if not ctx.store.posts.slug_taken(base, article.id) else f"{base}-{article.id}"


def compose(ctx: StageContext, article: Article) -> Post:
    """The post for ``article`` as it would be published now: its editor's title
    template and tags, its translation as the memory holds it."""
    settings = ctx.settings
    if article.title_template:
        problem = title_template_problem(article.title_template)
        if problem is not None:  # kept before templates were checked on save
            raise DeskError(f"article {article.id}: {problem} — fix it in the desk's editor")
        settings = settings.model_copy(
            update={
                "post": settings.post.model_copy(update={"title_template": article.title_template})
            }
        )
    post = compose_post(
        article,
        current_translation(ctx, article),
        settings,
        _slug(ctx, article),
        glossary=glossary_for(ctx, article),
    )
    if article.tags and not post.tags:
        post = dataclasses.replace(post, tags=article.tags)
        post = dataclasses.replace(post, content_hash=post_digest(post))
    source = ctx.store.sources.get(article.source_id)
    if source is not None and source.category:
        post = dataclasses.replace(post, category=source.category)
        post = dataclasses.replace(post, content_hash=post_digest(post))
    return post


#: What a reader would see change, by the post's fields that hold it.
_PARTS = (
    ("title", "title"),
    ("byline", "byline"),
    ("lead_html", "lead"),
    ("body_html", "text"),
    ("pairs", "text"),
    ("attribution", "attribution"),
    ("published", "date"),
    ("tags", "tags"),
    ("category", "category"),
    ("excerpt_only", "excerpt"),
)


@dataclasses.dataclass(frozen=True)
class Recomposed:
    """A published article whose post, composed again now, differs from the stored one."""

    post: Post
    changed: tuple[str, ...]


def changed_parts(old: Post, new: Post) -> tuple[str, ...]:
    """The parts of a post a reader would see change, in reading order."""
    return tuple(
        dict.fromkeys(part for name, part in _PARTS if getattr(old, name) != getattr(new, name))
    )


def recompose_published(ctx: StageContext) -> list[Recomposed]:
    """Every published article's post composed again: an editor's corrections after
    publishing, a new title template, lead, tags or licence. Only the posts that change
    are returned; the stored post keeps its address (slug). An article whose translation
    now has open QA errors keeps its post as it was, with the hold as an error line."""
    changed: list[Recomposed] = []
    for old in ctx.store.posts.all():
        article = ctx.store.articles.get(old.article_id)
        if article.status != ArticleStatus.PUBLISHED:
            continue
        new = dataclasses.replace(compose(ctx, article), slug=old.slug)
        new = dataclasses.replace(new, content_hash=post_digest(new))
        if not (parts := changed_parts(old, new)):
            continue
        if (hold := qa_hold(ctx, article.id)) is not None:
            ctx.reporter.error(hold.replace("not published", "its post is not updated", 1))
            continue
        changed.append(Recomposed(new, parts))
    return changed


def refresh_published(ctx: StageContext, report: RunReport) -> None:
    """Store the recomposed posts, so the targets' next update carries them."""
    for recomposed in recompose_published(ctx):
        ctx.store.posts.save(recomposed.post)
        report.recomposed += 1
        logger.info(
            "article %s: post recomposed (%s changed)",
            recomposed.post.article_id,
            ", ".join(recomposed.changed),
        )


def publish_article(
    ctx: StageContext, article_id: int, report: RunReport, *, claim: str | None = None
) -> bool:
    """Compose and store one approved article's post, unless QA holds it; True when it
    was published. ``build`` then brings the targets up to date."""
    if (hold := qa_hold(ctx, article_id)) is not None:
        logger.warning(hold)
        ctx.reporter.error(hold)
        report.held_by_qa += 1
        if claim is not None:
            ctx.store.claims.release(claim, articles=[article_id])
        return False
    try:
        ctx.store.posts.save(compose(ctx, ctx.store.articles.get(article_id)), claim=claim)
    except ClaimLost:
        logger.info("article %s: taken over by another worker", article_id)
        return False
    report.published += 1
    return True


def build(
    ctx: StageContext,
    report: RunReport,
    targets: Sequence[str] | None = None,
    *,
    wait: float = 0.0,
) -> bool:
    """Bring each publish target up to date with every published post, waiting up to
    ``wait`` seconds while another process builds; False when it did not get its turn."""
    worker = ctx.worker
    # Not renewed while the build runs: long enough for any build (a thousand posts take
    # half a second), and a builder that died on this machine frees it at once.
    lease = max(ctx.lease, BUILD_LEASE)
    deadline = time.monotonic() + wait
    while not ctx.store.claims.lock(BUILD_LOCK, worker, lease):
        if time.monotonic() >= deadline or ctx.stopping.is_set():
            logger.info("another worker is building the targets now")
            return False
        time.sleep(0.25)
    try:
        posts = ctx.store.posts.all()
        installed = publish_targets()
        for name in targets or ctx.settings.publish.targets:
            if name not in installed:
                ctx.reporter.error(
                    f"publish target {name!r} is not installed — choose from "
                    f"{', '.join(sorted(installed))}"
                )
                continue
            try:
                result = installed[name].publish(posts, ctx.settings, ctx.store.posts)
            except DeskError as exc:
                ctx.reporter.error(f"publish to {name}: {exc}")
                continue
            for error in result.errors:
                ctx.reporter.error(f"publish to {name}: {error}")
            for note in result.notes:
                ctx.reporter.warning(f"publish to {name}: {note}")
            report.targets.append(result)
    finally:
        ctx.store.claims.unlock(BUILD_LOCK, worker)
    return True


def planned_changes(ctx: StageContext, targets: Sequence[str]) -> list[str]:
    """What a publish would write, one line per post, changing nothing: approved articles
    that would be published, published ones whose post would change (and which parts),
    and posts a target recorded as not up to date (a failed or unfinished attempt)."""
    where = ", ".join(targets) or "no target"
    lines: list[str] = []
    for article_id in ctx.store.articles.waiting(ArticleStatus.APPROVED):
        if (hold := qa_hold(ctx, article_id)) is not None:
            lines.append(hold)
            continue
        post = compose(ctx, ctx.store.articles.get(article_id))
        lines.append(f"article {article_id} ({post.slug}): new post — would go to {where}")
    changed = set()
    for recomposed in recompose_published(ctx):
        post = recomposed.post
        changed.add(post.article_id)
        lines.append(
            f"article {post.article_id} ({post.slug}): {', '.join(recomposed.changed)}"
            f" changed — would be updated on {where}"
        )
    for post in ctx.store.posts.all():
        if post.article_id in changed:
            continue
        behind = [
            target
            for target in targets
            if (known := ctx.store.posts.publication(post.article_id, target)) is not None
            and (known.status != "done" or known.content_hash != post.content_hash)
        ]
        if behind:
            lines.append(
                f"article {post.article_id} ({post.slug}): not up to date on"
                f" {', '.join(behind)} — would be sent again"
            )
    return lines
