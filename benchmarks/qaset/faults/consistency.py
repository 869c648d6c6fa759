"""The same source sentence translated two ways in one article.

News and reviews repeat themselves (a quoted line, a product's name and claim), and each
engine call may word the repeat differently. A paragraph pair of the article (at least
``MIN_WORDS`` English words) is copied, both sides, to a later place in the article, and
the copy's translation is reworded: one word changed for a synonym or another spelling
(``重要`` → ``大切``, ``すべて`` → ``全て``, ``買った`` → ``購入した``). The source then has the
paragraph twice, so a repeat of it in the target is not a fault; the different wording is.

Variants: ``synonym`` (another word) and ``spelling`` (the same word written otherwise).
Rewordings that would touch a glossary rendering are not made.
"""

from __future__ import annotations

import random
import re

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import plain

CHECK = "consistency"
MIN_WORDS = 4
#: Words (or verb stems) and a replacement that reads right wherever the word stands.
SYNONYMS = {
    "とても": "非常に",
    "非常に": "とても",
    "重要": "大切",
    "大切": "重要",
    "問題": "課題",
    "使用": "利用",
    "利用": "使用",
    "企業": "会社",
    "人々": "人たち",
    "思います": "考えます",
    "思う": "考える",
    "大きな": "巨大な",
    "最近": "近頃",
    "現在": "今",
    "私たち": "我々",
    "我々": "私たち",
    "すぐに": "直ちに",
    "簡単": "容易",
    "多くの": "たくさんの",
    "買っ": "購入し",
    "ただし": "もっとも",
    "特に": "とりわけ",
}
SPELLINGS = {
    "すべて": "全て",
    "全て": "すべて",
    "様々": "さまざま",
    "さまざま": "様々",
    "たくさん": "沢山",
    "わかる": "分かる",
    "分かる": "わかる",
    "わかっ": "分かっ",
    "分かっ": "わかっ",
    "すでに": "既に",
    "既に": "すでに",
    "ほとんど": "殆ど",
    "例えば": "たとえば",
    "たとえば": "例えば",
    "および": "及び",
    "及び": "および",
    "または": "又は",
    "子供": "子ども",
    "子ども": "子供",
    "ください": "下さい",
    "良い": "よい",
}


def _rewordings(target: str, renderings: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Variant → (old, new) word pairs that apply to the paragraph."""
    found: dict[str, list[tuple[str, str]]] = {}
    for variant, table in (("synonym", SYNONYMS), ("spelling", SPELLINGS)):
        found[variant] = [
            (old, new)
            for old, new in table.items()
            if old in target
            and not any(old in rendering or rendering in old for rendering in renderings)
        ]
    return found


def inject(article: Article, rng: random.Random) -> Article | None:
    renderings = [rendering for _, rendering in article.glossary]
    places: dict[str, list[tuple[int, str, str]]] = {}
    for index, (source, target) in enumerate(zip(article.source, article.target, strict=True)):
        if len(re.findall(r"[A-Za-z]+", plain(source))) < MIN_WORDS:
            continue
        for variant, pairs in _rewordings(target, renderings).items():
            places.setdefault(variant, []).extend((index, old, new) for old, new in pairs)
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, old, new) = chosen
    where = rng.randint(index + 1, len(article.target))
    copy = article.target[index].replace(old, new, 1)
    return article.with_fault(
        CHECK,
        f"consistency/{variant}",
        f"paragraph {index} repeated as paragraph {where} with {old} → {new}",
        source=(*article.source[:where], article.source[index], *article.source[where:]),
        target=(*article.target[:where], copy, *article.target[where:]),
    )
