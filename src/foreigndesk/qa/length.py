"""A translation much shorter or longer than a language pair's translations usually are.

The bounds are the ``qa.length_ratio`` setting: target characters over source characters,
per pair (``en-ja``), per target (``any-ja``), per source (``ja-any``), or for any pair
(``any-any``). Short blocks vary too much to judge and are left alone.
"""

from __future__ import annotations

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "length"


def bounds(context: QAContext) -> tuple[float, float] | None:
    table = context.settings.length_ratio
    for key in (
        f"{context.source_lang}-{context.target_lang}",
        f"any-{context.target_lang}",
        f"{context.source_lang}-any",
        "any-any",
    ):
        if key in table and len(table[key]) == 2:
            low, high = table[key]
            return low, high
    return None


def check_length(pair: BlockPair, context: QAContext) -> list[Finding]:
    """The target's length over the source's is within the pair's bounds."""
    source, target = "".join(pair.source.split()), "".join(pair.target.split())
    limits = bounds(context)
    if limits is None or len(source) < context.settings.length_min_chars or not target:
        return []
    ratio = len(target) / len(source)
    low, high = limits
    if low <= ratio <= high:
        return []
    side = "short" if ratio < low else "long"
    return [
        finding(
            NAME,
            Severity.WARNING,
            f"{len(target)} characters for {len(source)}: ratio {ratio:.2f} is unusually {side}"
            f" for {context.source_lang}→{context.target_lang} ({low}–{high})",
            pair,
        )
    ]
