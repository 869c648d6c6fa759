"""Triage: an article's brief (title and summary) translated, and the rules applied.

In triage mode the translate stage sends an article that nobody has picked here instead
of translating it whole. The brief goes through the same memory, claims and bill as any
translation, so the title and opening paragraphs a picked article shares with its brief
are never paid for twice. Then the rules decide: the article waits for an editor
(``triaged``), is dismissed, or is picked and translated in full at once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape

from foreigndesk.errors import DeskError
from foreigndesk.models import TRANSLATABLE_KINDS, Article, ArticleStatus
from foreigndesk.plugins import engine_specs
from foreigndesk.slots import Slots
from foreigndesk.stages.context import StageContext
from foreigndesk.stages.report import RunReport
from foreigndesk.stages.translate import (
    glossary_for,
    remembered,
    segment_labels,
    segments_of,
    translate_segments,
)
from foreigndesk.store.tables import utcnow
from foreigndesk.store.triage import DISMISSABLE, PICKABLE
from foreigndesk.translate.languages import base_language
from foreigndesk.triage import Decision, Estimate, TriageRule, brief_of, decide, estimate_cost
from foreigndesk.triage.rules import Candidate

logger = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]*>")


def plain(fragment: str) -> str:
    """Inline HTML as the text a reader sees."""
    return " ".join(unescape(_TAG.sub("", fragment)).split())


def engine_is_free(ctx: StageContext, source_engine: str | None) -> bool:
    first = ctx.chain(source_engine)[0].name
    spec = engine_specs().get(first)
    return spec is not None and spec.free(ctx.settings)


def triage_applies(ctx: StageContext, article: Article) -> bool:
    """Whether the article gets a brief instead of a full translation now."""
    mode = ctx.settings.translate.mode
    if mode == "full" or article.picked:
        return False
    if mode == "triage":
        return True
    return not engine_is_free(ctx, ctx.store.sources.engine(article.source_id))


def file_rules(ctx: StageContext) -> list[TriageRule]:
    """desk.toml's rules. One for a source the desk does not follow is left out, with a
    line that says so."""
    by_url = {source.url: source.id for source in ctx.store.sources.all()}
    rules: list[TriageRule] = []
    for number, settings in enumerate(ctx.settings.translate.rules, 1):
        label = f"desk.toml rule {number}"
        source_id = None
        if settings.source is not None:
            source_id = by_url.get(settings.source)
            if source_id is None:
                message = (
                    f"{label}: no source {settings.source} — add it with `foreigndesk source"
                    " add`, or fix the URL in translate.rules; the rule is left out"
                )
                logger.warning(message)
                ctx.reporter.warning(message)
                continue
        rules.append(settings.rule(source_id, label))
    return rules


def triage_rules(ctx: StageContext) -> list[TriageRule]:
    """desk.toml's rules, then those made in the desk."""
    return file_rules(ctx) + [rule for _, rule in ctx.store.triage.all()]


def rule_rows(ctx: StageContext) -> list[tuple[int | None, TriageRule]]:
    """Every rule as the desk shows it: desk.toml's (no id: edited in the file) and
    those made in the desk (with the id that removes them)."""
    listed: list[tuple[int | None, TriageRule]] = [(None, rule) for rule in file_rules(ctx)]
    return listed + list(ctx.store.triage.all())


async def brief_article(
    ctx: StageContext,
    article_id: int,
    report: RunReport,
    rules: list[TriageRule],
    *,
    claim: str | None = None,
    slots: Slots | None = None,
) -> Decision:
    """Translate the claimed article's brief and decide on it. A picked article keeps
    its status (``extracted``) and its claim: the caller translates it in full next."""
    article = ctx.store.articles.get(article_id)
    brief = brief_of(article, ctx.settings.translate.triage_chars)
    labels = segment_labels(article)
    labels.update({segment: "summary" for segment in brief.summary if segment not in labels})
    known, pending = await translate_segments(
        ctx, article, brief.segments(), labels, report, claim=claim, slots=slots
    )
    brief_title = plain(known[brief.title].target_text) if brief.title in known else ""
    brief_summary = "\n\n".join(plain(known[s].target_text) for s in brief.summary if s in known)
    candidate = Candidate(
        texts=(article.title or "", brief.summary_text, brief_title, brief_summary),
        authors=article.authors,
        tags=article.tags,
        chars=sum(len(b.text) for b in article.blocks if b.kind in TRANSLATABLE_KINDS),
        source_id=article.source_id,
    )
    verdict = decide(rules, candidate)
    values: dict[str, object] = {
        "summary": brief.summary_text,
        "brief_title": brief_title,
        "brief_summary": brief_summary,
        "triage_reason": verdict.reason or None,
    }
    if verdict.decision == Decision.PICK:
        values["picked_at"] = utcnow()
        pending.save(ctx, article_id, claim, values=values)
        report.picked += 1
    elif verdict.decision == Decision.DISMISS:
        pending.save(ctx, article_id, claim, next_status=ArticleStatus.DISMISSED, values=values)
        report.dismissed += 1
    else:
        pending.save(ctx, article_id, claim, next_status=ArticleStatus.TRIAGED, values=values)
        report.triaged += 1
    return verdict.decision


