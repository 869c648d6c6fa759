"""A local fake of an OpenAI-compatible chat endpoint (OpenAI, llama.cpp server, Ollama, vLLM).

Followed: OpenAI's OpenAPI file (github.com/openai/openai-openapi, ``openapi.yaml``), which is
what platform.openai.com/docs/api-reference renders, and these pages:

- ``POST /v1/chat/completions`` (``CreateChatCompletionRequest``): ``model`` and ``messages``
  required; a message's ``content`` is a string or an array of parts (``{"type": "text",
  "text"}``); ``temperature``; ``response_format`` ``{"type": "text" | "json_object" |
  "json_schema", "json_schema": {"name", "schema", "strict"}}``. Answer
  ``CreateChatCompletionResponse``: ``id``, ``object: "chat.completion"``, ``created``,
  ``model``, ``choices[{index, message {role, content, refusal}, logprobs, finish_reason}]``
  (``finish_reason`` ``stop``, or ``length`` when cut off), ``usage {prompt_tokens,
  completion_tokens, total_tokens}``.
- ``GET /v1/models`` (``ListModelsResponse``): ``{"object": "list", "data": [{"id", "object":
  "model", "created", "owned_by"}]}``.
- Errors (``ErrorResponse``): ``{"error": {"message", "type", "param", "code"}}`` with ``code``
  a string or null; developers.openai.com/docs/guides/error-codes for the statuses: 401 invalid
  authentication or incorrect API key, 429 rate limit or quota, 500 server error, 503 overloaded.
- llama.cpp ``tools/server/README.md`` (github.com/ggml-org/llama.cpp): the server speaks the
  same routes (also without ``/v1``), and its errors are "in the same format as OAI" but with
  an integer ``code`` and no ``param``: ``{"error": {"code": 401, "message": "Invalid API Key",
  "type": "authentication_error"}}``, ``{"error": {"code": 503, "message": "Loading model",
  "type": "unavailable_error"}}``. ``dialect="llama.cpp"`` answers errors that way.
- docs.ollama.com/api/openai-compatibility: the same request fields; the key is "required but
  ignored" (``api_key=None`` here: no ``Authorization`` needed).

What the "model" says is up to the test: ``responder`` is a callable from the request body to
the reply's ``content``. The default one finds the JSON array of segments in the last user
message and answers ``{"translations": [...]}`` (or, with a ``json_schema`` response format
whose schema has one array property, that property's name), each segment "translated" by
``fake_translate`` with its inline HTML kept. ``fake.misbehave(...)`` scripts, one completion
each, the ways a real model goes wrong: a preamble, a Markdown code fence, a segment dropped or
added, prose instead of JSON, an answer cut off at ``max_tokens``.
"""

from __future__ import annotations

import enum
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply
from tests.fakes._translate import Translator, fake_translate

__all__ = [
    "CannotAnswer",
    "Misbehaviour",
    "OpenAIFake",
    "Responder",
    "find_segments",
    "last_user_text",
    "message_text",
    "translation_responder",
]

#: From the request body (parsed JSON) to the assistant message's ``content``.
Responder = Callable[[dict[str, Any]], str]


class CannotAnswer(Exception):
    """A responder cannot make sense of the request: the fake answers 400 with this message."""


class Misbehaviour(enum.Enum):
    """The ways a real model fails a "return JSON" instruction."""

    PREAMBLE = "preamble"  # "Here is the translation:" before the JSON
    CODE_FENCE = "code_fence"  # the JSON inside a ```json fence
    DROP_SEGMENT = "drop_segment"  # one translation fewer than segments sent
    EXTRA_SEGMENT = "extra_segment"  # one translation more
    NOT_JSON = "not_json"  # prose, no JSON at all
    TRUNCATED = "truncated"  # cut off half-way, finish_reason "length"


PREAMBLE = "Here is the translation:\n\n"

_OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: (
        "invalid_request_error",
        "invalid_api_key",
        "Incorrect API key provided. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
    ),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported",
    ),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: (
        "requests",
        "rate_limit_exceeded",
        "Rate limit reached for requests. Please try again in 1s.",
    ),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}

_LLAMA_CPP_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    500: "server_error",
    501: "not_supported_error",
    503: "unavailable_error",
}


def message_text(message: Any) -> str:
    """A message's text: its ``content`` string, or its text parts joined."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def last_user_text(request: Mapping[str, Any]) -> str:
    """The text of the last ``user`` message, or ``""``."""
    for message in reversed(request.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message)
    return ""


def find_segments(text: str) -> list[str] | None:
    """The last JSON array of strings in ``text`` (the segments a prompt carries), or None."""
    decoder = json.JSONDecoder()
    found: list[str] | None = None
    position = text.find("[")
    while position != -1:
        try:
            value, end = decoder.raw_decode(text, position)
        except ValueError:
            position = text.find("[", position + 1)
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            found = value
            position = text.find("[", end)
        else:
            position = text.find("[", position + 1)
    return found


def _result_key(response_format: Any) -> str:
    """``translations``, unless a JSON schema names a single array property otherwise."""
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(properties, dict):
            arrays = [
                name
                for name, spec in properties.items()
                if isinstance(spec, dict) and spec.get("type") == "array"
            ]
            if len(arrays) == 1:
                return str(arrays[0])
    return "translations"


def translation_responder(
    translator: Translator = fake_translate, glossary: Mapping[str, str] | None = None
) -> Responder:
    """The default model: translate the segments of the last user message, answer JSON."""
    terms = dict(glossary or {})

    def respond(request: dict[str, Any]) -> str:
        segments = find_segments(last_user_text(request))
        if segments is None:
            raise CannotAnswer(
                "the fake found no JSON array of segments in the last user message; "
                "give OpenAIFake a responder for this prompt"
            )
        translations = [translator(s, markup=True, glossary=terms) for s in segments]
        key = _result_key(request.get("response_format"))
        return json.dumps({key: translations}, ensure_ascii=False)

    return respond


def _words(text: str) -> int:
    return len(text.split())


class OpenAIFake(FakeService):
    """An OpenAI-compatible chat server on loopback; the "model" is ``responder``."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str | None = "test-key",
        models: Iterable[str] = ("fake-model",),
        strict_models: bool = False,
        responder: Responder | None = None,
        glossary: Mapping[str, str] | None = None,
        dialect: Literal["openai", "llama.cpp"] = "openai",
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        super().__init__(
            latency=latency, concurrency_limit=concurrency_limit, over_limit=over_limit
        )
        self.api_key = api_key
        self.models = list(models)
        self.strict_models = strict_models
        self.responder = responder or translation_responder(glossary=glossary)
        self.dialect = dialect
        self._misbehaviours: list[Misbehaviour | Callable[[str], str]] = []
        self._state = threading.Lock()
        self._ids = itertools.count(1)
        self.routes = [
            Route("POST", re.compile(r"(?:/v1)?/chat/completions"), self._chat),
            Route("GET", re.compile(r"(?:/v1)?/models"), self._list_models),
            Route("GET", re.compile(r"(?:/v1)?/models/(?P<id>.+)"), self._get_model),
        ]

    # -- for tests ----------------------------------------------------------------------------

    def misbehave(self, *misbehaviours: Misbehaviour | Callable[[str], str]) -> None:
        """Queue content misbehaviours, each used by one successful completion, in order."""
        with self._state:
            self._misbehaviours.extend(misbehaviours)

    @property
    def completions(self) -> list[dict[str, Any]]:
        """The bodies of the chat completion requests received, parsed."""
        return [
            r.json_body
            for r in self.requests_to(r"/chat/completions$", "POST")
            if isinstance(r.json_body, dict)
        ]

    # -- the service --------------------------------------------------------------------------

    def error_reply(self, status: int, message: str | None = None) -> Reply:
        if self.dialect == "llama.cpp":
            default = "Invalid API Key" if status == 401 else f"HTTP {status}"
            error: dict[str, Any] = {
                "code": status,
                "message": message or ("Loading model" if status == 503 else default),
                "type": _LLAMA_CPP_TYPES.get(status, "server_error"),
            }
        else:
            kind, code, default = _OPENAI_ERRORS.get(
                status, ("server_error", None, f"HTTP {status}")
            )
            error = {"message": message or default, "type": kind, "param": None, "code": code}
        return json_reply(status, {"error": error})

    def route(self, request: RecordedRequest) -> Reply:
        if self.api_key is not None:
            scheme, _, key = (request.header("Authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or key.strip() != self.api_key:
                return self.error_reply(401)
        return super().route(request)

    def _chat(self, request: RecordedRequest, _: object) -> Reply:
        body = request.json_body
        if not request.is_json or not isinstance(body, dict):
            return self.error_reply(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            return self.error_reply(400, "you must provide a model parameter")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return self.error_reply(400, "'messages' is a required property")
        if self.strict_models and model not in self.models:
            return self.error_reply(
                404, f"The model `{model}` does not exist or you do not have access to it."
            )
        if body.get("stream"):
            return self.error_reply(400, "the fake does not stream; send stream: false")
        try:
            content = self.responder(body)
            with self._state:
                misbehaviour = self._misbehaviours.pop(0) if self._misbehaviours else None
            content, finish_reason = _misbehave(content, misbehaviour)
        except CannotAnswer as exc:
            return self.error_reply(400, str(exc))
        # Tokens are counted as words: enough for a test to see usage add up.
        prompt_tokens = sum(_words(message_text(m)) for m in messages)
        completion_tokens = _words(content)
        return json_reply(
            200,
            {
                "id": f"chatcmpl-fake{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
                "system_fingerprint": "fp_fake",
            },
        )

    def _list_models(self, request: RecordedRequest, _: object) -> Reply:
        return json_reply(200, {"object": "list", "data": [_model(m) for m in self.models]})

    def _get_model(self, request: RecordedRequest, match: re.Match[str]) -> Reply:
        if match["id"] not in self.models:
            return self.error_reply(
                404, f"The model `{match['id']}` does not exist or you do not have access to it."
            )
        return json_reply(200, _model(match["id"]))


def _model(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 1_700_000_000, "owned_by": "fake"}


def _misbehave(
    content: str, misbehaviour: Misbehaviour | Callable[[str], str] | None
) -> tuple[str, str]:
    """The content after ``misbehaviour``, and the finish reason that goes with it."""
    if misbehaviour is None:
        return content, "stop"
    if not isinstance(misbehaviour, Misbehaviour):
        return misbehaviour(content), "stop"
    if misbehaviour is Misbehaviour.PREAMBLE:
        return PREAMBLE + content, "stop"
    if misbehaviour is Misbehaviour.CODE_FENCE:
        return f"```json\n{content}\n```", "stop"
    if misbehaviour is Misbehaviour.NOT_JSON:
        return "I'm sorry, but I can only translate one paragraph at a time.", "stop"
    if misbehaviour is Misbehaviour.TRUNCATED:
        return content[: len(content) // 2], "length"
    try:
        answer = json.loads(content)
    except ValueError:
        answer = None
    lists = (
        [key for key, value in answer.items() if isinstance(value, list)]
        if isinstance(answer, dict)
        else []
    )
    if not isinstance(answer, dict) or len(lists) != 1:
        raise CannotAnswer(f"{misbehaviour.value} needs a JSON object with one list in it")
    items = answer[lists[0]]
    if misbehaviour is Misbehaviour.DROP_SEGMENT:
        answer[lists[0]] = items[:-1]
    else:
        answer[lists[0]] = [*items, "AN EXTRA SEGMENT NOBODY ASKED FOR"]
    return json.dumps(answer, ensure_ascii=False), "stop"
