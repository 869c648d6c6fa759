"""markup: URLs, e-mail addresses, inline tags and placeholders come through intact."""

from __future__ import annotations

from tests.qa.helpers import messages, run

LINK = '<a href="https://example.org/report">the report</a>'


def test_a_link_kept_with_its_address_is_clean() -> None:
    assert (
        messages(
            "markup", f"Read {LINK}.", '<a href="https://example.org/report">報告書</a>を読む。'
        )
        == []
    )


def test_a_changed_link_address_is_an_error() -> None:
    found = messages(
        "markup", f"Read {LINK}.", '<a href="https://example.org/informe">el informe</a>.', "es"
    )
    assert found == [
        "inline markup lost <a href=https://example.org/report>;"
        " added <a href=https://example.org/informe>"
    ]


def test_lost_emphasis_is_an_error() -> None:
    assert messages("markup", "It <em>never</em> stops.", "決して止まらない。") == [
        "inline markup lost <em>"
    ]


def test_an_address_in_the_text_must_be_copied_exactly() -> None:
    assert messages(
        "markup", "Write to press@example.org.", "Escriba a prensa@example.org.", "es"
    ) == ["e-mail address press@example.org is missing or changed"]
    assert messages(
        "markup", "See https://example.org/day.", "Vea https://example.org/dia.", "es"
    ) == ["URL https://example.org/day is missing or changed"]


def test_a_placeholder_left_in_the_text_is_an_error_with_its_span() -> None:
    (found,) = [
        f
        for f in run("markup", "The <em>first</em> train.", "⟦1⟧始発列車。")
        if "placeholder" in f.message
    ]
    assert found.span == (0, 3)


def test_the_translator_flag_for_broken_markup_is_reported() -> None:
    assert messages("markup", "plain", "llano", "es") == []
    found = run("markup", "plain", "llano", "es", flags=("markup_lost",))
    assert [f.message for f in found] == ["the engine broke this block's links or emphasis"]
