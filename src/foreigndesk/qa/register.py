"""One register through a Japanese article: です・ます or である, not both.

A Japanese reader notices at once a polite sentence among plain ones (or the reverse),
and engines switch when a paragraph is translated on its own. A sentence's register is
read from its ending; speech in 「」 and 『』 keeps its own and is left out, as are
headings and fragments without a sentence ending. The article's register is the one most
of its sentences use, by a clear margin (three to one): each sentence in the other is a
warning (style, not sense). Where the two are near even the article may quote, or join
pieces written apart, and nothing is said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from foreigndesk.models import Finding, Severity
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "register"
#: The usual register outnumbers the other at least this many times.
_MARGIN = 3
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』|（[^（）]*）|\([^()]*\)")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]+")
_POLITE = re.compile(
    r"(?:です|ます|でした|ました|ません|ませんでした|でしょう|ましょう|ください|下さい|ございます)"
    r"(?:ね|よ|か|よね|が)?[。！？!?]+$"
)
_PLAIN = re.compile(
    r"(?:だ|である|であった|だった|であろう|だろう|ない|なかった|[うくぐすつぬぶむるいたか])"
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
    """Sentences in the article's minority register, in a Japanese target."""
    if context.target_lang != "ja":
        return []
    sentences = [(pair, kind, span) for pair in pairs for kind, span in _registers(pair.target)]
    polite = sum(1 for _, kind, _ in sentences if kind == "polite")
    plain = len(sentences) - polite
    if not polite or not plain or max(polite, plain) < _MARGIN * min(polite, plain):
        return []
    minority, usual = ("polite", "である") if polite < plain else ("plain", "です・ます")
    return [
        finding(
            NAME,
            Severity.WARNING,
            f"{'です・ます' if kind == 'polite' else 'である'} in an article written in {usual}",
            pair,
            span,
        )
        for pair, kind, span in sentences
        if kind == minority
    ]