# -- what a full translation would cost, and picking within the budget -------------------


def estimates(ctx: StageContext, article: Article) -> list[Estimate]:
    """The cost of the article's full translation with each engine of its chain, less
    what the translation memory already holds for that engine."""
    segments = segments_of(article)
    glossary = glossary_for(ctx, article)
    target = base_language(ctx.settings.desk.target_lang)
    prices = ctx.settings.web.prices
    found: list[Estimate] = []
    for engine in ctx.chain(ctx.store.sources.engine(article.source_id)):
        known = remembered(ctx, segments, glossary.source_lang, target, [engine.name], glossary)
        found.append(
            estimate_cost(
                segments, known, engine.name, engine.billing_unit, prices.get(engine.name)
            )
        )
    return found


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(i) for i in ids)


def pick_articles(ctx: StageContext, article_ids: Sequence[int], reason: str) -> list[int]:
    """Send the articles to full translation on the next run; raises DeskError, before
    anything is queued, when one cannot be picked or the picks would overrun an engine's
    monthly budget (the picks already queued counted in)."""
    store = ctx.store
    articles = [store.articles.get(i) for i in dict.fromkeys(article_ids)]
    wrong = [a for a in articles if a.status not in PICKABLE]
    if wrong:
        raise DeskError(
            "; ".join(f"article {a.id} is {a.status.value}" for a in wrong)
            + " — only triaged, dismissed or extracted articles can be picked"
        )
    chosen = {a.id for a in articles}
    queued = [store.articles.get(i) for i in store.triage.queued() if i not in chosen]
    needed: dict[str, tuple[int, str]] = {}
    waiting: dict[str, int] = {}
    for article, already in [(a, False) for a in articles] + [(a, True) for a in queued]:
        first = estimates(ctx, article)[0]
        units, _ = needed.get(first.engine, (0, first.unit))
        needed[first.engine] = (units + first.units, first.unit)
        if already:
            waiting[first.engine] = waiting.get(first.engine, 0) + first.units
    for engine, (units, unit) in needed.items():
        left = ctx.budget_left(engine)
        if left is not None and units > left:
            queued_part = (
                f", {waiting[engine]:,} of them for the picks already queued"
                if waiting.get(engine)
                else ""
            )
            raise DeskError(
                f"picking article{'s' if len(articles) > 1 else ''} {_ids(sorted(chosen))}"
                f" needs about {units:,} {unit} of {engine}{queued_part}; {left:,} are left"
                f" of this month's budget — pick fewer, or raise translate.budget.{engine}"
            )
    return store.triage.pick(sorted(chosen), reason)


def dismiss_articles(ctx: StageContext, article_ids: Sequence[int], reason: str) -> list[int]:
    """Take the articles out of the editor's way; raises DeskError for one that is not
    waiting for triage."""
    store = ctx.store
    articles = [store.articles.get(i, with_blocks=False) for i in dict.fromkeys(article_ids)]
    wrong = [a for a in articles if a.status not in DISMISSABLE]
    if wrong:
        raise DeskError(
            "; ".join(f"article {a.id} is {a.status.value}" for a in wrong)
            + " — only triaged or extracted articles can be dismissed (reject the others)"
        )
    return store.triage.dismiss([a.id for a in articles], reason)


@dataclass(frozen=True)
class BudgetLine:
    """One engine's month: what it billed so far and what its budget leaves."""

    engine: str
    spent: int
    budget: int | None

    @property
    def left(self) -> int | None:
        return None if self.budget is None else max(self.budget - self.spent, 0)


def budgets(ctx: StageContext) -> list[BudgetLine]:
    """This month's spend for the engines the desk translates with, has a budget for, or
    used this month."""
    used = ctx.store.memory.usage(utcnow().strftime("%Y-%m"))
    configured = ctx.settings.translate.budget
    names = dict.fromkeys(
        [ctx.settings.translate.engine, *ctx.settings.translate.fallback, *configured, *used]
    )
    return [BudgetLine(name, used.get(name, (0, 0))[1], configured.get(name)) for name in names]
