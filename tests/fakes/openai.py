"""A local fake of an OpenAI-compatible chat endpoint (OpenAI, llama.cpp server, Ollama, vLLM).

Followed: OpenAI's OpenAPI file (github.com/openai/openai-openapi, ``openapi.yaml``), which is
what platform.openai.com/docs/api-reference renders, and these pages:

- ``POST /v1/chat/completions`` (``CreateChatCompletionRequest``): ``model`` and ``messages``
  required; a message's ``content`` is a string or an array of parts (``{"type": "text",
  "text"}``); ``temperature``; ``max_tokens`` (``max_completion_tokens`` in newer models);
  ``response_format`` ``{"type": "text" | "json_object" | "json_schema", "json_schema":
  {"name", "schema", "strict"}}``. Answer ``CreateChatCompletionResponse``: ``id``,
  ``object: "chat.completion"``, ``created``, ``model``, ``choices[{index, message {role,
  content, refusal}, logprobs, finish_reason}]`` (``finish_reason`` ``stop``, or ``length``
  when cut off at ``max_tokens``), ``usage {prompt_tokens, completion_tokens, total_tokens}``.
- The Structured Outputs guide: with ``"strict": true`` every object of the schema must list
  all its properties as ``required`` and set ``additionalProperties: false``, or the request
  is refused with 400; a model that does not support a ``response_format`` type refuses it
  with 400 (``Invalid parameter: 'response_format' of type ...``).
- ``GET /v1/models`` (``ListModelsResponse``): ``{"object": "list", "data": [{"id", "object":
  "model", "created", "owned_by"}]}``.
- Errors (``ErrorResponse``): ``{"error": {"message", "type", "param", "code"}}`` with ``code``
  a string or null; developers.openai.com/docs/guides/error-codes for the statuses: 401 invalid
  authentication or incorrect API key, 429 rate limit or quota, 500 server error, 503 overloaded.
- llama.cpp ``tools/server/README.md`` (github.com/ggml-org/llama.cpp): the server speaks the
  same routes (also without ``/v1``), and its errors are "in the same format as OAI" but with
  an integer ``code`` and no ``param``: ``{"error": {"code": 401, "message": "Invalid API Key",
  "type": "authentication_error"}}``, ``{"error": {"code": 503, "message": "Loading model",
  "type": "unavailable_error"}}``. ``dialect="llama.cpp"`` answers errors that way. llama.cpp
  and llama-cpp-python also take ``{"type": "json_object", "schema": {...}}`` and constrain
  the answer to the schema by a grammar.
- llama-cpp-python's server (``llama_cpp/server``, FastAPI): its request model knows only the
  ``"text"`` and ``"json_object"`` types, so the ``json_schema`` form is refused: by FastAPI's
  validation, 422 ``{"detail": [{"type", "loc": ["body", "response_format", ...], "msg",
  "input"}]}``; by version 0.3.36 as run here, whose route handler (``errors.py``) catches the
  validation error, 500 ``{"error": {"message": "1 validation error: ...", "type":
  "internal_server_error"}}``. ``OpenAIFake(response_formats={"text", "json_object",
  "json_object_schema"}, format_refusal=500)`` answers as that server does (422 as FastAPI
  would).
- docs.ollama.com/api/openai-compatibility: the same request fields; the key is "required but
  ignored" (``api_key=None`` here: no ``Authorization`` needed).

What the "model" says is up to the test: ``responder`` is a callable from the request body to
the reply's ``content``. The default one finds the JSON array of segments in the last user
message and answers ``{"translations": [...]}`` (or, with a schema whose object has one array
property, that property's name), each segment "translated" by ``fake_translate`` with its inline
HTML kept — into Japanese (the system message says "into Japanese"), each upper-case letter then
becomes a katakana (``japanese_translate``), so that the answer is in Japanese script as a real
one is.

The engine may also ask for numbered lines (``1. …`` per paragraph). The fake carries that
protocol for every responder: the responder sees the request as the JSON protocol would send it
(the segments as a JSON array in the last user message, no ``response_format``), and an answer
``{"translations": [...]}`` goes back as numbered lines; any other answer goes back as it is. So
a responder written for JSON models a model under both protocols.

A completion longer than ``max_tokens`` (or ``context_tokens`` when the request sets none) is cut
there with ``finish_reason: "length"``. Tokens are counted as words, each CJK character one.

``fake.misbehave(...)`` scripts, one completion each (of one protocol, with ``protocol=``), the
ways a real model goes wrong: a preamble, a Markdown code fence, a segment dropped or added,
prose instead of JSON, an answer cut off half-way, the source echoed, another language, an
answer that rambles on or runs away until ``max_tokens`` cuts it, JSON with Python's quotes,
numbered lines when JSON was asked for. ``limit_field="max_completion_tokens"`` refuses
``max_tokens`` as OpenAI's reasoning models do; ``fake.usages`` lists each answer's ``usage``.
"""

