"""The openai engine driven well, with good models and weak ones: the real client against the
local fake of an OpenAI-compatible server (tests/fakes/openai.py), one rule a test.

- Every request caps its answer (``max_tokens``) by what it sends, within the setting, and the
  exchange has a deadline.
- The answer's shape is enforced by ``response_format`` where the server takes it, in the first
  form it takes, remembered; the prompt alone where it takes none.
- An answer not in the shape asked for is refused and asked for again as numbered lines; a batch
  that fails both is halved down to the paragraph at fault.
- A translation is checked before it is returned: not empty, not the source echoed, not many
  times longer than its source, in the target's script and language.
- Each batch carries the article's title, the text before it and the register asked for.
- The tokens the server reports are billed, those of refused answers too.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any, Literal

import pytest

from foreigndesk.config import load_settings
from foreigndesk.errors import EngineError
from foreigndesk.translate.engine import EngineResult, article_context
from foreigndesk.translate.engines.openai import OpenAIEngine, answer_schema
from foreigndesk.translate.http import RetryPolicy
from foreigndesk.translate.translator import TranslationRun, Translator
from tests.conftest import write_config
from tests.fakes import fake_translate, slow
from tests.fakes.openai import (
    Misbehaviour,
    OpenAIFake,
    find_segments,
    japanese_translate,
    last_user_text,
    translation_responder,
)

FAST = RetryPolicy(attempts=2, base=0.01, cap=0.02)
LANGS = ["en", "es", "ja"]

TITLE = "Life on the northern coast"
P1 = "The tide rises twice a day along the northern coast."
P2 = "Fishermen wait for the water before they take their boats out."
P3 = "In winter the harbour freezes and the boats stay on the shore."
P4 = "Nobody in the village remembers a summer as dry as this one."


def engine_for(fake: OpenAIFake, **options: Any) -> OpenAIEngine:
    settings: dict[str, Any] = {"languages": LANGS, "policy": FAST, **options}
    return OpenAIEngine(f"{fake.url}/v1", "fake-model", "test-key", **settings)


def translate(engine: OpenAIEngine, *batches: list[str], target: str = "es") -> list[EngineResult]:
    """Each batch through the engine in turn, on one event loop."""

    async def go() -> list[EngineResult]:
        try:
            return [await engine.translate(batch, "en", target) for batch in batches]
        finally:
            await engine.aclose()

    return asyncio.run(go())


def run(
    engine: OpenAIEngine,
    segments: list[str],
    target: str = "es",
    article: tuple[str, list[str]] | None = None,
) -> TranslationRun:
    """The segments through a Translator, as the translation stage sends them."""

    async def go() -> TranslationRun:
        try:
            if article is None:
                return await Translator([engine]).translate(segments, "en", target)
            with article_context(*article):
                return await Translator([engine]).translate(segments, "en", target)
        finally:
            await engine.aclose()

    return asyncio.run(go())


def upper(*segments: str) -> tuple[str, ...]:
    """What the fake's model makes of ``segments`` into Spanish."""
    return tuple(s.upper() for s in segments)


def system(body: dict[str, Any]) -> str:
    return str(body["messages"][0]["content"])


def shape(body: dict[str, Any]) -> str:
    """Which protocol a request asked in."""
    return "json" if find_segments(last_user_text(body)) is not None else "numbered"


# -- max_tokens and the deadline ---------------------------------------------------------------


def test_each_request_asks_for_as_many_tokens_as_its_paragraphs_need() -> None:
    long = " ".join([P1, P2, P3, P4] * 5)  # about 1,200 characters, 300 tokens
    with OpenAIFake() as fake:
        translate(engine_for(fake), ["Yes."], [long])
        short_limit, long_limit = (body["max_tokens"] for body in fake.completions)
    assert 64 <= short_limit < 100
    # Three tokens for each token it sends (estimated generously: one per three characters).
    assert len(long) <= long_limit <= 4096


def test_the_max_tokens_setting_caps_every_request_and_batches_fit_under_it() -> None:
    segments = [P1, P2, P3, P4, TITLE]
    with OpenAIFake() as fake:
        engine = engine_for(fake, max_tokens=300)
        result = run(engine, segments)
        bodies = fake.completions
    assert result.failures == {}
    assert len(bodies) > 1
    for body in bodies:
        assert body["max_tokens"] <= 300
        assert sum(len(s) for s in json.loads(body["messages"][-1]["content"])) <= (
            engine.limits.max_chars
        )
    assert all(u["completion_tokens"] <= 300 for u in fake.usages)


