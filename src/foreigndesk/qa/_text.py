"""Text helpers the checks share: plain text from inline HTML, scripts, sentences, language."""

from __future__ import annotations

import re
import unicodedata
from html import unescape

_TAG = re.compile(r"<[^>]+>")
URL = re.compile(
    r"""(?:https?://|www\.)[^\s<>"'「」『』（）()]+[^\s<>"'「」『』（）().,;:!?。、]"""
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’」』)）]*\s*")
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
CJK_LANGS = frozenset({"ja", "zh", "ko"})
#: Languages a translation is told apart from: a third language among these is a wrong answer.
MAJOR_LANGS = frozenset(
    [
        "ar",
        "bg",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fa",
        "fi",
        "fr",
        "he",
        "hi",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "nb",
        "nl",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "th",
        "tr",
        "uk",
        "vi",
        "zh",
    ]
)


def plain(html: str) -> str:
    """The text of inline HTML: tags removed, entities decoded."""
    return unescape(_TAG.sub("", html))


def normalised(text: str) -> str:
    """Full-width forms folded (``１０％`` → ``10%``), whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def sentences(text: str) -> list[str]:
    """Sentences, split after ., !, ?, 。, ！ and ？ (and any closing quote)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def latin_letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha() and c.isascii())


def is_cjk(lang: str) -> bool:
    return lang in CJK_LANGS


_PLACEHOLDERS = re.compile(r"⟦/?\d+⟧|ZXG\d+QZ")


def without_links(text: str, fill: str = " ") -> str:
    """The text with URLs, e-mail addresses and placeholders blanked out with ``fill``
    (same length, so spans hold)."""
    for pattern in (URL, EMAIL, _PLACEHOLDERS):
        text = pattern.sub(lambda m: fill * len(m.group(0)), text)
    return text


def language_scores(text: str, among: frozenset[str] = MAJOR_LANGS) -> list[tuple[str, float]]:
    """Languages ``text`` may be in, most likely first, renormalised over ``among``."""
    from foreigndesk.language_model import shared_identifier  # numpy: only when asked

    identifier = shared_identifier(norm_probs=True)
    ranked = [(str(lang), float(p)) for lang, p in identifier.rank(text) if lang in among]
    total = sum(p for _, p in ranked) or 1.0
    return [(lang, p / total) for lang, p in ranked]
