"""The target language's punctuation.

Japanese closes sentences with full-width 。！？ and separates with 、, never ASCII
``. , ! ?`` straight after Japanese text, and has no half-width katakana. Spanish opens a
question with ¿ and an exclamation with ¡, and puts no space before , . ; : ? !.
"""

from __future__ import annotations

import re

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "punctuation"
_JA_CHAR = r"[\u3040-\u30ff\u4e00-\u9fff]"
_JA_ASCII = re.compile(rf"(?<={_JA_CHAR})[.,!?](?=\s|$|{_JA_CHAR})")
_HALF_KATAKANA = re.compile(r"[\uff66-\uff9f]+")
_FULL = {".": "。", ",": "、", "!": "！", "?": "？"}
#: A bracket of one width closed by one of the other: （AP) or (たとえ数分でも）.
_MIXED_BRACKETS = re.compile(r"（[^（）()\n]*\)|\([^（）()\n]*）")
#: Letters in both widths in one word (ＥU, EEＡ), or digits in both in one number (２0);
#: full-width digits before a half-width unit (１０００MW) are usual and left alone.
_MIXED_WIDTH = re.compile(
    r"[A-Za-zＡ-Ｚａ-ｚ]*(?:[A-Za-z][Ａ-Ｚａ-ｚ]|[Ａ-Ｚａ-ｚ][A-Za-z])[A-Za-zＡ-Ｚａ-ｚ]*"
    r"|[0-9０-９]*(?:[0-9][０-９]|[０-９][0-9])[0-9０-９]*"
)
_ES_SPACE_BEFORE = re.compile(r"(?<=\w) +[,.;:?!](?!\.)")
_ES_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def _japanese(pair: BlockPair, text: str) -> list[Finding]:
    findings = [
        finding(
            NAME,
            Severity.WARNING,
            f"ASCII {m.group(0)!r} after Japanese text; use {_FULL[m.group(0)]}",
            pair,
            m.span(),
        )
        for m in _JA_ASCII.finditer(text)
    ]
    findings += [
        finding(NAME, Severity.WARNING, f"half-width katakana {m.group(0)!r}", pair, m.span())
        for m in _HALF_KATAKANA.finditer(text)
    ]
    findings += [
        finding(
            NAME,
            Severity.WARNING,
            f"{m.group(0)[0]}…{m.group(0)[-1]} mixes full-width and half-width brackets",
            pair,
            m.span(),
        )
        for m in _MIXED_BRACKETS.finditer(text)
    ]
    findings += [
        finding(NAME, Severity.WARNING, f"{m.group(0)!r} mixes full and half width", pair, m.span())
        for m in _MIXED_WIDTH.finditer(text)
    ]
    return findings


def _spanish(pair: BlockPair, text: str) -> list[Finding]:
    findings = [
        finding(NAME, Severity.WARNING, f"space before {m.group(0).strip()!r}", pair, m.span())
        for m in _ES_SPACE_BEFORE.finditer(text)
    ]
    opening = {"?": "¿", "!": "¡"}
    for match in _ES_SENTENCE.finditer(text):
        close = match.group(0)[-1]
        if close in opening and opening[close] not in match.group(0):
            findings.append(
                finding(
                    NAME,
                    Severity.WARNING,
                    f"{close!r} without an opening {opening[close]!r}",
                    pair,
                    (match.end() - 1, match.end()),
                )
            )
    return findings


def check_punctuation(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Punctuation follows the target language's conventions (ja and es so far)."""
    text = without_links(pair.target, fill="x")
    if context.target_lang == "ja":
        return _japanese(pair, text)
    if context.target_lang == "es":
        return _spanish(pair, text)
    return []
