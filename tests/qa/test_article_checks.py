"""names, consistency and repeats: checks that compare an article's blocks with each other."""

from __future__ import annotations

from foreigndesk.models import Severity
from foreigndesk.qa import BlockPair
from foreigndesk.qa.consistency import check_consistency
from foreigndesk.qa.names import check_names
from foreigndesk.qa.repeats import check_repeats
from tests.qa.helpers import context


def pairs(*items: tuple[str, str]) -> list[BlockPair]:
    return [BlockPair(i, s, t) for i, (s, t) in enumerate(items)]


def test_a_katakana_name_written_two_ways_is_flagged_at_the_rarer_spelling() -> None:
    article = pairs(
        ("Jane Roe keeps bees.", "ジェーン・ロウはミツバチを飼う。"),
        ("Jane Roe sells honey.", "ジェーン・ロウは蜂蜜を売る。"),
        ("Jane Roe is busy.", "ジェーン・ローは忙しい。"),
    )
    (found,) = check_names(article, context())
    assert found.position == 2
    assert found.message == "'ジェーン・ロー' is also written 'ジェーン・ロウ' in this article"


def test_the_glossary_spelling_is_the_right_one() -> None:
    article = pairs(("a", "オリビア・グラント"), ("b", "オリヴィア・グラント"))
    (found,) = check_names(article, context(glossary=(("Olivia Grant", "オリヴィア・グラント"),)))
    assert found.position == 0


def test_a_latin_name_misspelt_against_the_source_is_flagged() -> None:
    article = pairs(
        ("The chair, Ruth Ellison, spoke.", "La presidenta, Ruth Ellison, habló."),
        ("Later Ruth Ellison left.", "Después Ruth Elison se fue."),
    )
    assert [f.position for f in check_names(article, context("es"))] == [1]


def test_sentence_initial_words_are_not_names() -> None:
    article = pairs(("Many came.", "Muchos vinieron."), ("Many stayed.", "Muchas se quedaron."))
    assert check_names(article, context("es")) == []


def test_one_sentence_translated_two_ways_is_inconsistent() -> None:
    article = pairs(
        ("The river is cleaner than before.", "川は以前よりきれいになった。"),
        ("Fish are back.", "魚が戻った。"),
        ("The river is cleaner than before.", "川は前よりも清潔になった。"),
    )
    (found,) = check_consistency(article, context())
    assert found.position == 2
    assert "block 0" in found.message


def test_sentences_are_compared_inside_blocks_too() -> None:
    article = pairs(
        ("Bring a cup. Coffee is free.", "Traiga una taza. El café es gratis."),
        ("Bring a cup. Tea costs one euro.", "Trae una taza. El té cuesta un euro."),
    )
    assert [f.position for f in check_consistency(article, context("es"))] == [1]


def test_a_paragraph_pasted_twice_is_a_repeat() -> None:
    article = pairs(
        ("The club meets on Tuesdays.", "クラブは火曜日に集まる。"),
        ("Newcomers are welcome.", "クラブは火曜日に集まる。"),
    )
    (found,) = check_repeats(article, context())
    assert found.message == "the same translation as block 0, whose source differs"
    assert (found.position, found.severity) == (1, Severity.ERROR)


def test_a_sentence_looped_inside_a_block_is_a_repeat() -> None:
    article = pairs(("The oven is hot.", "El horno está caliente. El horno está caliente."))
    assert [f.message for f in check_repeats(article, context("es"))] == [
        "'El horno está caliente.' is repeated"
    ]


def test_what_the_source_repeats_may_be_repeated() -> None:
    article = pairs(("Go on.", "Sigue."), ("Go on.", "Sigue."))
    assert check_repeats(article, context("es")) == []