from __future__ import annotations

import enum
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Literal

from tests.fakes._server import FakeService, RecordedRequest, Reply, Route, json_reply
from tests.fakes._translate import Translator, fake_translate

__all__ = [
    "CannotAnswer",
    "Misbehaviour",
    "OpenAIFake",
    "Responder",
    "find_numbered",
    "find_segments",
    "japanese_translate",
    "last_user_text",
    "message_text",
    "translation_responder",
]

#: From the request body (parsed JSON) to the assistant message's ``content``.
Responder = Callable[[dict[str, Any]], str]
#: The two shapes the engine asks in: a JSON array of segments, or numbered lines.
Protocol = Literal["json", "numbered"]
#: The ``response_format`` forms a server may take; ``json_object_schema`` is llama.cpp's
#: ``{"type": "json_object", "schema": {...}}``.
FORMATS = frozenset({"text", "json_object", "json_object_schema", "json_schema"})


class CannotAnswer(Exception):
    """A responder cannot make sense of the request: the fake answers 400 with this message."""


class Misbehaviour(enum.Enum):
    """The ways a real model fails a "return JSON" (or "return numbered lines") instruction."""

    PREAMBLE = "preamble"  # "Here is the translation:" before the answer
    CODE_FENCE = "code_fence"  # the answer inside a ``` fence
    DROP_SEGMENT = "drop_segment"  # one translation fewer than segments sent
    EXTRA_SEGMENT = "extra_segment"  # one translation more
    NOT_JSON = "not_json"  # prose, no JSON at all
    TRUNCATED = "truncated"  # cut off half-way, finish_reason "length"
    ECHO = "echo"  # every segment sent back untranslated
    WRONG_LANGUAGE = "wrong_language"  # every translation in German
    RAMBLING = "rambling"  # every translation said three times, then more
    RUNAWAY = "runaway"  # the first translation repeated until the token limit cuts it
    BROKEN_JSON = "broken_json"  # {'translations': [...]}: Python's quotes, not JSON's
    NUMBERED = "numbered"  # numbered lines, whatever was asked for


PREAMBLE = "Here is the translation:\n\n"
GERMAN = "Das ist eine ganz andere Sprache als die, in die übersetzt werden sollte."
RAMBLE = (
    "AND THAT IS NOT ALL, BECAUSE THE STORY GOES ON AND ON, WITH MORE AND MORE WORDS THAT "
    "NOBODY ASKED FOR, UNTIL THE MODEL FORGETS WHAT IT WAS ASKED TO DO IN THE FIRST PLACE."
)
_PROSE = "I'm sorry, but I can only translate one paragraph at a time."

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

#: One token: a CJK character, or a run of anything else up to white space or CJK.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_NUMBERED_LINE = re.compile(r"^(\d+)\. (.*)$")
#: What ``japanese_translate`` leaves as it is: tags, character references, URLs, e-mail.
_KEPT = re.compile(
    r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
    r"|(?:https?://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.I,
)
_KATAKANA = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "アブクドエフグハイジカルムンオプクルストウヴワクヤズ"
)


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


def _system_text(request: Mapping[str, Any]) -> str:
    return "\n".join(
        message_text(m)
        for m in request.get("messages") or []
        if isinstance(m, dict) and m.get("role") == "system"
    )


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


def find_numbered(text: str) -> list[str] | None:
    """The segments of a numbered-lines prompt (``1. …`` to ``n. …``, nothing else), or None."""
    segments: list[str] = []
    for line in text.strip().splitlines():
        match = _NUMBERED_LINE.match(line)
        if match is None or int(match.group(1)) != len(segments) + 1:
            return None
        segments.append(match.group(2))
    return segments or None


