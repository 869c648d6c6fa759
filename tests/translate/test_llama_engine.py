"""The desk's OpenAI-compatible engine against a real llama.cpp server (llama-cpp-python
with gemma-3 270M, tests/llama_server.py), into Japanese: the plumbing, not the quality.

The model is tiny and not instruction-tuned: it echoes, rambles or answers in English. What
must hold is what the desk does with that: the server's refusal of OpenAI's json_schema form
is met by its own json_object form, every request carries max_tokens, and an answer that is
not Japanese comes back as a failure with a reason, never as a translation."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from foreigndesk.errors import EngineError
from foreigndesk.translate.engine import EngineResult, article_context
from foreigndesk.translate.engines.openai import OpenAIEngine
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from tests.conftest import write_config
from tests.llama_server import LlamaServer, temporary_llama_server

SEGMENTS = ["The tide rises twice a day.", "The ferry leaves the harbour at eight."]


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    with temporary_llama_server() as server:
        yield server


def engine_for(tmp_path: Path, server: LlamaServer) -> OpenAIEngine:
    config = write_config(
        tmp_path,
        desk={"target_lang": "ja", "locale": "ja_JP"},
        translate={"engine": "openai"},
    )
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('api_url = "http://127.0.0.1:8080/v1"', f'api_url = "{server.base_url}"'),
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.translate.openai.api_url == server.base_url
    engine = OpenAIEngine.from_settings(settings)
    assert isinstance(engine, OpenAIEngine)
    return engine


async def translate(engine: OpenAIEngine) -> EngineResult | EngineError:
    try:
        with article_context("Harbour news", SEGMENTS):
            return await engine.translate(SEGMENTS, "en", "ja")
    except EngineError as exc:
        return exc
    finally:
        await engine.aclose()


def test_the_real_server_is_driven_through_its_own_json_form_and_garbage_is_refused(
    tmp_path: Path, llama: LlamaServer
) -> None:
    engine = engine_for(tmp_path, llama)

    outcome = asyncio.run(translate(engine))

    # llama-cpp-python refuses OpenAI's json_schema form (HTTP 500); the engine moved on.
    assert engine.structured_form != "json_schema", llama.log_tail()
    if isinstance(outcome, EngineError):
        # The usual outcome with this model: English or an echo, refused with a reason.
        assert "\n" not in str(outcome)
        assert str(outcome), llama.log_tail()
    else:
        for text in outcome.segments:
            japanese = sum(1 for c in text if "\u3040" <= c <= "\u9fff")
            assert japanese > len(text) / 3, text  # whatever came back is Japanese


def test_a_glossary_name_comes_out_as_the_glossary_spells_it_or_not_at_all(
    tmp_path: Path, llama: LlamaServer
) -> None:
    """The glossary into Japanese through the real server. This model answers a caption
    that is a name with the name in its English letters (seen on every run so far); the
    engine writes it as the glossary does. A sentence it echoes, and is refused for:
    no translation without the glossary's spelling is ever given back."""
    glossary = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"),))
    results: list[EngineResult | EngineError] = []
    for segments in (["Jane Roe"], ["Jane Roe opened the new harbour wall on Monday."]):
        engine = engine_for(tmp_path, llama)

        async def go(
            engine: OpenAIEngine = engine, segments: list[str] = segments
        ) -> EngineResult | EngineError:
            try:
                with article_context("Harbour news", segments):
                    return await engine.translate(segments, "en", "ja", glossary)
            except EngineError as exc:
                return exc
            finally:
                await engine.aclose()

        results.append(asyncio.run(go()))
    caption, sentence = results
    assert isinstance(caption, EngineResult), (caption, llama.log_tail())
    assert caption.segments == ("ジェーン・ロウ",)
    if isinstance(sentence, EngineResult):
        assert "ジェーン・ロウ" in sentence.segments[0]
    else:
        assert str(sentence)  # refused, with its reason
