"""What a check looks at: one block and its translation, and what is known around them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from foreigndesk.config import QASettings
from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import plain


@dataclass(frozen=True)
class BlockPair:
    """A source block and its translation as inline HTML; ``position`` is the block's index.

    ``flags`` are what the translator noted on the segment (``markup_lost``,
    ``glossary_lost``, ``unknown_words:a,b``).
    """

    position: int
    source_html: str
    target_html: str
    flags: tuple[str, ...] = ()

    @cached_property
    def source(self) -> str:
        return plain(self.source_html)

    @cached_property
    def target(self) -> str:
        return plain(self.target_html)


@dataclass(frozen=True)
class QAContext:
    """The language pair, the glossary, and the settings every check reads."""

    source_lang: str
    target_lang: str
    glossary: tuple[tuple[str, str], ...] = ()
    settings: QASettings = field(default_factory=QASettings)
    #: The register the translation was asked for (``です・ます`` or ``である``), or "" when
    #: none was: the register check then holds it to that, not to its majority.
    style: str = ""


#: A check over one block pair.
BlockCheck = Callable[[BlockPair, QAContext], list[Finding]]
#: A check over a whole article's pairs (names, consistency, repeats across blocks).
ArticleCheck = Callable[[Sequence[BlockPair], QAContext], list[Finding]]


def finding(
    check: str,
    severity: Severity,
    message: str,
    pair: BlockPair,
    span: tuple[int, int] | None = None,
) -> Finding:
    return Finding(
        check=check, severity=severity, message=message, position=pair.position, span=span
    )


def flags_named(pair: BlockPair, name: str) -> Mapping[str, str]:
    """The pair's flags called ``name`` (``name`` or ``name:value``), name → value."""
    found: dict[str, str] = {}
    for flag in pair.flags:
        key, _, value = flag.partition(":")
        if key == name:
            found[key] = value
    return found
