"""The translator adapts every engine to the desk: long blocks split and joined, markup
and glossary spellings kept, failing segments found and reported, fallbacks and budgets
honoured. Engines are the real clients, against apertium or local fakes."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from foreigndesk.translate.engine import Engine
from foreigndesk.translate.engines.apertium import ApertiumEngine
from foreigndesk.translate.engines.deepl import DeepLEngine
from foreigndesk.translate.engines.google import GoogleEngine
from foreigndesk.translate.engines.libretranslate import LibreTranslateEngine
from foreigndesk.translate.engines.openai import OpenAIEngine
from foreigndesk.translate.glossary import Glossary, GlossaryEntry
from foreigndesk.translate.http import RetryPolicy
from foreigndesk.translate.translator import TranslationRun, Translator
from tests.fakes import (
    DeepLFake,
    GoogleTranslateFake,
    LibreTranslateFake,
    OpenAIFake,
    error,
    translation_responder,
)
from tests.fakes.openai import find_segments, japanese_translate, last_user_text

FAST = RetryPolicy(attempts=2, base=0.01, cap=0.02)
LANGS = ["en", "es"]
GLOSSARY = Glossary("en", "es", (GlossaryEntry("Jane Roe", "Juana Rodríguez"),))

TITLE = "Jane Roe on the harbour"
BODY = (
    'Jane Roe visited the <a href="https://example.org/harbour?x=1&amp;y=2">old harbour</a>'
    " and found it <em>very</em> <strong>quiet</strong>."
)
SENTENCE = (
    'The city council met on <a href="https://example.org/council">Monday</a> and Jane Roe'
    " spoke about the <em>new</em> gates. "
)
LONG = SENTENCE * 160  # over 3,000 words in one block
LINK = re.compile(r'<a href="[^"]+">')


@contextmanager
def running(name: str, languages: list[str] = LANGS) -> Iterator[Engine]:
    """The engine ``name``, the real client against apertium or its fake, offering
    ``languages`` where the engine takes a list (DeepL and apertium know their own)."""
    with ExitStack() as stack:
        if name == "apertium":
            yield ApertiumEngine("apertium", Path("/usr/share/apertium/modes"), 120)
        elif name == "deepl":
            deepl = stack.enter_context(DeepLFake())
            yield DeepLEngine(deepl.url, "test-key", policy=FAST)
        elif name == "google":
            google = stack.enter_context(GoogleTranslateFake())
            yield GoogleEngine(
                google.url, "test-token", "test-project", languages=languages, policy=FAST
            )
        elif name == "libretranslate":
            libre = stack.enter_context(LibreTranslateFake())
            yield LibreTranslateEngine(libre.url, languages=languages, policy=FAST)
        else:
            llm = stack.enter_context(OpenAIFake(responder=prompt_following_model))
            yield OpenAIEngine(
                f"{llm.url}/v1", "fake-model", "test-key", languages=languages, policy=FAST
            )


def prompt_following_model(request: dict[str, object]) -> str:
    """A model that obeys the prompt: it uses the glossary the system message lists."""
    messages = request["messages"]
    assert isinstance(messages, list)
    terms = dict(re.findall(r"^- (.+) → (.+)$", messages[0]["content"], re.M))
    return translation_responder(glossary=terms)(request)


def translate(
    translator: Translator, segments: list[str], glossary: Glossary | None = None
) -> TranslationRun:
    async def go() -> TranslationRun:
        try:
            return await translator.translate(segments, "en", "es", glossary)
        finally:
            for engine in translator.chain:
                await engine.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("name", ["apertium", "deepl", "google", "libretranslate", "openai"])
def test_every_engine_keeps_links_emphasis_and_glossary_spellings(name: str) -> None:
    with running(name) as engine:
        run = translate(Translator([engine]), [TITLE, BODY, LONG], GLOSSARY)
    assert run.failures == {}
    title, body, long = (run.results[s].text or "" for s in (TITLE, BODY, LONG))
    for source, target in ((TITLE, title), (BODY, body), (LONG, long)):
        assert LINK.findall(target) == LINK.findall(source)
        assert target.count("<em>") == source.count("<em>")
        assert target.count("</a>") == source.count("</a>")
        assert target.count("Juana Rodríguez") == source.count("Jane Roe")
        assert "Jane Roe" not in target
    assert "<strong>" in body
    assert all(run.results[s].flags == () or name == "apertium" for s in (TITLE, BODY, LONG))


def test_a_long_block_is_split_for_the_engine_and_joined_back() -> None:
    with OpenAIFake() as fake:
        engine = OpenAIEngine(f"{fake.url}/v1", "m", "test-key", languages=LANGS, policy=FAST)
        run = translate(Translator([engine]), [LONG])
        sent = [len(s) for body in fake.completions for s in _segments(body)]
    assert max(sent) <= engine.limits.max_segment_chars
    assert len(sent) > 1
    text = run.results[LONG].text or ""
    assert text.count("<em>NEW</em>") == 160
    assert text.count('<a href="https://example.org/council">MONDAY</a>') == 160
    assert "  " not in text


def _segments(body: dict[str, object]) -> list[str]:
    import json

    messages = body["messages"]
    assert isinstance(messages, list)
    return list(json.loads(messages[-1]["content"]))


def test_one_refused_segment_is_found_and_the_others_kept() -> None:
    poison = "This paragraph makes the service fail."

    def responder(request: dict[str, object]) -> str:
        import json

        messages = request["messages"]
        assert isinstance(messages, list)
        segments = json.loads(messages[-1]["content"])
        if poison in segments:
            return '{"translations": []}'
        return json.dumps({"translations": [s.upper() for s in segments]})

    segments = [f"Paragraph {i}." for i in range(7)] + [poison]
    with OpenAIFake(responder=responder) as fake:
        engine = OpenAIEngine(f"{fake.url}/v1", "m", "test-key", languages=LANGS, policy=FAST)
        run = translate(Translator([engine]), segments)
    assert set(run.failures) == {poison}
    assert "0 translations for 1 paragraphs" in run.failures[poison]
    assert all(run.results[s].text == s.upper() for s in segments if s != poison)


def test_an_engine_that_is_down_hands_its_text_to_the_fallback() -> None:
    with DeepLFake() as deepl:
        deepl.inject(error(456))
        first = DeepLEngine(deepl.url, "test-key", policy=FAST)
        second = ApertiumEngine("apertium", Path("/usr/share/apertium/modes"), 60)
        run = translate(Translator([first, second]), ["The house is red.", "The cat is black."])
    assert run.failures == {}
    assert {r.engine for r in run.results.values()} == {"apertium"}
    assert run.results["The house is red."].text == "La casa es roja."


def test_an_engine_without_the_pair_is_skipped() -> None:
    with LibreTranslateFake() as fake:
        first = LibreTranslateEngine(fake.url, languages=["fr", "de"], policy=FAST)
        second = ApertiumEngine("apertium", Path("/usr/share/apertium/modes"), 60)
        run = translate(Translator([first, second]), ["The house is red."])
        assert fake.requests == []
    assert run.results["The house is red."].engine == "apertium"


def test_a_spent_budget_stops_the_engine_and_says_so() -> None:
    with DeepLFake() as fake:
        engine = DeepLEngine(fake.url, "test-key", policy=FAST)
        run = translate(Translator([engine], budget_left=lambda _name: 10), ["A longer sentence."])
        assert fake.requests_to("/v2/translate") == []
    assert "monthly budget is spent" in run.failures["A longer sentence."]
    assert "translate.budget.deepl" in run.failures["A longer sentence."]


def test_a_repeatedly_failing_engine_is_paused_by_its_breaker() -> None:
    from foreigndesk.translate.breaker import CircuitBreaker

    breakers = {"deepl": CircuitBreaker(threshold=2, cooldown=60)}
    with DeepLFake() as fake:
        fake.inject(*[error(500)] * 4)
        engine = DeepLEngine(fake.url, "test-key", policy=FAST)

        async def three_runs() -> list[TranslationRun]:
            translator = Translator([engine], breakers=breakers)
            try:
                return [await translator.translate([f"Text {i}."], "en", "es") for i in range(3)]
            finally:
                await engine.aclose()

        runs = asyncio.run(three_runs())
        assert len(fake.requests_to("/v2/translate")) == 4  # two runs, two tries each
    assert "paused after repeated failures" in runs[2].failures["Text 2."]


def test_usage_counts_calls_and_billed_units() -> None:
    with OpenAIFake() as fake:
        engine = OpenAIEngine(f"{fake.url}/v1", "m", "test-key", languages=LANGS, policy=FAST)
        run = translate(Translator([engine]), ["One.", "Two."])
    assert run.usage["openai"].calls == 1
    assert run.usage["openai"].billed > 0


JA_GLOSSARY = Glossary("en", "ja", (GlossaryEntry("Jane Roe", "ジェーン・ロウ"),))


@pytest.mark.parametrize("name", ["deepl", "google", "libretranslate", "openai"])
def test_a_name_in_the_glossary_comes_out_in_its_katakana_with_every_engine(name: str) -> None:
    async def go(engine: Engine) -> TranslationRun:
        try:
            return await Translator([engine]).translate([TITLE, BODY], "en", "ja", JA_GLOSSARY)
        finally:
            await engine.aclose()

    with running(name, languages=["en", "ja"]) as engine:
        run = asyncio.run(go(engine))

    assert run.failures == {}
    for source in (TITLE, BODY):
        target = run.results[source].text or ""
        assert target.count("ジェーン・ロウ") == source.count("Jane Roe"), target
        assert "Jane Roe" not in target


def test_a_name_an_llm_leaves_in_english_is_respelled_and_one_it_respells_is_refused() -> None:
    """The glossary holds even when the model ignores it: a name it copies in the
    source's letters is written as the glossary says; a name it writes another way is
    refused, so no translation without the glossary's spelling reaches the memory."""

    def copies_names(request: dict[str, object]) -> str:
        """Japanese, with the name copied in its English letters."""
        segments = find_segments(last_user_text(request)) or []
        answers = [
            japanese_translate(s.replace("Jane Roe", "9999"), markup=True).replace(
                "9999", "Jane Roe"
            )
            for s in segments
        ]
        return json.dumps({"translations": answers}, ensure_ascii=False)

    def respells_names(request: dict[str, object]) -> str:
        return translation_responder(glossary={"Jane Roe": "ジェーン・ロー"})(request)

    async def go(engine: Engine) -> TranslationRun:
        try:
            return await Translator([engine]).translate([BODY], "en", "ja", JA_GLOSSARY)
        finally:
            await engine.aclose()

    runs = []
    for model in (copies_names, respells_names):
        with OpenAIFake(responder=model) as llm:
            engine = OpenAIEngine(
                f"{llm.url}/v1", "fake-model", "test-key", languages=["en", "ja"], policy=FAST
            )
            runs.append(asyncio.run(go(engine)))
    copied, respelled = runs
    assert copied.failures == {}
    assert (copied.results[BODY].text or "").count("ジェーン・ロウ") == BODY.count("Jane Roe")
    assert respelled.results[BODY].text is None
    assert (
        "does not write 'Jane Roe' as the glossary does ('ジェーン・ロウ')"
        in (respelled.failures[BODY])
    )
