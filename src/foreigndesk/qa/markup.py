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


_OPENING = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""")


def _opening_tags(html: str) -> Counter[str]:
    """Opening tags by name, a link with its address: ``<em>``, ``<a href=URL>``."""
    tags: Counter[str] = Counter()
    for match in _OPENING.finditer(html):
        name = match.group(1).lower()
        href = _HREF.search(match.group(2)) if name == "a" else None
        tags[f"<{name} href={href.group(1)}>" if href else f"<{name}>"] += 1
    return tags


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
    if tag_signature(pair.source_html) != tag_signature(pair.target_html):
        before, after = _opening_tags(pair.source_html), _opening_tags(pair.target_html)
        parts = []
        if lost := before - after:
            parts.append("lost " + ", ".join(sorted(lost.elements())))
        if added := after - before:
            parts.append("added " + ", ".join(sorted(added.elements())))
        message = "; ".join(parts) or "tags not closed as in the source"
        findings.append(finding(NAME, Severity.ERROR, "inline markup " + message, pair))
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
