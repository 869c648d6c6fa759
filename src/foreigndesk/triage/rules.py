"""Rules that decide on an article from its brief, before anything more is paid for.

The shape follows the filters of feed readers: a rule names what to look for (words, a
regular expression, authors, tags, a length) and what to do when all of it is there. An
``exclude`` rule dismisses; where ``include`` rules exist, an article that matches none of
them is dismissed too; a ``pick`` rule sends it to full translation. Words and patterns
are matched against the title and summary in both languages, so a rule written in the
reader's language works on a source in any other.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class RuleAction(enum.StrEnum):
    PICK = "pick"
    INCLUDE = "include"
    EXCLUDE = "exclude"


class Decision(enum.StrEnum):
    """What triage does with an article: wait for an editor, translate it, or drop it."""

    WAIT = "wait"
    PICK = "pick"
    DISMISS = "dismiss"


@dataclass(frozen=True)
class TriageRule:
    """One rule; every criterion given must hold (each list matches when any item does).

    ``source_id`` limits the rule to one source's articles; None applies it to all.
    ``label`` names it in the reasons the desk shows ("desk.toml rule 2", "rule 7").
    """

    action: RuleAction
    words: tuple[str, ...] = ()
    pattern: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    min_chars: int | None = None
    max_chars: int | None = None
    source_id: int | None = None
    label: str = "rule"

    def __post_init__(self) -> None:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(
                    f"{self.label}: pattern {self.pattern!r} is not a regular expression"
                    f" ({exc}) — fix it, or use words instead"
                ) from exc
        if not self.criteria():
            raise ValueError(
                f"{self.label}: matches every article — give words, a pattern, authors,"
                " tags, min_chars or max_chars"
            )

    def criteria(self) -> list[str]:
        """The rule in words, one item per criterion, for the desk and error lines."""
        described: list[str] = []
        if self.words:
            described.append("words: " + ", ".join(self.words))
        if self.pattern:
            described.append(f"pattern: {self.pattern}")
        if self.authors:
            described.append("authors: " + ", ".join(self.authors))
        if self.tags:
            described.append("tags: " + ", ".join(self.tags))
        if self.min_chars is not None:
            described.append(f"at least {self.min_chars} characters")
        if self.max_chars is not None:
            described.append(f"at most {self.max_chars} characters")
        return described


@dataclass(frozen=True)
class Candidate:
    """What triage knows of an article: its brief in both languages and its metadata."""

    texts: tuple[str, ...]
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    chars: int = 0
    source_id: int | None = None


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    #: Which rule decided, and how, for the desk to show; empty when none did.
    reason: str = ""
    rules: tuple[str, ...] = field(default=())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _spaced(word: str) -> bool:
    """Words in scripts that separate words with spaces are matched as whole words;
    in Japanese or Chinese, where nothing separates them, as any run of the text."""
    return all(
        not ch.isalpha() or unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC", "GREEK"))
        for ch in word
    )


def _has_word(text: str, word: str) -> bool:
    folded = _fold(word).strip()
    if not folded:
        return False
    if not _spaced(folded):
        return folded in text
    return re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", text) is not None


def matches(rule: TriageRule, candidate: Candidate) -> bool:
    if rule.source_id is not None and rule.source_id != candidate.source_id:
        return False
    text = _fold("\n".join(candidate.texts))
    if rule.words and not any(_has_word(text, w) for w in rule.words):
        return False
    if rule.pattern and re.search(rule.pattern, "\n".join(candidate.texts)) is None:
        return False
    if rule.authors:
        wanted = {_fold(a).strip() for a in rule.authors}
        if not wanted & {_fold(a).strip() for a in candidate.authors}:
            return False
    if rule.tags:
        wanted = {_fold(t).strip() for t in rule.tags}
        if not wanted & {_fold(t).strip() for t in candidate.tags}:
            return False
    if rule.min_chars is not None and candidate.chars < rule.min_chars:
        return False
    return rule.max_chars is None or candidate.chars <= rule.max_chars


def decide(rules: Iterable[TriageRule], candidate: Candidate) -> Verdict:
    """Exclusions first, then inclusions, then picks: a rule that drops an article wins
    over one that would pick it."""
    applicable: Sequence[TriageRule] = [
        r for r in rules if r.source_id is None or r.source_id == candidate.source_id
    ]
    for rule in applicable:
        if rule.action == RuleAction.EXCLUDE and matches(rule, candidate):
            return Verdict(Decision.DISMISS, f"excluded by {rule.label}", (rule.label,))
    includes = [r for r in applicable if r.action == RuleAction.INCLUDE]
    if includes and not any(matches(r, candidate) for r in includes):
        labels = tuple(r.label for r in includes)
        return Verdict(Decision.DISMISS, "matches no include rule", labels)
    for rule in applicable:
        if rule.action == RuleAction.PICK and matches(rule, candidate):
            return Verdict(Decision.PICK, f"picked by {rule.label}", (rule.label,))
    return Verdict(Decision.WAIT)
