"""The labelled set of one part: every clean article, and faulty copies of each kind.

Clean records are the part's pseudo-articles with the professional reference, their own
glossary (:mod:`benchmarks.qaset.glossary`) and, where a word is shared, one tag on both
sides (:func:`benchmarks.qaset.faults.markup.decorate`). Faulty records are copies of
clean ones with one fault each: for every kind, the clean articles in a shuffled order are
offered to its injector until ``per_kind`` copies are made or the articles run out (a
part may not have that many places for a kind: dev has few polite articles, test few
numbers). Every kind draws from its own ``random.Random``, seeded with the part and its
name, so changing one injector leaves the other kinds' records as they were.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace

from benchmarks.qaset.article import Article
from benchmarks.qaset.corpus import Corpus, load_corpus
from benchmarks.qaset.faults import KINDS, FaultKind
from benchmarks.qaset.faults.markup import decorate
from benchmarks.qaset.glossary import glossary_for
from benchmarks.qaset.split import articles

SEED = "foreigndesk-15"
PER_KIND = 40


def with_glossaries(plain_articles: Iterable[Article]) -> list[Article]:
    return [replace(a, glossary=glossary_for(a.source, a.target)) for a in plain_articles]


def clean_articles(corpus: Corpus, part: str) -> list[Article]:
    """The part's articles, source and reference, each with its glossary and markup."""
    return [
        decorate(article, random.Random(f"{SEED}:markup:{article.id}"))
        for article in with_glossaries(articles(corpus, part))
    ]


def faulty_articles(
    clean: list[Article],
    part: str,
    kinds: Iterable[FaultKind] = KINDS.values(),
    per_kind: int = PER_KIND,
) -> list[Article]:
    """Up to ``per_kind`` faulty copies of ``clean`` articles for each kind."""
    faulty: list[Article] = []
    for kind in kinds:
        rng = random.Random(f"{SEED}:{part}:{kind.name}")
        order = list(clean)
        rng.shuffle(order)
        made = 0
        for article in order:
            if made == per_kind:
                break
            copy = kind.inject(article, rng)
            if copy is not None:
                faulty.append(copy)
                made += 1
    return faulty


def build(
    part: str,
    corpus: Corpus | None = None,
    kinds: Iterable[FaultKind] = KINDS.values(),
    per_kind: int = PER_KIND,
) -> list[Article]:
    """The part's records: its clean articles, then the faulty copies kind by kind."""
    clean = clean_articles(corpus or load_corpus(), part)
    return clean + faulty_articles(clean, part, kinds, per_kind)
