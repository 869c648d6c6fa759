"""length, apertium_marks, llm_artefacts and punctuation, each as a short specification."""

from __future__ import annotations

from foreigndesk.config import QASettings
from foreigndesk.qa import BlockPair
from foreigndesk.qa.length import check_length, check_lengths
from tests.qa.helpers import context, messages, run

SOURCE = "The old station has been turned into a public library for the town."


# -- length ----------------------------------------------------------------------------


def lengths(source: str, target: str) -> list[str]:
    return [f.message for f in check_length(BlockPair(0, source, target), context())]


def test_a_japanese_translation_of_usual_length_is_clean() -> None:
    assert lengths(SOURCE, "古い駅舎は町の公共図書館に生まれ変わった。") == []


def test_a_translation_far_too_short_for_the_pair_is_flagged() -> None:
    (found,) = lengths(SOURCE, "駅。")
    assert "unusually short for en→ja (0.2–1.1)" in found


def test_short_blocks_are_not_judged() -> None:
    assert lengths("A short heading", "見出し") == []


#: A translator whose Japanese runs long (about 0.7 characters per English character).
ARTICLE = (
    (
        SOURCE,
        "古くなった町の駅舎は、改装を経て、町の人々が誰でも使える公共の図書館として生まれ変わった。",
    ),
    (
        "The reading room sits where the ticket hall used to be.",
        "閲覧室は、かつて切符売り場と待合室があった広い場所にそのまま置かれている。",
    ),
    (
        "Trains still pass behind the building every hour.",
        "建物の裏手の線路では、今でも一時間ごとに列車が音を立てて通り過ぎていく。",
    ),
    (
        "Volunteers run a small café on the old platform.",
        "古いホームの上では、地元のボランティアたちが小さなカフェを交代で営んでいる。",
    ),
)


def test_a_block_cut_well_below_its_articles_usual_ratio_is_flagged() -> None:
    cut = [*ARTICLE[:3], (ARTICLE[3][0], "小さなカフェを営む。")]  # 0.24: within the pair's bounds
    pairs = [BlockPair(i, s, t) for i, (s, t) in enumerate(cut)]
    (found,) = check_lengths(pairs, context())
    assert found.position == 3
    assert "unusually short for this article" in found.message


def test_an_article_of_even_blocks_is_clean() -> None:
    pairs = [BlockPair(i, s, t) for i, (s, t) in enumerate(ARTICLE)]
    assert check_lengths(pairs, context()) == []


def test_the_bounds_are_a_setting() -> None:
    pair = BlockPair(0, SOURCE, "古い駅舎は町の公共図書館に生まれ変わった。")
    tight = context(settings=QASettings(length_ratio={"en-ja": [0.6, 0.9]}))
    assert len(check_length(pair, tight)) == 1
    assert (
        check_length(pair, context(settings=QASettings(length_ratio={"any-any": [0.1, 5]}))) == []
    )


# -- apertium_marks --------------------------------------------------------------------


def test_apertium_marks_left_in_the_text_are_named() -> None:
    assert messages("apertium_marks", "x", "Los apicultores *smoked las colmenas.", "es") == [
        "'smoked' is unknown to apertium (left as *smoked)"
    ]


def test_unknown_words_reported_by_the_engine_are_listed() -> None:
    found = run(
        "apertium_marks",
        "x",
        "Los apicultores smoked.",
        "es",
        flags=("unknown_words:smoked,hives",),
    )
    assert [f.message for f in found] == ["apertium did not know: smoked, hives"]


def test_hashtags_and_addresses_are_not_marks() -> None:
    assert messages("apertium_marks", "Use #RiverDay", "Usa #RiverDay o a@b.org", "es") == []


# -- llm_artefacts ---------------------------------------------------------------------


def test_a_preamble_is_an_artefact() -> None:
    assert messages("llm_artefacts", "Hi.", "Here is the translation: Hola.", "es") == [
        "preamble 'Here is the translation:'"
    ]
    assert messages("llm_artefacts", "Hi.", "以下は翻訳です。こんにちは。") == [
        "preamble '以下は翻訳です。'"
    ]


def test_an_added_note_is_an_artefact() -> None:
    (found,) = messages("llm_artefacts", "Hi.", "Hola. (Nota: he adaptado el saludo.)", "es")
    assert found.startswith("added note")


def test_an_answer_cut_off_mid_sentence_is_an_artefact() -> None:
    assert messages("llm_artefacts", "The bridge opens in May.", "橋は5月に") == [
        "the translation stops mid-sentence"
    ]
    assert messages("llm_artefacts", "The bridge opens in May.", "El puente abre en", "es") == [
        "the translation stops mid-sentence"
    ]


def test_an_answer_in_a_third_language_is_an_artefact() -> None:
    source = "The city council approved the new budget for public parks yesterday."
    assert messages(
        "llm_artefacts", source, "市议会昨天批准了新的公园预算方案，其中包括更多的树木。"
    ) == ["the answer is in zh, not ja"]
    french = "Le conseil municipal a approuvé hier le nouveau budget pour les parcs publics."
    assert messages("llm_artefacts", source, french, "es") == ["the answer is in fr, not es"]


def test_a_plain_translation_has_no_artefacts() -> None:
    assert (
        messages("llm_artefacts", "The bridge opens in May.", "El puente abre en mayo.", "es") == []
    )


# -- punctuation -----------------------------------------------------------------------


def test_japanese_takes_full_width_punctuation() -> None:
    assert messages("punctuation", "x", "救えるのか?") == ["ASCII '?' after Japanese text; use ？"]
    assert messages("punctuation", "x", "救える,と言った.") == [
        "ASCII ',' after Japanese text; use 、",
        "ASCII '.' after Japanese text; use 。",
    ]
    assert messages("punctuation", "x", "人口は1,000人だ。Version 2.0も。") == []


def test_half_width_katakana_is_flagged() -> None:
    assert messages("punctuation", "x", "そのﾊﾟﾝ屋") == ["half-width katakana 'ﾊﾟﾝ'"]


def test_spanish_questions_and_exclamations_open_with_inverted_marks() -> None:
    assert messages("punctuation", "x", "¿Está listo? ¡Qué vista!", "es") == []
    assert messages("punctuation", "x", "Está listo?", "es") == ["'?' without an opening '¿'"]


def test_spanish_puts_no_space_before_punctuation() -> None:
    assert messages("punctuation", "x", "Abre el taller .", "es") == ["space before '.'"]
    assert messages("punctuation", "x", "Escriba a info@example.org.", "es") == []
