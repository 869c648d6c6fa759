"""The article's header, repeated at the top of the body, is taken out of the body.

Extractors often keep the headline and the byline ("By Jane Roe · 16/11/2024") as the
body's first blocks. The desk shows both itself (title, byline and date in the target
locale), so left in they would be translated and shown twice. Only the first few blocks
are looked at, and only blocks that are the title, the byline, or a bare date line; a
block that is exactly a byline the page was read for (a line such as
``ジェーン・ロウ著:16/11/2024`` that a translation blog puts after its lead) goes wherever
it stands.
"""

from __future__ import annotations

import re
from datetime import datetime

from foreigndesk.extract.bylines import has_byline_marker
from foreigndesk.extract.dates import parse_date
from foreigndesk.extract.names import clean_names
from foreigndesk.models import Block, BlockKind

#: How far into the body the header can reach.
HEADER_BLOCKS = 5
#: A block longer than this is prose, not a byline or a dateline.
MAX_BYLINE_CHARS = 160
_DATELINE_WORDS = 8
_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？")
_TEXT_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.HEADING})
#: What divides a byline's parts ("By Jane Roe | Published 16 November 2024"): a
#: sentence has none, nor a byline's marker ("By Jane Roe, Senior Correspondent…").
_BYLINE_SEPARATORS = re.compile(r"[|·•]")


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold().strip(" .:")


def _is_headline(block: Block, titles: set[str]) -> bool:
    return block.kind in _TEXT_KINDS and _norm(block.text) in titles


def _is_byline(
    block: Block,
    authors: tuple[str, ...],
    lang: str | None,
    now: datetime | None,
) -> bool:
    text = " ".join(block.text.split())
    if block.kind not in _TEXT_KINDS or len(text) > MAX_BYLINE_CHARS:
        return False
    if (
        len(text.split()) > _DATELINE_WORDS
        and text.endswith(_SENTENCE_ENDS)
        and not has_byline_marker(text)
        and not _BYLINE_SEPARATORS.search(text)
    ):
        return False  # a sentence about the author ("Jane Roe, who chairs the trust, …")
    names = clean_names(text)
    if authors and names and set(names) <= set(authors):
        return True  # "By Jane Roe", "Jane Roe · 16/11/2024", "文：山田花子"
    # A dateline: a date and a few words around it ("Updated 3 hours ago"), not a sentence.
    return (
        len(text.split()) <= _DATELINE_WORDS
        and not text.endswith(_SENTENCE_ENDS)
        and parse_date(text, lang=lang, now=now) is not None
    )


def drop_header(
    blocks: list[Block],
    *,
    titles: list[str],
    authors: tuple[str, ...],
    bylines: list[str],
    lang: str | None = None,
    now: datetime | None = None,
) -> list[Block]:
    """The blocks without the headline, byline and dateline among their first few, and
    without any block that is exactly one of the page's ``bylines``."""
    wanted = {_norm(t) for t in titles if t}
    read = {_norm(b) for b in bylines if b}
    kept: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind in _TEXT_KINDS and _norm(block.text) in read:
            continue
        if index < HEADER_BLOCKS and (
            _is_headline(block, wanted) or _is_byline(block, authors, lang, now)
        ):
            continue
        kept.append(block)
    return kept
