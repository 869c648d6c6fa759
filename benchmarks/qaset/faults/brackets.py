"""A bracket or quotation mark of the translation without its partner, or out of order.

Only paragraphs whose brackets are balanced in the reference are touched, so the fault is
the only imbalance. Variants:

- ``dropped``: a closing 」 』 ） ) lost (``「ネオナチみたい」`` → ``「ネオナチみたい``);
- ``doubled``: a closing one written twice (``…という）`` → ``…という））``);
- ``opened``: an opening 「 or （ added before a word (after a particle or 、, before
  kanji or katakana) and never closed;
- ``misnested``: a parenthesis opened inside a quotation and closed after it
  (``「計画（がある」と）``), the seed's garble in #15.
"""

from __future__ import annotations

import random
import re

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import TAG, balanced

CHECK = "brackets"
_CLOSING = "」』）)"
_OPENING = "「（"
#: Hiragana (a particle, an ending) or 、 followed by kanji or katakana: where a word
#: starts, and where a bracket opens in Japanese text.
_WORD_START = re.compile(r"[\u3041-\u309f、][\u4e00-\u9fff\u30a1-\u30fa]")
#: The particle after a closing quotation mark (と, という, は): at most three kana.
_HIRAGANA = re.compile(r"[\u3041-\u309f]{1,3}")


def _outside_tags(text: str, position: int) -> bool:
    return not any(tag.start() < position < tag.end() for tag in TAG.finditer(text))


def _inside(target: str, opening: int, closing: int) -> list[int]:
    """Where a word starts inside the quotation from ``opening`` to ``closing``."""
    return [i for i in range(opening + 2, closing) if _WORD_START.match(target, i - 1)]


def _places(target: str) -> dict[str, list[int]]:
    """Positions of each variant in one paragraph: a closing bracket (dropped, doubled),
    a gap between two Japanese characters (opened), a 」 (misnested)."""
    if not balanced(target):
        return {}
    closing = [i for i, c in enumerate(target) if c in _CLOSING]
    gaps = [
        i
        for i in range(1, len(target))
        if _WORD_START.match(target, i - 1) and _outside_tags(target, i)
    ]
    # A quotation with a word starting inside it, and hiragana after it to close on.
    quotes = [
        m.end() - 1
        for m in re.finditer(r"「[^「」（）<&]{4,}」", target)
        if _inside(target, m.start(), m.end() - 1) and _HIRAGANA.match(target, m.end())
    ]
    return {"dropped": closing, "doubled": closing, "opened": gaps, "misnested": quotes}


def _make(variant: str, target: str, at: int, rng: random.Random) -> tuple[str, str]:
    """The faulty paragraph and what was done to it."""
    if variant == "dropped":
        return target[:at] + target[at + 1 :], f"{target[at]} dropped"
    if variant == "doubled":
        return target[:at] + target[at] * 2 + target[at + 1 :], f"{target[at]} doubled"
    if variant == "opened":
        bracket = rng.choice(_OPENING)
        return target[:at] + bracket + target[at:], f"{bracket} added, never closed"
    # misnested: （ opened inside the quotation at a word, ） after the particle after its 」
    opening = target.rfind("「", 0, at)
    inside = rng.choice(_inside(target, opening, at))
    particle = _HIRAGANA.match(target, at + 1)
    assert particle is not None
    after = particle.end()
    faulty = target[:inside] + "（" + target[inside:after] + "）" + target[after:]
    return faulty, f"（ opened inside 「…」 and closed after it: {faulty[opening : after + 2]}"


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, int]]] = {}
    for index, target in enumerate(article.target):
        for variant, positions in _places(target).items():
            places.setdefault(variant, []).extend((index, at) for at in positions)
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, at) = chosen
    paragraph, what = _make(variant, article.target[index], at, rng)
    return article.with_fault(
        CHECK,
        f"brackets/{variant}",
        f"paragraph {index}: {what}",
        target=article.with_target(index, paragraph),
    )
