"""Any OpenAI-compatible chat endpoint: llama.cpp server, Ollama, vLLM, OpenAI.

A request carries consecutive paragraphs, so each is translated with its neighbours as
context, with the glossary, the register asked for (です・ます or である) and, where the
caller says which article it is (``article_context``), the title and the text just
before the batch. The engine is written for weak and slow models as much as for good
ones, because a self-hoster's small local model is the case that goes wrong:

- Every request sets ``max_tokens`` (``max_completion_tokens`` for a server that asks for
  it) from the length of what it sends, capped by ``translate.openai.max_tokens``; batches
  are sized so that their answer fits. The whole exchange, retries included, has a
  deadline (``translate.openai.timeout``): a model that runs on stops at the cap, a model
  too slow for the batch stops the engine with a line saying which setting to change.
- The answer's shape is enforced where the server can: ``response_format`` with a JSON
  schema that fixes the number of translations (OpenAI's ``json_schema`` form; then
  ``json_object`` with a ``schema``, which llama-cpp-python turns into a grammar; then
  plain JSON mode; then the prompt alone). A server that refuses a form (400 or 422
  naming it, or 500 as llama-cpp-python 0.3 does) is asked in the next one, and the
  engine keeps to that one.
- An answer that is not the shape asked for — a preamble, a note, a dropped or an added
  segment, prose, an answer cut off at the token limit — is refused, never patched up.
  The same paragraphs are then asked for as numbered lines (``1. …``), a shape small
  models keep to more easily; a batch that fails both is halved, down to one paragraph,
  before that paragraph is given up. Whichever shape has lately rescued the other is
  asked first.
- Each translation passes hard checks before it is returned: not empty, not the source
  echoed back, not many times longer than its source, in the target language's script
  (Japanese must be mostly kana and kanji) and not in a third language. A translation
  that fails them is asked for again on its own, and then fails with the reason; it
  never reaches the translation memory.

The Engine contract is all or nothing per batch: when a paragraph fails, the call
raises, and the translator splits the batch to find it. The engine keeps what it
settled (good translations, and the reasons for the bad ones) until the translator's
smaller batches ask for it, so finding the paragraph at fault costs no further request.
The tokens spent on refused answers are billed all the same: with the call's result, or
with its error when it fails.

Documentation followed: the OpenAI API reference, "Create chat completion"
(``/v1/chat/completions``) and the Structured Outputs guide, as implemented by llama.cpp's
server (``tools/server/README.md``) and by llama-cpp-python's (``llama_cpp/server``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape
from typing import Any, ClassVar, Literal

import httpx
from babel import Locale, UnknownLocaleError

from foreigndesk.config import Settings
from foreigndesk.credentials import secret
from foreigndesk.errors import EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.qa._text import MAJOR_LANGS, language_scores, without_links
from foreigndesk.translate.engine import (
    ArticleContext,
    Engine,
    EngineLimits,
    EngineResult,
    EngineSpec,
    current_article,
)
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from foreigndesk.translate.http import EngineHttp, RetryPolicy
from foreigndesk.translate.languages import all_pairs

logger = logging.getLogger(__name__)

#: The two shapes an answer is asked in.
AnswerForm = Literal["json", "numbered"]
#: How ``response_format`` enforces the JSON shape; ``json_mode`` is ``{"type":
#: "json_object"}`` alone, and ``off`` sends no ``response_format``.
StructuredForm = Literal["json_schema", "json_object", "json_mode", "off"]
_STRUCTURED: dict[str, tuple[StructuredForm, ...]] = {
    "auto": ("json_schema", "json_object", "json_mode", "off"),
    "json_schema": ("json_schema",),
    "json_object": ("json_object",),
    "off": ("off",),
}

#: An answer may take this many tokens for each (estimated) token of its paragraphs:
#: Japanese takes two to three tokens for an English word, and the estimate is generous.
OUTPUT_RATIO = 3
_SEGMENT_OVERHEAD = 8  # the quotes, comma and escapes around one translation, or "12. "
_ANSWER_OVERHEAD = 16  # {"translations": [ ]}
_MIN_ANSWER_TOKENS = 64
#: A translation longer than this many times its source (plus a little, for short
#: sources) is a model rambling on, not a translation. Wide characters count double.
MAX_LENGTH_RATIO = 3.0
_LENGTH_SLACK = 40
#: After this many batches in a row where the second shape rescued the first, the
#: second is asked first.
_SWITCH_AFTER = 2
#: Settled segments kept for the translator's smaller batches, and for how long (seconds).
_SETTLED_SIZE = 2048
_SETTLED_SECONDS = 600.0
#: Context given with a batch: at most this many characters of the text before it.
_CONTEXT_CHARS = 600
_TITLE_CHARS = 200

_FENCE = re.compile(r"^```[\w-]*[ \t]*\n(.*)\n```$", re.S)
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.)．:：]\s*(.*)$")
_NEWLINES = re.compile(r"\s*\n\s*")
_TAG = re.compile(r"<[^>]+>")
_LATIN_LETTERS = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_WIDE_LETTERS = "\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_WIDE = re.compile(f"[{_WIDE_LETTERS}]")
_LATIN = re.compile(f"[{_LATIN_LETTERS}]")
#: A word: a run of Latin letters, of wide (CJK) characters, or of other letters, so that a
#: name in Latin letters inside Japanese text is a word of its own.
_WORD = re.compile(
    f"[{_LATIN_LETTERS}]+|[{_WIDE_LETTERS}]+|[^\\W\\d_{_LATIN_LETTERS}{_WIDE_LETTERS}]+"
)
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = r"\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
#: The letters a language is written in, where they are not Latin letters.
_SCRIPTS: dict[str, re.Pattern[str]] = {
    "ja": re.compile(
        r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]"
    ),
    "zh": _HAN,
    "ko": re.compile(rf"[{_HANGUL}\u3400-\u4dbf\u4e00-\u9fff]"),
    "ru": _CYRILLIC,
    "uk": _CYRILLIC,
    "bg": _CYRILLIC,
    "el": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "ar": _ARABIC,
    "fa": _ARABIC,
    "he": re.compile(r"[\u0590-\u05ff\ufb1d-\ufb4f]"),
    "hi": re.compile(r"[\u0900-\u097f]"),
    "th": re.compile(r"[\u0e00-\u0e7f]"),
}
#: Fewer letters than this (wide ones counting double) say nothing about the script.
_MIN_SCRIPT_LETTERS = 8
#: A Japanese answer without kana and this many kanji is Chinese.
_CHINESE_HAN = 20
#: Fewer letters than this are too few to identify a language by.
_MIN_IDENTIFY_LETTERS = 30

_STYLES = {
    "です・ます": "Write the Japanese in the polite です・ます style (敬体) throughout.",
    "である": "Write the Japanese in the plain である style (常体) throughout, as newspapers do.",
}


# -- what a batch is part of ------------------------------------------------------------------


def batch_context(
    batch: Sequence[str], before: Sequence[str], article: ArticleContext | None
) -> str:
    """The context line for a batch: the article's title, and the text just before it
    (``before``, the segments that precede it in the call, when the article's segments
    do not say): at most a few hundred characters, never the batch's own text."""
    title = _NEWLINES.sub(" ", article.title).strip()[:_TITLE_CHARS] if article else ""
    preceding = list(before)
    if article:
        if batch and batch[0] in article.segments:
            preceding = list(article.segments[: article.segments.index(batch[0])])
        elif not preceding:
            preceding = list(article.segments[:2])  # the title and the lead
    taken: list[str] = []
    size = 0
    for text in reversed(preceding):
        if size >= _CONTEXT_CHARS:
            break
        if text in batch or _NEWLINES.sub(" ", text).strip() == title:
            continue
        taken.insert(0, _NEWLINES.sub(" ", text).strip())
        size += len(text)
    tail = " ".join(taken)
    if len(tail) > _CONTEXT_CHARS:
        tail = "…" + tail[-_CONTEXT_CHARS:]
    lines = []
    if title and title not in batch:
        lines.append(f"The article's title: {title}")
    if tail:
        lines.append(f"The text just before these paragraphs: {tail}")
    if not lines:
        return ""
    return "For context only — do not translate it:\n" + "\n".join(lines)


