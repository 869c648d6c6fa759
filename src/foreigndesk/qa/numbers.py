"""Numbers, dates, times and currencies say the same in the translation.

Both sides are read into values (``qa.numerals``), then matched. What is left over is
judged by what it most likely is:

- a value of the source and a value of the target of the same kind, both unmatched and
  alike (one digit changed, a digit dropped or added, two swapped, a factor of ten, two
  years, two times of day): **the number was changed** — an error, named at the new one;
- a source value with no counterpart: a warning, for translators leave out what the
  context says (a repeated phone number, "COVID-19" as コロナ, "Jan. 6" as an event's name);
- a target value the source lacks: a warning when it is large or has a fraction; a small
  whole number is expected, since Japanese counts what English leaves implicit (``a
  week`` is １週間, ``two civilians`` 市民２人, ``the teens`` 10代);
- a currency that changed (dollars became euros): an error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import normalised, without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding
from foreigndesk.qa.numerals import (
    Value,
    currencies,
    read_dates,
    read_numbers,
    read_times,
    word_numbers,
)

NAME = "numbers"

#: ``17:00`` is written ``17時`` in Japanese: the zero minutes are not a number to keep.
_ON_THE_HOUR = re.compile(r"(?<!\d)(\d{1,2}):00(?!\d)")
#: Target numbers up to this, whole, may be counters the source does not write.
_SMALL = 100


def check_numbers(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Every number, date, time and currency of the source, and no other, in the target."""
    source, target = (normalised(without_links(t)) for t in (pair.source, pair.target))
    raw_target = without_links(pair.target)
    source_values, source_words = _values(source, context.source_lang)
    target_values, target_words = _values(target, context.target_lang)
    missing = [v for v in source_values if not _found(v, target_values, target_words)]
    extra = [v for v in _unclaimed(target_values, source_values) if not _said(v, source_words)]
    findings: list[Finding] = []
    for old in missing:
        new = next((t for t in extra if _alike(old, t)), None)
        if new is not None:
            extra.remove(new)
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"{_shown(old)} became {_shown(new)}",
                    pair,
                    _span_in(raw_target, new.written),
                )
            )
        else:
            findings.append(finding(NAME, Severity.WARNING, f"{_shown(old)} is missing", pair))
    for new in extra:
        if new.kind == "number" and all(_small(r) for r in new.readings):
            continue
        findings.append(
            finding(
                NAME,
                Severity.WARNING,
                f"{_shown(new)} is not in the source",
                pair,
                _span_in(raw_target, new.written),
            )
        )
    source_money, target_money = currencies(source), currencies(target)
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


def _values(text: str, lang: str) -> tuple[list[Value], list[float]]:
    """The dates, times and numbers of ``text``, and the numbers it says in words."""
    dates, rest = read_dates(text)
    times, rest = read_times(_ON_THE_HOUR.sub(r"\1時", rest))
    return [*dates, *times, *read_numbers(rest, lang)], word_numbers(rest)


def _found(value: Value, others: Sequence[Value], words: Sequence[float]) -> bool:
    """Whether the other side writes ``value``, in digits or (a number) in words.

    Repeats are not counted: a number the source gives twice may be said once."""
    if any(o.kind == value.kind and o.readings & value.readings for o in others):
        return True
    if value.kind == "date":
        # A date may be given with fewer parts (no year, no day): a reading that agrees.
        return any(
            o.kind == "date" and _agrees(a, b)  # type: ignore[arg-type]
            for o in others
            for a in value.readings
            for b in o.readings
        )
    return value.kind == "number" and bool(value.readings & set(words))


def _unclaimed(target: Sequence[Value], source: Sequence[Value]) -> list[Value]:
    """Target values no source value accounts for; one source value accounts for any
    number of target values that say it again."""
    return [t for t in target if not _found(t, source, ())]


def _said(value: Value, words: Sequence[float]) -> bool:
    return value.kind == "number" and bool(value.readings & set(words))


def _agrees(a: tuple[int | None, ...], b: tuple[int | None, ...]) -> bool:
    """The same date but for a part one side leaves out."""
    return all(x is None or y is None or x == y for x, y in zip(a, b, strict=True)) and any(
        x is not None and y is not None for x, y in zip(a, b, strict=True)
    )


def _alike(old: Value, new: Value) -> bool:
    """Whether ``new`` reads as ``old`` changed rather than as another number."""
    if old.kind != new.kind:
        return False
    if old.kind in {"date", "time"}:
        return True
    for a in old.readings:
        for b in new.readings:
            assert isinstance(a, float) and isinstance(b, float)
            if _small(a) and _small(b) and abs(a - b) > 1:
                continue  # "two" and "10代", "a week" and "3": unrelated small numbers
            if _digits_alike(a, b) or (a and b and _power_of_ten(a / b)):
                return True
    return False


def _digits_alike(a: float, b: float) -> bool:
    """One digit changed, dropped or added, or two neighbours swapped."""
    x, y = _digits(a), _digits(b)
    if len(x) == len(y):
        diffs = [i for i in range(len(x)) if x[i] != y[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and x[diffs[0]] == y[diffs[1]]
        )
    short, long = sorted((x, y), key=len)
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i in range(len(long))
    )


def _digits(value: float) -> str:
    return f"{value:f}".rstrip("0").rstrip(".").replace(".", "")


def _power_of_ten(ratio: float) -> bool:
    return any(abs(ratio - 10.0**k) < 1e-9 * 10.0**k for k in (-6, -4, -3, -2, -1, 1, 2, 3, 4, 6))


def _small(value: object) -> bool:
    return isinstance(value, float) and value <= _SMALL and value == int(value)


def _shown(value: Value) -> str:
    if value.kind == "date" and not re.search(r"[年月日]", value.written):
        parts = sorted(value.readings, key=str)[0]
        assert isinstance(parts, tuple)
        return "date " + "-".join(f"{p:02d}" if p is not None else "?" for p in parts)
    return f"{value.kind} {value.written!r}" if value.kind != "number" else value.written


def _span_in(text: str, written: str) -> tuple[int, int] | None:
    index = normalised(text).find(written) if written not in text else text.find(written)
    if index < 0:
        return None
    return index, index + len(written)
