"""What a language model adds or leaves out around a translation.

A preamble ("Here is the translation:", "以下は翻訳です。"), a note or an apology after
it, a code fence, a refusal, an answer cut off mid-sentence, or an answer in a third
language (neither the source's nor the target's).
"""

from __future__ import annotations

import re

from foreigndesk.models import Finding, Severity
from foreigndesk.qa._text import HAN, KANA, MAJOR_LANGS, language_scores, without_links
from foreigndesk.qa.context import BlockPair, QAContext, finding

NAME = "llm_artefacts"

_PREAMBLE = re.compile(
    r"^\s*(?:"
    r"(?:sure|certainly|of course|okay|ok)\b[^.!:\n]{0,60}[.!:]"
    r"|here(?:'s| is| are)\b[^:\n]{0,80}(?:translation|translated|version)[^:\n]{0,40}[:.]?"
    r"|(?:the )?translation(?: into \w+| in \w+)?\s*[:：]"
    r"|(?:japanese|spanish|english)\s*(?:translation)?\s*[:：]"
    r"|(?:claro|por supuesto|aquí (?:está|tienes?))\b[^:\n]{0,80}[.!:]"
    r"|traducción\s*(?:al \w+)?\s*[:：]"
    r"|以下(?:は|が|に)[^。\n]{0,30}(?:翻訳|訳)[^。\n]{0,20}[。：:]"
    r"|(?:翻訳|訳文|日本語訳)\s*[:：]"
    r"|(?:はい|もちろん|承知しました|かしこまりました)[、。！!]"
    r")",
    re.I,
)
#: A Japanese answer's first word, and the source openings it translates: "Of course,
#: delays…" is rightly もちろん、遅延は…, not a model's chatty reply.
_INTERJECTION = re.compile(r"\s*(?:はい|もちろん|承知しました|かしこまりました)")
_OPENER = re.compile(
    r"\s*(?:yes|yeah|sure|certainly|of course|okay|ok|understood|right|sí|claro|por supuesto)\b",
    re.I,
)
_NOTE = re.compile(
    r"(?:^|[\n\s(（。！？])(?:"
    r"\(?(?:translator'?s? )?note\s*[:：]"
    r"|\(?nota(?: del traductor| de traducción)?\s*[:：]"
    r"|[（(]?(?:注|訳注|※注?)\s*[:：]"
    r"|i hope (?:this|that) helps"
    r"|let me know if"
    r"|espero que (?:esto|te) (?:sirva|ayude)"
    r"|as an ai\b|como (?:modelo de lenguaje|ia)\b"
    r"|i(?:'m| am) sorry,? but|lo siento, pero"
    r"|申し訳(?:ありません|ございません)が"
    r"|他にも(?:何か)?(?:ご質問|お手伝い)"
    # A model's note to its user in Japanese: a ※ remark, an offer of further help.
    r"|※"
    r"|ご不明な点(?:が|は|などが)"
    r"|お役に立て(?:れば|ば|ましたら)"
    r"|お気軽に(?:お問い合わせ|お知らせ|ご質問)"
    r")",
    re.I,
)
_FENCE = re.compile(r"```")
_FINAL = frozenset(".!?。！？…」』)）”\"'’»:;")
_JA_DANGLING = re.compile(r"(?:[、,はがをにのとでもへや]|から|より|など|および|または)$")
_ES_DANGLING = re.compile(
    r"(?:[,;]|\b(?:de|del|la|el|los|las|un|una|y|o|que|en|a|por|con|para|su|sus|al))$", re.I
)


def _truncated(source: str, target: str, target_lang: str) -> bool:
    source, target = source.rstrip(), target.rstrip()
    if not source or not target or source[-1] not in _FINAL:
        return False
    if target.endswith(("...", "…")) and not source.endswith(("...", "…")):
        return True
    if target[-1] in _FINAL:
        return False
    dangling = _JA_DANGLING if target_lang == "ja" else _ES_DANGLING
    return dangling.search(target) is not None


def _wrong_language(target: str, context: QAContext) -> str | None:
    if context.target_lang == "ja":
        han = len(HAN.findall(target))
        if han >= 10 and not KANA.search(target):
            return "zh"
        return None
    letters = sum(c.isalpha() for c in target)
    if letters < 30:
        return None
    best, score = language_scores(target, MAJOR_LANGS)[0]
    if best not in {context.source_lang, context.target_lang} and score > 0.9:
        # Close neighbours are confused on short text; ask which of the three it is.
        among = frozenset({best, context.source_lang, context.target_lang})
        best, score = language_scores(target, among)[0]
        if best not in {context.source_lang, context.target_lang} and score > 0.95:
            return best
    return None


def check_llm_artefacts(pair: BlockPair, context: QAContext) -> list[Finding]:
    """No preamble, note, fence or refusal; not cut short; not in a third language."""
    findings: list[Finding] = []
    target = without_links(pair.target)
    if (
        (match := _PREAMBLE.match(target))
        and not _PREAMBLE.match(pair.source)
        and not (_INTERJECTION.match(match.group(0)) and _OPENER.match(pair.source))
    ):
        findings.append(
            finding(
                NAME, Severity.ERROR, f"preamble {match.group(0).strip()!r}", pair, match.span()
            )
        )
    for match in _NOTE.finditer(target):
        if not _NOTE.search(pair.source):
            findings.append(
                finding(
                    NAME,
                    Severity.ERROR,
                    f"added note {match.group(0).strip()!r}",
                    pair,
                    (match.start(), len(target)),
                )
            )
            break
    if _FENCE.search(target) and not _FENCE.search(pair.source):
        findings.append(finding(NAME, Severity.ERROR, "a code fence (```) in the text", pair))
    if _truncated(pair.source, pair.target, context.target_lang):
        end = len(pair.target.rstrip())
        findings.append(
            finding(
                NAME,
                Severity.ERROR,
                "the translation stops mid-sentence",
                pair,
                (max(end - 10, 0), end),
            )
        )
    if (lang := _wrong_language(target, context)) is not None:
        findings.append(
            finding(
                NAME,
                Severity.ERROR,
                f"the answer is in {lang}, not {context.target_lang}",
                pair,
                (0, len(pair.target)),
            )
        )
    return findings
