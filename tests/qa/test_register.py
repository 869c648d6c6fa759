"""register: a Japanese article keeps one register, です・ます or である."""

from __future__ import annotations

import dataclasses

from foreigndesk.models import Severity
from foreigndesk.qa import BlockPair
from foreigndesk.qa.register import check_register
from tests.qa.helpers import context

POLITE = (
    "港の朝市は毎週土曜日に開かれます。",
    "野菜と魚が並び、近くの農家も店を出します。",
    "昼前には多くの品が売り切れます。",
    "来週は祭りのため、市は日曜日に移ります。",
)


def article(*targets: str) -> list[BlockPair]:
    return [BlockPair(i, f"Sentence {i}.", text) for i, text in enumerate(targets)]


def test_one_register_throughout_is_clean() -> None:
    assert check_register(article(*POLITE), context()) == []


def test_a_plain_sentence_in_a_polite_article_is_a_warning() -> None:
    pairs = article(*POLITE[:3], "来週は祭りのため、市は日曜日に移る。")
    (found,) = check_register(pairs, context())
    assert (found.position, found.severity) == (3, Severity.WARNING)
    assert found.message == "である in an article written in です・ます"


def test_a_polite_sentence_in_plain_reporting_is_left_alone() -> None:
    pairs = article(
        "港の朝市は毎週土曜日に開かれる。",
        "野菜と魚が並び、近くの農家も店を出す。",
        "昼前には多くの品が売り切れる。",
        "来週は祭りのため、市は日曜日に移ります。",
    )
    assert check_register(pairs, context()) == []


def test_speech_in_quotes_keeps_its_own_register() -> None:
    pairs = article(
        "港の朝市は毎週土曜日に開かれる。",
        "野菜と魚が並び、近くの農家も店を出す。",
        "店主は「今年の魚はよく太っています。」と話した。",
    )
    assert check_register(pairs, context()) == []


def test_an_even_mix_is_left_alone() -> None:
    pairs = article(*POLITE[:2], "昼前には多くの品が売り切れる。", "市は日曜日に移る。")
    assert check_register(pairs, context()) == []


def test_other_target_languages_are_not_judged() -> None:
    assert check_register(article("Se abre los sábados."), context("es")) == []


def test_a_register_asked_for_is_held_whatever_the_majority() -> None:
    plain = article(
        "港の朝市は毎週土曜日に開かれる。",
        "野菜と魚が並び、近くの農家も店を出します。",
    )
    asked = context()
    polite = dataclasses.replace(asked, style="です・ます")
    assert [f.message for f in check_register(plain, polite)] == [
        "である where です・ます was asked for (translate.openai.style)"
    ]
    dearu = dataclasses.replace(asked, style="である")
    assert [(f.position, f.message) for f in check_register(plain, dearu)] == [
        (1, "です・ます where である was asked for (translate.openai.style)")
    ]
