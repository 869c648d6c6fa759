"""Small helpers for the QA tests: one pair in, the messages of one check out."""

from __future__ import annotations

from foreigndesk.config import QASettings
from foreigndesk.models import Finding
from foreigndesk.qa import BLOCK_CHECKS, BlockPair, QAContext


def context(
    target: str = "ja",
    source: str = "en",
    glossary: tuple[tuple[str, str], ...] = (),
    settings: QASettings | None = None,
) -> QAContext:
    return QAContext(source, target, glossary, settings or QASettings())


def run(
    check: str, source: str, target: str, lang: str = "ja", flags: tuple[str, ...] = ()
) -> list[Finding]:
    return BLOCK_CHECKS[check](BlockPair(0, source, target, flags), context(lang))


def messages(check: str, source: str, target: str, lang: str = "ja") -> list[str]:
    return [f.message for f in run(check, source, target, lang)]
