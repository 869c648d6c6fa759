"""Polite (です・ます) and plain (だ・である) style mixed in one article.

Only an article whose translation is polite throughout is used: at least ``MIN_POLITE``
sentences end in です, ます and their forms, and none in a plain form. One of its sentences
(two, in an article of ``2 * MIN_POLITE`` polite sentences or more, so that the plain ones
stay a clear minority) is turned plain, the way a translation assembled from separate engine calls
changes register in mid-article. Only conversions that are right whatever the verb are
made (``あります`` → ``ある``, ``しました`` → ``した``, ``ています`` → ``ている``, a noun
``です`` → ``だ`` or ``である``, an adjective's ``いです`` → ``い``); ``行きます`` is not
touched, since getting ``行く`` right needs the verb's class. Quoted speech keeps its own
register and is neither judged nor changed.
"""

from __future__ import annotations

import random
import re

from benchmarks.qaset.article import Article
from benchmarks.qaset.text import ja_sentences

CHECK = "register"
MIN_POLITE = 3
_NOUN = r"[\u4e00-\u9fff々\u30a1-\u30fcの]"
_SURU_STEM = r"(?:[\u4e00-\u9fff々]{2}|[\u30a1-\u30fc]{2})"
#: (variant, the polite ending as a pattern at the end of a sentence, its plain forms).
_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("masen", r"ありませんでした", ("なかった",)),
    ("masen", r"(?<=でき|てい|でい)ませんでした", ("なかった",)),
    ("masen", r"ありません", ("ない",)),
    ("masen", r"(?<=でき|てい|でい)ません", ("ない",)),
    ("mashita", r"ありました", ("あった",)),
    ("mashita", r"なりました", ("なった",)),
    ("mashita", r"(?<=でき|てい|でい)ました", ("た",)),
    ("mashita", r"(?<=し)ました", ("た",)),
    ("masu", r"(?<=でき|てい|でい)ます", ("る",)),
    ("masu", r"ります", ("る",)),
    ("masu", rf"(?<={_SURU_STEM})します", ("する",)),
    ("deshita", rf"(?<={_NOUN})でした", ("だった", "であった")),
    ("deshita", r"(?<=[^せ]ん)でした", ("だった",)),
    ("deshou", r"(?<!ま)でしょう", ("だろう",)),
    ("desu", r"(?<=の)です", ("だ",)),
    ("desu", r"(?<=[^せ]ん)です", ("だ",)),
    ("desu", rf"(?<={_NOUN})です", ("だ", "である")),
    ("adjective", r"(?<=[\u4e00-\u9fffしいくなさ]い)です", ("",)),
)
_POLITE = re.compile(r"(?:です|ます|ました|でした|ません|でしょう|ましょう|ください)[かよね]*$")
_PLAIN = re.compile(r"(?:る|た|だ|ない|である|だろう)[かよね]*$")
_END = re.compile(r"[。！？]+$")
_PARTICLES = re.compile(r"[よね]*$")


def _body(sentence: str) -> str | None:
    """The sentence without its final 。！？, or None for quoted speech and fragments."""
    if not _END.search(sentence) or re.search("[「」『』]", sentence):
        return None
    return _END.sub("", sentence)


def _polite_sentences(article: Article) -> int:
    """How many sentences of the article are polite; 0 if any is plain."""
    bodies = [b for t in article.target for s in ja_sentences(t) if (b := _body(s)) is not None]
    if any(_PLAIN.search(b) and not _POLITE.search(b) for b in bodies):
        return 0
    return sum(1 for b in bodies if _POLITE.search(b))


def _rule(body: str) -> tuple[str, re.Match[str], tuple[str, ...]] | None:
    """The first safe rule for a polite sentence body (final よ and ね aside; questions
    are left alone), with where its ending starts and its plain forms."""
    core = _PARTICLES.sub("", body)
    if core.endswith("か"):
        return None
    for variant, ending, plain_forms in _RULES:
        if match := re.search(ending + "$", core):
            return variant, match, plain_forms
    return None


def _plain(body: str, rng: random.Random) -> tuple[str, str]:
    """The body in plain style, and the variant; ``である`` only with no particle after."""
    rule = _rule(body)
    assert rule is not None
    variant, match, plain_forms = rule
    tail = body[len(_PARTICLES.sub("", body)) :]
    form = rng.choice(plain_forms) if not tail else plain_forms[0]
    return body[: match.start()] + form + tail, variant


def inject(article: Article, rng: random.Random) -> Article | None:
    polite = _polite_sentences(article)
    if polite < MIN_POLITE:
        return None
    places = [
        (index, k)
        for index, target in enumerate(article.target)
        for k, sentence in enumerate(ja_sentences(target))
        if (body := _body(sentence)) is not None and _POLITE.search(body) and _rule(body)
    ]
    if not places:
        return None
    turned = rng.choice((1, 2)) if polite >= 2 * MIN_POLITE else 1
    chosen = sorted(rng.sample(places, min(turned, len(places))))
    target = list(article.target)
    changes, variants = [], []
    for index, k in chosen:
        sentences = ja_sentences(target[index])
        body = _body(sentences[k])
        assert body is not None
        plain, variant = _plain(body, rng)
        end = sentences[k][len(body) :]
        sentences[k] = plain + end
        target[index] = "".join(sentences)
        changes.append(f"paragraph {index}: …{body[-8:]}{end} → …{plain[-8:]}{end}")
        variants.append(variant)
    return article.with_fault(CHECK, f"register/{variants[0]}", "; ".join(changes), target=target)
