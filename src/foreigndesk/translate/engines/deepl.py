"""DeepL API v2: ``/v2/translate`` with ``tag_handling=html``, and native glossaries.

Glossaries are created once per set of entries through ``/v2/glossaries`` and found again
by name on later runs, so a glossary is never uploaded twice. Documentation followed:
developers.deepl.com, "Translate text" and "Manage glossaries" (API v2).
"""

from __future__ import annotations

import hashlib
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

#: Languages DeepL translates between (its /v2/languages list), in ISO 639-1.
DEEPL_LANGUAGES = (
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu", "id", "it",
    "ja", "ko", "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr",
    "uk", "zh",
)  # fmt: skip
#: Targets DeepL wants with a variant.
_TARGET_VARIANTS = {"en": "EN-US", "pt": "PT-PT", "zh": "ZH-HANS"}


class DeepLEngine:
    name: ClassVar[str] = "deepl"
    keeps_markup: ClassVar[bool] = True
    native_glossary: ClassVar[bool] = True
    billing_unit: ClassVar[Literal["characters", "tokens"]] = "characters"

    def __init__(
        self,
        api_url: str,
        key: str,
        *,
        timeout: float = 60.0,
        concurrency: int = 4,
        policy: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # DeepL takes up to 50 texts and 128 KiB per request.
        self.limits = EngineLimits(
            max_segments=50, max_chars=100_000, max_segment_chars=30_000, concurrency=concurrency
        )
        self._http = EngineHttp(
            self.name,
            api_url,
            headers={"Authorization": f"DeepL-Auth-Key {key}"},
            timeout=timeout,
            policy=policy,
            key_hint="DEEPL_API_KEY",
            transport=transport,
        )
        self._glossaries: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        options = settings.translate.deepl
        return cls(
            options.api_url,
            secret(options.key_env, cls.name),
            timeout=options.timeout,
            concurrency=options.concurrency,
        )

    def pairs(self) -> frozenset[tuple[str, str]]:
        return all_pairs(DEEPL_LANGUAGES)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def glossary_id(self, glossary: Glossary) -> str:
        """The id of a DeepL glossary holding exactly ``glossary``'s entries."""
        entries = "\n".join(
            f"{e.source}\t{e.target}" for e in sorted(glossary.entries) if "\t" not in e.source
        )
        digest = hashlib.sha256(entries.encode("utf-8")).hexdigest()[:12]
        name = f"foreigndesk-{glossary.source_lang}-{glossary.target_lang}-{digest}"
        if name in self._glossaries:
            return self._glossaries[name]
        listing = await self._http.request_json("GET", "/v2/glossaries")
        for item in listing.get("glossaries", []):
            if item.get("name") == name:
                self._glossaries[name] = str(item["glossary_id"])
                return self._glossaries[name]
        created = await self._http.request(
            "POST",
            "/v2/glossaries",
            json={
                "name": name,
                "source_lang": glossary.source_lang,
                "target_lang": glossary.target_lang,
                "entries": entries,
                "entries_format": "tsv",
            },
        )
        try:
            self._glossaries[name] = str(created.json()["glossary_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise EngineError(f"deepl: could not create the glossary ({exc})") from exc
        return self._glossaries[name]

    async def translate(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        glossary: Glossary | None = None,
    ) -> EngineResult:
        body: dict[str, object] = {
            "text": list(segments),
            "source_lang": source.upper(),
            "target_lang": _TARGET_VARIANTS.get(target, target.upper()),
            "tag_handling": "html",
        }
        if glossary:
            body["glossary_id"] = await self.glossary_id(glossary)
        response = await self._http.request("POST", "/v2/translate", json=body)
        try:
            translations = [str(t["text"]) for t in response.json()["translations"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise EngineError(f"deepl: an answer not in DeepL's shape ({exc})") from exc
        if len(translations) != len(segments):
            raise EngineError(
                f"deepl: {len(translations)} translations for {len(segments)} texts",
                engine_wide=False,
            )
        return EngineResult(segments=tuple(translations), billed=sum(len(s) for s in segments))


@hookimpl
def foreigndesk_engines() -> list[EngineSpec]:
    return [
        EngineSpec(
            name=DeepLEngine.name,
            create=DeepLEngine.from_settings,
            description="DeepL API v2, with native glossaries (key in DEEPL_API_KEY)",
        )
    ]
