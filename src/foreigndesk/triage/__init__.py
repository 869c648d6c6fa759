"""Triage: every article's title and summary in the reader's language first, the full
translation only for what an editor (or a rule) picks.

A curator introduces a handful of articles out of hundreds; with an engine that bills, a
full translation of everything pays to read what will mostly be thrown away. The pure
parts live here: what the brief of an article is (``summary``), which rules decide on it
(``rules``) and what its full translation would cost (``estimate``). The stage that
translates briefs and the commands that pick are in ``stages/triage.py``.
"""

from foreigndesk.triage.estimate import Estimate, estimate_cost
from foreigndesk.triage.rules import Decision, RuleAction, TriageRule, decide
from foreigndesk.triage.summary import Brief, brief_of

__all__ = [
    "Brief",
    "Decision",
    "Estimate",
    "RuleAction",
    "TriageRule",
    "brief_of",
    "decide",
    "estimate_cost",
]
