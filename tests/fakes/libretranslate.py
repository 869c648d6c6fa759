"""A local fake of a LibreTranslate server: ``POST /translate`` and ``GET /languages``.

Followed: docs.libretranslate.com/guides/api_usage (request and response examples), and the
API specification the server publishes, i.e. the Swagger docstrings of ``translate()`` and
``langs()`` in ``libretranslate/app.py`` (github.com/LibreTranslate/LibreTranslate), with the
error handlers and the API-key check beside them:

- ``POST /translate``, JSON or form-encoded: ``q`` a string or a list of strings (a list only
  in JSON; the form takes one value), ``source`` (a code or ``auto``, required), ``target``
  (required), ``format`` ``text`` (default) or ``html``, ``alternatives`` (integer),
  ``api_key``. Answer ``{"translatedText": str | list}``, plus ``detectedLanguage
  {"confidence", "language"}`` (a list of them for a list ``q``) when ``source`` is ``auto``,
  and ``alternatives`` when asked for.
- ``GET /languages``: ``[{"code", "name", "targets": [...]}]``.
- Errors are ``{"error": "..."}``: 400 invalid request (missing parameter, unsupported language
  or format, text over the server's character limit), 403 banned or ``Invalid API key``,
  429 ``Slowdown: ...``, 500 ``Cannot translate text: ...``.

How keys work there, and here: with ``api_keys`` set, a request carrying a key that is not one
of them is refused with 403 ``Invalid API key``. A request with *no* key is served (with lower
limits) unless the server requires keys, in which case the answer is 400 (not 403) telling the
user where to get one; ``require_api_key=True`` reproduces that. LibreTranslate sends no
``Retry-After`` with its 429 (Flask-Limiter's headers are off), so it appears only when injected.
LibreTranslate has no glossary API; ``glossary`` here is a fake-only stand-in for a model that
happens to know the terms, empty by default.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, Literal

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply
from tests.fakes._translate import Translator, fake_translate

__all__ = ["LibreTranslateFake"]

DEFAULT_LANGUAGES = {
    "en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "pt": "Portuguese", "ru": "Russian", "zh": "Chinese",
}  # fmt: skip

_DEFAULT_MESSAGES = {
    400: "Invalid request",
    403: "Too many request limits violations",
    429: "Slowdown: 20 per 1 minute",
    500: "Cannot translate text: internal error",
}


class LibreTranslateFake(FakeService):
    """A LibreTranslate server on loopback; keys are optional, as on a self-hosted one."""

    name = "libretranslate"

    def __init__(
        self,
        *,
        api_keys: Collection[str] = (),
        require_api_key: bool = False,
        languages: Mapping[str, str] = DEFAULT_LANGUAGES,
        char_limit: int | None = None,
        batch_limit: int | None = None,
        detected_language: str = "en",
        glossary: Mapping[str, str] | None = None,
        translator: Translator = fake_translate,
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        super().__init__(
            latency=latency, concurrency_limit=concurrency_limit, over_limit=over_limit
        )
        self.api_keys = set(api_keys)
        self.require_api_key = require_api_key
        self.languages = dict(languages)
        self.char_limit = char_limit
        self.batch_limit = batch_limit
        self.detected_language = detected_language
        self.glossary = dict(glossary or {})
        self.translator = translator
        self.routes = [
            Route("POST", re.compile("/translate"), self._translate),
            Route("GET", re.compile("/languages"), self._languages),
        ]

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        text = message or _DEFAULT_MESSAGES.get(status, f"HTTP {status}")
        if status == 429 and message is not None and not message.startswith("Slowdown:"):
            text = f"Slowdown: {message}"
        return json_reply(status, {"error": text})

    def _translate(self, request: RecordedRequest, _: object) -> Reply:
        if request.is_json:
            body = request.json_body
            if not isinstance(body, dict):
                return self.error_reply(400, "Invalid JSON format")
            params: dict[str, Any] = dict(body)
        else:
            form = request.form or {}
            params = {name: values[0] for name, values in form.items()}
            if isinstance(params.get("q"), str):
                # The server normalises form-encoded line endings to LF.
                params["q"] = "\n".join(params["q"].splitlines())

        refused = self._check_key(params.get("api_key"))
        if refused is not None:
            return refused
        q = params.get("q")
        if not q:
            return self.error_reply(400, "Invalid request: missing q parameter")
        if not (isinstance(q, str) or (isinstance(q, list) and all(isinstance(t, str) for t in q))):
            return self.error_reply(400, "Invalid request: q must be a string or a list of strings")
        source, target = params.get("source"), params.get("target")
        if not source:
            return self.error_reply(400, "Invalid request: missing source parameter")
        if not target:
            return self.error_reply(400, "Invalid request: missing target parameter")
        try:
            alternatives = max(0, int(params.get("alternatives") or 0))
        except (TypeError, ValueError):
            return self.error_reply(400, "Invalid request: alternatives parameter is not a number")
        texts = q if isinstance(q, list) else [q]
        if self.batch_limit is not None and isinstance(q, list) and len(q) > self.batch_limit:
            return self.error_reply(
                400,
                f"Invalid request: request ({len(q)}) exceeds text limit ({self.batch_limit})",
            )
        if self.char_limit is not None:
            for text in texts:
                if len(text) > self.char_limit:
                    return self.error_reply(
                        400,
                        f"Invalid request: request ({len(text)}) exceeds text limit "
                        f"({self.char_limit})",
                    )
        if source != "auto" and source not in self.languages:
            return self.error_reply(400, f"{source} is not supported")
        if target not in self.languages:
            return self.error_reply(400, f"{target} is not supported")
        text_format = params.get("format") or "text"
        if text_format not in ("text", "html"):
            return self.error_reply(400, f"{text_format} format is not supported")

        markup = text_format == "html"
        translated = [self.translator(t, markup=markup, glossary=self.glossary) for t in texts]
        detected = {"confidence": 90.0, "language": self.detected_language}
        answer: dict[str, Any]
        if isinstance(q, list):
            answer = {"translatedText": translated}
            if source == "auto":
                answer["detectedLanguage"] = [detected] * len(q)
            if alternatives:
                answer["alternatives"] = [[] for _ in q]
        else:
            answer = {"translatedText": translated[0]}
            if source == "auto":
                answer["detectedLanguage"] = detected
            if alternatives:
                answer["alternatives"] = []
        return json_reply(200, answer)

    def _check_key(self, key: object) -> Reply | None:
        if key and self.api_keys and key not in self.api_keys:
            return self.error_reply(403, "Invalid API key")
        if not key and self.require_api_key:
            return self.error_reply(400, "Please contact the server operator to get an API key")
        return None

    def _languages(self, request: RecordedRequest, _: object) -> Reply:
        return json_reply(
            200,
            [
                {"code": code, "name": name, "targets": [c for c in self.languages if c != code]}
                for code, name in self.languages.items()
            ],
        )
