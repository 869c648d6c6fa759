"""The fixed split into dev and test, and the pseudo-articles each part is cut into.

The data's documents are contiguous but carry no ids, so the split is by ranges of lines:
the first half is dev (tune the checks on it), the second test (report on it). The halves
differ in kind as the data does: dev is mostly news (numbers, names, quotations), test
mostly speech transcripts, user reviews and e-commerce (polite Japanese, few numbers).

Article-level checks (names, consistency, repeats, register) look across paragraphs, so the
lines of a part are grouped, in order, into pseudo-articles of ``ARTICLE_LINES`` lines,
one paragraph per line; a part's last group keeps what is left (a shorter tail than
``MIN_LINES`` joins the group before it). A group never crosses the split, but may span
two of the data's documents: nothing in the data says where one ends.
"""

from __future__ import annotations

from benchmarks.qaset.article import Article, escape
from benchmarks.qaset.corpus import SEGMENTS, Corpus

#: 0-based line ranges of each part, fixed: changing them changes every figure.
PARTS: dict[str, range] = {"dev": range(0, 1037), "test": range(1037, SEGMENTS)}
ARTICLE_LINES = 6
MIN_LINES = 3


def groups(lines: range) -> list[range]:
    """Consecutive ranges of about ``ARTICLE_LINES`` lines covering ``lines`` exactly."""
    starts = list(range(lines.start, lines.stop, ARTICLE_LINES))
    if len(starts) > 1 and lines.stop - starts[-1] < MIN_LINES:
        starts.pop()
    ends = [*starts[1:], lines.stop]
    return [range(start, end) for start, end in zip(starts, ends, strict=True)]


def articles(corpus: Corpus, part: str, target: tuple[str, ...] | None = None) -> list[Article]:
    """The part's pseudo-articles, source and reference (or ``target``, one system's
    output) as escaped text, with no glossary and no label."""
    lines = target if target is not None else corpus.reference
    return [
        Article(
            id=f"{part}-{number:03d}",
            first_line=group.start,
            source=tuple(escape(corpus.source[i]) for i in group),
            target=tuple(escape(lines[i]) for i in group),
        )
        for number, group in enumerate(groups(PARTS[part]))
    ]
