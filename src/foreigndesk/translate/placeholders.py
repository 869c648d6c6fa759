"""Inline markup through engines that do not keep it, and a check for those that do.

A segment's inline tags (links, emphasis) become numbered placeholders ``⟦1⟧…⟦/1⟧`` for
engines that translate plain text; afterwards every placeholder must come back exactly
once and properly nested, or the segment is flagged rather than silently broken. Engines
that keep markup are held to the same standard by comparing the tags that went in with
the tags that came out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import unescape

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_PLACEHOLDER = re.compile(r"⟦(/?)(\d+)⟧")
MARKUP_LOST = "markup_lost"


@dataclass(frozen=True)
class Masked:
    """A segment as plain text with placeholders, and what each number stands for."""

    text: str
    opening: dict[int, str]
    closing: dict[int, str]


def mask(html: str) -> Masked:
    """``a <em>b</em>`` → ``a ⟦1⟧b⟦/1⟧``, entities decoded so the engine sees plain text."""
    opening: dict[int, str] = {}
    closing: dict[int, str] = {}
    stack: list[tuple[str, int]] = []
    counter = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal counter
        is_close, name = match.group(1) == "/", match.group(2).lower()
        if not is_close:
            counter += 1
            opening[counter] = match.group(0)
            stack.append((name, counter))
            return f"⟦{counter}⟧"
        while stack:
            open_name, number = stack.pop()
            if open_name == name:
                closing[number] = match.group(0)
                return f"⟦/{number}⟧"
        return ""

    text = _TAG.sub(replace, html)
    for _, number in stack:  # an unclosed tag: close it where the segment ends
        closing[number] = f"</{re.match(r'<([a-zA-Z0-9]+)', opening[number]).group(1)}>"  # type: ignore[union-attr]
        text += f"⟦/{number}⟧"
    return Masked(text=unescape(text), opening=opening, closing=closing)


def unmask(text: str, masked: Masked) -> tuple[str, bool]:
    """The translation with its tags back, escaped as HTML; False when placeholders broke.

    On failure the placeholders are dropped and the text kept: the words are still a
    translation, only the links or emphasis are gone, and the flag tells the editor.
    """
    from html import escape

    numbers = [(m.group(1) == "/", int(m.group(2))) for m in _PLACEHOLDER.finditer(text)]
    expected = set(masked.opening)
    opened: list[int] = []
    intact = Counter(n for closing, n in numbers if not closing) == Counter(expected)
    intact = intact and Counter(n for closing, n in numbers if closing) == Counter(expected)
    if intact:
        for closing, number in numbers:
            if not closing:
                opened.append(number)
            elif not opened or opened.pop() != number:
                intact = False
                break
    pieces = _PLACEHOLDER.split(text)
    out: list[str] = [escape(pieces[0], quote=False)]
    for index in range(1, len(pieces), 3):
        is_close, number, tail = pieces[index] == "/", int(pieces[index + 1]), pieces[index + 2]
        if intact:
            out.append(masked.closing[number] if is_close else masked.opening[number])
        out.append(escape(tail, quote=False))
    return "".join(out), intact


def tag_signature(html: str) -> Counter[str]:
    """The tags of a segment, attributes included, for a keeps-markup engine's check."""
    return Counter(
        f"{m.group(1)}{m.group(2).lower()}{' '.join(m.group(3).split())}"
        for m in _TAG.finditer(html)
    )


def markup_intact(source: str, target: str) -> bool:
    return tag_signature(source) == tag_signature(target)
