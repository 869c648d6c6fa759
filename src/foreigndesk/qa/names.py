"""One spelling per name across the article.

A name the source spells one way must not come out two ways: ``ジェーン・ロウ`` in one
block and ``ジェーン・ロー`` in the next, or ``Margarete`` copied in one paragraph and
``Margareth`` in another. Two spellings are taken for one name when they differ by one
character, a long-vowel mark, a middle dot or a space; a spelling the source itself uses
is the right one and the other is flagged where it occurs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import is_cjk
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "names"
#: A katakana word; a leading ー is a dash (ロイター）ージンバブエ), not part of it.
_KATAKANA_NAME = re.compile(r"[\u30a1-\u30fa][\u30a1-\u30fa\u30fc・＝=]{2,}")
#: Small kana and their full-size letters: ェ and エ are one sound written two ways.
_FULL_SIZE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-ZÀ-Þ][a-zà-ÿ]{2,}(?![\w'’])")


def _fold(name: str) -> str:
    """A spelling with the marks that vary between transliterations removed."""
    return re.sub(r"[・＝=\s\-ー]", "", name).replace("ヴァ", "バ").replace("ヴィ", "ビ")


def _close(a: str, b: str) -> bool:
    """Whether two different spellings are one name written two ways."""
    if a == b:
        return False
    fa, fb = _fold(a), _fold(b)
    if fa == fb:
        return True
    if min(len(fa), len(fb)) < _shortest(fa) or abs(len(fa) - len(fb)) > 1:
        return False
    if len(fa) == len(fb):
        differ = [(x, y) for x, y in zip(fa, fb, strict=True) if x != y]
        return len(differ) == 1 and _variants(*differ[0])
    short, long_ = sorted((fa, fb), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _shortest(folded: str) -> int:
    """How long a spelling must be to be judged: three katakana (ニュース folds to ニュス),
    since a katakana variant changes a sound, not a letter; four Latin letters."""
    return 3 if "\u30a0" <= folded[:1] <= "\u30ff" else 4


def _variants(a: str, b: str) -> bool:
    """Whether two letters are one sound spelled two ways: in katakana a voicing mark
    (ス/ズ), a small letter (ェ/エ) or ヴ/ブ, not two sounds (ド/ス: defend, defence);
    any two letters of a Latin name (Margarete, Margareth)."""
    if not ("\u30a0" <= a <= "\u30ff" and "\u30a0" <= b <= "\u30ff"):
        return True
    a, b = (unicodedata.normalize("NFD", c)[0].translate(_FULL_SIZE) for c in (a, b))
    return a == b or {a, b} == {"ウ", "フ"}  # ヴ and ブ once their marks are gone


def close_spellings(name: str, text: str) -> list[str]:
    """The words of ``text`` that read as ``name`` spelled another way."""
    words = _KATAKANA_NAME.findall(text) + _CAPITALISED.findall(text)
    return [w for w in dict.fromkeys(words) if _close(w, name)]


_SENTENCE_START = re.compile(r"(?:^|[.!?¿¡:;\"“«(]\s*|\n)$")


def _names(pair: BlockPair, context: QAContext, lowercase: set[str]) -> list[re.Match[str]]:
    """Spellings that look like names: katakana words in a CJK target; elsewhere capitalised
    words that are not ordinary words written lower-case elsewhere in the article."""
    if is_cjk(context.target_lang):
        return list(_KATAKANA_NAME.finditer(pair.target))
    return [
        m
        for m in _CAPITALISED.finditer(pair.target)
        if m.group(0).split()[0].casefold() not in lowercase
    ]


def _mid_sentence(pair: BlockPair, match: re.Match[str]) -> bool:
    return not _SENTENCE_START.search(pair.target[: match.start()])


def check_names(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """No name is written in two near-identical ways in the article's translation."""
    source_text = " ".join(p.source for p in pairs)
    glossary_targets = {t for _, t in context.glossary}
    seen: dict[str, tuple[int, int]] = {}  # spelling → (first block, count)
    spans: list[tuple[BlockPair, re.Match[str]]] = []
    lowercase = {word for p in pairs for word in re.findall(r"(?<![\w'’])[a-zà-ÿ]+", p.target)}
    mid_sentence: set[str] = set()  # a capital there is a name's, not the sentence's
    for pair in pairs:
        for match in _names(pair, context, lowercase):
            spelling = match.group(0)
            if is_cjk(context.target_lang) or _mid_sentence(pair, match):
                mid_sentence.add(spelling)
            first, count = seen.get(spelling, (pair.position, 0))
            seen[spelling] = (first, count + 1)
            spans.append((pair, match))
    findings: list[Finding] = []
    reported: set[tuple[int, str]] = set()
    for pair, match in spans:
        spelling = match.group(0)
        for other, (_, other_count) in seen.items():
            if not _close(spelling, other) or not {spelling, other} & mid_sentence:
                continue
            # The spelling the source or the glossary uses is right; else the commoner one.
            trusted = {s for s in (spelling, other) if s in source_text or s in glossary_targets}
            if trusted == {spelling}:
                continue
            if not trusted and (seen[spelling][1], other) > (other_count, spelling):
                continue
            key = (pair.position, spelling)
            if key in reported:
                continue
            reported.add(key)
            findings.append(
                finding(
                    NAME,
                    Severity.WARNING,
                    f"{spelling!r} is also written {other!r} in this article",
                    pair,
                    match.span(),
                )
            )
    return findings
