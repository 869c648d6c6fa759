"""Brackets and quotation marks are balanced in the target, Japanese pairs included.

Each opening mark needs its own closing mark, properly nested: ``()``, ``[]``, ``{}``,
``「」``, ``『』``, ``（）``, ``【】``, ``〈〉``, ``《》``, ``“”`` and ``«»``; straight double
quotes come in twos. What is already unbalanced in the source (a list item ``a)``) is not
held against the target.
"""

from __future__ import annotations

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "brackets"
PAIRS = {
    "(": ")", "[": "]", "{": "}", "「": "」", "『": "』", "（": "）", "【": "】",
    "〈": "〉", "《": "》", "“": "”", "«": "»", "〔": "〕", "［": "］",
}  # fmt: skip
_CLOSING = {close: open_ for open_, close in PAIRS.items()}
#: A full-width bracket closed by a half-width one is balanced, if untidy: the
#: punctuation check says so; here the two widths are one mark.
_ONE_WIDTH = str.maketrans("（）［］｛｝", "()[]{}")


def unbalanced(text: str) -> list[tuple[str, int]]:
    """Marks without their partner, with their offsets, in the order found."""
    stack: list[tuple[str, int]] = []
    stray: list[tuple[str, int]] = []
    for index, char in enumerate(text.translate(_ONE_WIDTH)):
        if char in PAIRS:
            stack.append((char, index))
        elif char in _CLOSING:
            if stack and stack[-1][0] == _CLOSING[char]:
                stack.pop()
            elif any(mark == _CLOSING[char] for mark, _ in stack):
                # Close the nearest matching mark; what was opened inside it is stray.
                while stack[-1][0] != _CLOSING[char]:
                    stray.append(stack.pop())
                stack.pop()
            else:
                stray.append((char, index))
    quotes = [i for i, c in enumerate(text) if c in {'"', "＂"}]
    if len(quotes) % 2:
        stray.append(('"', quotes[-1]))
    return sorted(((text[i], i) for _, i in stray + stack), key=lambda item: item[1])


def check_brackets(pair: BlockPair, context: QAContext) -> list[Finding]:
    """Every bracket and quote opened in the target is closed, unless the source leaves
    one of that family open too.

    An error: a bracket that closes twice or never reads as text run into text (the
    reader cannot tell where an aside ends), so the article is held until it is fixed."""
    excused = {_family(mark) for mark, _ in unbalanced(without_links(pair.source))}
    return [
        finding(NAME, Severity.ERROR, f"{mark} has no partner", pair, (index, index + 1))
        for mark, index in unbalanced(without_links(pair.target))
        if _family(mark) not in excused
    ]


#: Quotation marks of every language are one family, brackets another: a source whose
#: quote is left open (a quotation running on to the next paragraph) excuses an open
#: 「 in the target, not a bracket that closes twice.
_QUOTES = frozenset('"＂“”«»「」『』〈〉《》')


def _family(mark: str) -> str:
    return "quote" if mark in _QUOTES else "bracket"
