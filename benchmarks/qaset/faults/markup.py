"""Inline markup (a link, an emphasis) that the translation lost or broke.

The data is plain text, so the markup is added first, to clean copies too
(:func:`decorate`): one word both sides share — a number or a Latin-script word — is
wrapped in the same ``<b>``, ``<i>``, ``<em>``, ``<strong>`` or ``<a href>`` on both sides,
so that markup carried through correctly is tested as clean. The fault then breaks the
target's tag (:func:`inject`). Variants:

- ``lost``: the tags gone, the word left; ``unclosed``: the closing tag gone;
- ``escaped``: the tags written out as text (``&lt;b&gt;``), as an engine that escaped them
  (the reader sees the extra characters: the length check may be right as well);
- ``broken``: a space put into a tag (``< /b>``), as engines that tokenise markup do;
- ``href``: a link pointing elsewhere.
"""

from __future__ import annotations

import random
import re
from functools import cache

from benchmarks.qaset.article import Article
from benchmarks.qaset.faults._pick import pick

CHECK = "markup"
ADDRESSES = (
    "https://example.org/report",
    "https://example.com/story",
    "https://example.net/source/notes",
)
_TAGS = ("b", "i", "em", "strong", "a")
_NUMBER = re.compile(r"(?<![\d,.&#])\d+(?:[,.]\d+)*(?![\d;])")
_WORD = re.compile(r"(?<![A-Za-z0-9&#])[A-Za-z][A-Za-z0-9]{2,}(?![A-Za-z0-9;])")
_WRAPPED = re.compile(r"<(?P<name>[a-z]+)(?P<attributes>[^>]*)>(?P<text>[^<]*)</(?P=name)>")


@cache
def _alone(token: str) -> re.Pattern[str]:
    """``token`` where it is not part of a longer number or word, or of an entity."""
    return re.compile(rf"(?<![A-Za-z0-9&#,.]){re.escape(token)}(?![A-Za-z0-9;])")


def _shared(source: str, target: str) -> list[str]:
    """Numbers and Latin words the paragraph has on both sides, once on each."""
    tokens = {m.group(0) for pattern in (_NUMBER, _WORD) for m in pattern.finditer(source)}
    return sorted(
        token
        for token in tokens
        if token in target
        and len(_alone(token).findall(source)) == 1
        and len(_alone(token).findall(target)) == 1
    )


def _wrap(text: str, token: str, opening: str, name: str) -> str:
    return _alone(token).sub(lambda m: f"{opening}{m.group(0)}</{name}>", text, count=1)


def decorate(article: Article, rng: random.Random) -> Article:
    """The clean article with one shared word in the same tag on both sides, if it has one."""
    places = [
        (index, token)
        for index, (source, target) in enumerate(zip(article.source, article.target, strict=True))
        if "<" not in source + target
        for token in _shared(source, target)
    ]
    if not places:
        return article
    index, token = rng.choice(places)
    name = rng.choice(_TAGS)
    opening = f'<a href="{rng.choice(ADDRESSES)}">' if name == "a" else f"<{name}>"
    source = list(article.source)
    source[index] = _wrap(source[index], token, opening, name)
    return Article(
        id=article.id,
        first_line=article.first_line,
        source=tuple(source),
        target=article.with_target(index, _wrap(article.target[index], token, opening, name)),
        glossary=article.glossary,
    )


def _broken(match: re.Match[str], variant: str, rng: random.Random) -> str:
    """The tagged text of the target as the variant leaves it."""
    name, attributes, text = match["name"], match["attributes"], match["text"]
    opening = f"<{name}{attributes}>"
    if variant == "lost":
        return text
    if variant == "unclosed":
        return opening + text
    if variant == "escaped":
        return opening.replace("<", "&lt;").replace(">", "&gt;") + text + "&lt;/" + name + "&gt;"
    if variant == "broken":
        return opening + text + rng.choice(("< /", "</ ")) + name + ">"
    address = rng.choice([a for a in ADDRESSES if a not in attributes])
    return f'<a href="{address}">{text}</a>'


def inject(article: Article, rng: random.Random) -> Article | None:
    places: dict[str, list[tuple[int, re.Match[str]]]] = {}
    for index, target in enumerate(article.target):
        for match in _WRAPPED.finditer(target):
            variants = ["lost", "unclosed", "escaped", "broken"]
            if match["name"] == "a":
                variants.append("href")
            for variant in variants:
                places.setdefault(variant, []).append((index, match))
    chosen = pick(rng, places)
    if chosen is None:
        return None
    variant, (index, match) = chosen
    target = article.target[index]
    new = _broken(match, variant, rng)
    return article.with_fault(
        CHECK,
        f"markup/{variant}",
        f"paragraph {index}: {match.group(0)} → {new}",
        target=article.with_target(index, target[: match.start()] + new + target[match.end() :]),
        tolerated={"length"} if variant == "escaped" else (),
    )
