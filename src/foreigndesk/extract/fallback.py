"""A second opinion from readability-lxml, asked only when trafilatura's result looks wrong.

readability-lxml costs more than trafilatura itself, so it is not run on every page: only
where trafilatura's result looks truncated (it holds less than half of the paragraph text
of a page with at least ``MIN_PAGE_CHARS`` of it) or like an unstructured dump (one or two
blocks of ``MIN_DUMP_CHARS`` or more, a page's menus and text run together).

The rule for keeping the second result: it must differ materially in size (at least
``MIN_GAIN`` times the text when trafilatura looked truncated, at most ``1 / MIN_GAIN``
when it looked like a dump), and it must either be the same reading, corrected (the
smaller of the two results has at least ``MIN_OVERLAP`` of its words in the larger: the
rest of a truncated article, or the article inside a dump), or agree clearly better with
what the page says it is about (its title and description; the share of their words the
text contains, ``MIN_TOPIC_GAIN`` higher). That second test is what stops a longer result
that is a list of other articles from replacing a short but right one.
"""

from __future__ import annotations

import logging
import re

from lxml import etree
from lxml import html as lxml_html
from readability import Document  # type: ignore[import-untyped]

from foreigndesk.extract.figures import Figure
from foreigndesk.extract.htmlblocks import html_to_blocks
from foreigndesk.models import Block

logger = logging.getLogger(__name__)

MIN_PAGE_CHARS = 1000
TRUNCATED_SHARE = 0.5
MIN_DUMP_CHARS = 2500
MAX_DUMP_BLOCKS = 2
MIN_GAIN = 1.3
MIN_OVERLAP = 0.8
MIN_TOPIC_GAIN = 0.2
_WORD = re.compile(r"\w{3,}")

TRAFILATURA = "trafilatura"
READABILITY = "readability"


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def looks_wrong(blocks: list[Block], page_chars: int) -> str | None:
    """ "truncated", "dump", or None when trafilatura's result looks right."""
    chars = _chars(blocks)
    if page_chars >= MIN_PAGE_CHARS and chars < TRUNCATED_SHARE * page_chars:
        return "truncated"
    text_blocks = [b for b in blocks if b.text]
    if len(text_blocks) <= MAX_DUMP_BLOCKS and chars >= MIN_DUMP_CHARS:
        return "dump"
    return None


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _block_words(blocks: list[Block]) -> set[str]:
    return {w for b in blocks for w in _words(b.text)}


def topic_agreement(blocks: list[Block], topic: str) -> float:
    """The share of the topic's words (title, description) that the blocks contain."""
    wanted = _words(topic)
    return len(wanted & _block_words(blocks)) / len(wanted) if wanted else 0.0


def overlap(smaller: list[Block], larger: list[Block]) -> float:
    """The share of the smaller result's words found in the larger one."""
    words = _block_words(smaller)
    return len(words & _block_words(larger)) / len(words) if words else 0.0


def readability_blocks(
    scope: lxml_html.HtmlElement, url: str, figures: list[Figure]
) -> list[Block]:
    """readability-lxml's reading of the page, as blocks (it edits ``scope`` in place).

    readability is given no URL: it would make every link on the page absolute, on each
    of its passes, while only the few links in the result are resolved (in ``htmlblocks``).
    """
    try:
        html = Document(scope).summary(html_partial=True)
    except (ValueError, TypeError, etree.LxmlError) as exc:  # readability's own failures
        logger.debug("readability failed on %s: %s", url, exc)
        return []
    return html_to_blocks(html, url, figures)


def better_body(
    scope: lxml_html.HtmlElement,
    url: str,
    blocks: list[Block],
    figures: list[Figure],
    *,
    page_chars: int,
    topic: str,
) -> tuple[list[Block], str]:
    """(the blocks to keep, the extractor they came from) by the rule in the docstring."""
    problem = looks_wrong(blocks, page_chars)
    if problem is None:
        return blocks, TRAFILATURA
    second = readability_blocks(scope, url, figures)
    first_chars, second_chars = _chars(blocks), _chars(second)
    if problem == "truncated":
        different = second_chars >= MIN_GAIN * first_chars
        same_reading = overlap(blocks, second) >= MIN_OVERLAP
    else:
        different = 0 < second_chars * MIN_GAIN <= first_chars
        same_reading = overlap(second, blocks) >= MIN_OVERLAP
    clearer = topic_agreement(second, topic) >= topic_agreement(blocks, topic) + MIN_TOPIC_GAIN
    if different and (same_reading or clearer):
        logger.debug("%s: trafilatura's result looked %s; readability's kept", url, problem)
        return second, READABILITY
    return blocks, TRAFILATURA
