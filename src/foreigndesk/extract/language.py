"""Which language an article, and each of its blocks, is written in (py3langid).

The page's declared ``lang`` is often a site-wide default (an English template around a
Japanese article, ``en-US`` on every page of a multilingual blog), so the text decides:
the declared tag is kept, region and all, when its language agrees with the text, and the
identified language replaces it when the text is long enough to be sure and disagrees.
Blocks are identified one by one so a quotation or a passage in another language can be
sent to the right translation pair. Identification costs about as much as the rest of
extraction per block, so a block is identified only where it can differ: where its
writing system is not the article's (Cyrillic in a Latin-script article), or where it is
a quotation long enough to be sure of; every other block takes the article's language.
"""

from __future__ import annotations

import logging
import re

from foreigndesk.language_model import shared_identifier
from foreigndesk.models import Block, BlockKind

logger = logging.getLogger(__name__)

#: Below this many characters of text, identification is a guess: the declared tag stands.
MIN_ARTICLE_CHARS = 150
#: A block shorter than this takes the article's language.
MIN_BLOCK_CHARS = 60
#: Enough text to identify an article; more only costs time (py3langid is linear in it).
_SAMPLE_CHARS = 300
#: A quotation at least this long in the article's own script is identified on its own.
MIN_QUOTE_CHARS = 120
_IDENTIFIED_KINDS = frozenset(
    {BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.QUOTE, BlockKind.LIST_ITEM}
)


def preload_language_model() -> None:
    """Load the model now (from a thread, while the desk waits on the network), so the
    first article to extract does not wait for it."""
    shared_identifier()


def identify(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in."""
    lang, _score = shared_identifier().classify(text)
    return str(lang)


def _base(tag: str | None) -> str:
    return (tag or "").replace("_", "-").split("-")[0].casefold()


def article_language(declared: str | None, blocks: list[Block]) -> str | None:
    """The article's language tag: the declared one if the text agrees, else the text's."""
    sample = " ".join(b.text for b in blocks if b.kind in _IDENTIFIED_KINDS)[:_SAMPLE_CHARS]
    if len(sample) < MIN_ARTICLE_CHARS:
        return declared
    found = identify(sample)
    if declared and _base(declared) == found:
        return declared
    if declared:
        logger.debug("page declares %s but its text reads as %s", declared, found)
    return found


#: Coarse writing systems: enough to tell a Cyrillic quote in a Latin-script article.
_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "cyrillic": re.compile(r"[\u0400-\u052f]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "hebrew": re.compile(r"[\u0590-\u05ff]"),
    "indic": re.compile(r"[\u0900-\u0dff]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
    "cjk": re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"),
}
_SCRIPT_SAMPLE = 300
#: A block's first characters tell its writing system as well as all of them.
_BLOCK_SCRIPT_SAMPLE = 100


def script_of(text: str, sample_chars: int = _SCRIPT_SAMPLE) -> str:
    """The writing system most of the letters in ``text`` belong to ("" if none)."""
    sample = text[:sample_chars]
    counts = {name: len(pattern.findall(sample)) for name, pattern in _SCRIPTS.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else ""


def block_language(
    block: Block, article_lang: str | None, article_script: str | None = None
) -> str | None:
    """The block's own language where it can differ from the article's, else the article's."""
    if block.kind not in _IDENTIFIED_KINDS or len(block.text) < MIN_BLOCK_CHARS:
        return article_lang
    different_script = (
        article_script is not None and script_of(block.text, _BLOCK_SCRIPT_SAMPLE) != article_script
    )
    long_quote = block.kind == BlockKind.QUOTE and len(block.text) >= MIN_QUOTE_CHARS
    if not (different_script or long_quote):
        return article_lang
    found = identify(block.text)
    return article_lang if article_lang and _base(article_lang) == found else found
