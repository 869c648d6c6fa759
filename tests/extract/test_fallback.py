"""When trafilatura's result looks wrong, readability-lxml is asked, and kept by a rule."""

from __future__ import annotations

from lxml import html as lxml_html

from foreigndesk.extract.fallback import (
    READABILITY,
    TRAFILATURA,
    better_body,
    looks_wrong,
    overlap,
    topic_agreement,
)
from foreigndesk.models import Block, BlockKind

SENTENCES = [
    "The lighthouse keeper climbs the spiral stairs every evening at dusk.",
    "Each of the one hundred and twelve steps is worn smooth in the middle.",
    "At the top she winds the clockwork that turns the great lens.",
    "Ships far out at sea see the beam sweep across the water twice a minute.",
    "In the morning she writes the weather in a notebook kept since 1890.",
    "Visitors may climb the tower on Sundays in summer if the wind is calm.",
]


def para(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, html=text, text=text)


def test_a_short_result_from_a_long_page_looks_truncated() -> None:
    assert looks_wrong([para("x" * 300)], page_chars=3000) == "truncated"
    assert looks_wrong([para("x" * 2000)], page_chars=3000) is None
    assert looks_wrong([para("x" * 300)], page_chars=400) is None  # a short page


def test_one_huge_block_looks_like_a_dump() -> None:
    assert looks_wrong([para("menu " * 1000)], page_chars=0) == "dump"
    assert looks_wrong([para("x" * 1500), para("y" * 1500), para("z")], page_chars=0) is None


def test_agreement_with_the_title_and_overlap_between_results() -> None:
    blocks = [para(s) for s in SENTENCES]
    assert topic_agreement(blocks, "The lighthouse keeper") == 1.0
    assert topic_agreement([para("Recipes for soup")], "The lighthouse keeper") == 0.0
    assert overlap(blocks[:2], blocks) == 1.0
    assert overlap([para("Something else entirely here")], blocks) < 0.5


def test_a_truncated_result_is_replaced_by_the_longer_reading_of_the_same_article() -> None:
    article = "".join(f"<p>{s} {s}</p>" for s in SENTENCES)
    page = lxml_html.document_fromstring(
        f"<html><body><div class='story'>{article}</div></body></html>"
    )
    truncated = [para(f"{SENTENCES[0]} {SENTENCES[0]}")]
    blocks, used = better_body(
        page,
        "https://pages.test/",
        truncated,
        [],
        page_chars=2 * len(article),
        topic="The lighthouse keeper",
    )
    assert used == READABILITY
    assert blocks[-1].text.startswith(SENTENCES[-1])


def test_a_right_result_is_never_second_guessed() -> None:
    page = lxml_html.document_fromstring("<html><body><p>other</p></body></html>")
    blocks = [para(s) for s in SENTENCES]
    kept, used = better_body(
        page, "https://pages.test/", blocks, [], page_chars=500, topic="lighthouse"
    )
    assert (kept, used) == (blocks, TRAFILATURA)
