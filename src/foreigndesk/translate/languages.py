"""Language codes: the desk speaks ISO 639-1 (``en``); apertium names pairs in ISO 639-3."""

from __future__ import annotations

from itertools import permutations

#: ISO 639-3 → ISO 639-1 for the languages Debian's apertium pairs cover.
ISO639_3_TO_1 = {
    "afr": "af", "ara": "ar", "arg": "an", "ast": "ast", "bel": "be", "bre": "br",
    "bul": "bg", "cat": "ca", "ces": "cs", "cym": "cy", "dan": "da", "deu": "de",
    "ell": "el", "eng": "en", "epo": "eo", "eus": "eu", "fin": "fi", "fra": "fr",
    "gle": "ga", "glg": "gl", "heb": "he", "hbs": "sh", "hin": "hi", "isl": "is",
    "ita": "it", "jpn": "ja", "kaz": "kk", "kor": "ko", "lat": "la", "mkd": "mk",
    "mlt": "mt", "nld": "nl", "nno": "nn", "nob": "nb", "oci": "oc", "pol": "pl",
    "por": "pt", "ron": "ro", "rus": "ru", "slk": "sk", "slv": "sl", "spa": "es",
    "sqi": "sq", "srd": "sc", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk",
    "urd": "ur", "zho": "zh",
}  # fmt: skip

#: Languages offered by default for engines that translate between any of their
#: languages (Google, LibreTranslate, LLMs); each engine's ``languages`` setting narrows
#: or widens it.
COMMON_LANGUAGES = (
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he",
    "hi", "hu", "id", "it", "ja", "ko", "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru",
    "sk", "sl", "sv", "th", "tr", "uk", "vi", "zh",
)  # fmt: skip


def to_iso639_1(code: str) -> str:
    """``eng`` → ``en``; two-letter and unknown codes pass through lower-cased."""
    code = code.strip().lower()
    return ISO639_3_TO_1.get(code, code)


def base_language(tag: str) -> str:
    """``en-GB`` → ``en``; ``ja_JP`` → ``ja``."""
    return tag.replace("_", "-").split("-")[0].lower()


def all_pairs(languages: tuple[str, ...] | list[str]) -> frozenset[tuple[str, str]]:
    """Every ordered pair of distinct languages."""
    return frozenset(permutations(sorted({base_language(code) for code in languages}), 2))
