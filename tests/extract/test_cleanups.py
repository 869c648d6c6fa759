"""The body is cleaned of what is not the article: site names in titles, page furniture,
repeated paragraphs. Each rule keeps what merely looks like furniture."""

from __future__ import annotations

import pytest

from foreigndesk.extract.boilerplate import is_boilerplate
from foreigndesk.extract.repeats import drop_repeats
from foreigndesk.extract.titles import strip_site_name
from foreigndesk.models import Block, BlockKind
from tests.extract.pages import PROSE, extract, page


def para(text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, html=text, text=text)


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Harbour Tides | The Harbour Review", ["The Harbour Review"], "Harbour Tides"),
        ("The Harbour Review - Harbour Tides", ["The Harbour Review"], "Harbour Tides"),
        ("Harbour Tides — the harbour review", ["The Harbour Review"], "Harbour Tides"),
        (
            "Harbour Tides | Local | The Review",
            ["The Harbour Review"],
            "Harbour Tides | Local | The Review",
        ),
        ("Tides: a history", ["Tides"], "Tides: a history"),  # a colon inside, not a separator
    ],
)
def test_a_known_site_name_leaves_the_title(title: str, names: list[str], expected: str) -> None:
    assert strip_site_name(title, names) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "Subscribe to our newsletter for weekly stories.",
        "Sign up for our daily newsletter",
        "Read more: The bridge reopens on Monday",
        "Related: Ten years of the river festival",
        "4 min read",
        "Reading time: 6 minutes",
        "読了時間：約3分",
        "Advertisement",
        "Comments",
        "Filed under: Ferries |",
        "This story first appeared in the Riverside Courier.",
        "© 2024 Riverside Courier. All rights reserved.",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    assert is_boilerplate(para(line))


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for a library card at the front desk; it is free for residents.",
        "Readers who subscribe to the newsletter told us they wanted more river stories, "
        "and so this month we spent a week on the ferries talking to the crews and the "
        "passengers about how the crossing has changed over the years.",
        "Share the road: cyclists and buses will use the same lane from Monday.",
        "Comments from residents were mostly positive.",
    ],
)
def test_prose_that_mentions_furniture_is_kept(line: str) -> None:
    assert not is_boilerplate(para(line))


def test_a_pasted_lead_is_dropped_and_recorded() -> None:
    lead = para("Every Saturday morning the smell of fresh bread fills Mill Street again.")
    blocks = [lead, para("The oven was built by neighbours."), lead, para("The end.")]
    kept, repeats = drop_repeats(blocks)
    assert [b.text for b in kept] == [blocks[0].text, blocks[1].text, blocks[3].text]
    assert repeats == [lead.text]


def test_a_lead_of_several_paragraphs_pasted_again_is_found_whole() -> None:
    lead = [
        para("Every Saturday morning the smell of fresh bread fills Mill Street again."),
        para("The oven, built by neighbours in 1920, had been cold for thirty years."),
        para("Now a rota of twelve households lights it before dawn, one week each."),
    ]
    middle = [para("The flour comes from the mill at the end of the street."), para("Done.")]
    kept, repeats = drop_repeats([*lead, *middle, *lead])
    assert kept == [*lead, *middle]
    assert repeats == [b.text for b in lead]


def test_a_section_filled_again_under_the_same_heading_keeps_its_lines() -> None:
    heading = Block(BlockKind.HEADING, text="Breakfast", level=3)
    line = para("Eat within two hours of waking up, with a glass of water first.")
    plan = para("Every plan below follows the same rhythm of meals through the day.")
    blocks = [plan, heading, line, para("Plan A: oats."), heading, line, para("Plan B: eggs.")]
    kept, repeats = drop_repeats(blocks)
    assert kept == blocks
    assert repeats == []


def test_a_run_pasted_under_a_new_heading_is_still_a_repeat() -> None:
    lead = [
        para("Every Saturday morning the smell of fresh bread fills Mill Street again."),
        para("The oven, built by neighbours in 1920, had been cold for thirty years."),
    ]
    closing = Block(BlockKind.HEADING, text="In short", level=2)
    kept, repeats = drop_repeats([*lead, para("The flour comes from the mill."), closing, *lead])
    assert kept == [*lead, para("The flour comes from the mill."), closing]
    assert repeats == [b.text for b in lead]


def test_a_pull_quote_of_a_body_sentence_is_a_repeat() -> None:
    body = para(
        "The crossing takes twelve minutes. Passengers had to raise their voices to talk. "
        "Now they read."
    )
    pull = Block(BlockKind.QUOTE, text="“Passengers had to raise their voices to talk.”")
    citation = Block(BlockKind.QUOTE, text="The river is our high street, said the mayor.")
    kept, repeats = drop_repeats([body, pull, citation])
    assert kept == [body, citation]
    assert repeats == [pull.text]


def test_a_json_ld_name_that_is_the_site_name_is_not_the_title() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "name": "Harbour'
        ' Review", "headline": "The lock gates open at dawn", "publisher": {"@type":'
        ' "Organization", "name": "Harbour Review"}}</script>'
    )
    body = f"<article><h1>The lock gates open at dawn</h1>{PROSE}</article>"
    article = extract(page(body, head=head, title="Harbour Review"))
    assert article.title == "The lock gates open at dawn"
