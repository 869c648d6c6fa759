"""Paragraphs that stand twice in one article (a pasted lead, a pull quote) are kept once."""

from __future__ import annotations

from foreigndesk.models import Block, BlockKind

_REPEATABLE = frozenset({BlockKind.PARAGRAPH, BlockKind.QUOTE})
#: Short lines ("Yes.", "Read more") repeat innocently; only real paragraphs count.
MIN_REPEAT_CHARS = 40


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def drop_repeats(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """(blocks with each repeated paragraph kept at its first place, the repeats dropped)."""
    seen: set[str] = set()
    kept: list[Block] = []
    repeats: list[str] = []
    for block in blocks:
        if block.kind in _REPEATABLE and len(block.text) >= MIN_REPEAT_CHARS:
            key = _norm(block.text)
            if key in seen:
                repeats.append(block.text)
                continue
            seen.add(key)
        kept.append(block)
    return kept, repeats