def japanese_translate(
    text: str,
    *,
    markup: bool = False,
    glossary: Mapping[str, str] | None = None,
    ignore_case: bool = False,
) -> str:
    """``fake_translate``, then each upper-case letter outside tags, URLs and addresses as a
    katakana: predictable, and in Japanese script (``Plain.`` → ``プルアイン.``)."""
    upper = fake_translate(text, markup=markup, glossary=glossary, ignore_case=ignore_case)
    out: list[str] = []
    position = 0
    for match in _KEPT.finditer(upper):
        out.append(upper[position : match.start()].translate(_KATAKANA))
        out.append(match.group())
        position = match.end()
    out.append(upper[position:].translate(_KATAKANA))
    return "".join(out)


def _result_key(response_format: Any) -> str:
    """``translations``, unless a JSON schema names a single array property otherwise."""
    schema: Any = None
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
    elif isinstance(response_format, dict) and response_format.get("type") == "json_object":
        schema = response_format.get("schema")
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
    translator: Translator | None = None, glossary: Mapping[str, str] | None = None
) -> Responder:
    """The default model: translate the segments of the last user message, answer JSON.

    Without a ``translator``, segments are upper-cased, and into Japanese (as the system
    message asks) written in katakana besides."""
    terms = dict(glossary or {})

    def respond(request: dict[str, Any]) -> str:
        segments = find_segments(last_user_text(request))
        if segments is None:
            raise CannotAnswer(
                "the fake found no JSON array of segments in the last user message; "
                "give OpenAIFake a responder for this prompt"
            )
        chosen = translator
        if chosen is None:
            japanese = re.search(r"\binto Japanese\b", _system_text(request))
            chosen = japanese_translate if japanese else fake_translate
        translations = [chosen(s, markup=True, glossary=terms) for s in segments]
        key = _result_key(request.get("response_format"))
        return json.dumps({key: translations}, ensure_ascii=False)

    return respond


def _tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def _cut(text: str, tokens: int) -> str:
    """``text`` up to the end of its ``tokens``-th token."""
    if tokens <= 0:
        return ""
    for count, match in enumerate(_TOKEN.finditer(text), 1):
        if count == tokens:
            return text[: match.end()]
    return text


def _numbered(translations: list[str]) -> str:
    return "\n".join(f"{n}. {t}" for n, t in enumerate(translations, 1))


