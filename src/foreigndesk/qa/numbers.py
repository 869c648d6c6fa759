"""Numbers, dates, percentages and currencies say the same in the translation.

Each side is read into values, not strings: ``1,000``, ``1000``, ``1 000`` and ``1.000``
(Spanish) are one value; ``3 million``, ``300万`` and ``3 millones`` are another; a date is
read as (year, month, day) whether it is written ``16/11/2024``, ``Nov 16, 2024``,
``16 de noviembre de 2024`` or ``2024年11月16日``; full-width digits and ``％`` count as
their ASCII forms. A value in the source that the target lacks, or the reverse, is an
error; so is a currency that changed (dollars became euros).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import normalised, without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "numbers"

_MONTHS = {
    # English
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
    # Spanish
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"), "ym"),
    (re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "md"),
    (re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?![\d/])"), "either"),
    (re.compile(r"(?<![\d/])(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"), "ymd"),
    (
        re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
        "Mdy",
    ),
    (
        re.compile(
            rf"\b(\d{{1,2}})(?:st|nd|rd|th|º)?\s+(?:de\s+)?({_MONTH})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b",
            re.I,
        ),
        "dMy",
    ),
    (re.compile(rf"\b({_MONTH})\.?\s+(?:de\s+|del\s+)?(\d{{4}})\b", re.I), "My"),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[%:])", re.I), "Md"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|º)?\s+(?:de\s+)?({_MONTH})\b", re.I), "dM"),
    (re.compile(r"(?<!\d)(\d{1,2})\s*月(?![\d日])"), "m"),
    (re.compile(rf"\b({_MONTH})\b", re.I), "M"),
]

_SCALES = {
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "trillion": 1e12,
    "mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "mil millones": 1e9,
    "millardos": 1e9, "millardo": 1e9, "billón": 1e12, "billones": 1e12,
    "千": 1e3, "万": 1e4, "億": 1e8, "兆": 1e12,
    "k": 1e3, "m": 1e6, "bn": 1e9,
}  # fmt: skip
_SCALE = "|".join(re.escape(s) for s in sorted(_SCALES, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z.,])(\d{{1,3}}(?:[ ,.]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:\s*({_SCALE})(?![a-zñ]))?",
    re.I,
)
#: Digits then 万/億 then more digits: ``1万2000`` is 12000.
_JA_COMPOUND = re.compile(r"(\d+)万(\d{1,4})(?!\d)")
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
    "dozen": 12, "half": 0.5, "first": 1, "third": 3, "twice": 2, "double": 2, "triple": 3,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "cien": 100,
    "ciento": 100, "docena": 12, "media": 0.5, "medio": 0.5, "mitad": 0.5,
}  # fmt: skip
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.I)
#: ``a million``, ``two thousand``, ``un millón``: a number word and a scale.
_WORD_SCALE = re.compile(
    r"\b(a|an|"
    + "|".join(_WORDS)
    + r")\s+(hundred|thousand|million|billion|millón|millones|mil)\b",
    re.I,
)
_WORD_SCALES = {"hundred": 1e2, "thousand": 1e3, "mil": 1e3, "million": 1e6, "millón": 1e6}
_KANJI_DIGITS = dict(
    zip("一二三四五六七八九十百", (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100), strict=True)
)
_CURRENCIES = {
    "USD": ("$", "usd", "dollar", "dólar", "dólares", "ドル"),
    "EUR": ("€", "eur", "euro", "ユーロ"),
    "GBP": ("£", "gbp", "pound", "libra", "ポンド"),
    "JPY": ("¥", "jpy", "yen", "円"),
}


#: ``17:00`` is written ``17時`` in Japanese: the zero minutes are not a number to keep.
_ON_THE_HOUR = re.compile(r"(?<!\d)(\d{1,2}):00(?!\d)")


def _value(digits: str, scale: str | None, lang: str) -> set[float]:
    """The values a written number can stand for; a separator may be read two ways."""
    readings: set[float] = set()
    compact = digits.replace(" ", "")
    candidates = [compact.replace(",", ""), compact.replace(".", "").replace(",", ".")]
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", compact) is None:
        # One separator not grouping thousands is a decimal mark: 1.5 or 1,5.
        candidates = [compact.replace(",", ".")]
    for text in candidates:
        try:
            readings.add(float(text))
        except ValueError:
            continue
    factor = _SCALES.get(scale.lower(), 1.0) if scale else 1.0
    scaled = {round(r * factor, 6) for r in readings}
    if scale and scale.lower() in {"m", "k"}:
        # "$3m" is three million, "3 m" three metres: either may be meant.
        scaled |= {round(r, 6) for r in readings}
    return scaled


def _dates(
    text: str,
) -> tuple[list[tuple[frozenset[tuple[int | None, ...]], tuple[int, int]]], str]:
    """The dates in ``text`` and the text with them blanked out."""
    found: list[tuple[frozenset[tuple[int | None, ...]], tuple[int, int]]] = []
    chars = list(text)
    for pattern, shape in _DATE_PATTERNS:
        for match in pattern.finditer("".join(chars)):
            g = match.groups()
            readings: set[tuple[int | None, ...]] = set()
            if shape == "ymd":
                readings.add((int(g[0]), int(g[1]), int(g[2])))
            elif shape == "ym":
                readings.add((int(g[0]), int(g[1]), None))
            elif shape == "md":
                readings.add((None, int(g[0]), int(g[1])))
            elif shape == "either":
                a, b, y = int(g[0]), int(g[1]), int(g[2])
                readings |= (
                    {(y, b, a)} if a > 12 else {(y, a, b)} if b > 12 else {(y, b, a), (y, a, b)}
                )
            elif shape == "Mdy":
                readings.add((int(g[2]), _MONTHS[g[0].lower()], int(g[1])))
            elif shape == "dMy":
                readings.add((int(g[2]), _MONTHS[g[1].lower()], int(g[0])))
            elif shape == "My":
                readings.add((int(g[1]), _MONTHS[g[0].lower()], None))
            elif shape == "Md":
                if g[0].lower() in {"may", "mar"} and g[0][0].islower():
                    continue
                readings.add((None, _MONTHS[g[0].lower()], int(g[1])))
            elif shape == "m":
                readings.add((None, int(g[0]), None))
            elif shape == "M":
                word = g[0]
                if (len(word) < 4 and word.lower() not in {"may"}) or (
                    word.islower() and word in {"may", "march", "mar"}
                ):
                    continue
                readings.add((None, _MONTHS[word.lower()], None))
            elif shape == "dM":
                readings.add((None, _MONTHS[g[1].lower()], int(g[0])))
            found.append((frozenset(readings), match.span()))
            for i in range(*match.span()):
                chars[i] = " "
    return found, "".join(chars)


def _spelt(text: str) -> list[frozenset[float]]:
    """Numbers written in words with a scale: ``a million``, ``four hundred``, ``dos mil``."""
    found: list[frozenset[float]] = []
    for match in _WORD_SCALE.finditer(text):
        count = 1.0 if match.group(1).lower() in {"a", "an"} else _WORDS[match.group(1).lower()]
        scale = _WORD_SCALES.get(match.group(2).lower(), _SCALES.get(match.group(2).lower(), 1))
        found.append(frozenset({round(count * scale, 6)}))
    return found


def _numbers(text: str, lang: str) -> list[tuple[frozenset[float], tuple[int, int]]]:
    found: list[tuple[frozenset[float], tuple[int, int]]] = []
    for match in _JA_COMPOUND.finditer(text):
        found.append((frozenset({int(match.group(1)) * 1e4 + int(match.group(2))}), match.span()))
    text = _JA_COMPOUND.sub(lambda m: " " * len(m.group(0)), text)
    for match in _CENTURY.finditer(text):
        found.append((frozenset({float(_roman(match.group(1)))}), match.span(1)))
    for match in _NUMBER.finditer(text):
        found.append((frozenset(_value(match.group(1), match.group(2), lang)), match.span()))
    return found


#: Spanish writes centuries in Roman numerals: ``siglo XIX``.
_CENTURY = re.compile(r"\bsiglos?\s+([IVXL]+)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _currencies(text: str) -> Counter[str]:
    lowered = text.lower()
    return Counter(
        code
        for code, marks in _CURRENCIES.items()
        if any(
            re.search(rf"(?<![a-z]){re.escape(m)}", lowered) if m.isalpha() else m in lowered
            for m in marks
        )
    )


def _take(pool: list[frozenset[float]], wanted: Iterable[float]) -> bool:
    wanted = set(wanted)
    for index, values in enumerate(pool):
        if values & wanted:
            del pool[index]
            return True
    return False


def check_numbers(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Every number, date, percentage and currency of the source, and no other, in the target."""
    source, target = (
        _ON_THE_HOUR.sub(r"\1", normalised(without_links(t))) for t in (pair.source, pair.target)
    )
    raw_target = without_links(pair.target)
    source_dates, source_rest = _dates(source)
    target_dates, target_rest = _dates(target)
    findings: list[Finding] = []
    unmatched_target = list(target_dates)
    for readings, _ in source_dates:
        hit = next((t for t in unmatched_target if t[0] & readings), None)
        if hit is None:
            # A date may be given with fewer parts (no year); accept a reading that agrees.
            hit = next(
                (t for t in unmatched_target if any(_agrees(a, b) for a in readings for b in t[0])),
                None,
            )
        if hit is None:
            shown = sorted(readings, key=str)[0]
            findings.append(
                finding(NAME, Severity.ERROR, f"date {_show_date(shown)} is missing", pair)
            )
        else:
            unmatched_target.remove(hit)
    for _, span in unmatched_target:
        findings.append(
            finding(
                NAME,
                Severity.ERROR,
                f"date {target[span[0] : span[1]]!r} is not in the source",
                pair,
                _span_in(raw_target, target[span[0] : span[1]]),
            )
        )
    source_numbers = _numbers(source_rest, context.source_lang)
    target_numbers = _numbers(target_rest, context.target_lang)
    pool = [values for values, _ in target_numbers]
    word_values = [frozenset({float(_WORDS[w.lower()])}) for w in _WORD.findall(target_rest)]
    kanji = [frozenset({float(v)}) for k, v in _KANJI_DIGITS.items() if k in target_rest]
    target_spelt = _spelt(target_rest)
    for values, span in source_numbers:
        if not (
            _take(pool, values)
            or _take(word_values, values)
            or _take(kanji, values)
            or _take(target_spelt, values)
        ):
            written = source_rest[span[0] : span[1]].strip()
            findings.append(finding(NAME, Severity.ERROR, f"{written} is missing", pair))
    source_words = [frozenset({float(_WORDS[w.lower()])}) for w in _WORD.findall(source_rest)]
    # Numbers the source spells out in words may come out in words too (engines write
    # "cuatrocientos" for "four hundred"), so they are not required; but the target may
    # write them in digits.
    source_values = {v for values, _ in source_numbers for v in values}
    source_values |= {v for values in _spelt(source_rest) for v in values}
    for values, span in target_numbers:
        if values not in pool:
            continue
        pool.remove(values)
        # A number the source has, said once more, is not a new number.
        if values & source_values or _take(source_words, values):
            continue
        written = target_rest[span[0] : span[1]].strip()
        findings.append(
            finding(
                NAME,
                Severity.ERROR,
                f"{written} is not in the source",
                pair,
                _span_in(raw_target, written),
            )
        )
    source_money, target_money = _currencies(source), _currencies(target)
    for code in source_money:
        if code not in target_money and target_money:
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"the source's {code} became {', '.join(sorted(target_money))}",
                    pair,
                )
            )
    return findings


def _agrees(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
    """The same date but for a year one side leaves out."""
    return a[1:] == b[1:] and (a[0] is None or b[0] is None)


def _show_date(parts: tuple[int | None, ...]) -> str:
    return "-".join(f"{p:02d}" if p is not None else "?" for p in parts)


def _span_in(text: str, written: str) -> tuple[int, int] | None:
    index = text.find(written)
    if index < 0:
        return None
    return index, index + len(written)
