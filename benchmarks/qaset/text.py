"""Text helpers the fault modules share: sentences, scripts, brackets, half-width kana.

Written for this set alone, not taken from ``foreigndesk.qa``: the set has to be made by a
different method than the checks it measures.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html import unescape

#: A character of Japanese text: hiragana, katakana, kanji.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff々〆ヵヶ]")
#: A katakana word: the longest run of katakana, long marks and middle dots.
KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc][\u30a1-\u30fa\u30fc・]*")
DIGIT = re.compile(r"[0-9０-９]")
TAG = re.compile(r"<[^>]+>")
#: Opening bracket → its closing partner, in the target's scripts.
BRACKETS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "[": "]"}
_CLOSING = {close: open_ for open_, close in BRACKETS.items()}


def plain(html: str) -> str:
    """The text of inline HTML: tags removed, entities decoded."""
    return unescape(TAG.sub("", html))


def has_markup(html: str) -> bool:
    return "<" in html


def ja_sentences(text: str) -> list[str]:
    """A Japanese paragraph cut after each 。！？ (and the closing brackets after it);
    the pieces join back into ``text`` exactly."""
    return [s for s in re.split(r"(?<=[。！？])(?![。！？」』）)])", text) if s]


def en_sentences(text: str) -> list[str]:
    """An English paragraph cut after ., ! or ? followed by a space and a capital."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[\"'“(A-Z0-9])", text.strip()) if s]


def balanced(text: str) -> bool:
    """Every bracket of ``text`` closed, in order (「（」） is not)."""
    stack: list[str] = []
    for char in text:
        if char in BRACKETS:
            stack.append(char)
        elif char in _CLOSING and (not stack or stack.pop() != _CLOSING[char]):
            return False
    return not stack


@cache
def _halfwidth_table() -> dict[str, str]:
    """Full-width katakana → half-width, from the half-width block's own decompositions."""
    table: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        half = chr(code)
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    return table


def halfwidth(katakana: str) -> str:
    """A katakana word in half-width forms, as old systems and some engines write it
    (``ガイド`` → ``ｶﾞｲﾄﾞ``)."""
    table = _halfwidth_table()
    out = []
    for char in unicodedata.normalize("NFD", katakana):
        out.append(table.get(char, char))
    return "".join(out)


def replace_span(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]
