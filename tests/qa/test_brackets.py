"""brackets: every bracket and quote opened in the target is closed, Japanese pairs included."""

from __future__ import annotations

import pytest

from foreigndesk.models import Severity
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


def test_a_bracket_closed_in_the_other_width_is_balanced_and_left_to_punctuation() -> None:
    assert unbalanced("（1920年建造)") == []
    assert messages("punctuation", "(built in 1920)", "（1920年建造)") == [
        "（…) mixes full-width and half-width brackets"
    ]


def test_misnested_brackets_are_errors() -> None:
    found = run("brackets", "the treaty (NATO) says", "「条約（NATO」）は")
    assert [(f.message, f.severity) for f in found] == [
        ("（ has no partner", Severity.ERROR),
        ("） has no partner", Severity.ERROR),
    ]


def test_the_seeds_garbled_paragraph_is_an_error() -> None:
    """The garble of the blog this desk comes from: a bracket that closes twice."""
    found = run(
        "brackets",
        "as was the case with Ukraine (NATO)",
        "(ウクライナ北大西洋条約機構NATO)の場合と同じように)",
    )
    assert [f.severity for f in found] == [Severity.ERROR]


def test_an_odd_number_of_straight_quotes_is_flagged() -> None:
    assert messages("brackets", 'The sign said "closed".', 'El cartel decía "cerrado.', "es") == [
        '" has no partner'
    ]


def test_what_the_source_leaves_open_is_not_held_against_the_target() -> None:
    assert messages("brackets", "a) first item", "a) primer elemento", "es") == []
