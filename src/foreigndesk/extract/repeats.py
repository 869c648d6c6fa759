"""Paragraphs that stand twice in one article (a pasted lead, a pull quote) are kept once.

Two kinds of repeat are removed, each recorded so an editor can see what went:

- a paragraph pasted a second time (a blog's lead pasted again further down): the same
  text again, in a different place. The same text in the *same* place of a parallel
  section (a recipe's "Eat every 2–3 hours" under each meal, after the same heading) is
  a template filled twice, not a paste, and is kept: the block before it tells which.
- a pull quote: a quote whose words are already a sentence of the body's paragraphs.

The first occurrence is the one kept, since that is where the author put it in the flow.
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
    first_context: dict[str, str] = {}
    kept: list[Block] = []
    repeats: list[str] = []
    previous = ""
    for block in blocks:
        key = _norm(block.text)
        context, previous = previous, key
        if block.kind not in _REPEATABLE or len(key) < MIN_REPEAT_CHARS:
            kept.append(block)
            continue
        if _is_pull_quote(block, body):
            repeats.append(block.text)
            continue
        if key in first_context and first_context[key] != context:
            repeats.append(block.text)
            continue
        first_context.setdefault(key, context)
        kept.append(block)
    return kept, repeats
