"""untranslated: the target is in the target language, not left in the source language."""

from __future__ import annotations

from foreigndesk.config import QASettings
from foreigndesk.qa import BlockPair
from foreigndesk.qa.untranslated import check_untranslated
from tests.qa.helpers import context, messages


def test_a_block_copied_unchanged_is_not_translated() -> None:
    text = "The harbour wall was raised last spring."
    assert messages("untranslated", text, text, "es") == ["the block is not translated"]


def test_a_long_run_of_latin_words_in_japanese_is_untranslated() -> None:
    found = messages(
        "untranslated", "x", "カフェは2019年に開店し、now repairs radios and clocks every weekend."
    )
    assert found == ["'now repairs radios and clocks every weekend' is still in en"]


def test_names_and_titles_kept_in_latin_script_are_fine() -> None:
    target = "その論文は先週、Nature Climate Change Research Letters Journalに掲載された。"
    assert messages("untranslated", "x", target) == []


def test_the_run_length_is_a_setting() -> None:
    pair = BlockPair(0, "x", "彼は the old one と言った。")
    assert check_untranslated(pair, context()) == []
    strict = context(settings=QASettings(latin_run_words=3))
    assert [f.message for f in check_untranslated(pair, strict)] == ["'the old one' is still in en"]


def test_an_english_sentence_in_a_spanish_target_is_untranslated() -> None:
    target = "El consejo votó ayer. The new bridge will open in March next year."
    assert messages("untranslated", "x", target, "es") == [
        "'The new bridge will open in March next year.' is still in en"
    ]


def test_a_spanish_target_is_clean() -> None:
    target = "Los trenes nocturnos vuelven a varias rutas de Europa. Muchos viajeros los prefieren."
    assert messages("untranslated", "x", target, "es") == []
