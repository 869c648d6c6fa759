"""Every check over an article, and what the findings add up to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from foreigndesk.models import TRANSLATABLE_KINDS, Block, Finding, Severity
from foreigndesk.qa.apertium_marks import check_apertium_marks
from foreigndesk.qa.brackets import check_brackets
from foreigndesk.qa.consistency import check_consistency
from foreigndesk.qa.context import ArticleCheck, BlockCheck, BlockPair, QAContext
from foreigndesk.qa.glossary import check_glossary
from foreigndesk.qa.length import check_lengths
from foreigndesk.qa.llm_artefacts import check_llm_artefacts
from foreigndesk.qa.markup import check_markup
from foreigndesk.qa.names import check_names
from foreigndesk.qa.numbers import check_numbers
from foreigndesk.qa.punctuation import check_punctuation
from foreigndesk.qa.register import check_register
from foreigndesk.qa.repeats import check_repeats
from foreigndesk.qa.untranslated import check_untranslated

#: Checks of one block at a time, by name.
BLOCK_CHECKS: dict[str, BlockCheck] = {
    "numbers": check_numbers,
    "markup": check_markup,
    "brackets": check_brackets,
    "untranslated": check_untranslated,
    "glossary": check_glossary,
    "apertium_marks": check_apertium_marks,
    "llm_artefacts": check_llm_artefacts,
    "punctuation": check_punctuation,
}
#: Checks that compare the blocks of an article with each other, by name.
ARTICLE_CHECKS: dict[str, ArticleCheck] = {
    "names": check_names,
    "consistency": check_consistency,
    "repeats": check_repeats,
    "register": check_register,
    "length": check_lengths,
}
#: Every check by name; ``alignment`` pairs a translator's paragraphs (``qa.texts``).
CHECK_NAMES = (*BLOCK_CHECKS, *ARTICLE_CHECKS, "alignment")
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def check_pairs(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """Every enabled check over the pairs, ordered by block, then severity."""
    disabled = set(context.settings.disabled)
    findings: list[Finding] = []
    for pair in pairs:
        if not pair.target.strip():
            continue
        for name, block_check in BLOCK_CHECKS.items():
            if name not in disabled:
                findings += block_check(pair, context)
    present = [p for p in pairs if p.target.strip()]
    for name, article_check in ARTICLE_CHECKS.items():
        if name not in disabled:
            findings += article_check(present, context)
    return sorted(
        findings,
        key=lambda f: (f.position if f.position is not None else -1, _ORDER[f.severity]),
    )


def check_article(
    source_blocks: Sequence[Block],
    target_blocks: Sequence[str | None],
    context: QAContext,
    flags: Mapping[int, Sequence[str]] | None = None,
) -> list[Finding]:
    """Findings for an article: ``target_blocks[i]`` is block i's translation as inline
    HTML, or None where the block is not translated (images, code, tables)."""
    flags = flags or {}
    pairs = [
        BlockPair(index, block.html, target, tuple(flags.get(index, ())))
        for index, (block, target) in enumerate(zip(source_blocks, target_blocks, strict=True))
        if block.kind in TRANSLATABLE_KINDS and target
    ]
    return check_pairs(pairs, context)


@dataclass(frozen=True)
class Summary:
    """Counts of an article's findings; ``open_errors`` are errors not marked resolved."""

    errors: int
    warnings: int
    infos: int
    open_errors: int
    by_check: dict[str, int]

    @property
    def clean(self) -> bool:
        return not (self.errors or self.warnings or self.infos)

    def __str__(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        if self.clean:
            return "no findings"
        text = f"{count(self.errors, 'error')}, {count(self.warnings, 'warning')}"
        if self.infos:
            text += f", {self.infos} info"
        if self.errors != self.open_errors:
            text += f" ({self.open_errors} open)"
        return text


def summary(findings: Sequence[Finding]) -> Summary:
    """What the findings add up to, for a report line or the review desk."""
    severities = Counter(f.severity for f in findings)
    return Summary(
        errors=severities[Severity.ERROR],
        warnings=severities[Severity.WARNING],
        infos=severities[Severity.INFO],
        open_errors=sum(1 for f in findings if f.severity == Severity.ERROR and not f.resolved),
        by_check=dict(Counter(f.check for f in findings)),
    )


def finding_dict(finding: Finding) -> dict[str, object]:
    """A finding as plain JSON-ready data."""
    return {
        "block": finding.position,
        "check": finding.check,
        "severity": finding.severity.value,
        "message": finding.message,
        "span": list(finding.span) if finding.span else None,
        "resolved": finding.resolved,
    }