def test_a_runaway_answer_stops_at_the_limit_and_the_batch_is_halved() -> None:
    """What a 270M model does without a limit: write until the context is full."""
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.RUNAWAY)
        [result] = translate(engine_for(fake), [P1, P2])
        bodies = fake.completions
        usages = fake.usages
    assert result.segments == upper(P1, P2)
    assert usages[0]["completion_tokens"] == bodies[0]["max_tokens"]  # cut there
    # Cut off: not asked again in another shape, but in two halves.
    assert [json.loads(b["messages"][-1]["content"]) for b in bodies[1:]] == [[P1], [P2]]
    assert result.billed == sum(u["total_tokens"] for u in usages)


def test_one_paragraph_cut_off_is_asked_again_in_numbered_lines() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.RUNAWAY)
        [result] = translate(engine_for(fake), [P1])
        assert [shape(b) for b in fake.completions] == ["json", "numbered"]
    assert result.segments == upper(P1)


def test_a_server_that_wants_max_completion_tokens_gets_it_from_then_on() -> None:
    with OpenAIFake(limit_field="max_completion_tokens") as fake:
        translate(engine_for(fake), [P1], [P2])
        bodies = fake.completions
    assert "max_tokens" in bodies[0]  # refused
    assert all("max_completion_tokens" in b and "max_tokens" not in b for b in bodies[1:])
    assert len(bodies) == 3


def test_a_model_slower_than_the_deadline_stops_the_engine_naming_the_settings() -> None:
    patient = RetryPolicy(attempts=4, base=0.2, cap=0.2)
    with OpenAIFake() as fake:
        fake.inject(slow(3), slow(3), slow(3), slow(3))
        engine = engine_for(fake, timeout=0.3, policy=patient)
        started = time.monotonic()
        with pytest.raises(EngineError) as caught:
            translate(engine, [P1])
        elapsed = time.monotonic() - started
        assert len(fake.requests) == 1  # no retry past the deadline
    assert caught.value.engine_wide
    assert "no answer within 0.3 s" in str(caught.value)
    assert "translate.openai.timeout" in str(caught.value)
    assert "translate.openai.batch_segments" in str(caught.value)
    assert elapsed < 3  # gave up at the deadline, not when the 3 s answer came


# -- structured output -------------------------------------------------------------------------


def test_the_answer_is_asked_for_with_a_strict_json_schema_that_fixes_the_count() -> None:
    with OpenAIFake() as fake:  # refuses a strict schema OpenAI would refuse
        [result] = translate(engine_for(fake), [P1, P2])
        [body] = fake.completions
    assert result.segments == upper(P1, P2)
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "translations", "schema": answer_schema(2), "strict": True},
    }
    items = body["response_format"]["json_schema"]["schema"]["properties"]["translations"]
    assert items["minItems"] == items["maxItems"] == 2


@pytest.mark.parametrize("refusal", [500, 422])
def test_a_server_refusing_json_schema_gets_the_schema_as_json_object_for_the_rest_of_the_run(
    refusal: Literal[422, 500],
) -> None:
    """llama-cpp-python's server: the json_schema form refused (500 from version 0.3's route
    handler, 422 from FastAPI's validation); a grammar from the schema in the json_object
    form."""
    llama_cpp_python = {"text", "json_object", "json_object_schema"}
    with OpenAIFake(response_formats=llama_cpp_python, format_refusal=refusal) as fake:
        engine = engine_for(fake)
        results = translate(engine, [P1, P2], [P3])
        formats = [b["response_format"] for b in fake.completions]
    refused = 2 if refusal == 500 else 1  # a 500 is tried again once before it counts
    assert [r.segments for r in results] == [upper(P1, P2), upper(P3)]
    assert [f["type"] for f in formats] == ["json_schema"] * refused + ["json_object"] * 2
    assert formats[-2] == {"type": "json_object", "schema": answer_schema(2)}
    assert formats[-1] == {"type": "json_object", "schema": answer_schema(1)}
    assert engine.structured_form == "json_object"


