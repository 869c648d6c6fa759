"""Each record's glossary, made from the record itself, so a satisfied glossary is tested.

Two kinds of entry, each kept only where the reference honours it in every paragraph:

- Latin-script terms (brands, acronyms, names) the source has and the reference copies
  unchanged: ``Google → Google``. The data's anonymisation placeholders (``PERSON2``)
  are not terms.
- Common English words with the Japanese word a translator usually picks (``WORDS``),
  where the reference really uses it: ``government → 政府``.

"Every paragraph" is judged generously on the source side — any case, plural and
inflected forms (``Governments``, ``Google's``) — so that a check matching such forms
(as #15 asks) finds the term where the reference has it; a term the reference renders
another way anywhere in the article is left out of the glossary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from benchmarks.qaset.text import plain

#: English word → the usual Japanese rendering; an entry is used only where it fits.
WORDS: dict[str, str] = {
    "government": "政府",
    "police": "警察",
    "president": "大統領",
    "company": "会社",
    "school": "学校",
    "hospital": "病院",
    "election": "選挙",
    "parliament": "議会",
    "minister": "大臣",
    "court": "裁判所",
    "science": "科学",
    "experiment": "実験",
    "battery": "バッテリー",
    "price": "価格",
    "music": "音楽",
    "research": "研究",
    "student": "学生",
    "teacher": "先生",
    "war": "戦争",
    "children": "子供",
    "translation": "翻訳",
    "language": "言語",
    "paper": "論文",
    "meeting": "会議",
    "product": "製品",
    "quality": "品質",
    "design": "デザイン",
    "movie": "映画",
    "energy": "エネルギー",
    "electricity": "電力",
    "family": "家族",
    "computer": "コンピューター",
    "software": "ソフトウェア",
    "camera": "カメラ",
    "game": "ゲーム",
    "dog": "犬",
    "cat": "猫",
    "phone": "電話",
}
_LATIN_TERM = re.compile(r"(?<![\w'’-])[A-Za-z][A-Za-z0-9]*(?:[-.&][A-Za-z0-9]+)*")
_PLACEHOLDER = re.compile(r"(?:PERSON|PROJECT?|ORGANI[SZ]ATION)\d+")


@cache
def exact(term: str) -> re.Pattern[str]:
    """The term as a whole word, as written."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])")


@cache
def loose(term: str) -> re.Pattern[str]:
    """The term in any case, with any English ending (``Google's``, ``governments``)."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(term)}(?:'s|s|es|ed|ing)?(?![A-Za-z0-9])", re.I)


def latin_terms(source: str) -> set[str]:
    """Latin-script words of at least two characters with a capital: candidate terms."""
    return {
        term
        for term in _LATIN_TERM.findall(source)
        if len(term) >= 2 and any(c.isupper() for c in term) and not _PLACEHOLDER.fullmatch(term)
    }


def _honoured(term: str, rendering: str, sources: Sequence[str], targets: Sequence[str]) -> bool:
    """The term occurs, and every paragraph whose source has it in any form has the
    rendering in its target (a Latin rendering as a whole word)."""
    pattern = loose(term)
    wanted = exact(rendering) if rendering.isascii() else re.compile(re.escape(rendering))
    used = [i for i, source in enumerate(sources) if pattern.search(source)]
    return bool(used) and all(wanted.search(targets[i]) for i in used)


def glossary_for(source: Sequence[str], target: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The article's glossary, sorted: Latin terms copied as they are, then common words."""
    sources = [plain(p) for p in source]
    targets = [plain(p) for p in target]
    entries: set[tuple[str, str]] = set()
    for term in set().union(*(latin_terms(s) for s in sources)):
        if _honoured(term, term, sources, targets):
            entries.add((term, term))
    for word, rendering in WORDS.items():
        if any(exact(word).search(s) for s in sources) and _honoured(
            word, rendering, sources, targets
        ):
            entries.add((word, rendering))
    return tuple(sorted(entries))


def translated_terms(
    glossary: Sequence[tuple[str, str]], source_html: str
) -> list[tuple[str, str]]:
    """The entries of ``glossary`` that the source has in any form and that are not copied
    as they are: text that would break them if it stayed in English or went missing."""
    source = plain(source_html)
    return [(s, t) for s, t in glossary if s != t and loose(s).search(source)]
