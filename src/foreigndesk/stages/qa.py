"""QA: the checks over one article's translation, run once per version of it.

The findings are stored with a digest of what they were found on (the translated
blocks, the glossary, the QA settings); publishing reuses them while the digest holds,
and an editor's change, a new glossary term or new settings make the checks run again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

from foreigndesk.models import Finding, Severity
from foreigndesk.qa import QAContext, check_article
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.translate import (
    current_translation,
    glossary_for,
    remembered,
    segments_of,
)


def check_quality(ctx: StageContext, article_id: int, *, reuse: bool = False) -> list[Finding]:
    """Run the QA checks on the article's translation as it is now and store the
    findings; an editor's "resolved" mark is kept on a finding that is found again. With
    ``reuse``, the stored findings are returned when they were made on this very
    translation."""
    store = ctx.store
    article = store.articles.get(article_id)
    translation = current_translation(ctx, article)
    glossary = glossary_for(ctx, article)
    context = QAContext(
        source_lang=glossary.source_lang,
        target_lang=translation.target_lang,
        glossary=tuple((e.source, e.target) for e in glossary.entries),
        settings=ctx.settings.qa,
    )
    targets = [b.html for b in translation.blocks]
    digest = hashlib.sha256(
        json.dumps(
            [targets, context.glossary, context.target_lang, ctx.settings.qa.model_dump()],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    if reuse and store.articles.qa_digest(article_id) == digest:
        return store.articles.findings(article_id)
    memory = remembered(
        ctx,
        segments_of(article),
        glossary.source_lang,
        translation.target_lang,
        [e.strip() for e in translation.engine.split(",")],
        glossary,
        any_machine=True,
    )
    flags = {
        index: memory[block.html].flags
        for index, block in enumerate(article.blocks)
        if block.html in memory
    }
    found = check_article(article.blocks, targets, context, flags)
    resolved = {
        (f.position, f.check, f.message) for f in store.articles.findings(article_id) if f.resolved
    }
    found = [
        dataclasses.replace(f, resolved=(f.position, f.check, f.message) in resolved) for f in found
    ]
    store.articles.replace_findings(article_id, found, digest=digest)
    return found


def qa_hold(ctx: StageContext, article_id: int) -> str | None:
    """Why the article may not be published (open QA errors, not overridden), or None."""
    errors = [
        f
        for f in check_quality(ctx, article_id, reuse=True)
        if f.severity == Severity.ERROR and not f.resolved
    ]
    if not errors or ctx.store.articles.qa_overridden(article_id):
        return None
    first = errors[0]
    where = f"block {first.position}" if first.position is not None else "the article"
    return (
        f"article {article_id}: not published, {len(errors)} open QA"
        f" error{'s' if len(errors) > 1 else ''} ({first.check} in {where}: {first.message})"
        f" — fix the translation, or `foreigndesk qa override {article_id}` to publish anyway;"
        f" `foreigndesk qa {article_id}` lists them"
    )
