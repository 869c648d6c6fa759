"""LibreTranslate: ``POST /translate`` with ``format=html``, a batch of texts per request.

Documentation followed: docs.libretranslate.com (API usage: /translate, /languages).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import ClassVar, Literal

import httpx

from foreigndesk.config import Settings
from foreigndesk.credentials import secret
from foreigndesk.errors import EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary
from foreigndesk.translate.http import EngineHttp, RetryPolicy
from foreigndesk.translate.languages import all_pairs


class LibreTranslateEngine:
    name: ClassVar[str] = "libretranslate"
    keeps_markup: ClassVar[bool] = True
    native_glossary: ClassVar[bool] = False
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "characters"

    def __init__(
        self,
        api_url: str,
        key: str = "",
        *,
        languages: Sequence[str] = (),
        timeout: float = 120.0,
        concurrency: int = 2,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.limits = EngineLimits(
            max_segments=32, max_chars=20_000, max_segment_chars=5_000, concurrency=concurrency
        )
        self._key = key
        self._pairs = all_pairs(list(languages))
        self._http = EngineHttp(
            self.name,
            api_url,
            timeout=timeout,
            policy=policy,
            key_hint="LIBRETRANSLATE_API_KEY",
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        options = settings.translate.libretranslate
        return cls(
            options.api_url,
            secret(options.key_env, cls.name, required=False),
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
        body: dict[str, object] = {
            "q": list(segments),
            "source": source,
            "target": target,
            "format": "html",
        }
        if self._key:
            body["api_key"] = self._key
        answer = await self._http.request_json("POST", "/translate", json=body)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(segments):
            raise EngineError(
                "libretranslate: the answer does not hold one translation per text",
                engine_wide=False,
            )
        return EngineResult(
            segments=tuple(str(t) for t in translated), billed=sum(len(s) for s in segments)
        )


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=LibreTranslateEngine.name,
            create=LibreTranslateEngine.from_settings,
            description="a LibreTranslate server (HTML format, batches)",
            free=lambda settings: not os.environ.get(settings.translate.libretranslate.key_env),
            needs=lambda settings: (
                "translate.libretranslate.api_url, a LibreTranslate server"
                f" (now {settings.translate.libretranslate.api_url})"
            ),
        )
    ]