# -- the prompt ---------------------------------------------------------------------------


def language_name(code: str) -> str:
    try:
        return str(Locale.parse(code).english_name)
    except (ValueError, UnknownLocaleError):
        return code


def build_messages(
    segments: Sequence[str],
    source: str,
    target: str,
    glossary: Glossary | None,
    *,
    form: AnswerForm = "json",
    context: str = "",
    style: str = "",
) -> list[dict[str, str]]:
    """The chat messages for one batch: the rules, style, glossary and context, then the
    paragraphs, as a JSON array or as numbered lines."""
    count = len(segments)
    if form == "json":
        sent = "The user sends consecutive paragraphs of one article as a JSON array."
    elif count == 1:
        sent = "The user sends a paragraph of an article, numbered 1."
    else:
        sent = (
            f"The user sends {count} consecutive paragraphs of one article, numbered 1 to "
            f"{count}, one per line."
        )
    rules = [
        f"You are a professional translator from {language_name(source)} into "
        f"{language_name(target)}.",
        f"{sent} Translate every paragraph completely and faithfully, using the others as context.",
        "Keep every HTML tag (<a href=...>, <em>, <strong>) exactly as written, around the "
        "words it marks. Keep numbers, URLs and e-mail addresses unchanged.",
    ]
    if target == "ja" and style in _STYLES:
        rules.append(_STYLES[style])
    if glossary:
        terms = "\n".join(f"- {e.source} → {e.target}" for e in glossary.entries)
        rules.append(f"Always translate these names and terms exactly so:\n{terms}")
    if context:
        rules.append(context)
    if form == "json":
        rules.append(
            f'Answer with only a JSON object {{"translations": [...]}} holding exactly '
            f"{count} strings, the translation of each paragraph in order. Write no "
            "preamble, note or explanation."
        )
        user = json.dumps(list(segments), ensure_ascii=False)
    else:
        lines = (
            f"exactly {count} lines, numbered 1 to {count} as the paragraphs are"
            if count > 1
            else "exactly one line"
        )
        rules.append(
            f"Answer with {lines}: the number, a full stop, a space, then the whole "
            "translation of that paragraph on the one line. Write no preamble, note or "
            "explanation."
        )
        user = "\n".join(
            f"{number}. {_NEWLINES.sub(' ', text).strip()}"
            for number, text in enumerate(segments, 1)
        )
    return [
        {"role": "system", "content": "\n\n".join(rules)},
        {"role": "user", "content": user},
    ]


