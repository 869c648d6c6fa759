"""Text of the source left in English in the translation.

Variants:

- ``paragraph``: the whole target paragraph is the source paragraph (an engine that gave
  up, or a block skipped); the length check is right to fire too (``tolerated``);
- ``sentence``: one sentence of the paragraph left in English among translated ones, where
  the paragraph has as many sentences on both sides, so the sentences pair in order (and
  the two sentences have the same digits and no bracket or quote open across sentences).

Text carrying a glossary word that the glossary translates (``government → 政府``) is not
left in English: the glossary check would then be right to fire as well.
"""

from __future__ import annotations

import random
import re
import unicodedata

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.glossary import translated_terms
from benchmarks.qaset.text import balanced, en_sentences, has_markup, ja_sentences, plain

CHECK = "untranslated"
MIN_WORDS = 4


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z]+", text))


def _digits(text: str) -> list[str]:
    return sorted(re.findall(r"\d+", unicodedata.normalize("NFKC", text)))


def _sentence_places(article: Article, index: int) -> list[tuple[int, int]]:
    source, target = article.source[index], article.target[index]
    if has_markup(source) or has_markup(target):
        return []
    english, japanese = en_sentences(source), ja_sentences(target)
    if len(english) < 2 or len(english) != len(japanese):
        return []
    renderings = [t for s, t in article.glossary if s != t]
    return [
        (index, k)
        for k, (en, ja) in enumerate(zip(english, japanese, strict=True))
        if _words(en) >= MIN_WORDS
        and _digits(en) == _digits(ja)
        and balanced(en)
        and balanced(ja)
        and en.count('"') % 2 == 0
        and not translated_terms(article.glossary, en)
        and not any(rendering in ja for rendering in renderings)
    ]


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, int]]] = {"paragraph": [], "sentence": []}
    for index, source in enumerate(article.source):
        if _words(plain(source)) >= MIN_WORDS and not translated_terms(article.glossary, source):
            places["paragraph"].append((index, -1))
        places["sentence"] += _sentence_places(article, index)
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, k) = chosen
    if variant == "paragraph":
        return article.with_fault(
            CHECK,
            "untranslated/paragraph",
            f"paragraph {index}: the source paragraph in place of its translation",
            target=article.with_target(index, article.source[index]),
            tolerated={"length"},
        )
    japanese = ja_sentences(article.target[index])
    english = en_sentences(article.source[index])[k]
    japanese[k] = english
    return article.with_fault(
        CHECK,
        "untranslated/sentence",
        f"paragraph {index}: sentence {k} left in English: {english[:60]}",
        target=article.with_target(index, "".join(japanese)),
    )
