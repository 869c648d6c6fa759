"""Any OpenAI-compatible chat endpoint: llama.cpp server, Ollama, vLLM, OpenAI.

A request carries consecutive paragraphs, so each is translated with its neighbours as
context, and the glossary in the prompt. The answer must be exactly the JSON object
asked for, with one translation per paragraph: a preamble, a note, a dropped or an
added segment is refused, never patched up, and the batch is split until the
paragraph at fault is known. Documentation followed: the OpenAI API reference, "Create
chat completion" (``/v1/chat/completions``), as implemented by llama.cpp's server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import ClassVar, Literal

import httpx
from babel import Locale, UnknownLocaleError

from foreigndesk.config import Settings
from foreigndesk.credentials import secret
from foreigndesk.errors import EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary
from foreigndesk.translate.http import EngineHttp, RetryPolicy
from foreigndesk.translate.languages import all_pairs

_FENCE = re.compile(r"^```(?:json)?\s*\n(.*)\n```$", re.S)


def language_name(code: str) -> str:
    try:
        return str(Locale.parse(code).english_name)
    except (ValueError, UnknownLocaleError):
        return code


def build_messages(
    segments: Sequence[str], source: str, target: str, glossary: Glossary | None
) -> list[dict[str, str]]:
    """The chat messages for one batch: rules and glossary, then the paragraphs as JSON."""
    rules = [
        f"You are a professional translator from {language_name(source)} into "
        f"{language_name(target)}.",
        "The user sends consecutive paragraphs of one article as a JSON array. Translate "
        "every paragraph completely and faithfully, using the others as context.",
        "Keep every HTML tag (<a href=...>, <em>, <strong>) exactly as written, around the "
        "words it marks. Keep numbers, URLs and e-mail addresses unchanged.",
    ]
    if glossary:
        terms = "\n".join(f"- {e.source} → {e.target}" for e in glossary.entries)
        rules.append(f"Always translate these names and terms exactly so:\n{terms}")
    rules.append(
        f'Answer with only a JSON object {{"translations": [...]}} holding exactly '
        f"{len(segments)} strings, the translation of each paragraph in order. Write no "
        "preamble, note or explanation."
    )
    return [
        {"role": "system", "content": "\n\n".join(rules)},
        {"role": "user", "content": json.dumps(list(segments), ensure_ascii=False)},
    ]


def parse_answer(content: str, expected: int) -> list[str]:
    """The translations from the model's answer, or EngineError saying what was wrong."""
    text = content.strip()
    if match := _FENCE.match(text):
        text = match.group(1).strip()
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise EngineError(
            f"openai: the answer is not the JSON object asked for ({text[:60]!r})",
            engine_wide=False,
        ) from exc
    translations = answer.get("translations") if isinstance(answer, dict) else None
    if not isinstance(translations, list) or not all(isinstance(t, str) for t in translations):
        raise EngineError("openai: the answer has no list of translations", engine_wide=False)
    if len(translations) != expected:
        raise EngineError(
            f"openai: {len(translations)} translations for {expected} paragraphs — the model"
            " added or dropped text",
            engine_wide=False,
        )
    return translations


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
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.model = model
        self.temperature = temperature
        self.limits = EngineLimits(
            max_segments=batch_segments,
            max_chars=12_000,
            max_segment_chars=4_000,
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
        )

    def pairs(self) -> frozenset[tuple[str, str]]:
        return self._pairs

    async def aclose(self) -> None:
        await self._http.aclose()

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        relevant = None
        if glossary:
            used = {e for s in segments for e in glossary.matches(s)}
            relevant = Glossary(glossary.source_lang, glossary.target_lang, tuple(used))
        response = await self._http.request(
            "POST",
            "chat/completions",
            json={
                "model": self.model,
                "messages": build_messages(segments, source, target, relevant),
                "temperature": self.temperature,
                "response_format": {"type": "json_object"},
            },
        )
        try:
            answer = response.json()
            content = answer["choices"][0]["message"]["content"]
            usage = answer.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise EngineError(
                f"openai: an answer not in the chat-completion shape ({exc})"
            ) from exc
        if answer["choices"][0].get("finish_reason") == "length":
            raise EngineError(
                "openai: the answer was cut off at the token limit", engine_wide=False
            )
        translations = parse_answer(str(content or ""), len(segments))
        return EngineResult(
            segments=tuple(translations), billed=int(usage.get("total_tokens") or 0)
        )


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=OpenAIEngine.name,
            create=OpenAIEngine.from_settings,
            description="an OpenAI-compatible chat endpoint (llama.cpp, Ollama, vLLM, OpenAI)",
            free=lambda settings: settings.translate.openai.free,
        )
    ]
