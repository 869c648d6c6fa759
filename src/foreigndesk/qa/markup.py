"""URLs, e-mail addresses, inline markup and placeholders come through intact.

A link's address, an e-mail address or a URL written in the text is copied, never
translated; every tag of the source (with its attributes) is in the target, once; and no
placeholder (``⟦1⟧``, a glossary token) is left behind by an engine that mangled it.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import EMAIL, URL
from foreigndesk.qa.context import BlockPair, QAContext, finding
from foreigndesk.translate.placeholders import MARKUP_LOST, tag_signature

NAME = "markup"
_LEFTOVER = re.compile(r"⟦/?\d+⟧|ZXG\d+QZ|\{\d+\}|</?\s*\d+\s*>")


def check_markup(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Addresses copied exactly, tags all there, no placeholder left in the text."""
    findings: list[Finding] = []
    for kind, pattern in (("URL", URL), ("e-mail address", EMAIL)):
        wanted = Counter(pattern.findall(pair.source))
        target_html = unescape(pair.target_html)
        for written, count in wanted.items():
            if target_html.count(written) < count and pair.target.count(written) < count:
                findings.append(
                    finding(NAME, Severity.ERROR, f"{kind} {written} is missing or changed", pair)
                )
    missing = tag_signature(pair.source_html) - tag_signature(pair.target_html)
    extra = tag_signature(pair.target_html) - tag_signature(pair.source_html)
    if missing or extra:
        parts = []
        if missing:
            parts.append("lost " + ", ".join(f"<{t.split(' ')[0]}>" for t in sorted(missing)))
        if extra:
            parts.append("added " + ", ".join(f"<{t.split(' ')[0]}>" for t in sorted(extra)))
        findings.append(finding(NAME, Severity.ERROR, "inline markup " + "; ".join(parts), pair))
    elif MARKUP_LOST in pair.flags:
        findings.append(
            finding(NAME, Severity.ERROR, "the engine broke this block's links or emphasis", pair)
        )
    for match in _LEFTOVER.finditer(pair.target):
        if match.group(0) not in pair.source:
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"placeholder {match.group(0)} left in the text",
                    pair,
                    match.span(),
                )
            )
    return findings
