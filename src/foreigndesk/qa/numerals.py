"""Reading the values a text writes: dates, times of day, numbers and currencies.

A value is read, not matched as a string, so that the ways languages write it compare
equal: ``1,000``, ``1000``, ``1 000`` and ``1.000`` (Spanish); ``3 million``, ``300万``,
``1億2,650万``, ``63万4千`` and ``3 millones``; ``16/11/2024``, ``Nov 16, 2024``,
``1998-06`` and ``2024年11月16日``; ``1.30pm``, ``13:30`` and ``午後1時半``. Where a
written form can mean more than one value (``3/4/2024``, ``3時`` without 午前/午後, ``$3m``)
every reading is kept and any one of them may match.

Each reader returns what it found and the text with it blanked out (same length), so a
date's digits are not read again as numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: A date as (year, month, day), any part unknown.
DateParts = tuple[int | None, int | None, int | None]


@dataclass(frozen=True)
class Value:
    """One value written in a text: its kind, every reading of it, and where it is."""

    kind: str  # "date", "time" or "number"
    readings: frozenset[object]
    written: str
    span: tuple[int, int]


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
    (re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), "ymd"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"), "ym"),
    # An issue of a magazine, a month of a report: 1998-06.
    (re.compile(r"(?<![\d-])((?:19|20)\d{2})-(0[1-9]|1[0-2])(?![\d-])"), "ym"),
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


def _date_readings(shape: str, g: tuple[str, ...]) -> set[DateParts]:
    """The dates a match of a pattern of ``shape`` can be; empty when it is no date."""
    if shape == "ymd":
        return {(int(g[0]), int(g[1]), int(g[2]))}
    if shape == "ym":
        return {(int(g[0]), int(g[1]), None)}
    if shape == "md":
        return {(None, int(g[0]), int(g[1]))}
    if shape == "either":
        a, b, y = int(g[0]), int(g[1]), int(g[2])
        return {(y, b, a)} if a > 12 else {(y, a, b)} if b > 12 else {(y, b, a), (y, a, b)}
    if shape == "Mdy":
        return {(int(g[2]), _MONTHS[g[0].lower()], int(g[1]))}
    if shape == "dMy":
        return {(int(g[2]), _MONTHS[g[1].lower()], int(g[0]))}
    if shape == "My":
        return {(int(g[1]), _MONTHS[g[0].lower()], None)}
    if shape == "Md":
        if g[0].lower() in {"may", "mar"} and g[0][0].islower():
            return set()  # "may 2", "mar 3": a verb and a number
        return {(None, _MONTHS[g[0].lower()], int(g[1]))}
    if shape == "m":
        return {(None, int(g[0]), None)}
    if shape == "M":
        word = g[0]
        if (len(word) < 4 and word.lower() != "may") or (
            word.islower() and word in {"may", "march", "mar"}
        ):
            return set()
        return {(None, _MONTHS[word.lower()], None)}
    if shape == "dM":
        return {(None, _MONTHS[g[1].lower()], int(g[0]))}
    raise ValueError(shape)


def read_dates(text: str) -> tuple[list[Value], str]:
    """The dates in ``text``, and the text with them blanked out."""
    found: list[Value] = []
    for pattern, shape in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            readings = _date_readings(shape, match.groups())
            if not readings:
                continue
            found.append(Value("date", frozenset(readings), match.group(0), match.span()))
            text = _blank(text, match.span())
    return found, text


#: ``3pm``, ``1.30 p.m.``, ``10:45am``: a twelve-hour clock.
_TWELVE_HOUR = re.compile(r"(?<![\d.:])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s?m\b\.?(?!\w)", re.I)
#: ``午後1時半``, ``15時30分``, ``3時``: a Japanese time of day.
_JA_TIME = re.compile(r"(午前|午後)?\s*(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|(半))?(?![間代])")
#: ``17:30``: a clock time with a colon, the hour under 24.
_CLOCK = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")


def read_times(text: str) -> tuple[list[Value], str]:
    """Times of day as minutes after midnight, and the text with them blanked out.

    A Japanese hour without 午前/午後, or a colon time under 13, may be either half of
    the day: both readings are kept."""
    found: list[Value] = []
    for match in _TWELVE_HOUR.finditer(text):
        hour, minute = int(match.group(1)) % 12, int(match.group(2) or 0)
        if int(match.group(1)) > 12 or minute > 59:
            continue
        hour += 12 if match.group(3).lower() == "p" else 0
        found.append(_time(match, {hour * 60 + minute}))
        text = _blank(text, match.span())
    for match in _JA_TIME.finditer(text):
        half, hour = match.group(1), int(match.group(2))
        minute = 30 if match.group(4) else int(match.group(3) or 0)
        if hour > 24 or minute > 59:
            continue
        if half == "午後" and hour < 12:
            hours = {hour + 12}
        elif half == "午前" or hour > 12:
            hours = {hour % 24}
        else:
            hours = {hour % 24, (hour + 12) % 24}
        found.append(_time(match, {h * 60 + minute for h in hours}))
        text = _blank(text, match.span())
    for match in _CLOCK.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        hours = {hour, hour + 12} if 0 < hour < 12 else {hour}
        found.append(_time(match, {h * 60 + minute for h in hours}))
        text = _blank(text, match.span())
    return found, text


def _time(match: re.Match[str], minutes: set[int]) -> Value:
    return Value("time", frozenset(minutes), match.group(0).strip(), match.span())


_SCALES = {
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "trillion": 1e12,
    "mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "mil millones": 1e9,
    "millardos": 1e9, "millardo": 1e9, "billón": 1e12, "billones": 1e12,
    "k": 1e3, "m": 1e6, "bn": 1e9,
}  # fmt: skip
_SCALE = "|".join(re.escape(s) for s in sorted(_SCALES, key=len, reverse=True))
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z.,])(\d{{1,3}}(?:[ ,.]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:\s*({_SCALE})(?![a-zñ]))?",
    re.I,
)
#: A number that is part of a name: COVID-19, F-35, G7, Windows 11 is not one of these.
_IN_A_NAME = re.compile(r"(?<![A-Za-z])[A-Za-z]+-?\d+(?![\d.,])")
#: Japanese numbers with their units, digits or kanji: 1億2,650万, 5億4千万, 63万4千, 300万.
_JA_NUMBER = re.compile(r"(?:\d[\d,]*(?:\.\d+)?\s*[兆億万千百]+\s*)+(?:\d[\d,]*)?")
_JA_PART = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([兆億万千百]*)")
_JA_UNITS = {"兆": 1e12, "億": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}


def _ja_value(written: str) -> float:
    """The value of a Japanese number: the sections before 兆, 億 and 万 add up."""
    total, section = 0.0, 0.0
    for digits, units in _JA_PART.findall(written):
        value = float(digits.replace(",", ""))
        for unit in units:
            if unit in "千百":
                value *= _JA_UNITS[unit]
            else:
                total += (section + value) * _JA_UNITS[unit]
                section, value = 0.0, 0.0
        section += value
    return total + section


#: Languages that write a decimal comma (1,5); the others write 1.5, and in them a comma
#: between digits that is no thousands separator lists two numbers (２，３日: 2 or 3 days).
DECIMAL_COMMA = frozenset({"es", "fr", "de", "it", "pt", "nl", "ru", "pl", "sv", "da", "nb", "fi",
                           "cs", "tr", "ca", "ro", "hu", "el", "uk", "id", "vi"})  # fmt: skip


def _readings(digits: str, scale: str | None) -> set[float]:
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


#: 3割 is 30 per cent, 3割5分 35.
_WARI = re.compile(r"(?<![\d.])(\d{1,2})\s*割(?:\s*(\d)\s*分)?")
#: Spanish writes centuries in Roman numerals: ``siglo XIX``.
_CENTURY = re.compile(r"\bsiglos?\s+([IVXL]+)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


#: ``3 1/2`` is three and a half; ``1/2`` and ``3/4`` are fractions, not two numbers.
_FRACTION = re.compile(r"(?<![\d/.,])(?:(\d{1,3})\s+)?(\d{1,2})/(\d{1,2})(?![\d/])")
#: ``4分の3`` is three quarters, in Japanese the denominator first.
_JA_FRACTION = re.compile(r"(?<![\d.])(\d{1,3})\s*分の\s*(\d{1,3})(?![\d.])")
#: Two numbers a comma lists, in a language without a decimal comma: ``2,3`` or ``２，３``.
_LISTED = re.compile(r"(?<![\d.,])(\d{1,2}),(\d{1,2})(?![\d.,])")


def _fractions(text: str) -> tuple[list[Value], str]:
    """Fractions as their values, and each part on its own too (``3/4`` may be written
    ``3 out of 4``, ``4分の3`` or ``75%``, which are other readings of one value)."""
    found: list[Value] = []
    for match in _FRACTION.finditer(text):
        whole, numerator, denominator = match.groups()
        if int(denominator) == 0 or (whole is None and int(numerator) > int(denominator) * 3):
            continue  # 24/7, 9/11: not fractions
        value = int(whole or 0) + int(numerator) / int(denominator)
        parts = {float(numerator), float(denominator)} | ({float(whole)} if whole else set())
        readings = {round(value, 6), round(value * 100, 6)} | parts
        found.append(Value("number", frozenset(readings), match.group(0).strip(), match.span()))
        text = _blank(text, match.span())
    for match in _JA_FRACTION.finditer(text):
        denominator, numerator = int(match.group(1)), int(match.group(2))
        if denominator == 0:
            continue
        value = numerator / denominator
        readings = {round(value, 6), round(value * 100, 6), float(numerator), float(denominator)}
        found.append(Value("number", frozenset(readings), match.group(0), match.span()))
        text = _blank(text, match.span())
    return found, text


def read_numbers(text: str, lang: str = "en") -> list[Value]:
    """The numbers written in digits (with their scale words), fractions, Japanese
    numbers with their units, and Spanish Roman centuries; numbers inside names are left
    out. ``lang`` says whether a comma may be a decimal mark."""
    found, text = _fractions(text)
    if lang not in DECIMAL_COMMA:
        text = _LISTED.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)
    for match in _IN_A_NAME.finditer(text):
        if not match.group(0).isdigit():
            text = _blank(text, match.span())
    for match in _JA_NUMBER.finditer(text):
        value = _ja_value(match.group(0))
        found.append(Value("number", frozenset({value}), match.group(0).strip(), match.span()))
        text = _blank(text, match.span())
    for match in _WARI.finditer(text):
        percent = float(match.group(1)) * 10 + float(match.group(2) or 0)
        found.append(Value("number", frozenset({percent}), match.group(0), match.span()))
        text = _blank(text, match.span())
    for match in _CENTURY.finditer(text):
        value = float(_roman(match.group(1)))
        found.append(Value("number", frozenset({value}), match.group(1), match.span(1)))
    for match in _NUMBER.finditer(text):
        readings = _readings(match.group(1), match.group(2))
        found.append(Value("number", frozenset(readings), match.group(0).strip(), match.span()))
    return sorted(found, key=lambda v: v.span)


WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "hundreds": 100, "dozen": 12, "dozens": 12,
    "half": 0.5, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "twice": 2, "double": 2,
    "triple": 3, "teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50,
    "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "veinte": 20, "cien": 100,
    "ciento": 100, "docena": 12, "media": 0.5, "medio": 0.5, "mitad": 0.5,
}  # fmt: skip
_WORD = re.compile(r"\b(" + "|".join(WORDS) + r")\b", re.I)
#: ``a million``, ``two thousand``, ``un millón``: a number word and a scale.
_WORD_SCALE = re.compile(
    r"\b(a|an|" + "|".join(WORDS) + r")\s+(hundred|thousand|million|billion|millón|millones|mil)\b",
    re.I,
)
_WORD_SCALES = {"hundred": 1e2, "thousand": 1e3, "mil": 1e3, "million": 1e6, "millón": 1e6}
_KANJI_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True))
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千万億兆]+")


def _kanji_value(written: str) -> float:
    """三百二十 is 320, 二〇二四 is 2024, 五千万 is 50,000,000."""
    if all(c in _KANJI_DIGITS for c in written):
        return float("".join(str(_KANJI_DIGITS[c]) for c in written))
    total, section, digit = 0.0, 0.0, 0.0
    for char in written:
        if char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
        elif char in _KANJI_UNITS:
            section += (digit or 1) * _KANJI_UNITS[char]
            digit = 0
        else:
            total += (section + digit or 1) * _JA_UNITS[char]
            section, digit = 0.0, 0.0
    return total + section + digit


def word_numbers(text: str) -> list[float]:
    """Numbers written in words, ``twelve`` or ``a million``, and single kanji numerals:
    they may stand for a number the other side writes in digits, and are never required."""
    values = [float(WORDS[w.lower()]) for w in _WORD.findall(text)]
    for match in _WORD_SCALE.finditer(text):
        count = 1.0 if match.group(1).lower() in {"a", "an"} else WORDS[match.group(1).lower()]
        scale = _WORD_SCALES.get(match.group(2).lower(), _SCALES.get(match.group(2).lower(), 1))
        values.append(round(count * scale, 6))
    for match in _KANJI_NUMBER.finditer(text):
        values.append(_kanji_value(match.group(0)))
        values += [float(_KANJI_DIGITS[c]) for c in match.group(0) if c in _KANJI_DIGITS]
    return values


_CURRENCIES = {
    "USD": ("$", "usd", "dollar", "dólar", "dólares", "ドル"),
    "EUR": ("€", "eur", "euro", "ユーロ"),
    "GBP": ("£", "gbp", "pound", "libra", "ポンド"),
    "JPY": ("¥", "jpy", "yen", "円"),
}


def currencies(text: str) -> Counter[str]:
    """The currencies a text names, by ISO code: a name as a whole word (``euros``, not
    ``Europe``), a symbol or a Japanese name anywhere."""
    lowered = text.lower()
    return Counter(
        code
        for code, marks in _CURRENCIES.items()
        if any(
            re.search(rf"(?<![a-z]){re.escape(m)}(?:s|es)?(?![a-z])", lowered)
            if m.isascii() and m.isalpha()
            else m in lowered
            for m in marks
        )
    )


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]
