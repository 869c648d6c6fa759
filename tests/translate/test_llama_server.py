"""The real OpenAI-compatible server the openai engine's end-to-end tests stand on: llama.cpp's,
from llama-cpp-python, with Gemma 3 270M (tests/llama_server.py). Plain httpx, no desk code:
if the server does not answer, stop at ``max_tokens`` or keep to a JSON schema, every failure
of the engine above it would be misread as the engine's.

What these tests pin down is what the engine may rely on from this server:

- ``max_tokens`` caps the answer (``finish_reason`` ``"length"``) and ``usage`` counts it;
- ``response_format`` ``{"type": "json_object", "schema": {...}}`` constrains the answer by
  a grammar made from the schema, so even this tiny model answers JSON that fits it;
- the OpenAI form ``{"type": "json_schema", "json_schema": {...}}`` is refused by
  llama-cpp-python — with a 500, not a 422, its validation error wrapped as an internal one
  (llama.cpp's own C++ ``llama-server`` and OpenAI accept the form): an engine that sends it
  must recognise that answer and fall back to the ``json_object`` form, not retry it;
- the system message reaches the model (the fixture gives the server Gemma 3's turn format,
  which the model's GGUF lacks: see tests/llama_server.py).

The server starts once for the module (one to three seconds); each request asks for a few
tokens at temperature 0, so each test takes one to three seconds, more on a busy machine:
the schema's grammar is checked against the whole vocabulary (262,144 tokens) at each step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.llama_server import LlamaServer, temporary_llama_server

# Keeps the module on one worker, and so one server, where pytest-xdist runs with
# --dist loadgroup; under the default distribution each worker starts its own.
pytestmark = pytest.mark.xdist_group("llama_server")

# Generous: another test worker may be using both cores while the model answers.
_TIMEOUT = 60.0

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "translations": {
            "type": "array",
            "items": {"type": "string", "maxLength": 40},
            "minItems": 2,
            "maxItems": 2,
        }
    },
    "required": ["translations"],
    "additionalProperties": False,
}

_MESSAGES = [
    {
        "role": "system",
        "content": "You are a professional translator from English into Japanese. Answer"
        ' with only a JSON object {"translations": [...]} holding one translation per'
        " paragraph.",
    },
    {"role": "user", "content": json.dumps(["The tide rises twice a day.", "Jane Roe"])},
]


@pytest.fixture(scope="module")
def server() -> Iterator[LlamaServer]:
    with temporary_llama_server() as running:
        yield running


@pytest.fixture
def client(server: LlamaServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url + "/", timeout=_TIMEOUT, trust_env=False) as api:
        yield api


def _complete(client: httpx.Client, server: LlamaServer, **request: Any) -> dict[str, Any]:
    """POST a chat completion as the engine does (relative to the ``/v1`` root) and return the
    answer, failing with the server's log when it is not a 200."""
    reply = client.post(
        "chat/completions", json={"model": server.model, "temperature": 0.0, **request}
    )
    assert reply.status_code == 200, f"{reply.status_code} {reply.text}\n{server.log_tail()}"
    answer: dict[str, Any] = reply.json()
    return answer


def test_the_model_is_listed_under_the_v1_root(client: httpx.Client, server: LlamaServer) -> None:
    reply = client.get("models")
    assert reply.status_code == 200
    assert [entry["id"] for entry in reply.json()["data"]] == [server.model]


def test_a_chat_completion_answers_in_the_openai_shape(
    client: httpx.Client, server: LlamaServer
) -> None:
    answer = _complete(
        client,
        server,
        messages=[{"role": "user", "content": "Translate into Japanese: Good morning."}],
        max_tokens=16,
    )
    choice = answer["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert isinstance(choice["message"]["content"], str)
    assert choice["message"]["content"].strip()
    assert choice["finish_reason"] in {"stop", "length"}
    usage = answer["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_cuts_the_answer_and_usage_counts_it(
    client: httpx.Client, server: LlamaServer
) -> None:
    """The cap the engine sets against runaway answers: without it a 270M model writes until
    the context is full (minutes); with it the answer stops and says why."""
    answer = _complete(
        client,
        server,
        messages=[{"role": "user", "content": "Count from 1 to 200, one number a line."}],
        max_tokens=8,
    )
    assert answer["usage"]["completion_tokens"] <= 8
    assert answer["usage"]["prompt_tokens"] > 0
    assert answer["choices"][0]["finish_reason"] == "length"


def test_a_json_schema_in_json_object_form_constrains_the_answer(
    client: httpx.Client, server: LlamaServer
) -> None:
    """llama-cpp-python turns the schema into a grammar: the answer parses and has the shape
    asked for — two strings — however weak the model. Strings are capped (maxLength) so that
    the answer ends within max_tokens."""
    answer = _complete(
        client,
        server,
        messages=_MESSAGES,
        max_tokens=200,
        response_format={"type": "json_object", "schema": _SCHEMA},
    )
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "stop", choice
    parsed = json.loads(choice["message"]["content"])
    assert set(parsed) == {"translations"}
    assert len(parsed["translations"]) == 2
    assert all(isinstance(t, str) and len(t) <= 40 for t in parsed["translations"])


def test_the_openai_json_schema_form_is_refused(client: httpx.Client, server: LlamaServer) -> None:
    """llama-cpp-python's request model knows only "text" and "json_object": the form OpenAI
    documents is an error, not unconstrained text, so an engine can tell and fall back. The
    error is a 500 whose message names the two types it knows."""
    reply = client.post(
        "chat/completions",
        json={
            "model": server.model,
            "messages": _MESSAGES,
            "max_tokens": 8,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "translations", "strict": True, "schema": _SCHEMA},
            },
        },
    )
    assert reply.status_code == 500, reply.text
    assert "json_object" in reply.json()["error"]["message"]


def test_the_system_message_reaches_the_model(client: httpx.Client, server: LlamaServer) -> None:
    """The engine's rules are in the system message. llama-cpp-python's built-in "gemma"
    format would drop it without a word; the fixture's template opens the first user turn
    with it, as Gemma 3's own template does, so the prompt grows by its tokens."""
    user = {"role": "user", "content": "Jane Roe"}
    system = {"role": "system", "content": "Translate into Japanese; keep names in katakana."}
    alone = _complete(client, server, messages=[user], max_tokens=1)
    ruled = _complete(client, server, messages=[system, user], max_tokens=1)
    assert ruled["usage"]["prompt_tokens"] >= alone["usage"]["prompt_tokens"] + 10
