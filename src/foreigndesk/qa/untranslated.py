"""Text left in the source language.

Three signs: the target is the source again; in a target written in another script
(Japanese, Chinese, Korean) a long run of Latin-script words; in a target in the same
script, a sentence that reads as the source language rather than the target language.
Names, URLs and e-mail addresses are expected to stay as they are and are not counted.
"""

from __future__ import annotations

import re

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import is_cjk, language_scores, sentences, without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "untranslated"
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: Words of a run may be separated only by spaces and light punctuation.
_RUN_GAP = re.compile(r"^[\s,;:'’\"“”-]*$")
_MIN_SENTENCE_WORDS = 4
#: Hashtags and handles stay as they are in any language.
_HASHTAGS = re.compile(r"[#@][\w-]+")


def _latin_runs(text: str, minimum: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    words = list(_LATIN_WORD.finditer(text))
    start = 0
    for index in range(1, len(words) + 1):
        if index < len(words) and _RUN_GAP.match(
            text[words[index - 1].end() : words[index].start()]
        ):
            continue
        lowered = [w.group(0) for w in words[start:index]]
        # A run of capitalised words is a name or a title kept in the original.
        if len(lowered) >= minimum and sum(w[0].islower() for w in lowered) >= 2:
            runs.append((words[start].start(), words[index - 1].end()))
        start = index
    return runs


def check_untranslated(pair: BlockPair, context: QAContext) -> list[Finding]:
    """The target is in the target language, not left in the source language."""
    source, target = (_HASHTAGS.sub(" ", without_links(t)) for t in (pair.source, pair.target))
    if len(source.split()) >= 3 and " ".join(source.split()) == " ".join(target.split()):
        return [
            finding(NAME, Severity.ERROR, "the block is not translated", pair, (0, len(target)))
        ]
    findings: list[Finding] = []
    if is_cjk(context.target_lang) and not is_cjk(context.source_lang):
        for start, end in _latin_runs(target, context.settings.latin_run_words):
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"{target[start:end]!r} is still in {context.source_lang}",
                    pair,
                    (start, end),
                )
            )
        return findings
    among = frozenset({context.source_lang, context.target_lang})
    if len(among) < 2:
        return findings
    offset = 0
    for sentence in sentences(target):
        start = target.find(sentence, offset)
        offset = start + len(sentence)
        if len(_LATIN_WORD.findall(sentence)) < _MIN_SENTENCE_WORDS:
            continue
        best, score = language_scores(sentence, among)[0]
        if best == context.source_lang and score > 0.9:
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"{sentence!r} is still in {context.source_lang}",
                    pair,
                    (start, start + len(sentence)),
                )
            )
    return findings
