"""A number of the translation changed: the fault an editor misses and a reader repeats.

Only a number the source has too is touched (the same value, counting ``million`` as
10⁶ and ``万`` as 10⁴), and never into a value the source has elsewhere; a number that is
part of a name (``S-300``, ``[PERSON9]``, ``5G``) is not a quantity and is left alone.
Variants:

- ``digit``: one digit changed (``1,200`` → ``1,300``); ``fullwidth``: the same in
  full-width digits (``３８歳`` → ``３６歳``); ``dropped``: a digit lost (``2400`` → ``240``);
- ``magnitude``: the Japanese unit wrong or a zero too many (``1億`` → ``1万``,
  ``1600万`` → ``16000万``);
- ``year``: a year moved (``2019年`` → ``2018年``); ``percent``: a percentage changed;
- ``time``: a 12-hour time turned to the other half of the day (``午後2時`` → ``午前2時``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick
from benchmarks.qaset.text import plain

CHECK = "numbers"
_UNITS = {"千": 1e3, "万": 1e4, "億": 1e8}
_ENGLISH_UNITS = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}
_TARGET = re.compile(
    r"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ,，.．\[])(?<![A-Za-z]-)(?P<half>午[前後])?"
    r"(?P<number>[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?)"
    r"(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ\]])(?P<unit>[千万億])?"
)
_SOURCE = re.compile(
    r"(?<![\w.,])(\d+(?:,\d{3})*(?:\.\d+)?)(?!\d)"
    r"(?:\s*(thousand|million|billion|bn|k|m)(?![a-z]))?",
    re.I,
)
_TWELVE_HOUR = re.compile(r"\d\s*(?:[ap]\.?m\b|[AP]\.?M\b)")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _value(number: str, unit: str | None = None) -> float:
    digits = unicodedata.normalize("NFKC", number).replace(",", "")
    return float(digits) * (_UNITS[unit] if unit else 1)


def source_values(source: str) -> set[float]:
    """Every value the source writes in digits, alone and with its English unit."""
    values = {float(run) for run in re.findall(r"\d+", source)}
    for number, unit in _SOURCE.findall(source):
        value = float(number.replace(",", ""))
        values.add(value)
        if unit:
            values.add(value * _ENGLISH_UNITS[unit.lower()])
    return values


def _like(example: str, digits: str) -> str:
    """``digits`` in the width ``example`` is written in."""
    return digits.translate(_FULLWIDTH) if re.search("[０-９]", example) else digits


def _change_digit(number: str, rng: random.Random) -> str | None:
    positions = [i for i, c in enumerate(number) if c.isdigit()]
    i = rng.choice(positions)
    old = int(unicodedata.normalize("NFKC", number[i]))
    choices = [d for d in range(10) if d != old and not (d == 0 and i == positions[0])]
    return number[:i] + _like(number, str(rng.choice(choices))) + number[i + 1 :]


def _drop_digit(number: str, rng: random.Random) -> str | None:
    if not number.isdigit() or len(number) < 2:
        return None
    i = rng.randrange(len(number))
    shorter = number[:i] + number[i + 1 :]
    return None if shorter[0] in "0０" else shorter


def _year(number: str, rng: random.Random) -> str | None:
    year = int(unicodedata.normalize("NFKC", number)) + rng.choice([-10, -3, -2, -1, 1, 2, 3])
    return _like(number, str(year))


def _percent(number: str, rng: random.Random) -> str | None:
    digits = unicodedata.normalize("NFKC", number)
    if len(digits) == 2 and digits.isdigit() and digits[0] != digits[1] and rng.random() < 0.5:
        return _like(number, digits[::-1])
    return _like(number, str(max(int(float(digits)) + rng.choice([-5, -2, -1, 1, 2, 5]), 1)))


def _magnitude(number: str, unit: str, rng: random.Random) -> tuple[str, str]:
    """The unit one step off, or (for a number without separators) a zero too many."""
    if not number.isdigit() or rng.random() < 0.5:
        return number, {"千": "万", "万": "億", "億": "万"}[unit]
    return number + _like(number, "0"), unit


#: How the digits change, by variant (``magnitude`` and ``time`` are made apart).
_DIGITS: dict[str, Callable[[str, random.Random], str | None]] = {
    "digit": _change_digit,
    "fullwidth": _change_digit,
    "dropped": _drop_digit,
    "year": _year,
    "percent": _percent,
}
VARIANTS = (*_DIGITS, "magnitude", "time")
#: The data has a handful of times, units and percentages among hundreds of plain numbers:
#: where an article has one, it is the likelier place.
WEIGHTS = {"time": 6.0, "magnitude": 4.0, "percent": 4.0, "year": 2.0}


def _variants(match: re.Match[str], target: str, source: str) -> list[str]:
    """The variants that fit this number where it stands."""
    number, unit = match["number"], match["unit"]
    before, after = target[: match.start()], target[match.end() :]
    if unit and (re.match("[0-9０-９]", after) or re.search("[千万億]$", before)):
        return []  # part of ６３万４千: left alone
    if match["half"]:
        return ["time"] if after.startswith("時") and _TWELVE_HOUR.search(source) else []
    if unit:
        return ["magnitude"]
    if re.match(r"\s*(?:%|％|パーセント)", after):
        return ["percent"]
    if re.fullmatch("(?:19|20|１９|２０)[0-9０-９]{2}", number):
        return ["year"]
    variants = ["fullwidth" if re.search("[０-９]", number) else "digit"]
    return [*variants, "dropped"] if number.isdigit() and len(number) > 1 else variants


def _rewrite(variant: str, match: re.Match[str], rng: random.Random) -> tuple[str, float] | None:
    """The number's new text and new value, or None where the variant cannot apply."""
    half, number, unit = match["half"] or "", match["number"], match["unit"] or ""
    if variant == "time":
        flipped = "午前" if half == "午後" else "午後"
        return flipped + number + unit, -1.0
    if variant == "magnitude":
        number, unit = _magnitude(number, unit, rng)
    else:
        changed = _DIGITS[variant](number, rng)
        if changed is None:
            return None
        number = changed
    return half + number + unit, _value(number, unit or None)


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, re.Match[str]]]] = {v: [] for v in VARIANTS}
    for index, (source, target) in enumerate(zip(article.source, article.target, strict=True)):
        values = source_values(plain(source))
        for match in _TARGET.finditer(target):
            if _value(match["number"], match["unit"]) in values:
                for variant in _variants(match, target, plain(source)):
                    places[variant].append((index, match))
    while chosen := pick(rng, places, WEIGHTS):
        variant, (index, match) = chosen
        places[variant].remove((index, match))
        rewritten = _rewrite(variant, match, rng)
        if rewritten is None or rewritten[1] in source_values(plain(article.source[index])):
            continue
        new = rewritten[0]
        target = article.target[index]
        paragraph = target[: match.start()] + new + target[match.end() :]
        return article.with_fault(
            CHECK,
            f"numbers/{variant}",
            f"paragraph {index}: {match.group(0)} → {new}",
            target=article.with_target(index, paragraph),
        )
    return None
