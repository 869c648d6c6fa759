"""numbers: every number, date, percentage and currency of the source is in the target,
read as values, whatever the target language's way of writing them."""

from __future__ import annotations

import pytest

from foreigndesk.models import Severity
from tests.qa.helpers import messages, run


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        ("1,000 books", "1000冊の本", "ja"),
        ("1,000 books", "1 000 libros", "es"),
        ("1,000 books", "1.000 libros", "es"),
        ("a rise of 10%", "10％の上昇", "ja"),
        ("a rise of 10%", "una subida del 10 %", "es"),
        ("on 16/11/2024", "2024年11月16日に", "ja"),
        ("on Nov 16, 2024", "el 16 de noviembre de 2024", "es"),
        ("on 2024-11-16", "2024年11月16日に", "ja"),
        ("$3 million", "300万ドル", "ja"),
        ("$3 million", "3 millones de dólares", "es"),
        ("12,500 visitors", "1万2500人の来場者", "ja"),
        ("3.5 km", "3,5 km", "es"),
        ("１０ boats", "10隻の船", "ja"),
        ("from 9:30 to 17:00", "9時30分から17時まで", "ja"),
        ("in May", "5月に", "ja"),
        ("ten years", "10年", "ja"),
        ("3 bridges", "tres puentes", "es"),
        ("a million people", "100万人", "ja"),
        ("four hundred bicycles", "cuatrocientas bicicletas", "es"),
        ("2 thousand trees", "dos mil árboles", "es"),
        ("up to 1 m higher", "最大1m高い", "ja"),
        ("a $2m grant", "200万ドルの助成金", "ja"),
        ("the 19th-century mill", "el molino del siglo XIX", "es"),
        ("two thousand trees", "2000本の木", "ja"),
        ("she came first", "彼女は1位になった", "ja"),
        ("prices doubled, twice as fast", "価格は2倍になった", "ja"),
    ],
)
def test_the_same_value_written_another_way_is_kept(source: str, target: str, lang: str) -> None:
    assert messages("numbers", source, target, lang) == []


def test_a_changed_number_is_an_error_at_the_new_number() -> None:
    (missing, extra) = run("numbers", "It cost $3 million.", "それは400万ドルかかった。")
    assert missing.severity == Severity.ERROR
    assert missing.message == "3 million is missing"
    assert extra.message == "400万 is not in the source"
    assert extra.span == (3, 7)


def test_a_dropped_number_is_missing() -> None:
    assert messages(
        "numbers", "The ferry carries 350 passengers.", "La nave lleva pasajeros.", "es"
    ) == ["350 is missing"]


def test_a_changed_date_is_missing_and_the_new_one_is_not_in_the_source() -> None:
    assert messages("numbers", "On 3 March the group met.", "3月4日にグループが集まった。") == [
        "date ?-03-03 is missing",
        "date '3月4日' is not in the source",
    ]


def test_a_number_said_twice_in_the_target_is_not_new() -> None:
    assert messages("numbers", "It weighs 120 kg.", "120kgある。重さは120kgだ。") == []


def test_a_changed_currency_is_an_error() -> None:
    assert messages("numbers", "It cost 5 euros.", "Costó 5 dólares.", "es") == [
        "the source's EUR became USD"
    ]


def test_numbers_inside_urls_are_not_numbers() -> None:
    assert (
        messages("numbers", "See https://example.org/2024/7", "https://example.org/2024/7 を参照")
        == []
    )
