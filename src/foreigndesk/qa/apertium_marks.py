"""apertium's marks for words it could not translate.

apertium writes ``*word`` for a word it does not know, ``@word`` for one it has no
translation of and ``#word`` for one it could not inflect. The engine strips the marks and
records the words on the segment (``unknown_words:...``); raw apertium output checked with
``qa check`` still has them. Either way the word is likely still in the source language.
"""

from __future__ import annotations

import re

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding, flags_named

NAME = "apertium_marks"
_MARKED = re.compile(r"(?<![\w*@#])[*@#](\w[\w'-]*)")
_MEANING = {"*": "unknown to apertium", "@": "without a translation", "#": "not inflected"}


def check_apertium_marks(pair: BlockPair, context: QAContext) -> list[Finding]:
    """A marked word in the target, or words the engine reported unknown, is a warning."""
    findings: list[Finding] = []
    source_marks = set(_MARKED.findall(without_links(pair.source)))
    hashtags = without_links(pair.source).count("#")
    marked = list(_MARKED.finditer(without_links(pair.target)))
    for match in marked:
        mark, word = match.group(0)[0], match.group(1)
        if mark == "#" and (
            word in source_marks or sum(m.group(0)[0] == "#" for m in marked) <= hashtags
        ):
            continue  # a hashtag the source has too, kept or translated
        findings.append(
            finding(
                NAME,
                Severity.WARNING,
                f"{word!r} is {_MEANING[mark]} (left as {match.group(0)})",
                pair,
                match.span(),
            )
        )
    reported = flags_named(pair, "unknown_words").get("unknown_words")
    if reported and not findings:
        words = ", ".join(reported.split(","))
        findings.append(finding(NAME, Severity.WARNING, f"apertium did not know: {words}", pair))
    return findings