def _strict_schema_problem(schema: Any, where: str = "()") -> str | None:
    """Why OpenAI's strict mode refuses ``schema``, or None."""
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "object":
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return (
                f"In context={where}, 'additionalProperties' is required to be supplied and"
                " to be false."
            )
        missing = sorted(set(properties) - set(schema.get("required") or []))
        if missing:
            return (
                f"In context={where}, 'required' is required to be supplied and to be an"
                f" array including every key in properties. Missing {missing[0]!r}."
            )
        for name, spec in properties.items():
            if problem := _strict_schema_problem(spec, f"{where[:-1]}'properties', {name!r})"):
                return problem
    if schema.get("type") == "array":
        return _strict_schema_problem(schema.get("items"), f"{where[:-1]}'items')")
    return None


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
        response_formats: Collection[str] = FORMATS,
        format_refusal: Literal[400, 422, 500] = 400,
        limit_field: Literal["max_tokens", "max_completion_tokens"] = "max_tokens",
        context_tokens: int = 8192,
        latency: float = 0.0,
        concurrency_limit: int | None = None,
        over_limit: Literal["queue", "reject"] = "queue",
    ) -> None:
        super().__init__(
            latency=latency, concurrency_limit=concurrency_limit, over_limit=over_limit
        )
        unknown = set(response_formats) - FORMATS
        if unknown:
            raise ValueError(f"unknown response_format forms {sorted(unknown)}; see FORMATS")
        self.api_key = api_key
        self.models = list(models)
        self.strict_models = strict_models
        self.responder = responder or translation_responder(glossary=glossary)
        self.dialect = dialect
        self.response_formats = frozenset(response_formats)
        self.format_refusal = format_refusal
        self.limit_field = limit_field
        self._usages: list[dict[str, int]] = []
        self.context_tokens = context_tokens
        self._misbehaviours: list[tuple[Misbehaviour | Callable[[str], str], Protocol | None]] = []
        self._state = threading.Lock()
        self._ids = itertools.count(1)
        self.routes = [
            Route("POST", re.compile(r"(?:/v1)?/chat/completions"), self._chat),
            Route("GET", re.compile(r"(?:/v1)?/models"), self._list_models),
            Route("GET", re.compile(r"(?:/v1)?/models/(?P<id>.+)"), self._get_model),
        ]

    # -- for tests ----------------------------------------------------------------------------

    def misbehave(
        self, *misbehaviours: Misbehaviour | Callable[[str], str], protocol: Protocol | None = None
    ) -> None:
        """Queue content misbehaviours, each used by one successful completion, in order; with
        ``protocol``, only by completions asked in that protocol."""
        with self._state:
            self._misbehaviours.extend((m, protocol) for m in misbehaviours)

    @property
    def pending_misbehaviours(self) -> int:
        """How many queued misbehaviours no completion has used yet."""
        with self._state:
            return len(self._misbehaviours)

    def reset(self) -> None:
        """Forget requests, faults, errors and usages; keep the state and the script."""
        super().reset()
        with self._state:
            self._usages.clear()

    @property
    def usages(self) -> list[dict[str, int]]:
        """The ``usage`` of every completion answered, in order."""
        with self._state:
            return list(self._usages)

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

    def _format_refused(self, response_format: Any) -> Reply | None:
        """The server's refusal of ``response_format``, or None when it takes it."""
        if response_format is None:
            return None
        kind = response_format.get("type") if isinstance(response_format, dict) else None
        form = (
            "json_object_schema" if kind == "json_object" and "schema" in response_format else kind
        )
        if form in self.response_formats:
            if form == "json_schema":
                spec = response_format.get("json_schema") or {}
                if spec.get("strict") and (problem := _strict_schema_problem(spec.get("schema"))):
                    name = spec.get("name", "")
                    return self.error_reply(
                        400, f"Invalid schema for response_format {name!r}: {problem}"
                    )
            return None
        allowed = " or ".join(
            f"'{f}'" for f in ("text", "json_object") if f in self.response_formats
        )
        if self.format_refusal == 422:
            return json_reply(
                422,
                {
                    "detail": [
                        {
                            "type": "literal_error",
                            "loc": ["body", "response_format", "type"],
                            "msg": f"Input should be {allowed}",
                            "input": kind,
                        }
                    ]
                },
            )
        if self.format_refusal == 500:
            # llama-cpp-python 0.3's route handler catches the validation error and answers
            # it as its own failure.
            detail = (
                "1 validation error:\n  {'type': 'literal_error', 'loc': ('body',"
                f" 'response_format', 'type'), 'msg': \"Input should be {allowed}\","
                f" 'input': '{kind}'}}"
            )
            return json_reply(
                500,
                {
                    "error": {
                        "message": detail,
                        "type": "internal_server_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
        if form == "json_object_schema":
            return self.error_reply(
                400, "Unrecognized request argument supplied: response_format.schema"
            )
        return self.error_reply(
            400, f"Invalid parameter: 'response_format' of type '{kind}' is not supported with"
            " this model."
        )  # fmt: skip

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
        if (refused := self._format_refused(body.get("response_format"))) is not None:
            return refused
        if self.limit_field == "max_completion_tokens" and "max_tokens" in body:
            return self.error_reply(
                400, "Unsupported parameter: 'max_tokens' is not supported with this model."
                " Use 'max_completion_tokens' instead."
            )  # fmt: skip
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            return self.error_reply(400, "max_tokens must be at least 1")
        try:
            content, finish_reason = self._complete(body)
        except CannotAnswer as exc:
            return self.error_reply(400, str(exc))
        # Tokens are counted as words (each CJK character one): enough for a test to see
        # usage add up, and for max_tokens to cut.
        prompt_tokens = sum(_tokens(message_text(m)) for m in messages)
        cap = limit if isinstance(limit, int) else max(self.context_tokens - prompt_tokens, 0)
        if _tokens(content) > cap:
            content, finish_reason = _cut(content, cap), "length"
        completion_tokens = _tokens(content)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        with self._state:
            self._usages.append(usage)
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
                "usage": usage,
                "system_fingerprint": "fp_fake",
            },
        )

    def _complete(self, body: dict[str, Any]) -> tuple[str, str]:
        """The model's content and finish reason, in the protocol the request uses."""
        numbered = (
            None if find_segments(last_user_text(body)) else find_numbered(last_user_text(body))
        )
        protocol: Protocol = "json" if numbered is None else "numbered"
        view = body if numbered is None else _as_json_request(body, numbered)
        content = self.responder(view)
        misbehaviour = self._next_misbehaviour(protocol)
        segments = numbered if numbered is not None else find_segments(last_user_text(body))
        answer = _answer_list(content)
        if protocol == "numbered" and answer is not None:
            content = _numbered(answer[1])
        return _misbehave(content, misbehaviour, answer, segments or [], protocol)

    def _next_misbehaviour(self, protocol: Protocol) -> Misbehaviour | Callable[[str], str] | None:
        with self._state:
            for index, (misbehaviour, wanted) in enumerate(self._misbehaviours):
                if wanted is None or wanted == protocol:
                    del self._misbehaviours[index]
                    return misbehaviour
        return None

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


def _as_json_request(body: dict[str, Any], segments: list[str]) -> dict[str, Any]:
    """``body`` as the JSON protocol would have sent it: the segments as a JSON array in the
    last user message, and no response_format."""
    messages = list(body.get("messages") or [])
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], dict) and messages[index].get("role") == "user":
            messages[index] = {
                **messages[index],
                "content": json.dumps(segments, ensure_ascii=False),
            }
            break
    view = {**body, "messages": messages}
    view.pop("response_format", None)
    return view


