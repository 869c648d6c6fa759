"""The same source sentence is translated the same way throughout the article.

Where a block's source and target have the same number of sentences they are paired in
order; a whole block is one unit otherwise. A source sentence (compared without case or
spacing differences) with two different translations is flagged at the second one.
"""

from __future__ import annotations

from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import sentences
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "consistency"
_MIN_WORDS = 3


def _units(pair: BlockPair) -> list[tuple[str, str]]:
    source, target = sentences(pair.source), sentences(pair.target)
    if len(source) == len(target):
        return list(zip(source, target, strict=True))
    return [(pair.source, pair.target)]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def check_consistency(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """One source sentence, one translation, across the whole article."""
    first: dict[str, tuple[str, int]] = {}
    findings: list[Finding] = []
    for pair in pairs:
        for source, target in _units(pair):
            if len(source.split()) < _MIN_WORDS:
                continue
            key = _key(source)
            if key not in first:
                first[key] = (target, pair.position)
                continue
            earlier, where = first[key]
            if _key(earlier) != _key(target):
                start = pair.target.find(target)
                findings.append(
                    finding(
                        NAME,
                        Severity.WARNING,
                        f"{source[:60]!r} is translated differently in block {where}",
                        pair,
                        (start, start + len(target)) if start >= 0 else None,
                    )
                )
    return findings
