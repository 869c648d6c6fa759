"""Long blocks are split at sentence boundaries to an engine's limit and joined back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from foreigndesk.translate.segment import join, sentences, split


def test_sentences_split_after_their_punctuation() -> None:
    assert sentences("One. Two! Three? 四。五。") == ["One. ", "Two! ", "Three? 四。", "五。"]


def test_abbreviations_before_lower_case_do_not_split() -> None:
    assert sentences("It costs approx. ten euros. Then more.") == [
        "It costs approx. ten euros. ",
        "Then more.",
    ]


def test_a_link_is_never_cut_in_two() -> None:
    text = 'Start here. <a href="https://x.test/a. B">One. Two.</a> End.'
    for chunk in split(text, 20):
        assert chunk.count("<a ") == chunk.count("</a>")


def test_chunks_respect_the_limit_where_sentences_allow() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    chunks = split(text, 500)
    assert all(len(c) <= 500 for c in chunks)
    assert "".join(chunks) == text


def test_a_sentence_longer_than_the_limit_is_cut_at_a_space() -> None:
    text = "word " * 300
    chunks = split(text, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert all(c.endswith(" ") for c in chunks[:-1])


def test_joined_translations_keep_one_space_between_chunks() -> None:
    assert join(["Uno.", "Dos."], ["One. ", "Two."]) == "Uno. Dos."
    assert join(["一。", "二。"], ["One. ", "Two."]) == "一。二。"


@given(st.text(alphabet=st.sampled_from("ab .!?<>/&;\n。"), max_size=400), st.integers(5, 80))
def test_splitting_never_loses_or_adds_text(text: str, limit: int) -> None:
    assert "".join(split(text, limit)) == text
