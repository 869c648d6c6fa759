"""What an editor does to an article, over the pipeline's Desk: each function is one
action of the editor page, synchronous, run off the event loop by the web app."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from html import escape, unescape
from importlib.resources import files

from foreigndesk.errors import DeskError
from foreigndesk.models import (
    TRANSLATABLE_KINDS,
    Article,
    ArticleStatus,
    Block,
    BlockKind,
    Finding,
    MemoryEntry,
    NameOffer,
    Post,
    Translation,
)
from foreigndesk.pipeline import Desk
from foreigndesk.plugins import engine_specs
from foreigndesk.publish.sanitize import clean_inline
from foreigndesk.publish.site import render_post_html
from foreigndesk.stages import names
from foreigndesk.stages.qa import Missing
from foreigndesk.stages.translate import memory_entries
from foreigndesk.store.edits import MACHINE_VERSION, BlockEdit, block_version
from foreigndesk.translate import TranslationRun, Translator, source_hash
from foreigndesk.translate.memory import HUMAN, human_entry
from foreigndesk.web.editable import from_editable, to_editable


def segment_of(block: Block) -> str | None:
    """The text of a block that goes through translation, as the memory keys it."""
    if block.kind in TRANSLATABLE_KINDS:
        return block.html or None
    if block.kind == BlockKind.IMAGE and block.caption:
        return escape(block.caption, quote=False)
    return None


@dataclass(frozen=True)
class BlockView:
    position: int
    block: Block
    original_html: str
    translated_html: str | None
    #: What the edit box holds: the translation's inline HTML, or a caption's plain text.
    editable: str | None
    human: bool
    findings: tuple[Finding, ...]
    #: (engine, text) of every stored machine translation of the block's text.
    alternatives: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: What its edit form carries: a save made from another version is refused.
    version: str = MACHINE_VERSION
    #: Editors' saves of this block, newest first, texts as the edit box shows them.
    history: tuple[BlockEdit, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EditorView:
    article: Article
    translation: Translation | None
    blocks: tuple[BlockView, ...]
    article_findings: tuple[Finding, ...]
    title_human: bool
    lead: tuple[int, ...]
    glossary: tuple[tuple[str, str], ...]
    engines: tuple[str, ...]
    #: What the title, tags, template and lead forms carry.
    edit_version: int = 0
    #: Its translation failed: the editor finishes it (the blocks without one are
    #: ``missing``) and may approve it when none is left.
    unfinished: bool = False
    #: What has no translation yet (nothing, for an article translated in full).
    missing: Missing = field(default_factory=lambda: Missing(title=False, blocks=(), of=0))
    #: Names the article brings that the glossary lacks, in the engine's spelling.
    names: tuple[NameOffer, ...] = ()


def _translation(desk: Desk, article: Article) -> Translation | None:
    try:
        return desk.translation(article)
    except DeskError:
        return None


def editor_view(desk: Desk, article_id: int) -> EditorView:
    """Everything the editor page shows of one article. An article whose translation
    failed is shown as a translated one is, with what the memory holds (the segments
    that were translated) and an empty edit box for each block that has none."""
    article = desk.store.articles.get(article_id)
    translation = _translation(desk, article)
    unfinished = article.status == ArticleStatus.FAILED and desk.failed_in_translation(article_id)
    findings = desk.store.articles.findings(article_id)
    glossary = desk.glossary(article)
    segments = [segment_of(b) for b in article.blocks]
    title_segment = escape(article.title or "", quote=False)
    by_hash: dict[str, list[MemoryEntry]] = {}
    if translation is not None:
        hashes = [source_hash(s) for s in [*segments, title_segment] if s]
        for entry in desk.store.memory.candidates(
            hashes, glossary.source_lang, translation.target_lang
        ):
            by_hash.setdefault(entry.source_hash, []).append(entry)

    def entries(segment: str | None) -> list[MemoryEntry]:
        return by_hash.get(source_hash(segment), []) if segment else []

    history: dict[int, list[BlockEdit]] = {}
    for edit in desk.store.edits.history(article_id):
        shown = edit.text if article.blocks[edit.position].kind == BlockKind.IMAGE else None
        history.setdefault(edit.position, []).append(
            replace(edit, text=unescape(shown) if shown is not None else to_editable(edit.text))
        )
    views = []
    for position, block in enumerate(article.blocks):
        item = translation.blocks[position] if translation else None
        segment = segments[position]
        known = entries(segment)
        if block.kind == BlockKind.IMAGE:
            original = clean_inline(escape(block.caption or block.alt or "", quote=False))
            translated = escape(item.caption, quote=False) if item and item.caption else None
            editable = (item.caption or "") if item and block.caption else None
        else:
            original = clean_inline(block.html)
            translated = clean_inline(item.html) if item and item.html is not None else None
            editable = to_editable(item.html or "") if item and segment else None
        views.append(
            BlockView(
                position=position,
                block=block,
                original_html=original,
                translated_html=translated,
                editable=editable,
                human=any(e.origin == HUMAN for e in known),
                version=block_version(
                    next((e.target_text for e in known if e.origin == HUMAN), None)
                ),
                history=tuple(history.get(position, ())),
                findings=tuple(f for f in findings if f.position == position),
                alternatives=tuple(
                    (e.engine, to_editable(e.target_text))
                    for e in sorted(known, key=lambda e: e.engine)
                    if e.origin != HUMAN
                ),
            )
        )
    lead = article.lead if article.lead is not None else ()
    return EditorView(
        article=article,
        translation=translation,
        blocks=tuple(views),
        article_findings=tuple(f for f in findings if f.position is None),
        title_human=any(e.origin == HUMAN for e in entries(title_segment)),
        lead=lead,
        glossary=tuple(
            desk.store.memory.glossary_terms(glossary.source_lang, glossary.target_lang)
        ),
        engines=tuple(sorted(engine_specs())),
        edit_version=desk.store.edits.version(article_id),
        unfinished=unfinished,
        missing=(
            desk.missing_translations(article, translation)
            if unfinished and translation is not None
            else Missing(title=False, blocks=(), of=0)
        ),
        names=tuple(names.offered_for(desk, article, glossary.source_lang, glossary.target_lang)),
    )


def _recheck(desk: Desk, article_id: int) -> None:
    """QA again after an editor's change, on an article with a translation to check:
    a translated one, or one whose translation failed (its findings are what approval
    and publishing hold it on, as the editor fills its blocks)."""
    status = desk.store.articles.get(article_id, with_blocks=False).status
    if status in _TRANSLATED or (
        status == ArticleStatus.FAILED and desk.failed_in_translation(article_id)
    ):
        desk.check_quality(article_id)


_TRANSLATED = {
    ArticleStatus.TRANSLATED,
    ArticleStatus.IN_REVIEW,
    ArticleStatus.APPROVED,
    ArticleStatus.PUBLISHED,
    ArticleStatus.REJECTED,
}


def _pair(desk: Desk, article: Article) -> tuple[str, str]:
    """(source, target language) an editor's text is stored in the memory under: the
    article's translation's, also when that translation failed part-way."""
    return desk.glossary(article).source_lang, desk.translation(article).target_lang


#: The rel the sanitizer gives every link, on a link as ``from_editable`` writes one.
_SANITIZER_REL = re.compile(r'(<a href="[^"<>]*") rel="nofollow noopener">')


def _as_extracted(html: str) -> str:
    """The editor's cleaned text with its links as the original's blocks and the engines'
    translations have them, ``<a href="…">``: the sanitizer's ``rel`` would make QA see a
    link changed from the original's (a markup error holding the article), and the post
    gets it anyway when it is composed and cleaned."""
    return _SANITIZER_REL.sub(r"\1>", html)


def save_block(
    desk: Desk, article_id: int, position: int, text: str, *, expect: str, editor: str
) -> BlockEdit:
    """An editor's translation of one block, kept as a human entry of the memory (it wins
    over every engine's, here and in every article with the same text) when the block is
    still at the version the editor started from; the returned edit says whether it was
    saved or met another editor's save (a conflict: nothing saved, the text kept in the
    history)."""
    article = desk.store.articles.get(article_id)
    if not 0 <= position < len(article.blocks):
        raise DeskError(f"article {article_id} has no block {position}")
    block = article.blocks[position]
    segment = segment_of(block)
    if segment is None:
        raise DeskError(f"block {position} is a {block.kind.value}; it has nothing to translate")
    text = text.strip()
    if not text:
        raise DeskError(f"block {position}: the translation is empty — write one, or leave it")
    # Exactly what was typed: a caption is text; a block's allowed tags are markup.
    value = escape(text, quote=False) if block.kind == BlockKind.IMAGE else from_editable(text)
    value = _as_extracted(clean_inline(value))
    source, target = _pair(desk, article)
    edit = desk.store.edits.save_block(
        human_entry(segment, value, source, target),
        expect=expect,
        article_id=article_id,
        position=position,
        editor=editor,
    )
    if edit.outcome == "saved":
        _recheck(desk, article_id)
    return edit


def save_title(desk: Desk, article_id: int, title: str) -> None:
    """The translated title, as a human entry for the original title."""
    article = desk.store.articles.get(article_id, with_blocks=False)
    title = " ".join(title.split())
    if not title:
        raise DeskError("the title is empty — write one")
    if not article.title:
        raise DeskError(f"article {article_id} has no original title to translate")
    source, target = _pair(desk, article)
    entry = human_entry(
        escape(article.title, quote=False), escape(title, quote=False), source, target
    )
    desk.store.memory.save([entry], replace=True)


def retranslate_block(desk: Desk, article_id: int, position: int, engine_name: str) -> bool:
    """Translate one block again with ``engine_name``; its translation becomes the one the
    article shows (unless an editor's own stands). True when an editor's translation still
    wins over the new one."""
    article = desk.store.articles.get(article_id)
    if not 0 <= position < len(article.blocks):
        raise DeskError(f"article {article_id} has no block {position}")
    segment = segment_of(article.blocks[position])
    if segment is None:
        raise DeskError(f"block {position} has nothing to translate")
    entries, failures = _translate_with(desk, article, [segment], engine_name)
    if not entries:
        raise DeskError(f"block {position} not translated by {engine_name}: {failures[segment]}")
    _recheck(desk, article_id)
    source, target = entries[0].source_lang, entries[0].target_lang
    known = desk.store.memory.candidates([source_hash(segment)], source, target)
    return any(e.origin == HUMAN for e in known)


@dataclass(frozen=True)
class Finished:
    """What another engine made of an article's untranslated blocks."""

    translated: int
    #: Segment label ("block 3", "the title") → why the engine did not translate it.
    failed: dict[str, str]


def translate_missing(desk: Desk, article_id: int, engine_name: str) -> Finished:
    """Translate every block of the article that has no translation (its title too)
    with ``engine_name``, in one run: "translate the rest with another engine", for an
    article whose translation failed part-way. What the engine translates is stored as
    its memory entries; what it does not is left for the editor, with the reason."""
    article = desk.store.articles.get(article_id)
    missing = desk.missing_translations(article)
    wanted: dict[str, str] = {}
    if missing.title and article.title:
        wanted[escape(article.title, quote=False)] = "the title"
    for position in missing.blocks:
        segment = segment_of(article.blocks[position])
        if segment is not None:
            wanted.setdefault(segment, f"block {position}")
    if not wanted:
        raise DeskError(f"article {article_id} has a translation for every block — nothing to do")
    entries, failures = _translate_with(desk, article, list(wanted), engine_name)
    if entries:
        _recheck(desk, article_id)
    return Finished(
        translated=sum(1 for e in entries if e.source_text in wanted),
        failed={wanted[text]: reason for text, reason in failures.items()},
    )


def _translate_with(
    desk: Desk, article: Article, segments: list[str], engine_name: str
) -> tuple[list[MemoryEntry], dict[str, str]]:
    """``segments`` of ``article`` through ``engine_name`` alone, within its budget: the
    memory entries stored for the ones it translated (they become the ones the article
    shows, the engine its preferred one; an editor's own still win), and segment → reason
    for the rest. The engine's calls are billed as the translate stage bills them."""
    from foreigndesk.store.review import Review

    specs = engine_specs()
    if engine_name not in specs:
        raise DeskError(
            f"engine {engine_name!r} is not installed — choose one of {', '.join(sorted(specs))}"
        )
    source, target = _pair(desk, article)
    glossary = desk.glossary(article)
    engine = specs[engine_name].create(desk.settings)

    async def translate() -> TranslationRun:
        try:
            translator = Translator([engine], budget_left=desk.budget_left)
            return await translator.translate(segments, source, target, glossary)
        finally:
            await engine.aclose()

    run = asyncio.run(translate())
    entries = memory_entries(run, source, target, glossary)
    usage = run.usage.get(engine_name)
    calls, billed = (usage.calls, usage.billed) if usage else (0, 0)
    desk.store.memory.save_translation(
        article.id,
        entries,
        usage={engine_name: (calls, billed, engine.billing_unit)},
        engine=engine_name,
        target_lang=target,
        next_status=None,
    )
    if entries:
        desk.store.memory.save(entries, replace=True)
        Review(desk.store).prefer_engine(article.id, engine_name)
    return entries, run.failures


def add_glossary_term(desk: Desk, article_id: int, source_term: str, target_term: str) -> None:
    article = desk.store.articles.get(article_id, with_blocks=False)
    source_term, target_term = " ".join(source_term.split()), " ".join(target_term.split())
    if not source_term or not target_term:
        raise DeskError("a glossary term needs both the original and its translation")
    if len(source_term) > 512 or len(target_term) > 512:
        raise DeskError("a glossary term is at most 512 characters — select less text")
    glossary = desk.glossary(article)
    desk.store.memory.add_glossary_terms(
        glossary.source_lang, glossary.target_lang, [(source_term, target_term)]
    )
    _recheck(desk, article_id)


def confirm_name(desk: Desk, article_id: int, name: str, spelling: str) -> list[tuple[str, str]]:
    """An offered name into the glossary, as spelled (the engine's spelling when empty);
    returns the terms added (its surname's too, see stages/names.py)."""
    article = desk.store.articles.get(article_id)
    glossary = desk.glossary(article)
    terms = names.confirm_name(
        desk, glossary.source_lang, glossary.target_lang, name, spelling, seen_in=article
    )
    _recheck(desk, article_id)
    return terms


def dismiss_name(desk: Desk, article_id: int, name: str) -> None:
    glossary = desk.glossary(desk.store.articles.get(article_id, with_blocks=False))
    names.dismiss_name(desk, glossary.source_lang, glossary.target_lang, name)


def set_lead(desk: Desk, article_id: int, positions: list[int]) -> None:
    article = desk.store.articles.get(article_id)
    wrong = [p for p in positions if not 0 <= p < len(article.blocks)]
    if wrong:
        raise DeskError(f"article {article_id} has no block {wrong[0]}")
    desk.store.articles.set_lead(article_id, sorted(set(positions)))


def compose_preview(desk: Desk, article_id: int) -> Post:
    article = desk.store.articles.get(article_id)
    if _translation(desk, article) is None:
        raise DeskError(f"article {article_id} is not translated yet — nothing to preview")
    return desk.compose(article)


_REFERRER_META = re.compile(r"<meta\s[^>]*name=[\"']?referrer[^>]*>", re.I)


def preview_html(desk: Desk, article_id: int, root: str) -> str:
    """The article's post page as the static site will show it, rendered by the site's
    own templates; ``root`` is where its links to the site's files start.

    One difference: the page asks for no Referer. Its pictures load from the source's
    site, and the theme's own referrer policy (which suits the published blog) would tell
    that site the desk's private address."""
    html = render_post_html(compose_preview(desk, article_id), desk.settings, root=root)
    html = _REFERRER_META.sub("", html)
    return re.sub(
        r"<head[^>]*>",
        lambda m: m.group() + '<meta name="referrer" content="no-referrer">',
        html,
        count=1,
    )


def preview_style(desk: Desk) -> bytes:
    """The site's stylesheet: the theme override's, else the default theme's."""
    folder = desk.settings.publish.site.templates_dir
    if folder and (desk.settings.root / folder / "style.css").is_file():
        return (desk.settings.root / folder / "style.css").read_bytes()
    return (files("foreigndesk.publish.site") / "static" / "style.css").read_bytes()


__all__ = [
    "BlockView",
    "EditorView",
    "Finished",
    "add_glossary_term",
    "compose_preview",
    "editor_view",
    "preview_html",
    "preview_style",
    "retranslate_block",
    "save_block",
    "save_title",
    "segment_of",
    "set_lead",
    "translate_missing",
]
