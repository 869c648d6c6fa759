"""Language and locale codes as a user types them, checked against Babel's CLDR data.

A code that is not one (``japanese``, ``klingon``, ``jp``) is an error that suggests the
nearest valid code: by the language's name in English or in itself (``japanese``,
``Deutsch`` → ``ja``, ``de``), by a country code typed for a language (``jp`` → ``ja``),
else by spelling. BCP 47 tags with a region or script (``pt-BR``, ``zh-Hant``) pass when
Babel knows them.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

#: Country codes typed where a language code belongs.
_COUNTRY_FOR_LANGUAGE = {
    "jp": "ja", "cn": "zh", "kr": "ko", "gr": "el", "dk": "da", "se": "sv", "cz": "cs",
    "ua": "uk", "il": "he", "ir": "fa", "vn": "vi", "gb": "en", "us": "en", "br": "pt",
}  # fmt: skip


def _fold(text: str) -> str:
    """Lower case, accents off: ``Español`` → ``espanol``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """A language's name in English and in itself (folded) → its code, for the languages
    CLDR has a locale of."""
    english = Locale("en")
    bases = sorted({code.split("_")[0] for code in _locales()})
    names: dict[str, str] = {}
    for code in bases:
        own = Locale.parse(code).get_display_name(code) or ""
        for name in (english.languages.get(code, ""), own):
            if name:
                names.setdefault(_fold(name), code)
    return names


@lru_cache(maxsize=1)
def _locales() -> frozenset[str]:
    return frozenset(locale_identifiers())


def _known(tag: str) -> bool:
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def suggestion(value: str) -> str | None:
    """The valid code nearest to ``value``, or None."""
    folded = _fold(value)
    if folded in _COUNTRY_FOR_LANGUAGE:
        return _COUNTRY_FOR_LANGUAGE[folded]
    if folded in _names():
        return _names()[folded]
    close = difflib.get_close_matches(folded, list(_names()), n=1, cutoff=0.75)
    if close:
        return _names()[close[0]]
    if len(folded) > 3:  # a word, not a code: no code is spelled like it
        return None
    codes = sorted({c.split("_")[0] for c in _locales()})
    near = difflib.get_close_matches(folded.replace("_", "-").split("-")[0], codes, n=1)
    return near[0] if near else None


def _problem(value: str, what: str, example: str) -> str:
    near = suggestion(value)
    hint = f" — did you mean {near!r}?" if near else f" — use a code such as {example}"
    return f"{what} {value!r} is not a language code{hint}"


def check_language(value: str, what: str = "language") -> str:
    """``value`` as a language tag (``en``, ``pt-BR``), or ValueError naming the nearest."""
    tag = value.strip().replace("_", "-")
    if not tag or not tag.split("-")[0].isalpha() or not _known(tag):
        raise ValueError(_problem(value, what, "en, ja or pt-BR"))
    base, *rest = tag.split("-")
    return "-".join([Locale.parse(base.lower()).language, *rest])


def check_locale(value: str, what: str = "locale") -> str:
    """``value`` as a Babel locale (``ja_JP``, ``es``), or ValueError naming the nearest."""
    tag = value.strip().replace("-", "_")
    if not tag or not _known(tag):
        near = suggestion(value)
        hint = f" — did you mean {near!r}?" if near else " — use one such as ja_JP or es_ES"
        raise ValueError(f"{what} {value!r} is not a locale{hint}")
    return tag