@pytest.mark.parametrize(
    ("accepted", "settled"),
    [
        ({"text", "json_object"}, {"type": "json_object"}),  # JSON mode, without a schema
        ({"text"}, None),  # no response_format at all: the prompt alone
    ],
)
def test_a_server_taking_less_is_asked_with_less_down_to_the_prompt_alone(
    accepted: set[str], settled: dict[str, str] | None
) -> None:
    with OpenAIFake(response_formats=accepted) as fake:
        results = translate(engine_for(fake), [P1], [P2])
        last = fake.completions[-1]
        asked = len(fake.completions)
    assert [r.segments for r in results] == [upper(P1), upper(P2)]
    assert last.get("response_format") == settled
    assert asked == (4 if settled is None else 3) + 1  # the refusals, then one per batch


def test_a_form_the_setting_names_is_not_traded_for_another() -> None:
    with OpenAIFake(response_formats={"text", "json_object"}, format_refusal=422) as fake:
        with pytest.raises(EngineError) as caught:
            translate(engine_for(fake, structured="json_schema"), [P1])
        assert len(fake.completions) == 1
    assert caught.value.engine_wide
    assert "translate.openai.structured asks for, json_schema" in str(caught.value)
    assert '"auto"' in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "sent"),
    [
        ("json_object", {"type": "json_object", "schema": answer_schema(1)}),
        ("off", None),
    ],
)
def test_the_structured_setting_chooses_the_form(setting: str, sent: object) -> None:
    with OpenAIFake() as fake:
        [result] = translate(engine_for(fake, structured=setting), [P1])
        [body] = fake.completions
    assert result.segments == upper(P1)
    assert body.get("response_format") == sent


# -- numbered lines, and smaller batches ----------------------------------------------------------


@pytest.mark.parametrize(
    "misbehaviour",
    [
        Misbehaviour.PREAMBLE,
        Misbehaviour.DROP_SEGMENT,
        Misbehaviour.EXTRA_SEGMENT,
        Misbehaviour.NOT_JSON,
        Misbehaviour.BROKEN_JSON,
        Misbehaviour.NUMBERED,
    ],
)
def test_a_json_answer_not_as_asked_is_refused_and_asked_for_again_as_numbered_lines(
    misbehaviour: Misbehaviour,
) -> None:
    with OpenAIFake() as fake:
        fake.misbehave(misbehaviour, protocol="json")
        [result] = translate(engine_for(fake), [P1, P2])
        first, again = fake.completions
    assert result.segments == upper(P1, P2)
    assert shape(first) == "json"
    assert again["messages"][-1]["content"] == f"1. {P1}\n2. {P2}"
    assert "Answer with exactly 2 lines, numbered 1 to 2" in system(again)
    assert "response_format" not in again


def test_a_numbered_answer_not_as_asked_is_refused_too_with_both_reasons() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.NOT_JSON, protocol="json")
        fake.misbehave(Misbehaviour.PREAMBLE, protocol="numbered")
        with pytest.raises(EngineError) as caught:
            translate(engine_for(fake), [P1])
    assert not caught.value.engine_wide
    message = str(caught.value)
    assert message.startswith("openai: the answer is not the JSON object asked for (\"I'm sorry")
    assert message.endswith(
        "; asked again in numbered lines: a line that is not a numbered paragraph"
        " ('Here is the translation:')"
    )


def test_a_batch_failing_both_shapes_is_halved_until_the_paragraph_at_fault_stands_alone() -> None:
    poison = "This paragraph makes the model lose its way."
    model = translation_responder()

    def responder(request: dict[str, Any]) -> str:
        if poison in last_user_text(request):
            return "Sorry, I cannot help with that."
        return model(request)

    with OpenAIFake(responder=responder) as fake:
        result = run(engine_for(fake), [P1, P2, P3, poison])
        asked = [json.loads(b["messages"][-1]["content"]) for b in fake.completions if
                 shape(b) == "json"]  # fmt: skip
        requests = len(fake.completions)
    assert result.failures == {
        poison: "openai: the answer is not the JSON object asked for ('Sorry, I cannot help "
        "with that.'); asked again in numbered lines: a line that is not a numbered paragraph"
        " ('Sorry, I cannot help with that.')"
    }
    assert {s: result.results[s].text for s in (P1, P2, P3)} == dict(
        zip((P1, P2, P3), upper(P1, P2, P3), strict=True)
    )
    # The halves are asked at once, so the order they reach the model in is the network's.
    assert asked[0] == [P1, P2, P3, poison]
    assert sorted(asked[1:]) == sorted([[P1, P2], [P3, poison], [P3], [poison]])
    # Each failing batch was asked in both shapes; the translator's own search for the
    # paragraph at fault cost no further request.
    assert requests == 8


