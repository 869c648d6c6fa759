"""A translated paragraph cut to well under half: most of what it says is missing.

A paragraph of at least ``MIN_TARGET`` characters keeps at most ``KEEP`` of them (about a
third: well under half). Variants:

- ``head``: a paragraph of two sentences or more keeps its first ones (an answer cut off
  at the engine's length limit); ``tail``: it keeps its last ones;
- ``clause``: a sentence keeps only its last clauses, from a 、 on (an engine that
  omitted the rest: ``議論の仮定上の話として、科学とは…ものだ。`` → ``…ものだ。``).

The cut leaves no half-sentence (the LLM-artefact check's "stops mid-sentence" would be
right then), and takes away no digit, no glossary rendering and no bracket's partner: the
numbers, glossary and brackets checks would be right then.
"""

from __future__ import annotations

import random
from itertools import accumulate

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import DIGIT, balanced, has_markup, ja_sentences

CHECK = "length"
KEEP = 0.35
MIN_KEPT = 6
#: A paragraph, not a line of chat: a short line that loses a clause is an omission, but
#: not one its length can show.
MIN_TARGET = 40


def _size(text: str) -> int:
    return len("".join(text.split()))


def _splits(target: str) -> dict[str, list[int]]:
    """Variant → where the paragraph may be cut: the text before the offset is lost for
    ``tail`` and ``clause``, kept for ``head``."""
    ends = list(accumulate(len(s) for s in ja_sentences(target)))[:-1]
    commas = [i + 1 for i, c in enumerate(target) if c == "、"]
    return {"head": ends, "tail": ends, "clause": commas}


def _cuts(target: str, renderings: list[str]) -> dict[str, list[int]]:
    """Variant → the offsets it may cut the paragraph at."""
    cuts: dict[str, list[int]] = {}
    for variant, offsets in _splits(target).items():
        for at in offsets:
            kept, lost = _parts(target, variant, at)
            if (
                _size(kept) <= KEEP * _size(target)
                and _size(kept) >= MIN_KEPT
                and kept.rstrip()[-1:] in "。！？」』）"
                and balanced(kept)
                and not DIGIT.search(lost)
                and not any(rendering in lost for rendering in renderings)
            ):
                cuts.setdefault(variant, []).append(at)
    return cuts


def _parts(target: str, variant: str, at: int) -> tuple[str, str]:
    """What is kept and what is lost when ``variant`` cuts ``target`` at ``at``."""
    if variant == "head":
        return target[:at], target[at:]
    return target[at:], target[:at]


def inject(article: Article, rng: random.Random) -> Article | None:
    renderings = [rendering for _, rendering in article.glossary]
    places: dict[str, list[tuple[int, int]]] = {}
    for index, target in enumerate(article.target):
        if has_markup(target) or _size(target) < MIN_TARGET:
            continue
        for variant, offsets in _cuts(target, renderings).items():
            places.setdefault(variant, []).extend((index, at) for at in offsets)
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, at) = chosen
    target = article.target[index]
    paragraph = _parts(target, variant, at)[0].strip()
    return article.with_fault(
        CHECK,
        f"length/{variant}",
        f"paragraph {index}: cut to {_size(paragraph)} of {_size(target)} characters:"
        f" {paragraph[:30]}",
        target=article.with_target(index, paragraph),
    )
