"""The curator's glossary is followed: a term in the source has its fixed target spelling.

The source term is found as a reader would find it: in any case (``Tariff`` opening a
sentence) and with English inflections (``tariffs``, ``the board's``). On the target side
the spelling is what matters, its case included, not the marks between a name's parts:
``ジェーン・ロウ``, ``ジェーン＝ロウ`` and ``ジェーン ロウ`` all follow the entry, while
``ジェーン・ロー`` breaks it and is named in the finding, so the editor sees what to
replace.
"""

from __future__ import annotations

import re
from functools import lru_cache

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding
from foreigndesk.qa.names import close_spellings
from foreigndesk.translate.translator import GLOSSARY_LOST

NAME = "glossary"
_MARKS = re.compile(r"[・＝=\s\u00b7\u30fb-]")
_INFLECTION = r"(?:s|es|'s|’s|ed|d|ing)?"


@lru_cache(maxsize=1024)
def _source_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole word in any case, inflected; in CJK text no word edges."""
    escaped = re.escape(term)
    if not term[-1:].isascii() or not term[-1:].isalpha():
        return re.compile(escaped, re.I)
    left = r"(?<!\w)" if term[:1].isalnum() else ""
    return re.compile(left + escaped + _INFLECTION + r"(?!\w)", re.I)


def _folded(text: str) -> str:
    """The marks between a name's parts removed; case kept (``iPhone`` is not ``IPHONE``)."""
    return _MARKS.sub("", text)


def check_glossary(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Each glossary term in the source block appears in the target as the glossary says.

    An error: a broken term is a name or a word the curator fixed, and a reader meets it
    spelled otherwise elsewhere on the blog."""
    findings: list[Finding] = []
    source, target = re.sub(r"<[^>]+>", " ", pair.source), _folded(pair.target)
    for term, rendering in context.glossary:
        if not term.strip() or not _source_pattern(term).search(source):
            continue
        if _folded(rendering) in target:
            continue
        variant = close_spellings(rendering, pair.target)
        said = f", not {variant[0]!r}" if variant else ""
        findings.append(
            finding(NAME, Severity.ERROR, f"{term!r} should be {rendering!r}{said}", pair)
        )
    if not findings and GLOSSARY_LOST in pair.flags:
        findings.append(finding(NAME, Severity.ERROR, "the engine dropped a glossary term", pair))
    return findings
