"""Triage rules: what each kind of rule does with an article's brief."""

from __future__ import annotations

import pytest

from foreigndesk.triage import Decision, RuleAction, TriageRule, decide
from foreigndesk.triage.rules import Candidate

RIVER = Candidate(
    texts=(
        "Volunteers clean the river banks",
        "Forty people spent Saturday lifting litter from the water.",
        "Voluntarios limpian las orillas del río",
        "Cuarenta personas pasaron el sábado sacando basura del agua.",
    ),
    authors=("Jane Roe",),
    tags=("environment",),
    chars=2400,
    source_id=1,
)


def rule(action: str, **criteria: object) -> TriageRule:
    return TriageRule(action=RuleAction(action), label="the rule", **criteria)  # type: ignore[arg-type]


def test_no_rule_leaves_the_article_to_the_editor() -> None:
    assert decide([], RIVER).decision == Decision.WAIT


@pytest.mark.parametrize(
    "criteria",
    [
        {"words": ["river"]},  # the original
        {"words": ["río"]},  # the translation
        {"words": ["RÍO", "mountain"]},  # any word, any case
        {"pattern": r"\bSaturday\b"},
        {"authors": ["jane roe"]},
        {"tags": ["Environment"]},
        {"min_chars": 2000},
        {"max_chars": 3000},
        {"words": ["river"], "authors": ["Jane Roe"], "min_chars": 1000},
    ],
)
def test_a_pick_rule_picks_what_it_finds(criteria: dict[str, object]) -> None:
    verdict = decide([rule("pick", **criteria)], RIVER)
    assert verdict.decision == Decision.PICK
    assert verdict.reason == "picked by the rule"


@pytest.mark.parametrize(
    "criteria",
    [
        {"words": ["rive"]},  # whole words only, in spaced scripts
        {"words": ["river"], "authors": ["John Doe"]},  # every criterion must hold
        {"tags": ["sport"]},
        {"min_chars": 5000},
        {"max_chars": 100},
        {"pattern": r"saturday"},  # patterns are case-sensitive unless they say (?i)
    ],
)
def test_a_pick_rule_leaves_what_it_does_not_find(criteria: dict[str, object]) -> None:
    assert decide([rule("pick", **criteria)], RIVER).decision == Decision.WAIT


def test_japanese_words_match_inside_the_text() -> None:
    japanese = Candidate(texts=("ボランティアが川岸を清掃", "気候変動の影響について"))
    assert decide([rule("pick", words=["気候"])], japanese).decision == Decision.PICK


def test_an_exclusion_wins_over_a_pick() -> None:
    rules = [rule("pick", words=["river"]), rule("exclude", tags=["environment"])]
    verdict = decide(rules, RIVER)
    assert verdict.decision == Decision.DISMISS
    assert verdict.reason == "excluded by the rule"


def test_where_include_rules_exist_an_article_matching_none_is_dismissed() -> None:
    rules = [rule("include", words=["election"]), rule("include", tags=["politics"])]
    assert decide(rules, RIVER).decision == Decision.DISMISS
    assert decide([*rules, rule("include", words=["río"])], RIVER).decision == Decision.WAIT


def test_a_source_rule_applies_to_that_source_only() -> None:
    other_source = rule("exclude", words=["river"], source_id=2)
    this_source = rule("pick", words=["river"], source_id=1)
    assert decide([other_source], RIVER).decision == Decision.WAIT
    assert decide([other_source, this_source], RIVER).decision == Decision.PICK


def test_a_rule_that_would_match_everything_or_cannot_compile_is_refused() -> None:
    with pytest.raises(ValueError, match="matches every article — give words"):
        rule("pick")
    with pytest.raises(ValueError, match=r"pattern '\(' is not a regular expression"):
        rule("pick", pattern="(")
