"""brackets: every bracket and quote opened in the target is closed, Japanese pairs included."""

from __future__ import annotations

import pytest

from foreigndesk.qa.brackets import unbalanced
from tests.qa.helpers import messages, run


@pytest.mark.parametrize(
    "target",
    [
        "議会（毎月開かれる）は承認した。",
        "彼女は「看板には『営業中』とあった」と言った。",
        "【速報】〈注〉《書名》",
        'dijo "sí" (dos veces)',
    ],
)
def test_balanced_targets_are_clean(target: str) -> None:
    assert messages("brackets", 'He said "yes" (twice).', target) == []


def test_an_unclosed_kagi_bracket_is_flagged_where_it_opens() -> None:
    (found,) = run("brackets", 'He said "fine".', "彼は「いいよと言った。")
    assert found.message == "「 has no partner"
    assert found.span == (2, 3)


def test_mismatched_pairs_are_flagged() -> None:
    assert unbalanced("（1920年建造)") == [("（", 0), (")", 8)]


def test_an_odd_number_of_straight_quotes_is_flagged() -> None:
    assert messages("brackets", 'The sign said "closed".', 'El cartel decía "cerrado.', "es") == [
        '" has no partner'
    ]


def test_what_the_source_leaves_open_is_not_held_against_the_target() -> None:
    assert messages("brackets", "a) first item", "a) primer elemento", "es") == []
