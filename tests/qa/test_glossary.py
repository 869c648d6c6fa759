"""glossary: a glossary term in the source appears in the target as the glossary spells it."""

from __future__ import annotations

from foreigndesk.qa import BlockPair
from foreigndesk.qa.glossary import check_glossary
from tests.qa.helpers import context

TERMS = (("Jane Roe", "ジェーン・ロウ"),)


def test_the_glossary_spelling_is_clean() -> None:
    pair = BlockPair(0, "Jane Roe wrote it.", "ジェーン・ロウが書いた。")
    assert check_glossary(pair, context(glossary=TERMS)) == []


def test_another_spelling_is_an_error() -> None:
    pair = BlockPair(0, "Jane Roe wrote it.", "ジェーン・ローが書いた。")
    (found,) = check_glossary(pair, context(glossary=TERMS))
    assert found.message == "'Jane Roe' should be 'ジェーン・ロウ'"


def test_terms_the_source_does_not_use_are_not_required() -> None:
    pair = BlockPair(0, "John Doe wrote it.", "ジョン・ドウが書いた。")
    assert check_glossary(pair, context(glossary=TERMS)) == []


def test_the_translator_flag_for_a_lost_term_is_reported() -> None:
    pair = BlockPair(0, "x", "y", ("glossary_lost",))
    assert [f.message for f in check_glossary(pair, context(glossary=TERMS))] == [
        "the engine dropped a glossary term"
    ]
