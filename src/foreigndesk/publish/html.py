"""Blocks → HTML, once, when a post is composed; every target reuses the result.

Translated inline markup passes through nh3 with only links and emphasis allowed, so
whatever a source or an engine sends, only that subset reaches a page; an image is kept
only when it comes from an http(s) URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from foreigndesk.models import BlockKind, TranslatedBlock
from foreigndesk.publish.sanitize import clean_inline, is_image_url


def sanitize_inline(html: str) -> str:
    """Only links (http, https, mailto) and emphasis survive; the rest becomes text."""
    return clean_inline(html)


def _figure(item: TranslatedBlock) -> str:
    block = item.block
    caption_parts = []
    if item.caption or block.caption:
        caption_parts.append(escape(item.caption or block.caption or ""))
    if block.credit:
        caption_parts.append(f'<span class="credit">{escape(block.credit)}</span>')
    caption = f"<figcaption>{' '.join(caption_parts)}</figcaption>" if caption_parts else ""
    # An image needs a text alternative: its alt text, else its caption.
    alt_text = item.html if item.html is not None else block.alt
    alt = escape(alt_text or item.caption or block.caption or "")
    src = escape(block.src or "")
    return f'<figure><img src="{src}" alt="{alt}" loading="lazy">{caption}</figure>'


def render_blocks(items: Iterable[TranslatedBlock]) -> str:
    """HTML for translated blocks in order; consecutive list items share one list."""
    out: list[str] = []
    open_list: str | None = None
    for item in items:
        block = item.block
        list_tag = (
            ("ol" if block.list_ordered else "ul") if block.kind == BlockKind.LIST_ITEM else None
        )
        if open_list and list_tag != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if list_tag and not open_list:
            out.append(f"<{list_tag}>")
            open_list = list_tag
        if block.kind == BlockKind.IMAGE:
            if block.src and is_image_url(block.src):
                out.append(_figure(item))
            continue
        inner = sanitize_inline(item.html if item.html is not None else block.html)
        if block.kind == BlockKind.HEADING:
            level = min(max(block.level, 2), 6)
            out.append(f"<h{level}>{inner}</h{level}>")
        elif block.kind == BlockKind.QUOTE:
            out.append(f"<blockquote><p>{inner}</p></blockquote>")
        elif block.kind == BlockKind.LIST_ITEM:
            out.append(f"<li>{inner}</li>")
        else:
            out.append(f"<p>{inner}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)