def answer_schema(count: int) -> dict[str, Any]:
    """The JSON schema of an answer of ``count`` translations: an object with one array of
    exactly ``count`` strings. Within OpenAI's strict subset (every property required, no
    other property), which servers that build a grammar from it handle too."""
    return {
        "type": "object",
        "properties": {
            "translations": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": count,
                "maxItems": count,
            }
        },
        "required": ["translations"],
        "additionalProperties": False,
    }


def response_format(form: StructuredForm, count: int) -> dict[str, Any] | None:
    """The ``response_format`` of a request in ``form`` for ``count`` paragraphs."""
    if form == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {
                "name": "translations",
                "schema": answer_schema(count),
                "strict": True,
            },
        }
    if form == "json_object":
        return {"type": "json_object", "schema": answer_schema(count)}
    if form == "json_mode":
        return {"type": "json_object"}
    return None


def estimate_tokens(text: str) -> int:
    """A generous guess at the tokens of ``text``: one per wide (CJK) character, one per
    three other characters (English runs about four to a token)."""
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 3)


def answer_tokens(segments: Sequence[str], cap: int) -> int:
    """The ``max_tokens`` for an answer to ``segments``: what they need, up to ``cap``."""
    need = (
        sum(OUTPUT_RATIO * estimate_tokens(s) + _SEGMENT_OVERHEAD for s in segments)
        + _ANSWER_OVERHEAD
    )
    return min(cap, max(need, _MIN_ANSWER_TOKENS))


# -- reading the answer ---------------------------------------------------------------------


