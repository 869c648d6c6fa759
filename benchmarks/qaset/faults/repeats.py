"""A translated paragraph, or a sentence, pasted twice where the source has it once.

Variants:

- ``block``: the paragraph repeated as a block of its own right after it (the target has
  one paragraph more; the alignment check is right to notice that too);
- ``doubled``: the paragraph's text twice in its own block;
- ``sentence``: one sentence written twice in a row, as a model looping does.

A paragraph that says something twice is longer than its source warrants: the length
check is right to call it long (``tolerated``).

Only text of twelve characters or more with no digits is repeated: a repeated "はい。" can
be what was said, and a repeated number would make the numbers check right as well.
"""

from __future__ import annotations

import random

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import DIGIT, has_markup, ja_sentences, plain

CHECK = "repeats"
MIN_CHARS = 12


def _repeatable(text: str) -> bool:
    return len(plain(text).strip()) >= MIN_CHARS and not DIGIT.search(text)


def _separator(paragraph: str) -> str:
    """Nothing after a finished Japanese sentence, a space after a title or a fragment."""
    return "" if paragraph.rstrip()[-1:] in "。！？」』）" else " "


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, int]]] = {"block": [], "doubled": [], "sentence": []}
    for index, target in enumerate(article.target):
        if has_markup(target) or article.source.count(article.source[index]) > 1:
            continue
        if _repeatable(target):
            places["block"].append((index, -1))
            places["doubled"].append((index, -1))
        for k, sentence in enumerate(ja_sentences(target)):
            if _repeatable(sentence) and sentence[-1] in "。！？」』）":
                places["sentence"].append((index, k))
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, k) = chosen
    target = article.target[index]
    if variant == "block":
        return article.with_fault(
            CHECK,
            "repeats/block",
            f"paragraph {index} pasted again as paragraph {index + 1}",
            target=(*article.target[: index + 1], target, *article.target[index + 1 :]),
            tolerated={"alignment"},
        )
    if variant == "doubled":
        return article.with_fault(
            CHECK,
            "repeats/doubled",
            f"paragraph {index}: its text twice",
            target=article.with_target(index, target + _separator(target) + target),
            tolerated={"length"},
        )
    sentences = ja_sentences(target)
    sentences.insert(k + 1, sentences[k])
    return article.with_fault(
        CHECK,
        "repeats/sentence",
        f"paragraph {index}: sentence {k} twice: {sentences[k][:40]}",
        target=article.with_target(index, "".join(sentences)),
        tolerated={"length"},
    )
