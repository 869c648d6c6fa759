"""A name (a katakana word) spelled two ways in one article.

A katakana word of three characters or more that the article's translation uses at least
twice is spelled differently once, the way transcriptions of one name drift between
translators and engine calls. Variants:

- ``long_dropped`` / ``long_added``: a long mark lost or added, where transcriptions
  really differ: at the end of a word (``サーバー``/``サーバ``), inside a long one
  (``ストーブナー`` → ``ストブナー``), or for オ-row + ウ (``モドロウ`` → ``モドロー``) —
  not inside a short word, whose long mark is how it is said (``チーム`` is not ``チム``);
- ``dot_removed`` / ``dot_equals``: the middle dot of a full name dropped or written ＝
  (``ドナルド・トランプ`` → ``ドナルドトランプ``, ``ドナルド＝トランプ``);
- ``small``: a small kana written large or a small ッ lost (``ウィリス`` → ``ウイリス``);
- ``vu``: ヴ written with バ-row kana (``ストーヴナー`` → ``ストーブナー``).

Words the glossary fixes are left alone (the glossary check would be right as well), and
the new spelling is one the article does not already have.
"""

from __future__ import annotations

import random
import re
from collections import Counter

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import KATAKANA_WORD, plain

CHECK = "names"
#: A long mark inside a shorter word is part of how it is said (チーム is not チム).
LONG_WORD = 5
_O_ROW = "オコゴソゾトドノホボポモヨロョヲ"
_LONG_AT_END = "タダラリサカガマパバナハ"
_LARGE = dict(zip("ァィゥェォャュョ", "アイウエオヤユヨ", strict=True))
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}


def spellings(word: str) -> dict[str, list[str]]:
    """Variant → the other spellings of ``word`` it gives."""
    at = range(len(word))
    found = {
        "long_dropped": [
            word[:i] + word[i + 1 :]
            for i in at
            if word[i] == "ー" and i > 0 and (i == len(word) - 1 or len(word) >= LONG_WORD)
        ],
        "long_added": [
            word[:i] + "ー" + word[i + 1 :]
            for i in at
            if word[i] == "ウ" and i > 0 and word[i - 1] in _O_ROW
        ]
        + ([word + "ー"] if word[-1] in _LONG_AT_END and len(word) > 3 else []),
        "dot_removed": [word[:i] + word[i + 1 :] for i in at if word[i] == "・"],
        "dot_equals": [word[:i] + "＝" + word[i + 1 :] for i in at if word[i] == "・"],
        "small": [
            word[:i] + ("" if word[i] == "ッ" else _LARGE[word[i]]) + word[i + 1 :]
            for i in at
            if word[i] in _LARGE or (word[i] == "ッ" and 0 < i < len(word) - 1)
        ],
        "vu": [re.sub("ヴ[ァィェォ]?", lambda m: _VU[m.group(0)], word, count=1)]
        if "ヴ" in word
        else [],
    }
    return {variant: [s for s in others if s != word] for variant, others in found.items()}


def inject(article: Article, rng: random.Random) -> Article | None:
    targets = [plain(t) for t in article.target]
    counts = Counter(m.group(0) for t in targets for m in KATAKANA_WORD.finditer(t))
    everything = " ".join(targets + [plain(s) for s in article.source])
    fixed = [rendering for _, rendering in article.glossary]
    places: dict[str, list[tuple[str, str]]] = {}
    for word, count in counts.items():
        if count < 2 or len(word) < 3 or word[0] == "ー":
            continue
        if any(rendering in word or word in rendering for rendering in fixed):
            continue
        for variant, others in spellings(word).items():
            places.setdefault(variant, []).extend(
                (word, other) for other in others if other not in everything
            )
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (word, other) = chosen
    occurrences = [
        (index, match)
        for index, target in enumerate(article.target)
        for match in KATAKANA_WORD.finditer(target)
        if match.group(0) == word
    ]
    index, match = rng.choice(occurrences)
    target = article.target[index]
    return article.with_fault(
        CHECK,
        f"names/{variant}",
        f"paragraph {index}: {word} written {other} once (it is {word} {counts[word] - 1}"
        " more time(s))",
        target=article.with_target(index, target[: match.start()] + other + target[match.end() :]),
    )