def _answer_list(content: str) -> tuple[str, list[str]] | None:
    """The key and list of a JSON object answer with exactly one list of strings, or None."""
    try:
        answer = json.loads(content)
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    lists = [key for key, value in answer.items() if isinstance(value, list)]
    if len(lists) != 1 or not all(isinstance(t, str) for t in answer[lists[0]]):
        return None
    return lists[0], list(answer[lists[0]])


def _misbehave(
    content: str,
    misbehaviour: Misbehaviour | Callable[[str], str] | None,
    answer: tuple[str, list[str]] | None,
    segments: list[str],
    protocol: Protocol,
) -> tuple[str, str]:
    """The content after ``misbehaviour``, and the finish reason that goes with it."""
    if misbehaviour is None:
        return content, "stop"
    if not isinstance(misbehaviour, Misbehaviour):
        return misbehaviour(content), "stop"
    if misbehaviour is Misbehaviour.PREAMBLE:
        return PREAMBLE + content, "stop"
    if misbehaviour is Misbehaviour.CODE_FENCE:
        return f"```{'json' if protocol == 'json' else ''}\n{content}\n```", "stop"
    if misbehaviour is Misbehaviour.NOT_JSON:
        return _PROSE, "stop"
    if misbehaviour is Misbehaviour.TRUNCATED:
        return content[: len(content) // 2], "length"
    if answer is None:
        raise CannotAnswer(f"{misbehaviour.value} needs a JSON object with one list in it")
    key, items = answer
    if misbehaviour is Misbehaviour.BROKEN_JSON:
        return repr({key: items}), "stop"
    if misbehaviour is Misbehaviour.NUMBERED:
        return _numbered(items), "stop"
    if misbehaviour is Misbehaviour.DROP_SEGMENT:
        items = items[:-1]
    elif misbehaviour is Misbehaviour.EXTRA_SEGMENT:
        items = [*items, "AN EXTRA SEGMENT NOBODY ASKED FOR"]
    elif misbehaviour is Misbehaviour.ECHO:
        items = list(segments)
    elif misbehaviour is Misbehaviour.WRONG_LANGUAGE:
        items = [GERMAN for _ in items]
    elif misbehaviour is Misbehaviour.RUNAWAY:
        first = items[0] if items else "AND SO ON"
        items = [" ".join([first] * (10_000 // max(_tokens(first), 1) + 2)), *items[1:]]
    else:  # RAMBLING
        items = [f"{t} {t} {t} {RAMBLE}" for t in items]
    if protocol == "numbered":
        return _numbered(items), "stop"
    return json.dumps({key: items}, ensure_ascii=False), "stop"
