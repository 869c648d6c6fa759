"""Text helpers the checks share: plain text from inline HTML, scripts, sentences, language."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from html import unescape
from typing import Any

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


_loading = threading.Lock()


def _identifier() -> Any:
    """py3langid's model (foreigndesk/language_model.py), loaded once per process: the
    checks of several articles run on threads at once, and each loading its own copy
    (about 80 MB each) took a run past 500 MB. A second thread asking while it loads
    waits for it."""
    with _loading:
        return _load_identifier()


@lru_cache(maxsize=1)
def _load_identifier() -> Any:
    from foreigndesk.language_model import load_identifier

    return load_identifier(norm_probs=True)


def language_scores(text: str, among: frozenset[str] = MAJOR_LANGS) -> list[tuple[str, float]]:
    """Languages ``text`` may be in, most likely first, renormalised over ``among``."""
    ranked = [(str(lang), float(p)) for lang, p in _identifier().rank(text) if lang in among]
    total = sum(p for _, p in ranked) or 1.0
    return [(lang, p / total) for lang, p in ranked]
