"""The checks over a translator's own pair of texts, whose paragraphs may not pair one to one.

The paragraphs are aligned first (:mod:`foreigndesk.qa.align`); a paragraph dropped,
added, merged or split is a finding of the ``alignment`` check (one pasted twice, of the
``repeats`` check, as in the desk), and every
other check runs on the pairs the alignment found, so one missing paragraph does not turn
every paragraph after it into a wrong translation.

Block numbers in messages count from 0, as the ``block`` column of ``qa check`` and the
messages of the other checks do; a number without "source" is a block of the translation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import plain
from foreigndesk.qa.align import Alignment, Bead, Fault, Problem, align
from foreigndesk.qa.context import BlockPair, QAContext
from foreigndesk.qa.runner import check_pairs

NAME = "alignment"
#: A paragraph pasted twice is the repeats check's finding, whichever way it was found.
REPEATS = "repeats"
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
#: What joins the paragraphs of a merged or split bead into one text for the checks.
_JOIN = " "


def check_texts(
    source_blocks: Sequence[str], target_blocks: Sequence[str], context: QAContext
) -> list[Finding]:
    """Every check over two texts' blocks (inline HTML, in order, any counts), ordered by
    block, then severity. Lists of the same length that pair one to one give exactly what
    :func:`check_pairs` gives on those pairs."""
    alignment = align(source_blocks, target_blocks)
    pairs = [_pair(bead, source_blocks, target_blocks) for bead in alignment.pairs]
    found: list[Finding] = []
    disabled = set(context.settings.disabled)
    found += [
        said
        for problem in alignment.problems
        if (said := _finding(problem, target_blocks)).check not in disabled
    ]
    found += _onto_split_halves(check_pairs(pairs, context), alignment, target_blocks)
    return sorted(
        found, key=lambda f: (f.position if f.position is not None else -1, _ORDER[f.severity])
    )


def _pair(bead: Bead, source: Sequence[str], target: Sequence[str]) -> BlockPair:
    """A bead as one block pair at its first target block; two paragraphs on a side are
    checked as one text."""
    return BlockPair(
        bead.target[0],
        _JOIN.join(source[i] for i in bead.source),
        _JOIN.join(target[j] for j in bead.target),
    )


def _onto_split_halves(
    findings: Sequence[Finding], alignment: Alignment, target: Sequence[str]
) -> list[Finding]:
    """Findings in the second half of a split pair moved to that block, their spans
    counted from its start, so the report points at the text it is about."""
    halves = {
        bead.target[0]: (bead.target[1], len(plain(target[bead.target[0]])))
        for bead in alignment.pairs
        if len(bead.target) == 2
    }
    return [_onto_half(found, halves) for found in findings]


def _onto_half(found: Finding, halves: Mapping[int, tuple[int, int]]) -> Finding:
    """``halves`` maps the first block of a split pair to its second and the length of the
    first block's text."""
    if found.position is None or found.span is None or found.position not in halves:
        return found
    second, first_length = halves[found.position]
    start, end = found.span
    offset = first_length + len(_JOIN)
    if start >= offset:
        return replace(found, position=second, span=(start - offset, end - offset))
    return replace(found, span=(start, min(end, first_length)))


def _finding(problem: Problem, target: Sequence[str]) -> Finding:
    """What an alignment problem tells the editor, at the translation block it is about.
    Text lost or added holds publishing; a paragraph break moved does not."""
    if problem.fault is Fault.MERGED:
        return _merged(problem)
    if problem.fault is Fault.SPLIT:
        return _split(problem)
    if problem.fault is Fault.DROPPED:
        return _dropped(problem)
    return _unsourced(problem, target)


def _merged(problem: Problem) -> Finding:
    first, second = problem.source
    (block,) = problem.target
    message = (
        f"source blocks {_n(first)} and {_n(second)} are translated together in block {_n(block)}"
    )
    return Finding(NAME, Severity.WARNING, message, block)


def _split(problem: Problem) -> Finding:
    (paragraph,) = problem.source
    first, second = problem.target
    message = (
        f"source block {_n(paragraph)} is translated in two, blocks {_n(first)} and {_n(second)}"
    )
    return Finding(NAME, Severity.WARNING, message, first)


def _dropped(problem: Problem) -> Finding:
    """At the translation block before the gap (after it at the very start)."""
    (paragraph,) = problem.source
    before, after = problem.between
    where = _where(before, after, "", "the translation is empty")
    message = f"source block {_n(paragraph)} has no translation ({where})"
    return Finding(NAME, Severity.ERROR, message, before if before is not None else after)


def _unsourced(problem: Problem, target: Sequence[str]) -> Finding:
    """A translation block with no source: a repeat of an earlier block, or text added."""
    (block,) = problem.target
    span = (0, len(plain(target[block])))
    if problem.repeats is not None:
        message = (
            f"block {_n(block)} repeats block {_n(problem.repeats)} "
            "and has no source block of its own"
        )
        return Finding(REPEATS, Severity.ERROR, message, block, span)
    where = _where(*problem.between, "source ", "the source is empty")
    message = f"block {_n(block)} translates nothing in the source ({where})"
    return Finding(NAME, Severity.ERROR, message, block, span)


def _where(before: int | None, after: int | None, side: str, empty: str) -> str:
    """Where a missing or added paragraph sits among the other side's blocks."""
    if before is not None and after is not None:
        return f"between {side}blocks {_n(before)} and {_n(after)}"
    if before is not None:
        return f"after {side}block {_n(before)}"
    if after is not None:
        return f"before {side}block {_n(after)}"
    return empty


def _n(index: int) -> str:
    """A block's number as the report shows it (from 0, like its ``block`` column)."""
    return str(index)