def test_a_model_that_cannot_write_json_is_asked_in_numbered_lines_first() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(*[Misbehaviour.NOT_JSON] * 5, protocol="json")
        engine = engine_for(fake)
        results = translate(engine, [P1], [P2], [P3])
        shapes = [shape(b) for b in fake.completions]
    assert [r.segments for r in results] == [upper(P1), upper(P2), upper(P3)]
    assert shapes == ["json", "numbered", "json", "numbered", "numbered"]
    assert engine.answer_order == ("numbered", "json")


# -- hard checks: what is not a translation never leaves the engine --------------------------------


def test_the_source_echoed_back_is_not_a_translation() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(*[Misbehaviour.ECHO] * 10)
        result = run(engine_for(fake), [P1, P2])
    assert result.failures == {
        P1: "openai: the answer repeats the source unchanged",
        P2: "openai: the answer repeats the source unchanged",
    }
    assert all(r.text is None for r in result.results.values())


def test_names_numbers_and_addresses_may_come_back_unchanged() -> None:
    kept = ["Jane Roe", "2024", "https://example.org/report", "Apple Pay"]
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.ECHO)
        [result] = translate(engine_for(fake), kept)
    assert list(result.segments) == kept


def test_a_paragraph_failing_a_check_is_asked_for_again_alone() -> None:
    model = translation_responder()

    def responder(request: dict[str, Any]) -> str:
        segments = find_segments(last_user_text(request)) or []
        answer = json.loads(model(request))
        if len(segments) > 1:  # the model copies P2 when it has neighbours
            answer["translations"][segments.index(P2)] = P2
        return json.dumps(answer)

    with OpenAIFake(responder=responder) as fake:
        [result] = translate(engine_for(fake), [P1, P2, P3])
        asked = [json.loads(b["messages"][-1]["content"]) for b in fake.completions]
    assert result.segments == upper(P1, P2, P3)
    assert asked == [[P1, P2, P3], [P2]]


def test_an_answer_in_a_third_language_is_refused() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(*[Misbehaviour.WRONG_LANGUAGE] * 4)
        result = run(engine_for(fake), [P1])
    assert result.failures == {P1: "openai: the answer is in German, not Spanish"}


def test_a_japanese_translation_must_be_in_japanese_script() -> None:
    english = translation_responder(translator=fake_translate)  # upper case, in any language
    with OpenAIFake(responder=english) as fake:
        result = run(engine_for(fake), [P1], target="ja")
    assert result.failures == {P1: f"openai: the answer is not in Japanese ({P1.upper()[:40]!r})"}


def test_japanese_keeping_the_originals_names_in_latin_letters_is_japanese() -> None:
    source = "Google and Microsoft invested in OpenAI."
    answer = "GoogleとMicrosoftがOpenAIに投資した。"
    with OpenAIFake(responder=lambda _: json.dumps({"translations": [answer]})) as fake:
        [result] = translate(engine_for(fake), [source], target="ja")
    assert result.segments == (answer,)


def test_chinese_is_not_japanese() -> None:
    chinese = "沿着北部海岸潮水每天上涨两次渔民们等待海水上涨之后才出海捕鱼"
    with OpenAIFake(responder=lambda _: json.dumps({"translations": [chinese]})) as fake:
        result = run(engine_for(fake), [P1], target="ja")
    assert result.failures[P1].startswith("openai: the answer is in Chinese, not Japanese")


def test_an_answer_many_times_longer_than_its_source_is_refused() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(*[Misbehaviour.RAMBLING] * 4)
        result = run(engine_for(fake), [P1])
    assert re.fullmatch(
        r"openai: the answer is \d+ times as long as its source — the model ran on",
        result.failures[P1],
    )


