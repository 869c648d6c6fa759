"""Translate: one extracted article's segments, from the memory or an engine.

A segment is paid for once, however many workers meet it: before a segment goes to an
engine the worker claims it in the memory's in-flight table, and a worker that finds it
claimed waits for the other's entry instead of sending it again. The claims are taken for
all of an article's segments in one transaction, and each worker stores what it translated
before it waits for others, so two workers never wait on each other.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Sequence
from html import escape, unescape

from foreigndesk.errors import DeskError, UnsupportedPair
from foreigndesk.models import (
    TRANSLATABLE_KINDS,
    Article,
    ArticleStatus,
    BlockKind,
    MemoryEntry,
    NameOffer,
    TranslatedBlock,
    Translation,
)
from foreigndesk.slots import Slots
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import RunReport
from foreigndesk.store.claims import segment_claim_key
from foreigndesk.translate import (
    Engine,
    Glossary,
    GlossaryEntry,
    TranslationRun,
    Translator,
    choose,
    source_hash,
)
from foreigndesk.translate.breaker import CircuitBreaker
from foreigndesk.translate.engine import article_context
from foreigndesk.translate.languages import base_language
from foreigndesk.translate.memory import HUMAN, machine_entry
from foreigndesk.translate.names import article_names, crosses_scripts, names_to_offer

logger = logging.getLogger(__name__)

#: How often a worker looks whether segments another worker is translating are done.
_WAIT_STEP = 0.2
#: Rounds of "wait for the others, then translate what they gave up on".
_ROUNDS = 3


# -- pure helpers ------------------------------------------------------------------------


def segments_of(article: Article) -> list[str]:
    """Every distinct piece of text to translate, as inline HTML: title, blocks, captions."""
    pieces = [escape(article.title or "", quote=False)]
    for block in article.blocks:
        if block.kind in TRANSLATABLE_KINDS:
            pieces.append(block.html)
        elif block.kind == BlockKind.IMAGE:
            pieces.extend(escape(t, quote=False) for t in (block.alt, block.caption) if t)
    return list(dict.fromkeys(p for p in pieces if p.strip()))


def assemble_translation(
    article: Article, target_lang: str, engine: str, translated: dict[str, str]
) -> Translation:
    """Put the memory's segments back onto the article's blocks."""

    def plain(text: str | None) -> str | None:
        if not text:
            return None
        found = translated.get(escape(text, quote=False))
        return unescape(found) if found is not None else None

    items: list[TranslatedBlock] = []
    for block in article.blocks:
        if block.kind in TRANSLATABLE_KINDS:
            items.append(TranslatedBlock(block=block, html=translated.get(block.html)))
        elif block.kind == BlockKind.IMAGE:
            items.append(
                TranslatedBlock(block=block, html=plain(block.alt), caption=plain(block.caption))
            )
        else:
            items.append(TranslatedBlock(block=block, html=None))
    return Translation(
        article_id=article.id,
        source_lang=article.source_lang,
        target_lang=target_lang,
        engine=engine,
        title=plain(article.title) or article.title or "",
        blocks=tuple(items),
    )


def segment_labels(article: Article) -> dict[str, str]:
    """How to name each segment in an error line: ``title``, ``block 4``, ``block 4 caption``."""
    labels = {escape(article.title or "", quote=False): "title"}
    for index, block in enumerate(article.blocks):
        if block.kind in TRANSLATABLE_KINDS:
            labels.setdefault(block.html, f"block {index}")
        elif block.kind == BlockKind.IMAGE:
            for part, text in (("alt text", block.alt), ("caption", block.caption)):
                if text:
                    labels.setdefault(escape(text, quote=False), f"block {index} {part}")
    return labels


def memory_entries(
    run: TranslationRun, source: str, target: str, glossary: Glossary
) -> list[MemoryEntry]:
    """A memory entry for each segment the run translated, keyed by the glossary terms
    it uses."""
    return [
        machine_entry(
            text,
            result.text,
            source,
            target,
            result.engine,
            glossary.version_for(text),
            result.flags,
        )
        for text, result in run.results.items()
        if result.text is not None and result.engine is not None
    ]


# -- reading the memory ------------------------------------------------------------------


def glossary_for(ctx: StageContext, article: Article) -> Glossary:
    source = base_language(article.source_lang)
    target = base_language(ctx.settings.desk.target_lang)
    terms = ctx.store.memory.glossary_terms(source, target)
    return Glossary(source, target, tuple(GlossaryEntry(*t) for t in terms))


def remembered(
    ctx: StageContext,
    segments: Sequence[str],
    source: str,
    target: str,
    engines: Sequence[str],
    glossary: Glossary,
    *,
    any_machine: bool = False,
) -> dict[str, MemoryEntry]:
    """The translation memory's entry for each segment it can serve."""
    hashes = {text: source_hash(text) for text in segments}
    by_hash: dict[str, list[MemoryEntry]] = {}
    for entry in ctx.store.memory.candidates(hashes.values(), source, target):
        by_hash.setdefault(entry.source_hash, []).append(entry)
    found: dict[str, MemoryEntry] = {}
    for text, digest in hashes.items():
        chosen = choose(
            by_hash.get(digest, []),
            engines,
            glossary.version_for(text),
            any_machine=any_machine,
        )
        if chosen is not None:
            found[text] = chosen
    return found


