"""glossary: a glossary term in the source appears in the target as the glossary spells it."""

from __future__ import annotations

import pytest

from foreigndesk.models import Severity
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
    assert found.message == "'Jane Roe' should be 'ジェーン・ロウ', not 'ジェーン・ロー'"
    assert found.severity == Severity.ERROR


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Jane Roe wrote it.", "ジェーン＝ロウが書いた。"),
        ("Jane Roe wrote it.", "ジェーン ロウが書いた。"),
        ("Jane Roe wrote it.", "ジェーンロウが書いた。"),
        ("JANE ROE wrote it.", "ジェーン・ロウが書いた。"),
        ("Jane Roe's book.", "ジェーン・ロウの本。"),
    ],
)
def test_the_term_is_followed_whatever_the_marks_between_its_parts(
    source: str, target: str
) -> None:
    assert check_glossary(BlockPair(0, source, target), context(glossary=TERMS)) == []


@pytest.mark.parametrize("source", ["Tariffs rose.", "The tariff rose.", "Tariff talks."])
def test_an_inflected_or_capitalised_term_in_the_source_is_found(source: str) -> None:
    terms = (("tariff", "関税"),)
    (found,) = check_glossary(BlockPair(0, source, "税が上がった。"), context(glossary=terms))
    assert found.message == "'tariff' should be '関税'"


def test_a_word_that_only_starts_like_the_term_is_not_the_term() -> None:
    terms = (("tar", "タール"),)
    assert check_glossary(BlockPair(0, "The tariff rose.", "関税"), context(glossary=terms)) == []


def test_terms_the_source_does_not_use_are_not_required() -> None:
    pair = BlockPair(0, "John Doe wrote it.", "ジョン・ドウが書いた。")
    assert check_glossary(pair, context(glossary=TERMS)) == []


def test_the_translator_flag_for_a_lost_term_is_reported() -> None:
    pair = BlockPair(0, "x", "y", ("glossary_lost",))
    assert [f.message for f in check_glossary(pair, context(glossary=TERMS))] == [
        "the engine dropped a glossary term"
    ]