class Unusable(Exception):
    """An answer that cannot be used; ``cut`` when it stopped at the token limit."""

    def __init__(self, reason: str, *, cut: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.cut = cut


def _unfenced(content: str) -> str:
    text = content.strip()
    if match := _FENCE.match(text):
        text = match.group(1).strip()
    return text


def parse_json_answer(content: str, expected: int) -> list[str]:
    """The translations in a JSON answer, or ``Unusable`` saying what was wrong. A bare
    array of strings is read as the list asked for; anything else around it is refused.
    A raw line break inside a string, which llama-cpp-python's grammar lets a model write,
    is read as the white space it is."""
    text = _unfenced(content)
    try:
        answer = json.loads(text, strict=False)
    except ValueError as exc:
        raise Unusable(f"the answer is not the JSON object asked for ({text[:60]!r})") from exc
    translations = answer.get("translations") if isinstance(answer, dict) else answer
    if not isinstance(translations, list) or not all(isinstance(t, str) for t in translations):
        raise Unusable("the answer has no list of translations")
    if len(translations) != expected:
        raise Unusable(
            f"{len(translations)} translations for {expected} paragraphs — the model added"
            " or dropped text"
        )
    return [t.strip() for t in translations]


def parse_numbered_answer(content: str, expected: int) -> list[str]:
    """The translations in a numbered-lines answer, or ``Unusable``: every line that is not
    blank must be the next paragraph's number and its translation."""
    translations: list[str] = []
    for line in _unfenced(content).splitlines():
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        if match is None:
            raise Unusable(f"a line that is not a numbered paragraph ({line.strip()[:60]!r})")
        if int(match.group(1)) != len(translations) + 1:
            raise Unusable(
                f"paragraph {int(match.group(1))} where {len(translations) + 1} was due — the"
                " model added or dropped text"
            )
        translations.append(match.group(2).strip())
    if len(translations) != expected:
        raise Unusable(
            f"{len(translations)} numbered lines for {expected} paragraphs — the model added"
            " or dropped text"
        )
    return translations


# -- the hard checks -------------------------------------------------------------------------


def _plain(html: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", unescape(_TAG.sub(" ", html))).split())


def _size(text: str) -> int:
    """Length, wide characters counting double: a kanji says about what two letters do."""
    return len(text) + len(_WIDE.findall(text))


def _worth_translating(plain: str) -> bool:
    """More than a few words, not only names: text a translation must change."""
    words = _WORD.findall(plain)
    wide = len(_WIDE.findall(plain))
    return wide >= 6 or (len(words) >= 3 and any(w[0].islower() for w in words))


def _not_in_script(source: str, answer: str, target: str) -> str | None:
    """Most of the answer's letters are not in the target language's script. Names kept
    from the source (a word of the source with a capital in it) are not counted."""
    expected = _SCRIPTS.get(target, _LATIN)
    names = {w for w in _WORD.findall(source) if any(c.isupper() for c in w)}
    ours = theirs = 0
    for word in _WORD.findall(answer):
        if word in names:
            continue
        for char in filter(str.isalpha, word):
            weight = 2 if _WIDE.match(char) else 1
            if expected.match(char):
                ours += weight
            else:
                theirs += weight
    if ours + theirs < _MIN_SCRIPT_LETTERS or ours * 2 >= ours + theirs:
        return None
    return f"the answer is not in {language_name(target)} ({answer[:40]!r})"


def _third_language(answer: str, source: str, target: str) -> str | None:
    """The answer reads as a language that is neither the source's nor the target's."""
    if target not in MAJOR_LANGS or sum(c.isalpha() for c in answer) < _MIN_IDENTIFY_LETTERS:
        return None
    ranked = language_scores(answer)
    if not ranked or ranked[0][0] in {source, target} or ranked[0][1] <= 0.9:
        return None
    # Close neighbours are confused on short text: ask which of the three it is.
    best, score = language_scores(answer, frozenset({ranked[0][0], source, target}))[0]
    if best in {source, target} or score <= 0.95:
        return None
    return f"the answer is in {language_name(best)}, not {language_name(target)}"


def _with_glossary(job: _Job, index: int, answer: str) -> tuple[str, str | None]:
    """The answer with the glossary's spellings (a name left in the source's letters is
    respelled), and why it cannot be the translation, or None."""
    source = job.segments[index]
    missing: list[GlossaryEntry] = []
    if job.glossary:
        answer, missing = job.glossary.enforce(source, answer)
    problem = check_translation(source, answer, job.source, job.target)
    if problem is None and missing:
        entry = missing[0]
        problem = (
            f"the answer does not write {entry.source!r} as the glossary does ({entry.target!r})"
        )
    return answer, problem


def check_translation(source: str, answer: str, source_lang: str, target_lang: str) -> str | None:
    """Why ``answer`` cannot be ``source``'s translation, or None: empty, the source echoed,
    many times longer than the source, not in the target language's script, in Chinese
    for Japanese, or in a third language."""
    plain_source, plain_answer = _plain(source), _plain(answer)
    if not plain_answer and plain_source:
        return "the answer is empty"
    if plain_answer == plain_source and _worth_translating(without_links(plain_source)):
        return "the answer repeats the source unchanged"
    if _size(answer) > MAX_LENGTH_RATIO * _size(source) + _LENGTH_SLACK:
        times = _size(answer) / max(_size(source), 1)
        return f"the answer is {times:.0f} times as long as its source — the model ran on"
    letters_source = without_links(plain_source)
    letters_answer = without_links(plain_answer)
    if problem := _not_in_script(letters_source, letters_answer, target_lang):
        return problem
    if (
        target_lang == "ja"
        and not _KANA.search(letters_answer)
        and len(_HAN.findall(letters_answer)) >= _CHINESE_HAN
    ):
        return f"the answer is in Chinese, not Japanese ({answer[:40]!r})"
    if target_lang not in _SCRIPTS:
        return _third_language(letters_answer, source_lang, target_lang)
    return None


# -- the engine ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Failed:
    reason: str


_Outcome = str | _Failed


@dataclass
class _Job:
    """One ``translate`` call: its segments, and what became of each."""

    segments: list[str]
    source: str
    target: str
    glossary: Glossary | None
    article: ArticleContext | None
    done: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    tokens: int = 0

    def outcome(self, index: int) -> _Outcome:
        if index in self.done:
            return self.done[index]
        return _Failed(self.failed.get(index, "no translation"))


def _relevant(glossary: Glossary | None, segments: Sequence[str]) -> Glossary | None:
    if not glossary:
        return None
    used = {e for s in segments for e in glossary.matches(s)}
    return Glossary(glossary.source_lang, glossary.target_lang, tuple(used))


def _refuses(error: EngineError, words: str) -> bool:
    """The server refused the request naming ``words``: with 400 as OpenAI and llama.cpp do,
    422 as a FastAPI server validates, or 500 as llama-cpp-python's server wraps that 422."""
    message = str(error)
    return re.search(r"HTTP (?:400|422|500)\b", message) is not None and (
        re.search(words, message, re.I) is not None
    )


_FORMAT_WORDS = r"response_format|json_schema|schema|grammar"


class OpenAIEngine:
    name: ClassVar[str] = "openai"
    keeps_markup: ClassVar[bool] = True
    native_glossary: ClassVar[bool] = True
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "tokens"

    def __init__(
        self,
        api_url: str,
        model: str,
        key: str = "",
        *,
        temperature: float = 0.0,
        batch_segments: int = 12,
        languages: Sequence[str] = (),
        timeout: float = 300.0,
        concurrency: int = 2,
        max_tokens: int = 4096,
        structured: Literal["auto", "json_schema", "json_object", "off"] = "auto",
        style: str = "",
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.model = model
        self.temperature = temperature
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.style = style
        # A batch's answer must fit in max_tokens: about one token per character sent.
        max_chars = max(
            200, min(12_000, max_tokens - _ANSWER_OVERHEAD - _SEGMENT_OVERHEAD * batch_segments)
        )
        self.limits = EngineLimits(
            max_segments=batch_segments,
            max_chars=max_chars,
            max_segment_chars=min(4_000, max_chars),
            concurrency=concurrency,
        )
        self._pairs = all_pairs(list(languages))
        self._http = EngineHttp(
            self.name,
            api_url.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {key}"} if key else {},
            timeout=timeout,
            policy=policy,
            key_hint="OPENAI_API_KEY",
            transport=transport,
        )
        self._forms = _STRUCTURED[structured]
        self._form = 0
        self._limit_field = "max_tokens"
        self._order: tuple[AnswerForm, AnswerForm] = ("json", "numbered")
        self._rescues = 0
        self._settled: OrderedDict[tuple[str, ...], tuple[float, _Outcome]] = OrderedDict()
        self._unbilled = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        options = settings.translate.openai
        return cls(
            options.api_url,
            options.model,
            secret(options.key_env, cls.name, required=False),
            temperature=options.temperature,
            batch_segments=options.batch_segments,
            languages=options.languages,
            timeout=options.timeout,
            concurrency=options.concurrency,
            max_tokens=options.max_tokens,
            structured=options.structured,
            style=options.style,
        )

    def pairs(self) -> frozenset[tuple[str, str]]:
        return self._pairs

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def structured_form(self) -> StructuredForm:
        """The ``response_format`` form the server has not refused (so far)."""
        return self._forms[self._form]

    @property
    def answer_order(self) -> tuple[AnswerForm, AnswerForm]:
        """The shape asked for first, and the one asked for when it fails."""
        return self._order

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        job = _Job(list(segments), source, target, glossary, current_article())
        keys = [self._key(job, text) for text in job.segments]
        known = {i: o for i, key in enumerate(keys) if (o := self._recall(key)) is not None}
        todo = [i for i in range(len(keys)) if i not in known]
        try:
            if todo:
                await self._settle(job, todo)
        except EngineError as exc:  # engine-wide: what was spent goes with it
            exc.billed += self._unbilled + job.tokens
            self._unbilled = job.tokens = 0
            raise
        finally:
            self._unbilled += job.tokens
        outcomes = [known[i] if i in known else job.outcome(i) for i in range(len(keys))]
        failures = [o for o in outcomes if isinstance(o, _Failed)]
        if not failures:
            for key in keys:
                self._settled.pop(key, None)
            billed, self._unbilled = self._unbilled, 0
            return EngineResult(segments=tuple(str(o) for o in outcomes), billed=billed)
        if len(keys) == 1:
            self._settled.pop(keys[0], None)  # the translator's search ends here
        else:
            now = time.monotonic()
            for key, outcome in zip(keys, outcomes, strict=True):
                self._settled[key] = (now, outcome)
                self._settled.move_to_end(key)
            while len(self._settled) > _SETTLED_SIZE:
                self._settled.popitem(last=False)
        billed, self._unbilled = self._unbilled, 0
        raise EngineError(f"{self.name}: {failures[0].reason}", engine_wide=False, billed=billed)

    def _recall(self, key: tuple[str, ...]) -> _Outcome | None:
        """What this engine settled for ``key`` while the translator's search for a failing
        paragraph goes on; nothing older than a few minutes, which a later run asks afresh."""
        found = self._settled.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] > _SETTLED_SECONDS:
            del self._settled[key]
            return None
        return found[1]

    @staticmethod
    def _key(job: _Job, text: str) -> tuple[str, ...]:
        terms = sorted(job.glossary.matches(text)) if job.glossary else []
        return (job.source, job.target, text, *(f"{e.source}\t{e.target}" for e in terms))

    async def _settle(self, job: _Job, indices: list[int]) -> None:
        """Translate ``indices`` of the job, shrinking the batch on failure, until each is
        in ``job.done`` or, alone and still failing, in ``job.failed``."""
        try:
            translations = await self._ask(job, indices)
        except Unusable as failure:
            if len(indices) == 1:
                job.failed[indices[0]] = failure.reason
                return
            logger.info("%s: %s; asking again in halves", self.name, failure.reason)
            await self._halves(job, indices)
            return
        again: list[int] = []
        for index, answer in zip(indices, translations, strict=True):
            text, problem = _with_glossary(job, index, answer)
            if problem is None:
                job.done[index] = text
            elif len(indices) == 1:
                job.failed[index] = problem
            else:
                logger.info("%s: %s; asking for it again", self.name, problem)
                again.append(index)
        if len(again) == len(indices):
            await self._halves(job, again)
        elif again:
            await self._settle(job, again)

    async def _halves(self, job: _Job, indices: list[int]) -> None:
        middle = (len(indices) + 1) // 2
        await self._settle(job, indices[:middle])
        await self._settle(job, indices[middle:])

    async def _ask(self, job: _Job, indices: list[int]) -> list[str]:
        """The translations of ``indices`` in the first shape that gives them, unchecked;
        ``Unusable`` with every shape's reason when none does."""
        reasons: list[str] = []
        cut = True
        first = self._order[0]
        for form in self._order:
            try:
                translations = await self._complete(job, indices, form)
            except Unusable as failure:
                label = "" if form == first else f"asked again {_FORM_NAMES[form]}: "
                reasons.append(label + failure.reason)
                cut = cut and failure.cut
                if failure.cut and len(indices) > 1:
                    break  # a smaller batch, not another shape, is what helps
                continue
            self._learn(form)
            return translations
        raise Unusable("; ".join(reasons), cut=cut)

    def _learn(self, winner: AnswerForm) -> None:
        first, second = self._order
        if winner == first:
            self._rescues = 0
            return
        self._rescues += 1
        if self._rescues >= _SWITCH_AFTER:
            self._order, self._rescues = (second, first), 0
            logger.info(
                "%s: answers %s keep failing where %s work; asking %s first",
                self.name,
                _FORM_NAMES[first],
                _FORM_NAMES[second],
                _FORM_NAMES[second],
            )

    async def _complete(self, job: _Job, indices: list[int], form: AnswerForm) -> list[str]:
        """One request for the segments at ``indices`` in ``form``."""
        batch = [job.segments[i] for i in indices]
        before = job.segments[: indices[0]]
        messages = build_messages(
            batch,
            job.source,
            job.target,
            _relevant(job.glossary, batch),
            form=form,
            context=batch_context(batch, before, job.article),
            style=self.style,
        )
        limit = answer_tokens(batch, self.max_tokens)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
        }
        try:
            response = await self._post(body, limit, len(batch) if form == "json" else None)
        except EngineError as exc:
            if exc.engine_wide:
                raise
            raise Unusable(str(exc).removeprefix(f"{self.name}: ")) from exc
        content, finish_reason, refusal, tokens = self._read(response)
        job.tokens += tokens
        if finish_reason == "length":
            raise Unusable(f"the answer was cut off at the token limit ({limit})", cut=True)
        if not content and refusal:
            raise Unusable(f"the model declined ({refusal[:60]!r})")
        if form == "json":
            return parse_json_answer(content, len(batch))
        return parse_numbered_answer(content, len(batch))

    async def _post(
        self, body: dict[str, Any], limit: int, schema_items: int | None
    ) -> httpx.Response:
        """POST a chat completion within the deadline, in the ``response_format`` form and
        with the token-limit field the server takes, learning both from its refusals."""
        while True:
            form = self._form
            request = {**body, self._limit_field: limit}
            if schema_items is not None and (
                wanted := response_format(self._forms[form], schema_items)
            ):
                request["response_format"] = wanted
            try:
                async with asyncio.timeout(self.timeout):
                    return await self._http.request("POST", "chat/completions", json=request)
            except TimeoutError as exc:
                raise EngineError(
                    f"{self.name}: no answer within {self.timeout:g} s — the model is too slow"
                    " for the batch; lower translate.openai.batch_segments or raise"
                    " translate.openai.timeout"
                ) from exc
            except EngineError as exc:
                if "response_format" in request and _refuses(exc, _FORMAT_WORDS):
                    self._refused_form(form, exc)
                    continue
                if self._limit_field == "max_tokens" and _refuses(exc, "max_completion_tokens"):
                    self._limit_field = "max_completion_tokens"
                    continue
                raise

    def _refused_form(self, form: int, error: EngineError) -> None:
        """The server refused ``response_format`` in form ``form``: ask in the next form
        from now on, or, when the setting named that form alone, stop the engine."""
        if form != self._form:
            return  # another request has already moved on
        refused = self._forms[form]
        if form + 1 >= len(self._forms):
            detail = str(error).removeprefix(f"{self.name}: ")
            raise EngineError(
                f"{self.name}: the server does not take the response_format that"
                f" translate.openai.structured asks for, {refused} ({detail}); set it to"
                ' "auto"'
            ) from error
        self._form = form + 1
        logger.warning(
            "%s: the server refuses response_format %s (%s); asking in %s from now on",
            self.name,
            refused,
            error,
            self._forms[self._form],
        )

    def _read(self, response: httpx.Response) -> tuple[str, str | None, str, int]:
        """The answer's content, finish reason, refusal and tokens used."""
        try:
            answer = response.json()
            choice = answer["choices"][0]
            message = choice["message"]
            content = str(message.get("content") or "")
            refusal = str(message.get("refusal") or "")
            finish_reason = choice.get("finish_reason")
            usage = answer.get("usage") or {}
            tokens = int(usage.get("total_tokens") or 0) or (
                int(usage.get("prompt_tokens") or 0) + int(usage.get("completion_tokens") or 0)
            )
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise EngineError(
                f"{self.name}: an answer not in the chat-completion shape ({exc})"
            ) from exc
        return content, finish_reason if isinstance(finish_reason, str) else None, refusal, tokens


_FORM_NAMES: dict[AnswerForm, str] = {"json": "as JSON", "numbered": "in numbered lines"}


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=OpenAIEngine.name,
            create=OpenAIEngine.from_settings,
            description="an OpenAI-compatible chat endpoint (llama.cpp, Ollama, vLLM, OpenAI)",
            free=lambda settings: settings.translate.openai.free,
            needs=lambda settings: (
                "translate.openai.api_url, an OpenAI-compatible server such as llama.cpp's"
                f" or Ollama (now {settings.translate.openai.api_url})"
            ),
        )
    ]
