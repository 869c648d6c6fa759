"""A local fake of the DeepL API v2: text translation, v2 glossaries, languages, usage.

Followed: DeepL's OpenAPI file (github.com/DeepLcom/openapi, ``openapi.yaml``, version 3.11.0),
which is what developers.deepl.com/api-reference renders, and these pages:

- developers.deepl.com/docs/api-reference/translate (``POST /v2/translate``): ``text`` an array
  (form-encoded: the parameter repeated), ``target_lang`` required, ``source_lang``,
  ``tag_handling`` ``xml``/``html``, ``glossary_id`` (requires ``source_lang``; the glossary's
  pair must match the request's), ``show_billed_characters``; total body at most 128 KiB;
  answer ``{"translations": [{"detected_source_language", "text"}]}`` in request order, with
  ``detected_source_language`` echoing ``source_lang`` when given; errors 400, 403, 404, 413,
  429, 456, 500, 504, 529. Language codes are case-insensitive (DeepL API 101).
- developers.deepl.com/docs/api-reference/glossaries (the v2 endpoints): ``POST /v2/glossaries``
  with ``name``, ``source_lang``, ``target_lang``, ``entries``, ``entries_format`` ``tsv``
  (default) or ``csv`` answers 201 with ``glossary_id``, ``name``, ``ready``, ``source_lang``,
  ``target_lang``, ``creation_time``, ``entry_count``; ``GET /v2/glossaries`` answers
  ``{"glossaries": [...]}``; ``GET``/``DELETE /v2/glossaries/{id}`` (204 on delete);
  ``GET /v2/glossaries/{id}/entries`` answers ``text/tab-separated-values``;
  ``GET /v2/glossary-language-pairs`` answers ``{"supported_languages": [{source_lang,
  target_lang}]}``. Bad entries answer 400 ``{"message", "detail"}``.
- ``GET /v2/languages?type=source|target`` (``[{"language", "name", "supports_formality"}]``)
  and ``GET /v2/usage`` (``character_count``, ``character_limit``).
- developers.deepl.com/docs/best-practices/error-handling: 429 is "too many requests", 456 is
  "quota exceeded", 500 is a temporary error; the error body is ``{"message": ...}``
  (``ErrorResponse`` in the OpenAPI file). Auth: ``Authorization: DeepL-Auth-Key KEY``.

Not in the docs, chosen here: an unknown ``glossary_id`` answers 404 ``Glossary not found``;
the 5xx answers carry a ``{"message"}`` body too (the OpenAPI file gives them none); the
documentation nowhere says DeepL sends ``Retry-After``, so a 429 has it only when injected.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply
from tests.fakes._translate import Translator, fake_translate

__all__ = ["DeepLFake", "DeepLGlossary"]

_SOURCE_LANGUAGES = {
    "AR": "Arabic", "BG": "Bulgarian", "CS": "Czech", "DA": "Danish", "DE": "German",
    "EL": "Greek", "EN": "English", "ES": "Spanish", "ET": "Estonian", "FI": "Finnish",
    "FR": "French", "HU": "Hungarian", "ID": "Indonesian", "IT": "Italian", "JA": "Japanese",
    "KO": "Korean", "LT": "Lithuanian", "LV": "Latvian", "NB": "Norwegian", "NL": "Dutch",
    "PL": "Polish", "PT": "Portuguese", "RO": "Romanian", "RU": "Russian", "SK": "Slovak",
    "SL": "Slovenian", "SV": "Swedish", "TR": "Turkish", "UK": "Ukrainian", "ZH": "Chinese",
}  # fmt: skip

_TARGET_LANGUAGES = {
    **{code: name for code, name in _SOURCE_LANGUAGES.items() if code not in {"EN", "PT"}},
    "EN-GB": "English (British)", "EN-US": "English (American)",
    "PT-BR": "Portuguese (Brazilian)", "PT-PT": "Portuguese (European)",
    "ZH-HANS": "Chinese (simplified)", "ZH-HANT": "Chinese (traditional)",
}  # fmt: skip

_FORMALITY = {"DE", "FR", "IT", "ES", "NL", "PL", "PT-BR", "PT-PT", "JA", "RU"}

_GLOSSARY_LANGUAGES = sorted(code.lower() for code in _SOURCE_LANGUAGES)

_DEFAULT_MESSAGES = {
    400: "Bad request. Please check error message and your parameters.",
    403: "Authorization failed. Please supply a valid DeepL-Auth-Key via the Authorization header.",
    404: "The requested resource could not be found.",
    413: "The request size exceeds the limit.",
    415: "The requested entries format specified in the Accept header is not supported.",
    429: "Too many requests. Please wait and resend your request.",
    456: "Quota exceeded. The character limit has been reached.",
    500: "Internal error.",
    503: "Resource currently unavailable. Try again later.",
    504: "Resource currently unavailable. Try again later.",
    529: "Too many requests. Please wait and resend your request.",
}


@dataclass
class DeepLGlossary:
    """A v2 (monolingual) glossary as the fake stores it."""

    glossary_id: str
    name: str
    source_lang: str
    target_lang: str
    entries: dict[str, str]
    creation_time: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
    )

    def to_json(self) -> dict[str, Any]:
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "ready": True,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "creation_time": self.creation_time,
            "entry_count": len(self.entries),
        }


class DeepLFake(FakeService):
    """DeepL API v2 on loopback. ``with DeepLFake(auth_key="k") as fake: fake.url``."""

    name = "deepl"

    def __init__(
        self,
        *,
        auth_key: str = "test-key",
        character_limit: int = 500_000,
        max_request_bytes: int = 128 * 1024,
        detected_source_language: str = "EN",
        translator: Translator = fake_translate,
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        super().__init__(
            latency=latency, concurrency_limit=concurrency_limit, over_limit=over_limit
        )
        self.auth_key = auth_key
        self.character_count = 0
        self.character_limit = character_limit
        self.max_request_bytes = max_request_bytes
        self.detected_source_language = detected_source_language
        self.translator = translator
        self.glossaries: dict[str, DeepLGlossary] = {}
        self._state = threading.Lock()
        self._next_id = 0
        self._traces = itertools.count(1)
        glossary = r"/v2/glossaries/(?P<id>[^/]+)"
        self.routes = [
            Route("POST", re.compile(r"/v2/translate"), self._translate),
            Route("POST", re.compile(r"/v2/glossaries"), self._create_glossary),
            Route("GET", re.compile(r"/v2/glossaries"), self._list_glossaries),
            Route("GET", re.compile(glossary), self._get_glossary),
            Route("DELETE", re.compile(glossary), self._delete_glossary),
            Route("GET", re.compile(glossary + "/entries"), self._glossary_entries),
            Route("GET", re.compile(r"/v2/glossary-language-pairs"), self._language_pairs),
            Route("GET", re.compile(r"/v2/languages"), self._languages),
            Route("GET", re.compile(r"/v2/usage"), self._usage),
        ]

    # -- for tests ----------------------------------------------------------------------------

    def add_glossary(
        self, name: str, source_lang: str, target_lang: str, entries: Mapping[str, str]
    ) -> str:
        """Store a glossary as if it had been created through the API; returns its id."""
        with self._state:
            self._next_id += 1
            glossary_id = str(uuid.UUID(int=self._next_id))
            self.glossaries[glossary_id] = DeepLGlossary(
                glossary_id, name, source_lang.lower(), target_lang.lower(), dict(entries)
            )
        return glossary_id

    # -- the service --------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        text = message or _DEFAULT_MESSAGES.get(status, f"HTTP {status}")
        return json_reply(status, {"message": text})

    def route(self, request: RecordedRequest) -> Reply:
        if len(request.body) > self.max_request_bytes:
            return self.error_reply(413)
        scheme, _, key = (request.header("Authorization") or "").partition(" ")
        if scheme != "DeepL-Auth-Key" or key.strip() != self.auth_key:
            return self.error_reply(403)
        reply = super().route(request)
        return replace(reply, headers={**reply.headers, "X-Trace-ID": f"{next(self._traces):032x}"})

    def _params(self, request: RecordedRequest) -> dict[str, Any] | Reply:
        """The body's parameters, JSON or form-encoded alike (``text`` always a list)."""
        if request.is_json:
            if not isinstance(request.json_body, dict):
                return self.error_reply(400, "Invalid request: expected a JSON object.")
            return dict(request.json_body)
        if request.is_form and request.form is not None:
            return {k: (v if k == "text" else v[-1]) for k, v in request.form.items()}
        return json_reply(
            400, {"message": "Invalid Content-Type", "detail": "Content-Type required."}
        )

    def _translate(self, request: RecordedRequest, _: object) -> Reply:
        params = self._params(request)
        if isinstance(params, Reply):
            return params
        texts = params.get("text")
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            return self.error_reply(400, "Parameter 'text' not specified.")
        target = params.get("target_lang")
        if not isinstance(target, str) or not target:
            return self.error_reply(400, "Parameter 'target_lang' not specified.")
        target = target.upper()
        if target not in _TARGET_LANGUAGES:
            return self.error_reply(400, "Value for 'target_lang' not supported.")
        source = params.get("source_lang") or None
        if source is not None:
            if not isinstance(source, str) or source.upper() not in _SOURCE_LANGUAGES:
                return self.error_reply(400, "Value for 'source_lang' not supported.")
            source = source.upper()
        tag_handling = params.get("tag_handling") or None
        if tag_handling not in (None, "html", "xml"):
            return self.error_reply(400, "Value for 'tag_handling' not supported.")
        entries: dict[str, str] = {}
        glossary_id = params.get("glossary_id") or None
        if glossary_id is not None:
            if source is None:
                return self.error_reply(
                    400, "Use of a glossary requires the 'source_lang' parameter to be specified."
                )
            glossary = self.glossaries.get(str(glossary_id))
            if glossary is None:
                return self.error_reply(404, "Glossary not found.")
            if (glossary.source_lang, glossary.target_lang) != (
                source.lower(),
                target.split("-")[0].lower(),
            ):
                return self.error_reply(
                    400,
                    "Language pair of the glossary doesn't match the language pair of the request",
                )
            entries = glossary.entries
        characters = sum(len(text) for text in texts)
        with self._state:
            if self.character_count + characters > self.character_limit:
                return self.error_reply(456)
            self.character_count += characters
        billed = params.get("show_billed_characters") in (True, "1", "true")
        translations = []
        for text in texts:
            item: dict[str, Any] = {
                "detected_source_language": source or self.detected_source_language,
                "text": self.translator(text, markup=tag_handling is not None, glossary=entries),
            }
            if billed:
                item["billed_characters"] = len(text)
            translations.append(item)
        return json_reply(200, {"translations": translations})

    def _create_glossary(self, request: RecordedRequest, _: object) -> Reply:
        params = self._params(request)
        if isinstance(params, Reply):
            return params
        for name in ("name", "source_lang", "target_lang", "entries"):
            if not isinstance(params.get(name), str) or not params[name]:
                return _glossary_error(f"Missing or invalid argument: {name}")
        source, target = params["source_lang"].lower(), params["target_lang"].lower()
        if source not in _GLOSSARY_LANGUAGES or target not in _GLOSSARY_LANGUAGES:
            return _glossary_error("Unsupported glossary source and target language pair")
        if source == target:
            return _glossary_error("Source and target language must differ")
        entries_format = params.get("entries_format") or "tsv"
        if entries_format not in ("tsv", "csv"):
            return _glossary_error("Value for 'entries_format' not supported.")
        entries = _parse_entries(params["entries"], entries_format)
        if isinstance(entries, str):
            return _glossary_error("Invalid glossary entries provided", entries)
        glossary_id = self.add_glossary(params["name"], source, target, entries)
        return json_reply(201, self.glossaries[glossary_id].to_json())

    def _list_glossaries(self, request: RecordedRequest, _: object) -> Reply:
        return json_reply(200, {"glossaries": [g.to_json() for g in self.glossaries.values()]})

    def _get_glossary(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        glossary = self.glossaries.get(match["id"])
        if glossary is None:
            return self.error_reply(404, "Glossary not found")
        return json_reply(200, glossary.to_json())

    def _delete_glossary(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        with self._state:
            if self.glossaries.pop(match["id"], None) is None:
                return self.error_reply(404, "Glossary not found")
        return Reply(204)

    def _glossary_entries(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        glossary = self.glossaries.get(match["id"])
        if glossary is None:
            return self.error_reply(404, "Glossary not found")
        accept = request.header("Accept") or "text/tab-separated-values"
        if not any(kind in accept for kind in ("text/tab-separated-values", "*/*")):
            return self.error_reply(415)
        tsv = "\n".join(f"{s}\t{t}" for s, t in glossary.entries.items())
        return Reply(200, tsv.encode("utf-8"), "text/tab-separated-values; charset=utf-8")

    def _language_pairs(self, request: RecordedRequest, _: object) -> Reply:
        pairs = [
            {"source_lang": s, "target_lang": t}
            for s in _GLOSSARY_LANGUAGES
            for t in _GLOSSARY_LANGUAGES
            if s != t
        ]
        return json_reply(200, {"supported_languages": pairs})

    def _languages(self, request: RecordedRequest, _: object) -> Reply:
        kind = (request.query.get("type") or ["source"])[-1]
        if kind == "source":
            return json_reply(
                200, [{"language": c, "name": n} for c, n in _SOURCE_LANGUAGES.items()]
            )
        if kind == "target":
            return json_reply(
                200,
                [
                    {"language": c, "name": n, "supports_formality": c in _FORMALITY}
                    for c, n in _TARGET_LANGUAGES.items()
                ],
            )
        return self.error_reply(400, "Value for 'type' not supported.")

    def _usage(self, request: RecordedRequest, _: object) -> Reply:
        return json_reply(
            200,
            {"character_count": self.character_count, "character_limit": self.character_limit},
        )


def _glossary_error(message: str, detail: str | None = None) -> Reply:
    body = {"message": message}
    if detail is not None:
        body["detail"] = detail
    return json_reply(400, body)


def _parse_entries(text: str, entries_format: str) -> dict[str, str] | str:
    """The entries, or a sentence saying which line is wrong (DeepL's ``detail``)."""
    entries: dict[str, str] = {}
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return "No entries given"
    for index, line in enumerate(lines):
        if entries_format == "tsv":
            fields = line.split("\t")
        else:
            fields = next(csv.reader(io.StringIO(line)))
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            return f"Entry with the index {index} is not a source and a target term"
        source, target = fields[0].strip(), fields[1].strip()
        if source in entries:
            first = list(entries).index(source)
            return f"Key with the index {index} duplicates key with the index {first}"
        entries[source] = target
    return entries
