"""numbers: every number, date, time, percentage and currency of the source is in the
target, read as values, whatever the target language's way of writing them. A number
changed is an error (it holds the article); one left out, or one the target adds, is a
warning, since translators drop and add what the context says."""

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
        # Times: twelve-hour and twenty-four-hour clocks, 午前/午後, 半.
        ("at 3pm", "15時に", "ja"),
        ("at 3 p.m.", "午後3時に", "ja"),
        ("around 1.30pm", "午後１時半頃", "ja"),
        ("at 10:45am", "午前10時45分に", "ja"),
        ("at 9.15 pm", "21:15に", "ja"),
        # Decades, centuries, ordinals, ranges, fractions, percentages.
        ("in the 1990s", "1990年代に", "ja"),
        ("the '80s", "80年代", "ja"),
        ("a nineties sitcom", "９０年代のシットコム", "ja"),
        ("the 19th century", "19世紀", "ja"),
        ("the 21st floor", "21階", "ja"),
        ("10-12 weeks", "10～12週間", "ja"),
        ("3/4 of the votes", "票の4分の3", "ja"),
        ("rated 3 1/2 stars", "3.5つ星の評価", "ja"),
        ("half a cup, 1/2 cup", "カップ半分、1/2カップ", "ja"),
        ("in 2-3 days", "２，３日で", "ja"),
        ("30% of voters", "有権者の3割", "ja"),
        ("35% of voters", "有権者の3割5分", "ja"),
        # Japanese numbers with units, digits or kanji, and full-width digits.
        ("$126.5 million", "1億2,650万ドル", "ja"),
        ("$540 million", "5億4千万ドル", "ja"),
        ("634,000 residents", "住民６３万４千人", "ja"),
        ("300 people", "三百人", "ja"),
        ("in 2024", "二〇二四年に", "ja"),
        # Currencies with and without symbols.
        ("€5bn", "50億ユーロ", "ja"),
        ("5 dollars", "5ドル", "ja"),
        ("a pound of flour sold across Europe", "una libra de harina vendida en Europa", "es"),
        # Numbers inside names are names; magazine issues are dates.
        ("the COVID-19 pandemic", "コロナ禍", "ja"),
        ("35 S-300 missiles", "S-300ミサイル35発", "ja"),
        ("In 1998-06 Gamefan", "ゲームファン1998年6月号で", "ja"),
        # Counters Japanese writes where English does not.
        ("a police officer and two civilians", "警察官１人と市民２人", "ja"),
        ("for a week", "１週間", "ja"),
        ("four teens", "10代4人", "ja"),
        ("round the clock", "24時間体制", "ja"),
    ],
)
def test_the_same_value_written_another_way_is_kept(source: str, target: str, lang: str) -> None:
    assert messages("numbers", source, target, lang) == []


def test_a_changed_number_is_an_error_at_the_new_number() -> None:
    (changed,) = run("numbers", "It cost $3 million.", "それは400万ドルかかった。")
    assert changed.severity == Severity.ERROR
    assert changed.message == "3 million became 400万"
    assert changed.span == (3, 7)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("a rusty 1958 car", "さびついた1985年型の車", "1958 became 1985"),
        ("15,566 residents", "１万５千５５６人", "15,566 became 1万5千556"),
        ("2,074 segments", "274の文", "2,074 became 274"),
        ("$126.5 million", "12億6,500万ドル", "126.5 million became 12億6,500万"),
        ("a rise of 18%", "19%の上昇", "18 became 19"),
        ("at 3pm", "午前3時に", "time '3pm' became time '午前3時'"),
        ("at 15:30", "16:30に", "time '15:30' became time '16:30'"),
        ("14 years old", "15歳", "14 became 15"),
    ],
)
def test_a_number_changed_in_any_way_is_an_error(source: str, target: str, message: str) -> None:
    (changed,) = run("numbers", source, target)
    assert (changed.severity, changed.message) == (Severity.ERROR, message)


def test_a_decimal_comma_is_read_only_where_the_language_writes_one() -> None:
    assert messages("numbers", "1.5 km", "1,5 km", "es") == []
    assert messages("numbers", "1.5 km", "1,5キロ", "ja") == ["1.5 became 1"]


def test_a_dropped_number_is_a_warning() -> None:
    (dropped,) = run(
        "numbers", "The ferry carries 350 passengers.", "La nave lleva pasajeros.", "es"
    )
    assert (dropped.severity, dropped.message) == (Severity.WARNING, "350 is missing")


def test_a_number_the_source_lacks_is_a_warning_when_it_is_not_a_counter() -> None:
    (added,) = run("numbers", "The ferry carries passengers.", "フェリーは350人の乗客を運ぶ。")
    assert (added.severity, added.message) == (Severity.WARNING, "350 is not in the source")


def test_a_changed_date_is_an_error() -> None:
    (changed,) = run("numbers", "On 3 March the group met.", "3月4日にグループが集まった。")
    assert (changed.severity, changed.message) == (
        Severity.ERROR,
        "date ?-03-03 became date '3月4日'",
    )


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
