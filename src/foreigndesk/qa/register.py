"""One register through a Japanese article written in です・ます: no sentence in である.

A Japanese reader notices at once a plain sentence among polite ones, and engines slip
into the plain form when a paragraph is translated on its own. A sentence's register is
read from its ending; speech in 「」 and 『』 keeps its own and is left out, as are
headings and fragments without a sentence ending. An article is polite when its polite
sentences outnumber the plain ones by a clear margin (two to one); each plain sentence
in it is then a warning (style, not sense). The reverse is not flagged: a polite sentence
in plain reporting is as a rule speech or a forecast the translator did not put in 「」.
When a register was asked for (``translate.openai.style``), every sentence in the other
one is a warning, whatever the majority.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "register"
#: A register asked for, and the kind of sentence that breaks it.
_ASKED = {"です・ます": "plain", "である": "polite"}
#: The usual register outnumbers the other at least this many times.
_MARGIN = 2
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』|（[^（）]*）|\([^()]*\)")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]+")
_POLITE = re.compile(
    r"(?:です|ます|でした|ました|ません|ませんでした|でしょう|ましょう|ください|下さい|ございます)"
    r"(?:ね|よ|か|よね|が)?[。！？!?]+$"
)
_PLAIN = re.compile(
    r"(?:だ|である|であった|だった|であろう|だろう|ない|なかった|[うくぐすつぬぶむるいた])"
    r"(?:ね|よ)?[。！？!?]+$"
)


def _registers(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each sentence outside quotes with its register, ``polite`` or ``plain``."""
    outside = _QUOTED.sub(lambda m: "\u3000" * len(m.group(0)), text)
    found: list[tuple[str, tuple[int, int]]] = []
    for match in _SENTENCE.finditer(outside):
        sentence = match.group(0).strip()
        if len(sentence) < 8:
            continue
        if _POLITE.search(sentence):
            found.append(("polite", match.span()))
        elif _PLAIN.search(sentence):
            found.append(("plain", match.span()))
    return found


def check_register(pairs: Sequence[BlockPair], context: QAContext) -> list[Finding]:
    """Plain sentences in a polite Japanese article; with a register asked for (the
    translation's style setting), every sentence in the other one."""
    if context.target_lang != "ja":
        return []
    sentences = [(pair, kind, span) for pair in pairs for kind, span in _registers(pair.target)]
    if context.style in _ASKED:
        other = _ASKED[context.style]
        said = "です・ます" if other == "polite" else "である"
        return [
            finding(
                NAME,
                Severity.WARNING,
                f"{said} where {context.style} was asked for (translate.openai.style)",
                pair,
                span,
            )
            for pair, kind, span in sentences
            if kind == other
        ]
    polite = sum(1 for _, kind, _ in sentences if kind == "polite")
    plain = len(sentences) - polite
    if not plain or polite < _MARGIN * plain:
        return []
    return [
        finding(NAME, Severity.WARNING, "である in an article written in です・ます", pair, span)
        for pair, kind, span in sentences
        if kind == "plain"
    ]
