"""The brief of an article: what triage translates so an editor can choose.

The summary is the page's own description where it has one (a sentence or two the site
wrote for this purpose), else the opening paragraphs up to ``limit`` characters. Whole
paragraphs are taken as they are, as the same segments the full translation sends, so a
picked article pays for them once: the translation memory serves them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from foreigndesk.models import Article, BlockKind

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True)
class Brief:
    """The title and summary as segments (inline HTML, like every segment the desk
    translates), and the summary as the reader of the original sees it."""

    title: str
    summary: tuple[str, ...]
    summary_text: str

    def segments(self) -> list[str]:
        return list(dict.fromkeys(s for s in (self.title, *self.summary) if s.strip()))


def leading_sentences(text: str, limit: int) -> str:
    """As many whole sentences from the start of ``text`` as fit in ``limit`` characters;
    a first sentence longer than that is cut at a word and marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    taken = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        joined = f"{taken} {sentence}".strip() if taken else sentence
        if len(joined) > limit:
            break
        taken = joined
    if taken:
        return taken
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


def brief_of(article: Article, limit: int) -> Brief:
    title = escape(article.title or "", quote=False)
    description = " ".join((article.description or "").split())
    if description:
        text = leading_sentences(description, limit)
        return Brief(title, (escape(text, quote=False),), text)
    paragraphs = [b for b in article.blocks if b.kind == BlockKind.PARAGRAPH and b.text.strip()]
    taken: list[tuple[str, str]] = []
    size = 0
    for block in paragraphs:
        if taken and size + len(block.text) > limit:
            break
        if not taken and len(block.text) > limit:
            text = leading_sentences(block.text, limit)
            return Brief(title, (escape(text, quote=False),), text)
        taken.append((block.html, block.text))
        size += len(block.text)
    return Brief(title, tuple(h for h, _ in taken), "\n\n".join(t for _, t in taken))
