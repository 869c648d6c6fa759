"""Translation QA: small checks an editor can trust, run on every translated block.

The public API::

    check_article(source_blocks, target_blocks, context) -> list[Finding]
    check_pairs(pairs, context) -> list[Finding]
    check_texts(source_blocks, target_blocks, context) -> list[Finding]  # any counts, aligned
    summary(findings) -> Summary      # counts; str(summary) is "1 error, 2 warnings"

``context`` is a :class:`QAContext` (language pair, glossary, the ``[qa]`` settings).
Each check is a pure function in a module of its own named for what it checks; see
docs/qa.md for what each one does.
"""

from __future__ import annotations

from foreigndesk.qa.context import BlockPair, QAContext
from foreigndesk.qa.reader import read_blocks, read_pair
from foreigndesk.qa.runner import (
    ARTICLE_CHECKS,
    BLOCK_CHECKS,
    CHECK_NAMES,
    Summary,
    check_article,
    check_pairs,
    finding_dict,
    summary,
)
from foreigndesk.qa.texts import check_texts

__all__ = [
    "ARTICLE_CHECKS",
    "BLOCK_CHECKS",
    "CHECK_NAMES",
    "BlockPair",
    "QAContext",
    "Summary",
    "check_article",
    "check_pairs",
    "check_texts",
    "finding_dict",
    "read_blocks",
    "read_pair",
    "summary",
]