def current_translation(ctx: StageContext, article: Article) -> Translation:
    """The article in the target language as the memory holds it now: an editor's
    corrections first, then the engines that translated it."""
    engines, target = ctx.store.articles.translation_target(article.id)
    glossary = glossary_for(ctx, article)
    found = remembered(
        ctx,
        segments_of(article),
        glossary.source_lang,
        target,
        [*engines.split(","), ctx.settings.translate.engine],
        glossary,
        any_machine=True,
    )
    used = sorted({e.engine for e in found.values() if e.origin != HUMAN})
    if not used and not (found and all(e.origin == HUMAN for e in found.values())):
        used = engines.split(",")  # nothing remembered yet: the engines it was sent to
    # Every segment an editor's: no engine translated it, and the post must not say one did.
    translation = assemble_translation(
        article, target, ", ".join(used), {s: e.target_text for s, e in found.items()}
    )
    human = any(e.origin == HUMAN for e in found.values())
    return dataclasses.replace(translation, human_edited=human)


def translated_titles(
    ctx: StageContext, titles: Sequence[tuple[int, str | None, str]]
) -> dict[int, str]:
    """(article id, original title, source language) → the title in the target language
    as the memory holds it (an editor's first, else the newest machine one): what the
    inbox shows beside each original, in one query per source language."""
    target = base_language(ctx.settings.desk.target_lang)
    by_lang: dict[str, list[tuple[int, str]]] = {}
    for article_id, title, lang in titles:
        if title:
            by_lang.setdefault(base_language(lang), []).append(
                (article_id, escape(title, quote=False))
            )
    found: dict[int, str] = {}
    for lang, wanted in by_lang.items():
        known = remembered(
            ctx, [segment for _, segment in wanted], lang, target, [], Glossary(lang, target),
            any_machine=True,
        )  # fmt: skip
        for article_id, segment in wanted:
            if segment in known:
                found[article_id] = unescape(known[segment].target_text)
    return found


# -- the stage ---------------------------------------------------------------------------


def _check_pair(chain: Sequence[Engine], source: str, target: str) -> None:
    if not any((source, target) in engine.pairs() for engine in chain):
        offered = "; ".join(
            f"{e.name}: {', '.join(f'{s}→{t}' for s, t in sorted(e.pairs())) or 'none'}"
            for e in chain
        )
        raise UnsupportedPair(
            f"no {source}→{target} pair in {', '.join(e.name for e in chain)} ({offered})"
            " — install the pair, add an engine to translate.fallback, or set the"
            " source's language with --lang"
        )


async def translate_article(
    ctx: StageContext,
    article_id: int,
    report: RunReport,
    *,
    claim: str | None = None,
    slots: Slots | None = None,
) -> None:
    """Translate one claimed article: what the memory has is taken from it, the rest is
    sent once, and the article moves to ``translated`` when every segment has a
    translation. Raises DeskError (one line) when some could not be translated: what was
    translated is kept, and only the rest is tried again."""
    article = ctx.store.articles.get(article_id)
    segments = segments_of(article)
    known, pending = await translate_segments(
        ctx, article, segments, segment_labels(article), report, claim=claim, slots=slots
    )
    engines = ",".join(sorted({entry.engine for entry in known.values()}))
    # What was paid for is stored before the names go out: a crash while they are
    # translated loses nothing of the article.
    pending.save(ctx, article_id, claim)
    try:
        await offer_names(ctx, article, report, claim=claim, slots=slots)
    except Exception:  # names are a courtesy: they never hold an article back
        logger.warning("article %s: names not offered", article_id, exc_info=True)
    pending.save(ctx, article_id, claim, next_status=ArticleStatus.TRANSLATED, engine=engines)
    report.translated += 1


async def offer_names(
    ctx: StageContext,
    article: Article,
    report: RunReport,
    *,
    claim: str | None = None,
    slots: Slots | None = None,
) -> None:
    """Offer the editor the engine's spelling of each name the article brings that the
    glossary lacks (translate/names.py): each name is translated alone, through the
    memory, so a name met again costs nothing. Only across scripts; a name the engine
    cannot spell is not offered, and never holds the article back."""
    source = base_language(article.source_lang)
    target = base_language(ctx.settings.desk.target_lang)
    if not crosses_scripts(source, target):
        return
    candidates = article_names(article)
    names = names_to_offer(candidates, ctx.store.memory.names_met(source, target, candidates))
    if not names:
        return
    segments = {escape(name, quote=False): name for name in names}
    try:
        # A breaker of their own: a model that fumbles bare names must not pause the
        # engine for the next article's text.
        known, pending = await translate_segments(
            ctx, article, list(segments), {s: f"name {n}" for s, n in segments.items()},
            report, claim=claim, slots=slots, breakers={},
        )  # fmt: skip
    except DeskError as exc:
        logger.warning("article %s: names not offered: %s", article.id, exc)
        return
    pending.save(ctx, article.id, claim)
    offers = []
    for segment, name in segments.items():
        entry = known.get(segment)
        if entry is None:
            continue
        spelling = " ".join(unescape(entry.target_text).split())
        if spelling and spelling != name and len(spelling) <= 512:
            offers.append(NameOffer(source, target, name, spelling, entry.engine, article.id))
    ctx.store.memory.offer_names(offers)


