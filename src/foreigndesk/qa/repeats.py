"""A translated paragraph, or a sentence, that appears twice where the source has it once.

Engines and models sometimes paste a paragraph twice or loop on a sentence. Within a block,
a sentence repeated in the target but not in the source is flagged; across the article, a
target block equal (or all but equal) to an earlier one whose source differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import sentences
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "repeats"
_MIN_CHARS = 12
_SAME = 0.9


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _repeated_sentences(pair: BlockPair) -> list[Finding]:
    source_counts: dict[str, int] = {}
    for sentence in sentences(pair.source):
        source_counts[_key(sentence)] = source_counts.get(_key(sentence), 0) + 1
    seen: set[str] = set()
    findings: list[Finding] = []
    offset = 0
    target_sentences = sentences(pair.target)
    repeats_in_source = max(source_counts.values(), default=1) > 1
    for sentence in target_sentences:
        start = pair.target.find(sentence, offset)
        offset = start + len(sentence)
        key = _key(sentence)
        if key in seen and len(key) >= _MIN_CHARS and not repeats_in_source:
            findings.append(
                finding(
                    NAME, Severity.ERROR, f"{sentence[:40]!r} is repeated", pair, (start, offset)
                )
            )
        seen.add(key)
    return findings


def _tokens(text: str) -> list[str]:
    """Words where the script spaces them, else characters (Japanese, Chinese)."""
    words = text.split()
    return words if len(words) > 3 else list(text)


def _similar(a: str, b: str) -> bool:
    """At least 90 % alike, word by word; the cheap upper bounds first."""
    if a == b:
        return True
    first, second = _tokens(a), _tokens(b)
    if 2 * min(len(first), len(second)) / (len(first) + len(second)) < _SAME:
        return False
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    return matcher.quick_ratio() >= _SAME and matcher.ratio() >= _SAME


def check_repeats(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """No target sentence or block is repeated unless its source is."""
    findings: list[Finding] = []
    earlier: list[BlockPair] = []
    for pair in pairs:
        findings += _repeated_sentences(pair)
        target = _key(pair.target)
        if len(target) >= _MIN_CHARS:
            for previous in earlier:
                if _similar(_key(previous.source), _key(pair.source)):
                    continue  # the source repeats itself (a headline and its caption)
                if _similar(_key(previous.target), target):
                    findings.append(
                        finding(
                            NAME,
                            Severity.ERROR,
                            f"the same translation as block {previous.position},"
                            " whose source differs",
                            pair,
                            (0, len(pair.target)),
                        )
                    )
                    break
        earlier.append(pair)
    return findings