def test_a_line_break_inside_a_json_string_is_white_space() -> None:
    """llama-cpp-python's grammar lets a model end a string with a raw line break, which
    strict JSON refuses."""
    raw = '{ "translations": [ "LA MAREA SUBE.\n\n", "LOS PESCADORES ESPERAN.\n" ]}'
    with OpenAIFake(responder=lambda _: raw) as fake:
        [result] = translate(engine_for(fake), [P1, P2])
    assert result.segments == ("LA MAREA SUBE.", "LOS PESCADORES ESPERAN.")


def test_an_empty_answer_is_refused() -> None:
    with OpenAIFake(responder=lambda _: '{"translations": [" "]}') as fake:
        result = run(engine_for(fake), [P1])
    assert result.failures == {P1: "openai: the answer is empty"}


def test_a_japanese_answer_passes_every_check() -> None:
    with OpenAIFake() as fake:
        [result] = translate(engine_for(fake), [P1, P2], target="ja")
    assert result.segments == tuple(japanese_translate(s) for s in (P1, P2))


# -- context and register ----------------------------------------------------------------------


def test_each_batch_carries_the_articles_title_and_the_text_before_it() -> None:
    article = (TITLE, [TITLE, P1, P2, P3, P4])
    with OpenAIFake() as fake:
        result = run(engine_for(fake, batch_segments=2), [P1, P2, P3, P4], article=article)
        by_batch = {b["messages"][-1]["content"]: system(b) for b in fake.completions}
    assert result.failures == {}
    first, second = by_batch[json.dumps([P1, P2])], by_batch[json.dumps([P3, P4])]
    assert f"The article's title: {TITLE}" in first
    assert "The text just before" not in first  # only the title precedes it
    assert f"The article's title: {TITLE}" in second
    assert f"The text just before these paragraphs: {P1} {P2}" in second
    assert "do not translate it" in second


def test_a_halved_batch_keeps_its_first_half_as_context() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.RUNAWAY)
        translate(engine_for(fake), [P1, P2])
        last = fake.completions[-1]
    assert json.loads(last["messages"][-1]["content"]) == [P2]
    assert f"The text just before these paragraphs: {P1}" in system(last)


@pytest.mark.parametrize(
    ("style", "target", "said"),
    [
        ("です・ます", "ja", "polite です・ます style"),
        ("である", "ja", "plain である style"),
        ("です・ます", "es", None),
        ("", "ja", None),
    ],
)
def test_the_register_asked_for_goes_with_japanese_translations(
    style: str, target: str, said: str | None
) -> None:
    with OpenAIFake() as fake:
        translate(engine_for(fake, style=style), [P1], target=target)
        [body] = fake.completions
    if said is None:
        assert "style (" not in system(body)
    else:
        assert said in system(body)


# -- usage ---------------------------------------------------------------------------------------


def test_the_tokens_of_every_answer_are_billed_refused_ones_too() -> None:
    with OpenAIFake() as fake:
        fake.misbehave(Misbehaviour.NOT_JSON, protocol="json")
        [result] = translate(engine_for(fake), [P1, P2])
        usages = fake.usages
    assert len(usages) == 2
    assert result.billed == sum(u["total_tokens"] for u in usages)


def test_tokens_spent_on_a_failed_batch_are_billed_with_the_next_result() -> None:
    with OpenAIFake() as fake:
        # All four, then P1 and P2 together, then each alone: P3 and P4 come back translated.
        fake.misbehave(*[Misbehaviour.ECHO] * 4)
        result = run(engine_for(fake), [P1, P2, P3, P4])
        usages = fake.usages
    assert set(result.failures) == {P1, P2}
    assert result.usage["openai"].billed == sum(u["total_tokens"] for u in usages)


# -- settings ------------------------------------------------------------------------------------


def test_the_settings_reach_the_engine(tmp_path: Path) -> None:
    options = {"max_tokens": 1024, "structured": "json_object", "style": "である", "timeout": 9.0}
    settings = load_settings(write_config(tmp_path, translate={"openai": options}))
    engine = OpenAIEngine.from_settings(settings)
    assert isinstance(engine, OpenAIEngine)
    assert engine.max_tokens == 1024
    assert engine.structured_form == "json_object"
    assert engine.style == "である"
    assert engine.timeout == 9.0
    assert engine.limits.max_chars <= 1024
