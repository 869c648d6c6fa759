"""The fakes' deterministic "translation": upper-case the text, keep the markup, obey glossaries.

Why upper case: a test can predict the result of any input without a real engine, the result
differs from the input (so an untranslated segment is caught), and it survives a round trip
through every client. Markup is left exactly as sent when the request says it is markup
(DeepL ``tag_handling``, Google ``mimeType: text/html``, LibreTranslate ``format: html``):
tags, attributes, comments and character references pass through byte for byte, only the text
between them changes. Glossary terms come out as their target term, not upper-cased, so a test
sees that the glossary was applied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

__all__ = ["Translator", "fake_translate"]

#: What is left untouched in markup: comments, tags (with their attributes), character references.
_MARKUP = re.compile(
    r"<!--.*?-->|<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", re.S
)

#: Below the CJK blocks, words are separated by spaces, so a term must not match inside a word;
#: in CJK text there are no spaces and a term matches wherever it occurs.
_SPACED_SCRIPTS_END = 0x2E80


class Translator(Protocol):
    """How a fake turns one source segment into its "translation"; a test may supply its own."""

    def __call__(
        self, text: str, *, markup: bool, glossary: Mapping[str, str], ignore_case: bool = False
    ) -> str: ...


def fake_translate(
    text: str,
    *,
    markup: bool = False,
    glossary: Mapping[str, str] | None = None,
    ignore_case: bool = False,
) -> str:
    """Upper-case ``text``; keep markup when ``markup``; replace glossary terms by their targets."""
    terms = _term_pattern(glossary or {}, ignore_case)
    targets = {_key(s, ignore_case): t for s, t in (glossary or {}).items()}
    if not markup:
        return _translate_run(text, terms, targets, ignore_case)
    out: list[str] = []
    position = 0
    for match in _MARKUP.finditer(text):
        out.append(_translate_run(text[position : match.start()], terms, targets, ignore_case))
        out.append(match.group())
        position = match.end()
    out.append(_translate_run(text[position:], terms, targets, ignore_case))
    return "".join(out)


def _key(term: str, ignore_case: bool) -> str:
    return term.casefold() if ignore_case else term


def _term_pattern(glossary: Mapping[str, str], ignore_case: bool) -> re.Pattern[str] | None:
    if not glossary:
        return None
    alternatives = []
    # Longest first, so "Jane Roe Smith" wins over "Jane Roe".
    for term in sorted(glossary, key=len, reverse=True):
        if not term:
            continue
        before = r"(?<!\w)" if ord(term[0]) < _SPACED_SCRIPTS_END and term[0].isalnum() else ""
        after = r"(?!\w)" if ord(term[-1]) < _SPACED_SCRIPTS_END and term[-1].isalnum() else ""
        alternatives.append(f"{before}{re.escape(term)}{after}")
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE if ignore_case else 0)


def _translate_run(
    text: str, terms: re.Pattern[str] | None, targets: Mapping[str, str], ignore_case: bool
) -> str:
    if terms is None:
        return text.upper()
    out: list[str] = []
    position = 0
    for match in terms.finditer(text):
        out.append(text[position : match.start()].upper())
        out.append(targets[_key(match.group(), ignore_case)])
        position = match.end()
    out.append(text[position:].upper())
    return "".join(out)
