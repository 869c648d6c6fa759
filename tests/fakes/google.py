"""A local fake of Google Cloud Translation v3 (Advanced): translateText and glossaries.

Followed: the v3 service definition, ``google/cloud/translate/v3/translation_service.proto`` in
github.com/googleapis/googleapis (the source of cloud.google.com/translate/docs/reference/rest/v3),
and these pages:

- cloud.google.com/translate/docs/reference/rest/v3/projects/translateText:
  ``POST /v3/{parent=projects/*/locations/*}:translateText`` (also ``projects/*``), JSON body
  ``contents[]`` (required; at most 1024 entries, "recommend" under 30,000 codepoints),
  ``mimeType`` (``text/plain`` or ``text/html``; *blank means text/html*),
  ``sourceLanguageCode`` (optional), ``targetLanguageCode`` (required), ``model``,
  ``glossaryConfig {glossary, ignoreCase}``, ``labels``. Answer ``TranslateTextResponse``:
  ``translations[]`` without the glossary and, when a glossary was given,
  ``glossaryTranslations[]`` with it, each a ``Translation {translatedText, model,
  detectedLanguageCode, glossaryConfig}``; ``detectedLanguageCode`` only when no source was
  given, ``model`` only when one was requested. Glossaries need a non-global location, the same
  as the request's, or the answer is INVALID_ARGUMENT (400).
- cloud.google.com/translate/docs/reference/rest/v3/projects.locations.glossaries and its
  ``create``: ``POST /v3/{parent}/glossaries`` with a ``Glossary`` body (``name``,
  ``languagePair {sourceLanguageCode, targetLanguageCode}`` or ``languageCodesSet
  {languageCodes}``, ``inputConfig {gcsSource {inputUri}}``, ``displayName``) answers a
  long-running ``Operation {name, metadata (CreateGlossaryMetadata {name, state, submitTime}),
  done, response | error}``; ``GET /v3/{name=projects/*/locations/*/glossaries/*}``,
  ``GET .../glossaries`` (``{"glossaries": [...]}``), ``DELETE`` (an Operation too), and
  ``GET /v3/{name=projects/*/locations/*/operations/*}`` to poll. Glossary files are 2-column
  TSV/CSV without a header, or for equivalent term sets a CSV whose first row is language codes.
- cloud.google.com/apis/design/errors: errors are ``{"error": {"code", "message", "status"}}``
  with the canonical status for the HTTP code (400 INVALID_ARGUMENT, 401 UNAUTHENTICATED,
  403 PERMISSION_DENIED, 404 NOT_FOUND, 409 ALREADY_EXISTS, 429 RESOURCE_EXHAUSTED,
  500 INTERNAL, 503 UNAVAILABLE, 504 DEADLINE_EXCEEDED). Auth is ``Authorization: Bearer``.

The fake cannot read Cloud Storage, so a test puts the glossary file's text in
``fake.gcs_objects["gs://bucket/file.tsv"]`` first. ``glossary_build_polls`` is how many polls of
the operation it takes to finish (0: the create call answers ``done: true``).

Not in the docs, chosen here: translating with an unknown glossary answers 404, and without a
``sourceLanguageCode`` it answers 400; the 30,000-codepoint "recommendation" is enforced (400).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply
from tests.fakes._translate import Translator, fake_translate

__all__ = ["GoogleGlossary", "GoogleTranslateFake"]

_CANONICAL = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
    501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}  # fmt: skip

_DEFAULT_MESSAGES = {
    401: "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential.",
    403: "The caller does not have permission",
    429: "Quota exceeded for quota metric 'v3 general model characters' and limit 'v3 general "
    "model characters per minute per project'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request timed out.",
}

#: google.rpc.Code numbers, used in an Operation's ``error``.
_RPC_INVALID_ARGUMENT = 3
_RPC_NOT_FOUND = 5

_TYPE = "type.googleapis.com/google.cloud.translation.v3."

#: TranslateTextRequest fields, in their JSON (lowerCamel) and proto (snake) names alike, since
#: Google's JSON parser accepts both; any other name is an "Unknown name" error.
_FIELDS = {
    "contents": "contents", "mimeType": "mimeType", "mime_type": "mimeType",
    "sourceLanguageCode": "sourceLanguageCode", "source_language_code": "sourceLanguageCode",
    "targetLanguageCode": "targetLanguageCode", "target_language_code": "targetLanguageCode",
    "model": "model", "glossaryConfig": "glossaryConfig", "glossary_config": "glossaryConfig",
    "labels": "labels", "transliterationConfig": "transliterationConfig",
    "transliteration_config": "transliterationConfig",
}  # fmt: skip

_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")
_GLOSSARY_NAME = re.compile(r"projects/([^/]+)/locations/([^/]+)/glossaries/([^/]+)")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")[:-6] + "Z"


def _base(code: str) -> str:
    return code.split("-")[0].lower()


@dataclass
class GoogleGlossary:
    """A built glossary: its resource JSON, and its terms per language code."""

    resource: dict[str, Any]
    #: For a pair glossary, one row per entry: {source code: term, target code: term}.
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.resource["name"])

    def languages(self) -> list[str]:
        if "languagePair" in self.resource:
            pair = self.resource["languagePair"]
            return [pair["sourceLanguageCode"], pair["targetLanguageCode"]]
        return list(self.resource["languageCodesSet"]["languageCodes"])

    def serves(self, source: str, target: str) -> bool:
        codes = [_base(c) for c in self.languages()]
        if "languagePair" in self.resource:
            return codes == [_base(source), _base(target)]
        return _base(source) in codes and _base(target) in codes

    def entries(self, source: str, target: str) -> dict[str, str]:
        by_base = {_base(c): c for c in self.languages()}
        s, t = by_base[_base(source)], by_base[_base(target)]
        return {row[s]: row[t] for row in self.rows if row.get(s) and row.get(t)}


@dataclass
class _Operation:
    resource: dict[str, Any]
    remaining_polls: int
    #: Publishes the glossary, or records why it could not be built.
    finish: Callable[[], None]


class GoogleTranslateFake(FakeService):
    """Cloud Translation v3 on loopback, for one project, with an OAuth bearer token."""

    name = "google"

    def __init__(
        self,
        *,
        project: str = "test-project",
        token: str = "test-token",  # noqa: S107 - the fake's own credential
        detected_language_code: str = "en",
        max_codepoints: int = 30_000,
        max_contents: int = 1024,
        glossary_build_polls: int = 1,
        translator: Translator = fake_translate,
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        super().__init__(
            latency=latency, concurrency_limit=concurrency_limit, over_limit=over_limit
        )
        self.project = project
        self.token = token
        self.detected_language_code = detected_language_code
        self.max_codepoints = max_codepoints
        self.max_contents = max_contents
        self.glossary_build_polls = glossary_build_polls
        self.translator = translator
        #: Cloud Storage as the fake sees it: ``gs://`` URI → file text.
        self.gcs_objects: dict[str, str] = {}
        self.glossaries: dict[str, GoogleGlossary] = {}
        self.operations: dict[str, _Operation] = {}
        self._state = threading.Lock()
        self._ids = itertools.count(1)
        location = r"/v3/projects/(?P<project>[^/:]+)/locations/(?P<location>[^/:]+)"
        self.routes = [
            Route(
                "POST",
                re.compile(
                    r"/v3/projects/(?P<project>[^/:]+)(?:/locations/(?P<location>[^/:]+))?"
                    r":translateText"
                ),
                self._translate,
            ),
            Route("POST", re.compile(location + "/glossaries"), self._create_glossary),
            Route("GET", re.compile(location + "/glossaries"), self._list_glossaries),
            Route("GET", re.compile(location + r"/glossaries/(?P<id>[^/:]+)"), self._get_glossary),
            Route(
                "DELETE",
                re.compile(location + r"/glossaries/(?P<id>[^/:]+)"),
                self._delete_glossary,
            ),
            Route("GET", re.compile(location + r"/operations/(?P<id>[^/:]+)"), self._operation),
        ]

    # -- for tests ----------------------------------------------------------------------------

    def add_glossary(
        self,
        glossary_id: str,
        source: str,
        target: str,
        entries: Mapping[str, str],
        *,
        location: str = "us-central1",
    ) -> str:
        """Store a built pair glossary as if created through the API; returns its name."""
        name = f"projects/{self.project}/locations/{location}/glossaries/{glossary_id}"
        now = _now()
        resource = {
            "name": name,
            "languagePair": {"sourceLanguageCode": source, "targetLanguageCode": target},
            "inputConfig": {"gcsSource": {"inputUri": f"gs://fake/{glossary_id}.tsv"}},
            "entryCount": len(entries),
            "submitTime": now,
            "endTime": now,
        }
        rows = [{source: s, target: t} for s, t in entries.items()]
        with self._state:
            self.glossaries[name] = GoogleGlossary(resource, rows)
        return name

    # -- the service --------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        text = message or _DEFAULT_MESSAGES.get(status, f"HTTP {status}")
        return json_reply(
            status,
            {
                "error": {
                    "code": status,
                    "message": text,
                    "status": _CANONICAL.get(status, "UNKNOWN"),
                }
            },
        )

    def route(self, request: RecordedRequest) -> Reply:
        header = request.header("Authorization")
        if not header:
            return self.error_reply(
                401,
                "Request is missing required authentication credential. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
            )
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.token:
            return self.error_reply(401)
        project = re.match(r"/v3/projects/([^/:]+)", request.path)
        if project is not None and project.group(1) != self.project:
            return self.error_reply(
                403, f"Permission denied on resource project {project.group(1)}."
            )
        return super().route(request)

    def _translate(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        body = request.json_body
        if not request.is_json or not isinstance(body, dict):
            return self.error_reply(400, "Invalid JSON payload received.")
        unknown = [name for name in body if name not in _FIELDS]
        if unknown:
            return self.error_reply(
                400,
                f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.',
            )
        params = {_FIELDS[name]: value for name, value in body.items()}
        contents = params.get("contents")
        if not isinstance(contents, list) or not contents:
            return self.error_reply(400, "Required field contents is not set.")
        if not all(isinstance(c, str) for c in contents):
            return self.error_reply(400, "Invalid value at 'contents', expected strings.")
        if len(contents) > self.max_contents:
            return self.error_reply(400, f"Number of contents exceeds {self.max_contents}.")
        if sum(len(c) for c in contents) > self.max_codepoints:
            return self.error_reply(400, "Text is too long.")
        target = params.get("targetLanguageCode")
        if not isinstance(target, str) or not target:
            return self.error_reply(400, "Target language is required.")
        if not _LANGUAGE.fullmatch(target):
            return self.error_reply(400, "Target language is invalid.")
        source = params.get("sourceLanguageCode") or None
        if source is not None and (not isinstance(source, str) or not _LANGUAGE.fullmatch(source)):
            return self.error_reply(400, "Source language is invalid.")
        if source is not None and _base(source) == _base(target):
            return self.error_reply(400, "Target language can't be equal to source language.")
        mime_type = params.get("mimeType") or "text/html"
        if mime_type not in ("text/plain", "text/html"):
            return self.error_reply(400, f"Unsupported mime type: {mime_type}.")
        markup = mime_type == "text/html"

        glossary_config = params.get("glossaryConfig")
        glossary: GoogleGlossary | None = None
        ignore_case = False
        if glossary_config is not None:
            found = self._glossary_for(glossary_config, match["location"], source, target)
            if isinstance(found, Reply):
                return found
            glossary, ignore_case = found

        model = params.get("model")
        translations = []
        glossary_translations = []
        for text in contents:
            plain: dict[str, Any] = {
                "translatedText": self.translator(text, markup=markup, glossary={})
            }
            if source is None:
                plain["detectedLanguageCode"] = self.detected_language_code
            if model:
                plain["model"] = model
            translations.append(plain)
            if glossary is not None and source is not None:
                entries = glossary.entries(source, target)
                with_glossary = dict(plain)
                with_glossary["translatedText"] = self.translator(
                    text, markup=markup, glossary=entries, ignore_case=ignore_case
                )
                with_glossary["glossaryConfig"] = glossary_config
                glossary_translations.append(with_glossary)
        answer: dict[str, Any] = {"translations": translations}
        if glossary is not None:
            answer["glossaryTranslations"] = glossary_translations
        return json_reply(200, answer)

    def _glossary_for(
        self, config: Any, location: str | None, source: str | None, target: str
    ) -> tuple[GoogleGlossary, bool] | Reply:
        if not isinstance(config, dict) or not isinstance(config.get("glossary"), str):
            return self.error_reply(400, "glossaryConfig.glossary is required.")
        name = config["glossary"]
        parts = _GLOSSARY_NAME.fullmatch(name)
        if parts is None:
            return self.error_reply(400, f"Invalid glossary name: {name}.")
        if location in (None, "global") or parts.group(2) != location:
            return self.error_reply(
                400, "The glossary must be in the same non-global location as the request."
            )
        if source is None:
            return self.error_reply(400, "Source language is required when using a glossary.")
        glossary = self.glossaries.get(name)
        if glossary is None:
            return self.error_reply(404, f"Glossary not found: {name}.")
        if not glossary.serves(source, target):
            return self.error_reply(
                400, "The glossary's languages do not match the request's source and target."
            )
        return glossary, bool(config.get("ignoreCase", config.get("ignore_case", False)))

    def _create_glossary(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        body = request.json_body
        if not request.is_json or not isinstance(body, dict):
            return self.error_reply(400, "Invalid JSON payload received.")
        name = body.get("name")
        parts = _GLOSSARY_NAME.fullmatch(name) if isinstance(name, str) else None
        if parts is None or parts.group(1, 2) != (match["project"], match["location"]):
            return self.error_reply(
                400,
                "Glossary name must be projects/{project}/locations/{location}/"
                "glossaries/{glossary} under the request's parent.",
            )
        if match["location"] == "global":
            return self.error_reply(400, "Glossaries need a non-global location.")
        has_pair, has_set = "languagePair" in body, "languageCodesSet" in body
        if has_pair == has_set:
            return self.error_reply(
                400, "Exactly one of languagePair, languageCodesSet is required."
            )
        uri = ((body.get("inputConfig") or {}).get("gcsSource") or {}).get("inputUri")
        if not isinstance(uri, str) or not uri.startswith("gs://"):
            return self.error_reply(400, "inputConfig.gcsSource.inputUri is required.")
        with self._state:
            if name in self.glossaries or any(
                op.resource["metadata"]["name"] == name and not op.resource["done"]
                for op in self.operations.values()
            ):
                return self.error_reply(409, f"Glossary {name} already exists.")
            operation_name = (
                f"projects/{match['project']}/locations/{match['location']}/operations/"
                f"{next(self._ids)}"
            )
        submitted = _now()
        resource: dict[str, Any] = {
            "name": operation_name,
            "metadata": {
                "@type": _TYPE + "CreateGlossaryMetadata",
                "name": name,
                "state": "RUNNING",
                "submitTime": submitted,
            },
            "done": False,
        }
        glossary_resource = {
            key: body[key]
            for key in ("name", "languagePair", "languageCodesSet", "inputConfig", "displayName")
            if key in body
        }

        def finish() -> None:
            resource["done"] = True
            text = self.gcs_objects.get(uri)
            rows = None if text is None else _parse_glossary_file(text, uri, glossary_resource)
            if isinstance(rows, list):
                glossary_resource.update(entryCount=len(rows), submitTime=submitted, endTime=_now())
                self.glossaries[str(name)] = GoogleGlossary(glossary_resource, rows)
                resource["metadata"]["state"] = "SUCCEEDED"
                resource["response"] = {"@type": _TYPE + "Glossary", **glossary_resource}
            else:
                resource["metadata"]["state"] = "FAILED"
                resource["error"] = {
                    "code": _RPC_NOT_FOUND if text is None else _RPC_INVALID_ARGUMENT,
                    "message": f"Cannot read {uri}." if text is None else str(rows),
                }

        operation = _Operation(resource, self.glossary_build_polls, finish)
        with self._state:
            self.operations[operation_name] = operation
            if operation.remaining_polls <= 0:
                finish()
            return json_reply(200, dict(resource))

    def _operation(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        name = f"projects/{match['project']}/locations/{match['location']}/operations/{match['id']}"
        with self._state:
            operation = self.operations.get(name)
            if operation is None:
                return self.error_reply(404, f"Operation {name} not found.")
            if not operation.resource["done"]:
                operation.remaining_polls -= 1
                if operation.remaining_polls <= 0:
                    operation.finish()
            return json_reply(200, operation.resource)

    def _list_glossaries(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        prefix = f"projects/{match['project']}/locations/{match['location']}/glossaries/"
        found = [g.resource for n, g in self.glossaries.items() if n.startswith(prefix)]
        # Proto3 JSON leaves an empty repeated field out.
        return json_reply(200, {"glossaries": found} if found else {})

    def _get_glossary(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        name = f"projects/{match['project']}/locations/{match['location']}/glossaries/{match['id']}"
        glossary = self.glossaries.get(name)
        if glossary is None:
            return self.error_reply(404, f"Glossary {name} not found.")
        return json_reply(200, glossary.resource)

    def _delete_glossary(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        name = f"projects/{match['project']}/locations/{match['location']}/glossaries/{match['id']}"
        with self._state:
            if self.glossaries.pop(name, None) is None:
                return self.error_reply(404, f"Glossary {name} not found.")
            operation = (
                f"projects/{match['project']}/locations/{match['location']}/operations/"
                f"{next(self._ids)}"
            )
        now = _now()
        resource = {
            "name": operation,
            "metadata": {
                "@type": _TYPE + "DeleteGlossaryMetadata",
                "name": name,
                "state": "SUCCEEDED",
                "submitTime": now,
            },
            "done": True,
            "response": {
                "@type": _TYPE + "DeleteGlossaryResponse",
                "name": name,
                "submitTime": now,
                "endTime": now,
            },
        }
        with self._state:
            self.operations[operation] = _Operation(resource, 0, lambda: None)
        return json_reply(200, resource)


def _parse_glossary_file(
    text: str, uri: str, resource: Mapping[str, Any]
) -> list[dict[str, str]] | str:
    """The glossary's rows, or why the file cannot be used."""
    if "languagePair" in resource:
        pair = resource["languagePair"]
        codes = [pair.get("sourceLanguageCode"), pair.get("targetLanguageCode")]
        if not all(isinstance(c, str) and c for c in codes):
            return "languagePair needs sourceLanguageCode and targetLanguageCode."
        if uri.endswith(".tsv"):
            lines = [line.split("\t") for line in text.splitlines() if line.strip()]
        elif uri.endswith(".csv"):
            lines = [row for row in csv.reader(io.StringIO(text)) if row]
        else:
            return f"Unsupported glossary file format: {uri}."
        rows = []
        for number, fields in enumerate(lines, start=1):
            if len(fields) < 2 or not fields[0] or not fields[1]:
                return f"Line {number} of {uri} does not have two columns."
            rows.append({codes[0]: fields[0], codes[1]: fields[1]})
        return rows
    if not uri.endswith(".csv"):
        return "An equivalent term set glossary must be a CSV file."
    table = [row for row in csv.reader(io.StringIO(text)) if row]
    if len(table) < 2:
        return f"{uri} has no terms under its header of language codes."
    header = table[0]
    return [dict(zip(header, row, strict=False)) for row in table[1:]]
