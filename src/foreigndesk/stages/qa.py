"""QA: the checks over one article's translation, run once per version of it.

The findings are stored with a digest of what they were found on (the translated
blocks, the glossary, the QA settings); publishing reuses them while the digest holds,
and an editor's change, a new glossary term or new settings make the checks run again.

An article whose translation failed part-way is checked too, on what it has: the
segments that were translated are in the memory, and the editor finishes the rest by
hand; the checks run on each block that has a translation, so its errors are known
before the article is approved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from html import escape

from foreigndesk.errors import DeskError
from foreigndesk.models import (
    TRANSLATABLE_KINDS,
    Article,
    ArticleStatus,
    BlockKind,
    Finding,
    Severity,
    Translation,
)
from foreigndesk.qa import QAContext, check_article
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.translate import (
    assemble_translation,
    current_translation,
    glossary_for,
    remembered,
    segments_of,
)
from foreigndesk.translate.languages import base_language
from foreigndesk.translate.memory import HUMAN


def translation_so_far(ctx: StageContext, article: Article) -> Translation:
    """The article in the target language as the memory holds it now.

    A translated article is what ``current_translation`` makes of it. An article whose
    translation failed before it was ever completed has no engine or target language
    recorded on it, yet the segments that were translated are kept in the memory (only
    the rest is tried again): they are read here with the engines it was sent to and the
    desk's target language, the very ones the translate stage used, so the editor sees
    them, finishes the rest, and QA checks what there is. A block nobody has translated
    yet has no translation (``html`` None, or ``caption`` None for an image's caption).
    """
    try:
        return current_translation(ctx, article)
    except DeskError:
        if article.status != ArticleStatus.FAILED:
            raise
    target = base_language(ctx.settings.desk.target_lang)
    glossary = glossary_for(ctx, article)
    first = (
        ctx.engine_override
        or ctx.store.sources.engine(article.source_id)
        or ctx.settings.translate.engine
    )
    engines = list(dict.fromkeys([first, *ctx.settings.translate.fallback]))
    found = remembered(
        ctx,
        segments_of(article),
        glossary.source_lang,
        target,
        engines,
        glossary,
        any_machine=True,
    )
    used = sorted({e.engine for e in found.values() if e.origin != HUMAN}) or engines[:1]
    translation = assemble_translation(
        article, target, ", ".join(used), {s: e.target_text for s, e in found.items()}
    )
    human = any(e.origin == HUMAN for e in found.values())
    return dataclasses.replace(translation, human_edited=human)


@dataclasses.dataclass(frozen=True)
class Missing:
    """What of an article has no translation yet: what keeps an article whose
    translation failed from being approved until an editor (or another engine) gives
    each one a translation."""

    #: The title has none (the post would carry the original's).
    title: bool
    #: The positions of the blocks that have none: a text block's text, an image's caption.
    blocks: tuple[int, ...]
    #: How many blocks need a translation at all.
    of: int

    def __bool__(self) -> bool:
        return self.title or bool(self.blocks)

    def describe(self) -> str:
        """One line: "2 of 10 blocks have no translation yet (blocks 3 and 8)"."""
        count = len(self.blocks)
        if not count:
            return "the title has no translation yet"
        shown = [str(p) for p in self.blocks[:8]]
        if count > len(shown):
            shown.append(f"{count - len(shown)} more")
        where = (
            f"block {shown[0]}" if count == 1 else f"blocks {', '.join(shown[:-1])} and {shown[-1]}"
        )
        verb = "has" if count == 1 and not self.title else "have"
        return (
            ("the title and " if self.title else "")
            + f"{count} of {self.of} block{'' if self.of == 1 else 's'} {verb} no translation"
            f" yet ({where})"
        )


def missing_translations(ctx: StageContext, article: Article, translation: Translation) -> Missing:
    """The title and blocks of ``article`` (with its blocks) that ``translation`` (as
    ``translation_so_far`` makes it) leaves without a translation. An image's alt text
    is not counted: the desk offers no field for it, and the post falls back to the
    original's."""
    needed: list[int] = []
    blocks: list[int] = []
    for position, (block, item) in enumerate(zip(article.blocks, translation.blocks, strict=True)):
        if block.kind in TRANSLATABLE_KINDS and block.html.strip():
            needed.append(position)
            if item.html is None:
                blocks.append(position)
        elif block.kind == BlockKind.IMAGE and block.caption and block.caption.strip():
            needed.append(position)
            if item.caption is None:
                blocks.append(position)
    title = False
    if article.title and article.title.strip():
        segment = escape(article.title, quote=False)
        glossary = glossary_for(ctx, article)
        title = not remembered(
            ctx,
            [segment],
            glossary.source_lang,
            translation.target_lang,
            [],
            glossary,
            any_machine=True,
        )
    return Missing(title=title, blocks=tuple(blocks), of=len(needed))


def check_quality(ctx: StageContext, article_id: int, *, reuse: bool = False) -> list[Finding]:
    """Run the QA checks on the article's translation as it is now and store the
    findings; an editor's "resolved" mark is kept on a finding that is found again. With
    ``reuse``, the stored findings are returned when they were made on this very
    translation."""
    store = ctx.store
    article = store.articles.get(article_id)
    translation = translation_so_far(ctx, article)
    glossary = glossary_for(ctx, article)
    context = QAContext(
        source_lang=glossary.source_lang,
        target_lang=translation.target_lang,
        glossary=tuple((e.source, e.target) for e in glossary.entries),
        settings=ctx.settings.qa,
        style=ctx.settings.translate.openai.style,
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
