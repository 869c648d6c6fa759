"""A translation much shorter or longer than a language pair's translations usually are.

The bounds are the ``qa.length_ratio`` setting: target characters over source characters,
per pair (``en-ja``), per target (``any-ja``), per source (``ja-any``), or for any pair
(``any-any``). Short blocks vary too much to judge and are left alone.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "length"
#: A block this far below (or above) its article's usual ratio was cut (or padded): a
#: translator's ratio varies with the text, but little from paragraph to paragraph.
_SHORT_OF_USUAL, _LONG_OF_USUAL = 0.45, 2.5
#: Blocks measured before an article's usual ratio is trusted.
_USUAL_AFTER = 3


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


def _ratio(pair: BlockPair, context: QAContext) -> float | None:
    source, target = "".join(pair.source.split()), "".join(pair.target.split())
    if len(source) < context.settings.length_min_chars or not target:
        return None
    return len(target) / len(source)


def check_lengths(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """Each block within the pair's bounds, and near its own article's usual ratio.

    The article's median ratio is the translator's own measure of this text; a block cut
    to a third of it reads as a fragment even where the pair's bounds, wide enough for
    every writer and subject, still allow it."""
    findings: list[Finding] = []
    ratios = {p.position: r for p in pairs if (r := _ratio(p, context)) is not None}
    usual = statistics.median(ratios.values()) if len(ratios) >= _USUAL_AFTER else None
    for pair in pairs:
        found = check_length(pair, context)
        ratio = ratios.get(pair.position)
        if (
            not found
            and usual
            and ratio is not None
            and not _SHORT_OF_USUAL * usual <= ratio <= _LONG_OF_USUAL * usual
        ):
            side = "short" if ratio < usual else "long"
            found = [
                finding(
                    NAME,
                    Severity.WARNING,
                    f"ratio {ratio:.2f} is unusually {side} for this article,"
                    f" whose blocks are usually near {usual:.2f}",
                    pair,
                )
            ]
        findings += found
    return findings
