"""The curator's glossary is followed: a term in the source has its fixed target spelling."""

from __future__ import annotations

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from foreigndesk.translate.translator import GLOSSARY_LOST

NAME = "glossary"


def check_glossary(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Each glossary term in the source block appears in the target as the glossary says."""
    if not context.glossary:
        return []
    glossary = Glossary(
        context.source_lang,
        context.target_lang,
        tuple(GlossaryEntry(s, t) for s, t in context.glossary),
    )
    findings: list[Finding] = []
    for entry in glossary.matches(pair.source):
        if entry.target not in pair.target:
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"{entry.source!r} should be {entry.target!r}",
                    pair,
                )
            )
    if not findings and GLOSSARY_LOST in pair.flags:
        findings.append(finding(NAME, Severity.ERROR, "the engine dropped a glossary term", pair))
    return findings
