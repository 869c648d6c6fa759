"""What a chat model says around its translation, left in the translated paragraph.

Variants:

- ``preface``: a line before the translation ("以下が翻訳です：", "Here is the
  translation:");
- ``note``: a remark after it ("（注：…）", "I hope this helps!");
- ``fence``: the paragraph inside a Markdown code fence.

What is added makes the paragraph longer than its source warrants; an English preface or
note is English text in a Japanese paragraph, and a polite Japanese one in a plain article
mixes registers: the length, untranslated and register checks are right to notice them
too (``tolerated``).
"""

from __future__ import annotations

import random

from benchmarks.qaset.article import Article, escape
from benchmarks.qaset.faults._pick import pick

CHECK = "llm_artefacts"
PREFACES = (
    "以下が翻訳です：",
    "以下は日本語訳です。",
    "翻訳：",
    "日本語訳：",
    "はい、翻訳します。",
    "承知しました。以下が翻訳文です。",
    "Here is the translation:",
    "Sure! Here's the Japanese translation:",
    "Translation:",
    "Here is the translated text:",
)
NOTES = (
    "（注：原文のニュアンスを残すため、一部意訳しています）",
    "※固有名詞はカタカナで表記しました。",
    "ご不明な点があればお知らせください。",
    "Note: Some expressions were adapted to sound natural in Japanese.",
    "I hope this helps!",
    "(Translation note: the original wording is ambiguous here.)",
)
FENCES = ("```\n{}\n```", "```japanese\n{}\n```", "```ja\n{}\n```", "```text\n{}\n```")


def _tolerated(variant: str, added: str) -> set[str]:
    """The paragraph is longer than its source warrants; English words in it are
    untranslated text as well; a polite Japanese remark in a plain article mixes registers
    as well."""
    if variant == "fence":
        return {"length"}
    return {"length", "untranslated"} if added.isascii() else {"length", "register"}


def inject(article: Article, rng: random.Random) -> Article | None:
    positions = list(range(len(article.target)))
    chosen = pick(rng, {"preface": positions, "note": positions, "fence": positions})
    if chosen is None:
        return None
    variant, index = chosen
    target = article.target[index]
    if variant == "preface":
        added = rng.choice(PREFACES)
        paragraph = escape(added) + rng.choice(("\n", "\n\n", " ")) + target
    elif variant == "note":
        added = rng.choice(NOTES)
        paragraph = target + rng.choice(("\n", "\n\n", " ")) + escape(added)
    else:
        added = rng.choice(FENCES)
        paragraph = added.format(target)
    return article.with_fault(
        CHECK,
        f"llm_artefacts/{variant}",
        f"paragraph {index}: {variant} {added.splitlines()[0]!r}",
        target=article.with_target(index, paragraph),
        tolerated=_tolerated(variant, added),
    )
