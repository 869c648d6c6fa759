"""The fault kinds: one module each, each making one kind of fault in a copy of an article.

Every module has ``CHECK``, the name of the check in ``foreigndesk.qa`` expected to find
its fault, and ``inject(article, rng) -> Article | None``: a faulty copy of the article
with one fault in one paragraph (or across the article, for the article-level kinds), or
None when the article offers no place for it. Each picks among several variants (the ways
engines and translators really get it wrong) with the ``random.Random`` it is given, and
describes what it did in the copy's ``fault``.

Injectors leave alone what would make another check fire for a good reason (a number in
text they cut away, a glossary word in text they leave in English), so that one label is
the whole truth about a record; where the fault itself makes another check right to fire,
the copy says so in ``tolerated``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults import (
    brackets,
    consistency,
    glossary,
    length,
    llm_artefacts,
    markup,
    names,
    numbers,
    paragraphs,
    punctuation,
    register,
    repeats,
    untranslated,
)

Injector = Callable[[Article, random.Random], Article | None]


@dataclass(frozen=True)
class FaultKind:
    """A fault kind: its name (the module's), the check it is labelled with, its injector."""

    name: str
    check: str
    inject: Injector


def _kind(module: ModuleType) -> FaultKind:
    return FaultKind(module.__name__.rsplit(".", 1)[-1], module.CHECK, module.inject)


#: Every fault kind by name, in the order the set is built.
KINDS: dict[str, FaultKind] = {
    kind.name: kind
    for kind in map(
        _kind,
        (
            numbers,
            brackets,
            untranslated,
            repeats,
            paragraphs,
            glossary,
            names,
            markup,
            punctuation,
            register,
            length,
            llm_artefacts,
            consistency,
        ),
    )
}
