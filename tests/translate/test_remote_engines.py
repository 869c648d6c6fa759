"""The remote engines' real clients against local fakes that speak each documented API,
errors included: auth failures, quotas, 413, 429 with Retry-After, 5xx, timeouts and
malformed answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from foreigndesk.errors import EngineError
from foreigndesk.translate.engine import Engine, EngineResult
from foreigndesk.translate.engines.deepl import DeepLEngine
from foreigndesk.translate.engines.google import GoogleEngine
from foreigndesk.translate.engines.libretranslate import LibreTranslateEngine
from foreigndesk.translate.engines.openai import OpenAIEngine
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from foreigndesk.translate.http import RetryPolicy
from tests.fakes import (
    DeepLFake,
    FakeService,
    GoogleTranslateFake,
    LibreTranslateFake,
    Misbehaviour,
    OpenAIFake,
    error,
    malformed,
    slow,
    translation_responder,
)

FAST = RetryPolicy(attempts=3, base=0.01, cap=0.05)
SEGMENTS = ['A <a href="https://x.test/a?b=1&amp;c=2">link</a> and <em>stress</em>.', "Plain."]


def translate(
    engine: Engine,
    *batches: list[str],
    source: str = "en",
    target: str = "es",
    glossary: Glossary | None = None,
) -> EngineResult:
    """Translate each batch in turn on one event loop; returns the last result."""

    async def go() -> EngineResult:
        try:
            result = EngineResult(segments=(), billed=0)
            for batch in batches:
                result = await engine.translate(batch, source, target, glossary)
            return result
        finally:
            await engine.aclose()

    return asyncio.run(go())


Factory = Callable[[str, str, float], Engine]

ENGINES: dict[str, tuple[type[FakeService], Factory]] = {
    "deepl": (
        DeepLFake,
        lambda url, key, timeout: DeepLEngine(url, key, policy=FAST, timeout=timeout),
    ),
    "google": (
        GoogleTranslateFake,
        lambda url, key, timeout: GoogleEngine(
            url, key, "test-project", languages=["en", "es", "ja"], policy=FAST, timeout=timeout
        ),
    ),
    "libretranslate": (
        LibreTranslateFake,
        lambda url, key, timeout: LibreTranslateEngine(
            url, languages=["en", "es", "ja"], policy=FAST, timeout=timeout
        ),
    ),
    "openai": (
        OpenAIFake,
        lambda url, key, timeout: OpenAIEngine(
            f"{url}/v1",
            "fake-model",
            key,
            languages=["en", "es", "ja"],
            policy=FAST,
            timeout=timeout,
        ),
    ),
}
KEYS = {"deepl": "test-key", "google": "test-token", "libretranslate": "", "openai": "test-key"}


@contextmanager
def engine_and_fake(
    name: str, key: str | None = None, timeout: float = 2.0
) -> Iterator[tuple[Engine, FakeService]]:
    fake_class, factory = ENGINES[name]
    with fake_class() as fake:
        engine = factory(fake.url, KEYS[name] if key is None else key, timeout)
        yield engine, fake


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_batch_comes_back_in_order_with_markup_in_place(name: str) -> None:
    with engine_and_fake(name) as (engine, _):
        result = translate(engine, SEGMENTS)
    assert result.segments == (
        'A <a href="https://x.test/a?b=1&amp;c=2">LINK</a> AND <em>STRESS</em>.',
        "PLAIN.",
    )
    assert result.billed > 0


@pytest.mark.parametrize("name", ["deepl", "google", "openai"])
def test_refused_credentials_name_the_variable_to_set(name: str) -> None:
    with engine_and_fake(name, key="wrong") as (engine, fake):
        with pytest.raises(EngineError, match="credentials were refused") as caught:
            translate(engine, SEGMENTS)
        assert caught.value.engine_wide
        assert len(fake.requests) == 1  # a refused key is not retried


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_429_with_retry_after_seconds_is_waited_out(name: str) -> None:
    with engine_and_fake(name) as (engine, fake):
        fake.inject(error(429, retry_after=1))
        result = translate(engine, ["Plain."])
        calls = [r for r in fake.requests if r.method == "POST"]
    assert result.segments == ("PLAIN.",)
    assert len(calls) == 2
    assert calls[1].received_at - calls[0].received_at >= 0.9


def test_429_with_retry_after_as_an_http_date_is_waited_out() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    with engine_and_fake("deepl") as (engine, fake):
        fake.inject(error(429, headers={"Retry-After": when}))
        assert translate(engine, ["Plain."]).segments == ("PLAIN.",)
        assert len(fake.requests_to("/v2/translate")) == 2


def test_a_retry_after_beyond_patience_fails_at_once_for_a_later_run() -> None:
    with engine_and_fake("libretranslate") as (engine, fake):
        fake.inject(error(429, retry_after=3600))
        with pytest.raises(EngineError, match="asked to wait 3600 s"):
            translate(engine, ["Plain."])
        assert len(fake.requests) == 1


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_server_errors_are_retried_then_reported(name: str) -> None:
    with engine_and_fake(name) as (engine, fake):
        fake.inject(error(503), error(500), error(500), error(502), error(503))
        with pytest.raises(EngineError, match=r"unavailable.*after 3 tries") as caught:
            translate(engine, ["Plain."], ["Plain."])
        assert caught.value.engine_wide


def test_deepl_quota_exceeded_stops_the_engine() -> None:
    with engine_and_fake("deepl") as (engine, fake):
        fake.inject(error(456))
        with pytest.raises(EngineError, match="quota is used up") as caught:
            translate(engine, ["Plain."])
        assert caught.value.engine_wide


def test_a_request_too_large_is_the_texts_fault_not_the_engines() -> None:
    with engine_and_fake("deepl") as (engine, fake):
        fake.inject(error(413))
        with pytest.raises(EngineError, match="too large") as caught:
            translate(engine, ["Plain."])
        assert not caught.value.engine_wide


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_timeout_is_retried_then_reported(name: str) -> None:
    with engine_and_fake(name, timeout=0.2) as (engine, fake):
        fake.inject(slow(2), slow(2), slow(2))
        with pytest.raises(EngineError, match=r"no answer within 0\.2 s"):
            translate(engine, ["Plain."])


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_malformed_answer_is_an_error_not_a_translation(name: str) -> None:
    with engine_and_fake(name) as (engine, fake):
        fake.inject(malformed(), malformed(), malformed())
        with pytest.raises(EngineError):
            translate(engine, ["Plain."])


def test_deepl_gets_the_glossary_once_and_applies_it() -> None:
    glossary = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"),))
    with engine_and_fake("deepl") as (engine, fake):
        result = translate(
            engine, ["Jane Roe wrote."], ["Jane Roe spoke."], target="ja", glossary=glossary
        )
        assert len(fake.requests_to("/v2/glossaries", method="POST")) == 1
        assert len(fake.requests_to("/v2/translate")) == 2
        sent = fake.requests_to("/v2/translate")[-1].json_body
    assert result.segments == ("ジェーン・ロウ SPOKE.",)
    assert isinstance(sent, dict)
    assert sent["glossary_id"]
    assert sent["target_lang"] == "JA"


def test_deepl_finds_its_glossary_again_after_a_restart() -> None:
    glossary = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"),))
    with DeepLFake() as fake:
        for _ in range(2):
            engine = DeepLEngine(fake.url, "test-key", policy=FAST)
            translate(engine, ["Jane Roe wrote."], target="ja", glossary=glossary)
        assert len(fake.requests_to("/v2/glossaries", method="POST")) == 1


def test_google_applies_a_named_glossary_natively() -> None:
    with GoogleTranslateFake() as fake:
        name = fake.add_glossary("names", "en", "ja", {"Jane Roe": "ジェーン・ロウ"})
        engine = GoogleEngine(
            fake.url,
            "test-token",
            "test-project",
            location="us-central1",
            glossary=name,
            languages=["en", "ja"],
            policy=FAST,
        )
        glossary = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"),))
        result = translate(engine, ["Jane Roe wrote."], target="ja", glossary=glossary)
        sent = fake.requests[-1].json_body
    assert result.segments == ("ジェーン・ロウ WROTE.",)
    assert isinstance(sent, dict)
    assert sent["glossaryConfig"] == {"glossary": name}


@pytest.mark.parametrize(
    "misbehaviour",
    [
        Misbehaviour.PREAMBLE,
        Misbehaviour.DROP_SEGMENT,
        Misbehaviour.EXTRA_SEGMENT,
        Misbehaviour.NOT_JSON,
        Misbehaviour.TRUNCATED,
    ],
)
def test_an_llm_answer_that_is_not_exactly_what_was_asked_is_refused(
    misbehaviour: Misbehaviour,
) -> None:
    """Refused, never patched up: asked again (as numbered lines, then paragraph by
    paragraph), a model that keeps answering so fails the text, not the engine."""
    with engine_and_fake("openai") as (engine, fake):
        assert isinstance(fake, OpenAIFake)
        fake.misbehave(*[misbehaviour] * 8)
        with pytest.raises(EngineError) as caught:
            translate(engine, SEGMENTS)
    assert not caught.value.engine_wide


def test_an_llm_answer_in_a_code_fence_is_accepted() -> None:
    with engine_and_fake("openai") as (engine, fake):
        assert isinstance(fake, OpenAIFake)
        fake.misbehave(Misbehaviour.CODE_FENCE)
        assert translate(engine, ["Plain."]).segments == ("PLAIN.",)


def test_the_llm_prompt_carries_the_glossary_and_asks_for_exact_json() -> None:
    glossary = Glossary(
        "en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"), GlossaryEntry("Unused", "未使用"))
    )
    with engine_and_fake("openai") as (engine, fake):
        assert isinstance(fake, OpenAIFake)
        fake.responder = translation_responder(glossary={"Jane Roe": "ジェーン・ロウ"})
        translate(engine, ["Jane Roe wrote.", "Then she left."], target="ja", glossary=glossary)
        [body] = fake.completions
    system = body["messages"][0]["content"]
    assert "Jane Roe → ジェーン・ロウ" in system
    assert "Unused" not in system
    assert "exactly 2 strings" in system
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["temperature"] == 0.0
