"""Paragraphs that stand twice in one article (a pasted lead, a pull quote) are kept once.

Two kinds of repeat are removed, each recorded so an editor can see what went:

- a paragraph pasted a second time (a blog's lead pasted again further down): the same
  text again, in a different place. Each paragraph is compared with every paragraph
  before it, never only with its neighbour, so a run of several paragraphs pasted again
  (a whole lead repeated at the end) is found whole, not just its first paragraph.
- a pull quote: a quote whose words are already a sentence of the body's paragraphs.

A section whose heading the article has already used (a meal plan's "Breakfast" under
each day, a recipe's "Method" under each dish) is the same kind of section filled again:
a line repeated inside it is the template's, not a paste, and is kept. The judgement is
the section's, from its heading, never the block's from its neighbour, so a pasted run
is still found whole wherever the article's own headings do not repeat.

The first occurrence is the one kept, since that is where the author put it in the flow.
Short lines ("Yes.", "Read more", a recipe's "Eat within two hours") repeat innocently
and are never counted.
"""

from __future__ import annotations

import re

from foreigndesk.models import Block, BlockKind

_REPEATABLE = frozenset({BlockKind.PARAGRAPH, BlockKind.QUOTE})
#: Short lines ("Yes.", "Read more") repeat innocently; only real paragraphs count.
MIN_REPEAT_CHARS = 40
_QUOTE_MARKS = re.compile(r"^[\s\"'“”‘’«»„「」『』—–-]+|[\s\"'“”‘’«»„「」『』—–-]+$")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_pull_quote(block: Block, body: str) -> bool:
    if block.kind != BlockKind.QUOTE:
        return False
    words = _norm(_QUOTE_MARKS.sub("", block.text))
    return len(words) >= MIN_REPEAT_CHARS and words in body


def drop_repeats(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """(blocks with each repeated paragraph kept at its first place, the repeats dropped)."""
    body = "\n".join(_norm(b.text) for b in blocks if b.kind == BlockKind.PARAGRAPH)
    seen: set[str] = set()
    headings: set[str] = set()
    repeated_section = False
    kept: list[Block] = []
    repeats: list[str] = []
    for block in blocks:
        key = _norm(block.text)
        if block.kind == BlockKind.HEADING:
            repeated_section = key in headings
            headings.add(key)
        if block.kind not in _REPEATABLE or len(key) < MIN_REPEAT_CHARS:
            kept.append(block)
        elif _is_pull_quote(block, body) or (key in seen and not repeated_section):
            repeats.append(block.text)
        else:
            seen.add(key)
            kept.append(block)
    return kept, repeats
