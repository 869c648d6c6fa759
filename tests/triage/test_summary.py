"""The brief: which text of an article triage translates, and what a full translation
would cost."""

from __future__ import annotations

from foreigndesk.models import Article, ArticleStatus, Block, BlockKind
from foreigndesk.triage import brief_of, estimate_cost
from foreigndesk.triage.summary import leading_sentences


def article(description: str | None, *paragraphs: str) -> Article:
    return Article(
        id=1,
        source_id=1,
        url="https://example.test/a",
        status=ArticleStatus.EXTRACTED,
        source_lang="en",
        title="Tides & harbours",
        description=description,
        blocks=tuple(Block(BlockKind.PARAGRAPH, html=f"<em>{p}</em>", text=p) for p in paragraphs),
    )


def test_the_description_is_the_summary_when_the_page_has_one() -> None:
    brief = brief_of(article("The harbour's tides, explained.", "First.", "Second."), 300)
    assert brief.title == "Tides &amp; harbours"
    assert brief.summary == ("The harbour's tides, explained.",)
    assert brief.segments() == ["Tides &amp; harbours", "The harbour's tides, explained."]


def test_else_the_opening_paragraphs_whole_as_the_full_translation_sends_them() -> None:
    brief = brief_of(article(None, "A" * 120, "B" * 120, "C" * 120), 300)
    assert brief.summary == (f"<em>{'A' * 120}</em>", f"<em>{'B' * 120}</em>")
    assert brief.summary_text == f"{'A' * 120}\n\n{'B' * 120}"


def test_a_long_opening_is_cut_at_a_sentence() -> None:
    text = "One short sentence. " + "Another sentence that is rather longer than that. " * 10
    assert leading_sentences(text, 80) == (
        "One short sentence. Another sentence that is rather longer than that."
    )
    assert leading_sentences("word " * 100, 23) == "word word word word…"
    assert leading_sentences("最初の文です。次の文です。", 8) == "最初の文です。"


def test_the_cost_counts_what_the_memory_does_not_hold() -> None:
    segments = ["Title", "A paragraph of text.", "Another one."]
    by_chars = estimate_cost(segments, {"Title"}, "deepl", "characters", 20.0)
    assert by_chars.units == len("A paragraph of text.") + len("Another one.")
    assert by_chars.cost == by_chars.units * 20.0 / 1_000_000
    by_tokens = estimate_cost(segments, set(), "openai", "tokens")
    assert by_tokens.units == 19 and by_tokens.cost is None
    assert by_chars.describe().startswith("deepl: 32 characters ≈ 0.00")
