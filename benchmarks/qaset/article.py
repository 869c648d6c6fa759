"""A record of the set: a pseudo-article's paragraphs on both sides, its glossary, its label.

Paragraphs are inline HTML (the form ``check_texts`` takes blocks in): the data's plain text
escaped, plus, where a clean copy carries it, one link or emphasis on both sides. A clean
record has no label; a faulty one names the check that should fire, how the fault was made
(``variant``, ``fault``), and any check that may fire too because the fault really causes
what it looks for (``tolerated``: a paragraph left in English is also much too long).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field, replace


def escape(text: str) -> str:
    """Plain text as inline HTML. Quotes stay as they are: ``&#x27;`` would put digits
    into the text that no number check should ever see."""
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class Article:
    """Consecutive segments of the data, source and target, as one article.

    ``id`` is the part and the article's number in it (``test-042``); a faulty copy adds
    its fault kind (``test-042/numbers``). ``first_line`` is the 0-based line of the data
    the article starts at. ``source`` and ``target`` may differ in length only when the
    fault is a paragraph dropped, merged, split or pasted twice.
    """

    id: str
    first_line: int
    source: tuple[str, ...]
    target: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...] = ()
    label: str | None = None
    variant: str = ""
    fault: str = ""
    tolerated: frozenset[str] = field(default_factory=frozenset)

    @property
    def clean(self) -> bool:
        return self.label is None

    def with_target(self, index: int, paragraph: str) -> tuple[str, ...]:
        """The target with paragraph ``index`` replaced."""
        return (*self.target[:index], paragraph, *self.target[index + 1 :])

    def with_fault(
        self,
        check: str,
        variant: str,
        description: str,
        *,
        target: Iterable[str],
        source: Iterable[str] | None = None,
        tolerated: Iterable[str] = (),
    ) -> Article:
        """A faulty copy: the new paragraphs, labelled with the check expected to fire."""
        return replace(
            self,
            id=f"{self.id}/{variant.split('/')[0]}",
            source=self.source if source is None else tuple(source),
            target=tuple(target),
            label=check,
            variant=variant,
            fault=description,
            tolerated=frozenset(tolerated),
        )

    def as_dict(self) -> dict[str, object]:
        """The record as JSON-ready data (for ``benchmarks/qa.py --dump``)."""
        return {
            "id": self.id,
            "first_line": self.first_line,
            "label": self.label,
            "variant": self.variant,
            "fault": self.fault,
            "tolerated": sorted(self.tolerated),
            "glossary": [list(entry) for entry in self.glossary],
            "source": list(self.source),
            "target": list(self.target),
        }
