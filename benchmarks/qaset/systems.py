"""Real machine output: the 15 WMT23 systems' translations as unlabelled articles.

Nobody labelled these, so they are not scored; they show how often each check speaks up
on what engines really produce (and, for comparison, on the human reference). A system's
article has the same source and the same glossary as the reference's article (the
glossary is what the reference does: a curator fixing terms would fix those), and no
markup (the data has none).
"""

from __future__ import annotations

from dataclasses import replace

from benchmarks.qaset.article import Article
from benchmarks.qaset.build import with_glossaries
from benchmarks.qaset.corpus import Corpus
from benchmarks.qaset.split import articles

REFERENCE = "refA"


def system_articles(corpus: Corpus, part: str) -> dict[str, list[Article]]:
    """System name → the part's articles with that system's output as the target; the
    reference is listed first, as ``refA``."""
    reference = with_glossaries(articles(corpus, part))
    result = {REFERENCE: reference}
    for name, lines in corpus.systems.items():
        result[name] = [
            replace(system, glossary=clean.glossary)
            for system, clean in zip(articles(corpus, part, lines), reference, strict=True)
        ]
    return result
