"""The translation's paragraphs do not pair one to one with the source's.

Variants (the target then has one paragraph fewer or more than the source):

- ``dropped``: one target paragraph left out;
- ``merged``: two consecutive target paragraphs run together into one;
- ``split``: one target paragraph broken in two at a sentence end.

A checker that pairs paragraphs in order would misread every paragraph after the fault;
the alignment check is the one that should say where it is.
"""

from __future__ import annotations

import random

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import has_markup, ja_sentences

CHECK = "alignment"


def _joined(first: str, second: str) -> str:
    """Two paragraphs as one: straight on after a finished sentence, else with a space."""
    return first + ("" if first.rstrip()[-1:] in "。！？」』）" else " ") + second


def inject(article: Article, rng: random.Random) -> Article | None:
    count = len(article.target)
    if count < 3:
        return None
    places: dict[str, list[tuple[int, int]]] = {
        "dropped": [(i, 0) for i in range(count)],
        "merged": [(i, 0) for i in range(count - 1)],
        "split": [
            (i, k)
            for i, target in enumerate(article.target)
            if not has_markup(target)
            for k in range(1, len(ja_sentences(target)))
        ],
    }
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, k) = chosen
    target = list(article.target)
    if variant == "dropped":
        del target[index]
        what = f"target paragraph {index} left out"
    elif variant == "merged":
        target[index : index + 2] = [_joined(target[index], target[index + 1])]
        what = f"target paragraphs {index} and {index + 1} run together"
    else:
        sentences = ja_sentences(target[index])
        target[index : index + 1] = ["".join(sentences[:k]), "".join(sentences[k:])]
        what = f"target paragraph {index} broken in two after sentence {k - 1}"
    return article.with_fault(CHECK, f"paragraphs/{variant}", what, target=target)
