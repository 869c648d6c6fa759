"""Google Cloud Translation v3 ``translateText``, HTML mode, with an optional glossary.

Google glossaries are resources created from a file in Cloud Storage; name one in
``translate.google.glossary`` to apply it natively. Without one, the desk's glossary
terms are protected by the translator like for any engine without glossaries.
Documentation followed: cloud.google.com/translate/docs/reference/rest/v3/projects/translateText.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import httpx

from foreigndesk.config import Settings
from foreigndesk.credentials import secret
from foreigndesk.errors import DeskError, EngineError
from foreigndesk.hookspecs import hookimpl
from foreigndesk.translate.engine import Engine, EngineLimits, EngineResult, EngineSpec
from foreigndesk.translate.glossary import Glossary
from foreigndesk.translate.http import EngineHttp, RetryPolicy
from foreigndesk.translate.languages import all_pairs


class GoogleEngine:
    name: ClassVar[str] = "google"
    keeps_markup: ClassVar[bool] = True
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "characters"

    def __init__(
        self,
        api_url: str,
        token: str,
        project: str,
        *,
        location: str = "global",
        glossary: str = "",
        languages: Sequence[str] = (),
        timeout: float = 60.0,
        concurrency: int = 4,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not project:
            raise DeskError("google: no project — set translate.google.project in desk.toml")
        # Google recommends under 30,000 code points per request, at most 1,024 texts.
        self.limits = EngineLimits(
            max_segments=128, max_chars=25_000, max_segment_chars=10_000, concurrency=concurrency
        )
        self.native_glossary = bool(glossary)
        self._glossary = glossary
        self._path = f"/v3/projects/{project}/locations/{location}:translateText"
        self._pairs = all_pairs(list(languages))
        self._http = EngineHttp(
            self.name,
            api_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            policy=policy,
            key_hint="GOOGLE_CLOUD_ACCESS_TOKEN",
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        options = settings.translate.google
        return cls(
            options.api_url,
            secret(options.token_env, cls.name),
            options.project,
            location=options.location,
            glossary=options.glossary,
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
            "contents": list(segments),
            "mimeType": "text/html",
            "sourceLanguageCode": source,
            "targetLanguageCode": target,
        }
        if self._glossary and glossary:
            body["glossaryConfig"] = {"glossary": self._glossary}
        answer = await self._http.request_json("POST", self._path, json=body)
        key = "glossaryTranslations" if "glossaryConfig" in body else "translations"
        try:
            translations = [
                str(t["translatedText"]) for t in answer.get(key) or answer["translations"]
            ]
        except (KeyError, TypeError, AttributeError) as exc:
            raise EngineError(f"google: an answer not in the v3 shape ({exc})") from exc
        if len(translations) != len(segments):
            raise EngineError(
                f"google: {len(translations)} translations for {len(segments)} texts",
                engine_wide=False,
            )
        return EngineResult(segments=tuple(translations), billed=sum(len(s) for s in segments))


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=GoogleEngine.name,
            create=GoogleEngine.from_settings,
            description="Google Cloud Translation v3 (token in GOOGLE_CLOUD_ACCESS_TOKEN)",
        )
    ]