async def translate_segments(
    ctx: StageContext,
    article: Article,
    segments: Sequence[str],
    labels: dict[str, str],
    report: RunReport,
    *,
    claim: str | None = None,
    slots: Slots | None = None,
    breakers: dict[str, CircuitBreaker] | None = None,
) -> tuple[dict[str, MemoryEntry], _Pending]:
    """Every one of ``segments`` from the memory or an engine, each paid for once across
    workers, and what was paid for and not stored yet; raises DeskError naming the
    segments (by ``labels``) that could not be translated, after storing the rest."""
    store = ctx.store
    article_id = article.id
    source = base_language(article.source_lang)
    target = base_language(ctx.settings.desk.target_lang)
    chain = ctx.chain(store.sources.engine(article.source_id))
    _check_pair(chain, source, target)
    glossary = glossary_for(ctx, article)
    names = [e.name for e in chain]
    known = remembered(ctx, segments, source, target, names, glossary)
    report.memory_hits += len(known)
    translator = Translator(
        chain,
        breakers=ctx.breakers if breakers is None else breakers,
        budget_left=ctx.budget_left,
        slots=slots,
    )
    pending = _Pending(target)
    failures: dict[str, str] = {}
    deadline = time.monotonic() + ctx.lease.total_seconds()
    for round_ in range(_ROUNDS):
        missing = [s for s in segments if s not in known]
        if not missing:
            break
        keys = {
            text: segment_claim_key(source_hash(text), source, target, glossary.version_for(text))
            for text in missing
        }
        won = (
            store.claims.segments(keys.values(), claim, ctx.lease)
            if claim is not None
            else set(keys.values())
        )
        mine = [text for text in missing if keys[text] in won]
        theirs = [text for text in missing if keys[text] not in won]
        if mine:
            with article_context(article.title or "", segments):
                run = await translator.translate(mine, source, target, glossary)
            entries = memory_entries(run, source, target, glossary)
            for engine in chain:
                if engine.name in run.usage:
                    used = run.usage[engine.name]
                    pending.bill(engine.name, used.calls, used.billed, engine.billing_unit)
                    report.engine_calls += used.calls
            pending.entries.extend(entries)
            pending.keys.extend(keys[text] for text in mine)
            known.update({e.source_text: e for e in entries})
            failures = dict(run.failures)
        if not theirs or failures or round_ == _ROUNDS - 1:
            break
        # Other workers are translating these segments now: store ours first (they may
        # be waiting for them), then wait for theirs.
        pending.save(ctx, article_id, claim)
        waiting = {keys[text] for text in theirs}
        while waiting and time.monotonic() < deadline:
            await asyncio.sleep(_WAIT_STEP)
            waiting = store.claims.held_segments(waiting)
        arrived = remembered(ctx, theirs, source, target, names, glossary, any_machine=True)
        report.memory_hits += len(arrived)
        known.update(arrived)
    still = [s for s in segments if s not in known]
    if still and not failures:
        failures = dict.fromkeys(still, "another worker held it past its lease")
    if failures:
        pending.save(ctx, article_id, claim)
        listed = "; ".join(
            f"{labels.get(text, 'a block')}: {reason}" for text, reason in failures.items()
        )
        raise DeskError(
            f"{len(failures)} of {len(segments)} segments not translated ({listed});"
            " the rest is kept and only these are tried again"
        )
    return known, pending


@dataclasses.dataclass
class _Pending:
    """What a translation has paid for and not stored yet: stored together with the
    article's next status, or before the worker waits on another."""

    target: str
    entries: list[MemoryEntry] = dataclasses.field(default_factory=list)
    keys: list[str] = dataclasses.field(default_factory=list)
    usage: dict[str, tuple[int, int, str]] = dataclasses.field(default_factory=dict)

    def bill(self, engine: str, calls: int, billed: int, unit: str) -> None:
        before_calls, before_billed, _ = self.usage.get(engine, (0, 0, unit))
        self.usage[engine] = (before_calls + calls, before_billed + billed, unit)

    def save(
        self,
        ctx: StageContext,
        article_id: int,
        claim: str | None,
        *,
        next_status: ArticleStatus | None = None,
        engine: str = "",
        values: dict[str, object] | None = None,
    ) -> None:
        """Store it; with ``next_status``, the article moves on (translated by
        ``engine``), and ``values`` are written on its row."""
        ctx.store.memory.save_translation(
            article_id,
            self.entries,
            usage=self.usage,
            engine=engine,
            target_lang=self.target,
            next_status=next_status,
            claim=claim,
            segments=self.keys,
            article_values=values,
        )
        self.entries, self.keys, self.usage = [], [], {}
