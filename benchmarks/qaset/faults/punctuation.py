"""Latin punctuation in Japanese text, or half-width katakana.

Variants, each in one paragraph:

- ``period`` / ``comma`` / ``exclamation`` / ``question``: 。、！？ after Japanese text
  written as ``.`` ``,`` ``!`` ``?`` (with or without a following space, as engines that
  post-edit in English habits do), at one place or throughout the paragraph;
- ``halfwidth``: a katakana word in half-width forms (``ガイド`` → ``ｶﾞｲﾄﾞ``), not one the
  glossary fixes.
"""

from __future__ import annotations

import random
import re

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import JAPANESE, KATAKANA_WORD, halfwidth

CHECK = "punctuation"
_LATIN = {
    "。": ("period", "."),
    "、": ("comma", ","),
    "！": ("exclamation", "!"),
    "？": ("question", "?"),
}


def _latin_places(target: str) -> dict[str, list[int]]:
    places: dict[str, list[int]] = {}
    for i, char in enumerate(target):
        if char in _LATIN and i > 0 and JAPANESE.match(target[i - 1]):
            places.setdefault(_LATIN[char][0], []).append(i)
    return places


def _latin(target: str, at: int, rng: random.Random) -> tuple[str, str]:
    """The paragraph with the mark at ``at`` (or every such mark) in Latin form."""
    mark = target[at]
    latin = _LATIN[mark][1]
    space = " " if latin != "." or at < len(target) - 1 else ""
    replacement = latin + (space if rng.random() < 0.5 else "")
    if rng.random() < 0.3:
        every = re.sub(rf"(?<=[\u3040-\u30ff\u4e00-\u9fff]){mark}", replacement, target)
        return every, f"every {mark} after Japanese text written {replacement!r}"
    return target[:at] + replacement + target[at + 1 :], f"{mark} written {replacement!r}"


def inject(article: Article, rng: random.Random) -> Article | None:
    fixed = [rendering for _, rendering in article.glossary]
    places: dict[str, list[tuple[int, int]]] = {}
    for index, target in enumerate(article.target):
        for variant, positions in _latin_places(target).items():
            places.setdefault(variant, []).extend((index, at) for at in positions)
        places.setdefault("halfwidth", []).extend(
            (index, match.start())
            for match in KATAKANA_WORD.finditer(target)
            if len(match.group(0)) >= 2
            and "・" not in match.group(0)
            and not any(rendering in match.group(0) for rendering in fixed)
        )
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, at) = chosen
    target = article.target[index]
    if variant == "halfwidth":
        match = KATAKANA_WORD.match(target, at)
        assert match is not None
        word = match.group(0)
        paragraph = target[: match.start()] + halfwidth(word) + target[match.end() :]
        what = f"{word} written {halfwidth(word)}"
    else:
        paragraph, what = _latin(target, at, rng)
    return article.with_fault(
        CHECK,
        f"punctuation/{variant}",
        f"paragraph {index}: {what}",
        target=article.with_target(index, paragraph),
    )
