"""The fake services are right: each speaks its documented shapes, refuses bad credentials,
misbehaves when told to, and records what it received. Plain httpx, no client of ours."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from tests.fakes import (
    DeepLFake,
    GoogleTranslateFake,
    LibreTranslateFake,
    Misbehaviour,
    OpenAIFake,
    drop,
    error,
    fake_translate,
    malformed,
    slow,
    truncate,
)
from tests.fakes.openai import find_segments

DEEPL_AUTH = {"Authorization": "DeepL-Auth-Key test-key"}
GOOGLE_AUTH = {"Authorization": "Bearer test-token"}
OPENAI_AUTH = {"Authorization": "Bearer test-key"}
PARENT = "/v3/projects/test-project/locations/us-central1"


# -- the deterministic translation ------------------------------------------------------------


def test_markup_is_kept_byte_for_byte_and_only_text_changes() -> None:
    source = 'See <a href="https://example.org/x" title="a b">the map</a> &amp; <em>more</em>.'
    assert fake_translate(source, markup=True) == (
        'SEE <a href="https://example.org/x" title="a b">THE MAP</a> &amp; <em>MORE</em>.'
    )
    assert fake_translate("<b>bold</b>", markup=False) == "<B>BOLD</B>"


def test_glossary_terms_become_their_targets_longest_first() -> None:
    glossary = {"Jane Roe": "ジェーン・ロウ", "Jane": "ジェーン", "港": "みなと"}
    assert fake_translate("Jane Roe met Jane in 港町.", glossary=glossary) == (
        "ジェーン・ロウ MET ジェーン IN みなと町."
    )
    # A term does not match inside a longer word, and case matters unless told otherwise.
    assert fake_translate("Janet and jane", glossary=glossary) == "JANET AND JANE"
    assert fake_translate("jane", glossary=glossary, ignore_case=True) == "ジェーン"


def test_segments_are_found_in_a_prompt() -> None:
    prompt = 'Example: ["a"]\nTranslate these segments, keep tags: ["One [1].", "<em>Two</em>"]'
    assert find_segments(prompt) == ["One [1].", "<em>Two</em>"]
    assert find_segments("no segments here [1, 2]") is None


# -- the shared machinery ---------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition``; the deadline is far beyond any slow machine, never the point."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"waited 30 s for {what}"
        time.sleep(0.01)


def test_latency_and_a_queueing_concurrency_limit() -> None:
    with LibreTranslateFake(latency=0.5, concurrency_limit=2) as fake:
        fake.hold = threading.Event()
        ends: list[float] = []

        def call() -> None:
            # The timeout outlasts the wait for the gate below.
            with httpx.Client(base_url=fake.url, timeout=60) as client:
                reply = client.post("/translate", json={"q": "x", "source": "en", "target": "ja"})
                assert reply.status_code == 200
                ends.append(time.monotonic())

        threads = [threading.Thread(target=call) for _ in range(4)]
        for thread in threads:
            thread.start()
        try:
            # All four are in the fake at once, held at its gate, before any is answered.
            wait_until(lambda: fake.max_in_flight == 4, "four requests in flight")
        finally:
            released = time.monotonic()
            fake.hold.set()
            for thread in threads:
                thread.join()
    assert len(ends) == 4
    assert fake.max_in_flight == 4  # what the client sent at once, queued or not
    # Two slots, four requests of 500 ms each, all let go together: no more than two can be
    # answered within the first second after the release (the latency starts after it).
    assert sorted(ends)[2] - released >= 0.99


def test_a_rejecting_concurrency_limit_answers_429_with_retry_after() -> None:
    with OpenAIFake(api_key=None, concurrency_limit=1, over_limit="reject") as fake:
        # The first request stays in flight at the gate while the other two arrive; the
        # limit decides on arrival, so they are rejected.
        fake.hold = threading.Event()
        replies: list[httpx.Response] = []

        def call() -> None:
            with httpx.Client(base_url=fake.url, timeout=60) as client:
                replies.append(client.get("/v1/models"))

        threads = [threading.Thread(target=call) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            wait_until(lambda: len(fake.requests) == 3, "three requests")
        finally:
            fake.hold.set()
            for thread in threads:
                thread.join()
    assert sorted(r.status_code for r in replies) == [200, 429, 429]
    rejected = [r for r in replies if r.status_code == 429]
    assert all(r.headers["Retry-After"] == "1" for r in rejected)
    assert rejected[0].json()["error"]["code"] == "rate_limit_exceeded"


def test_reset_and_stop_release_requests_held_at_the_gate() -> None:
    statuses: list[int] = []

    def call(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            reply = client.post("/translate", json={"q": "x", "source": "en", "target": "ja"})
            statuses.append(reply.status_code)

    with LibreTranslateFake() as fake:
        for release in ("reset", "stop"):
            gate = fake.hold = threading.Event()
            thread = threading.Thread(target=call, args=(fake.url,))
            thread.start()
            try:
                wait_until(lambda: len(fake.requests) == 1, "the request")
                getattr(fake, release)()
                thread.join(timeout=30)
                assert not thread.is_alive(), f"{release} left the request held"
                # reset removes the gate (opening it); stop leaves it to the test.
                assert (fake.hold is None, gate.is_set()) == (
                    (True, True) if release == "reset" else (False, False)
                )
            finally:
                gate.set()
                thread.join()
    assert statuses == [200, 200]
    assert fake.errors == []


def test_connection_faults() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client:
        fake.inject(drop(), truncate(), malformed(), slow(2.0))
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v2/usage")
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v2/usage")
        with pytest.raises(json.JSONDecodeError):
            client.get("/v2/usage").json()
        with pytest.raises(httpx.ReadTimeout):
            client.get("/v2/usage", timeout=0.2)
        assert client.get("/v2/usage").status_code == 200
        assert [r.fault.action if r.fault else None for r in fake.requests] == [
            "drop",
            "truncate",
            "respond",
            "respond",
            None,
        ]
        assert fake.pending_faults == []
    assert fake.errors == []


def test_a_fault_waits_for_a_request_to_its_path() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client:
        fake.inject(error(503, path="/v2/translate"))
        assert client.get("/v2/usage").status_code == 200
        reply = client.post("/v2/translate", data={"text": "x", "target_lang": "JA"})
        assert reply.status_code == 503
        assert reply.json() == {"message": "Resource currently unavailable. Try again later."}


# -- DeepL ------------------------------------------------------------------------------------


def test_deepl_translates_form_and_json_bodies() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client:
        reply = client.post(
            "/v2/translate",
            data={"text": ["Hello, <b>world</b>!", "Second"], "target_lang": "ja",
                  "tag_handling": "html"},
        )  # fmt: skip
        assert reply.status_code == 200
        assert reply.json() == {
            "translations": [
                {"detected_source_language": "EN", "text": "HELLO, <b>WORLD</b>!"},
                {"detected_source_language": "EN", "text": "SECOND"},
            ]
        }
        assert reply.headers["X-Trace-ID"]
        reply = client.post(
            "/v2/translate", json={"text": ["Hallo"], "source_lang": "DE", "target_lang": "EN-GB"}
        )
        assert reply.json()["translations"] == [{"detected_source_language": "DE", "text": "HALLO"}]
        first, second = fake.requests
        assert first.form is not None and first.form["text"] == ["Hello, <b>world</b>!", "Second"]
        assert second.json_body["target_lang"] == "EN-GB"
        assert first.header("authorization") == "DeepL-Auth-Key test-key"
        usage = client.get("/v2/usage").json()
        assert usage == {"character_count": 31, "character_limit": 500_000}


def test_deepl_refuses_a_bad_key_and_bad_parameters() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url) as client:
        for headers in (
            {},
            {"Authorization": "DeepL-Auth-Key wrong"},
            {"Authorization": "test-key"},
        ):
            reply = client.post("/v2/translate", data={"text": "x", "target_lang": "JA"},
                                headers=headers)  # fmt: skip
            assert reply.status_code == 403
            assert "message" in reply.json()
        client.headers.update(DEEPL_AUTH)
        assert client.post("/v2/translate", data={"target_lang": "JA"}).status_code == 400
        reply = client.post("/v2/translate", data={"text": "x", "target_lang": "XX"})
        assert reply.json() == {"message": "Value for 'target_lang' not supported."}
        huge = client.post("/v2/translate", data={"text": "x" * 140_000, "target_lang": "JA"})
        assert huge.status_code == 413
        assert len(fake.requests) == 6


def test_deepl_quota_and_retry_after() -> None:
    with (
        DeepLFake(character_limit=10) as fake,
        httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client,
    ):
        fake.inject(error(429, retry_after=2))
        reply = client.post("/v2/translate", data={"text": "12345", "target_lang": "JA"})
        assert reply.status_code == 429
        assert reply.headers["Retry-After"] == "2"
        assert reply.json() == {
            "message": "Too many requests. Please wait and resend your request."
        }
        assert client.post("/v2/translate", data={"text": "12345", "target_lang": "JA"}).is_success
        reply = client.post("/v2/translate", data={"text": "123456", "target_lang": "JA"})
        assert reply.status_code == 456
        assert reply.reason_phrase == "Quota Exceeded"
        assert fake.character_count == 5


def test_deepl_glossaries() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client:
        created = client.post(
            "/v2/glossaries",
            json={"name": "desk", "source_lang": "en", "target_lang": "ja",
                  "entries": "Jane Roe\tジェーン・ロウ\nharbour\t港", "entries_format": "tsv"},
        )  # fmt: skip
        assert created.status_code == 201
        glossary = created.json()
        assert glossary["entry_count"] == 2 and glossary["ready"] is True
        assert glossary["source_lang"] == "en" and glossary["target_lang"] == "ja"
        glossary_id = glossary["glossary_id"]
        assert client.get("/v2/glossaries").json() == {"glossaries": [glossary]}
        assert client.get(f"/v2/glossaries/{glossary_id}").json() == glossary
        entries = client.get(f"/v2/glossaries/{glossary_id}/entries")
        assert entries.text == "Jane Roe\tジェーン・ロウ\nharbour\t港"
        assert entries.headers["content-type"].startswith("text/tab-separated-values")

        text = {"text": ["Jane Roe saw the harbour."], "target_lang": "JA"}
        with_glossary = {**text, "glossary_id": glossary_id}
        assert client.post("/v2/translate", data=with_glossary).status_code == 400  # no source
        reply = client.post("/v2/translate", data={**with_glossary, "source_lang": "EN"})
        assert reply.json()["translations"][0]["text"] == "ジェーン・ロウ SAW THE 港."
        mismatch = {**with_glossary, "source_lang": "DE"}
        assert client.post("/v2/translate", data=mismatch).status_code == 400

        bad = client.post(
            "/v2/glossaries",
            data={"name": "x", "source_lang": "en", "target_lang": "de", "entries": "a,b\na,c",
                  "entries_format": "csv"},
        )  # fmt: skip
        assert bad.status_code == 400
        assert set(bad.json()) == {"message", "detail"}
        pairs = client.get("/v2/glossary-language-pairs").json()["supported_languages"]
        assert {"source_lang": "en", "target_lang": "ja"} in pairs
        assert client.delete(f"/v2/glossaries/{glossary_id}").status_code == 204
        assert client.get(f"/v2/glossaries/{glossary_id}").status_code == 404


def test_deepl_languages() -> None:
    with DeepLFake() as fake, httpx.Client(base_url=fake.url, headers=DEEPL_AUTH) as client:
        source = client.get("/v2/languages").json()
        target = client.get("/v2/languages", params={"type": "target"}).json()
        assert {"language": "EN", "name": "English"} in source
        assert {"language": "JA", "name": "Japanese", "supports_formality": True} in target
        assert "EN-US" in {language["language"] for language in target}
        assert fake.requests[1].query == {"type": ["target"]}


# -- Google Cloud Translation v3 --------------------------------------------------------------


def test_google_translates_plain_text_and_html() -> None:
    with (
        GoogleTranslateFake() as fake,
        httpx.Client(base_url=fake.url, headers=GOOGLE_AUTH) as client,
    ):
        reply = client.post(
            f"{PARENT}:translateText",
            json={"contents": ["a <i>b</i>"], "targetLanguageCode": "ja", "mimeType": "text/plain",
                  "sourceLanguageCode": "en"},
        )  # fmt: skip
        assert reply.json() == {"translations": [{"translatedText": "A <I>B</I>"}]}
        # mimeType left blank means HTML, and no source means a detected one.
        reply = client.post(
            "/v3/projects/test-project:translateText",
            json={"contents": ["a <i>b</i>", "c"], "targetLanguageCode": "ja"},
        )
        assert reply.json() == {
            "translations": [
                {"translatedText": "A <i>B</i>", "detectedLanguageCode": "en"},
                {"translatedText": "C", "detectedLanguageCode": "en"},
            ]
        }
        assert fake.requests[1].json_body["contents"] == ["a <i>b</i>", "c"]


def test_google_refuses_missing_and_wrong_credentials() -> None:
    with GoogleTranslateFake() as fake, httpx.Client(base_url=fake.url) as client:
        body = {"contents": ["a"], "targetLanguageCode": "ja"}
        missing = client.post(f"{PARENT}:translateText", json=body)
        assert missing.status_code == 401
        assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
        wrong = client.post(f"{PARENT}:translateText", json=body,
                            headers={"Authorization": "Bearer nope"})  # fmt: skip
        assert wrong.json()["error"]["code"] == 401
        other_project = client.post(
            "/v3/projects/someone-else/locations/global:translateText", json=body,
            headers=GOOGLE_AUTH,
        )  # fmt: skip
        assert other_project.json()["error"]["status"] == "PERMISSION_DENIED"
        typo = client.post(f"{PARENT}:translateText", headers=GOOGLE_AUTH,
                           json={**body, "targetLanguage": "ja"})  # fmt: skip
        assert typo.status_code == 400
        assert typo.json()["error"]["status"] == "INVALID_ARGUMENT"
        fake.inject(error(429))
        limited = client.post(f"{PARENT}:translateText", json=body, headers=GOOGLE_AUTH)
        assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_google_glossary_is_built_by_an_operation_and_used_in_translation() -> None:
    with (
        GoogleTranslateFake() as fake,
        httpx.Client(base_url=fake.url, headers=GOOGLE_AUTH) as client,
    ):
        fake.gcs_objects["gs://desk/ja.tsv"] = "Jane Roe\tジェーン・ロウ\n"
        name = "projects/test-project/locations/us-central1/glossaries/desk-ja"
        operation = client.post(
            f"{PARENT}/glossaries",
            json={"name": name,
                  "languagePair": {"sourceLanguageCode": "en", "targetLanguageCode": "ja"},
                  "inputConfig": {"gcsSource": {"inputUri": "gs://desk/ja.tsv"}}},
        ).json()  # fmt: skip
        assert operation["done"] is False
        assert operation["metadata"]["state"] == "RUNNING"
        assert client.get(f"/v3/{name}").status_code == 404  # not built yet
        finished = client.get(f"/v3/{operation['name']}").json()
        assert finished["done"] is True
        assert finished["response"]["entryCount"] == 1
        assert client.get(f"/v3/{name}").json()["name"] == name

        config = {"glossary": name, "ignoreCase": True}
        reply = client.post(
            f"{PARENT}:translateText",
            json={"contents": ["jane roe wrote"], "sourceLanguageCode": "en",
                  "targetLanguageCode": "ja", "mimeType": "text/plain", "glossaryConfig": config},
        ).json()  # fmt: skip
        assert reply["translations"] == [{"translatedText": "JANE ROE WROTE"}]
        assert reply["glossaryTranslations"] == [
            {"translatedText": "ジェーン・ロウ WROTE", "glossaryConfig": config}
        ]
        in_global = client.post(
            "/v3/projects/test-project/locations/global:translateText",
            json={"contents": ["x"], "sourceLanguageCode": "en", "targetLanguageCode": "ja",
                  "glossaryConfig": config},
        )  # fmt: skip
        assert in_global.status_code == 400


# -- LibreTranslate ---------------------------------------------------------------------------


def test_libretranslate_translates_strings_lists_and_html() -> None:
    with LibreTranslateFake() as fake, httpx.Client(base_url=fake.url) as client:
        one = client.post("/translate", json={"q": "Hello!", "source": "en", "target": "es"})
        assert one.json() == {"translatedText": "HELLO!"}
        many = client.post(
            "/translate",
            json={"q": ['<p class="green">Hi</p>', "Bye"], "source": "auto", "target": "ja",
                  "format": "html"},
        ).json()  # fmt: skip
        assert many == {
            "translatedText": ['<p class="green">HI</p>', "BYE"],
            "detectedLanguage": [{"confidence": 90.0, "language": "en"}] * 2,
        }
        form = client.post("/translate", data={"q": "a\r\nb", "source": "en", "target": "ja"})
        assert form.json() == {"translatedText": "A\nB"}
        bad = client.post("/translate", json={"q": "x", "source": "en", "target": "xx"})
        assert bad.status_code == 400 and bad.json() == {"error": "xx is not supported"}
        languages = client.get("/languages").json()
        assert {"code", "name", "targets"} <= set(languages[0])
        assert [r.path for r in fake.requests] == ["/translate"] * 4 + ["/languages"]


def test_libretranslate_keys_and_slowdown() -> None:
    with (
        LibreTranslateFake(api_keys={"good"}, require_api_key=True) as fake,
        httpx.Client(base_url=fake.url) as client,
    ):
        body = {"q": "x", "source": "en", "target": "ja"}
        wrong = client.post("/translate", json={**body, "api_key": "bad"})
        assert wrong.status_code == 403 and wrong.json() == {"error": "Invalid API key"}
        missing = client.post("/translate", json=body)
        assert missing.status_code == 400 and "API key" in missing.json()["error"]
        fake.inject(error(429))
        slowed = client.post("/translate", json={**body, "api_key": "good"})
        assert slowed.status_code == 429 and slowed.json()["error"].startswith("Slowdown:")
        assert client.post("/translate", json={**body, "api_key": "good"}).is_success
        assert fake.requests[-1].json_body["api_key"] == "good"


# -- OpenAI-compatible chat -------------------------------------------------------------------


def _chat(client: httpx.Client, segments: list[str], **extra: object) -> httpx.Response:
    prompt = 'Translate into Japanese. Answer {"translations": [...]}.\n' + json.dumps(segments)
    return client.post(
        "/v1/chat/completions",
        json={"model": "fake-model", "temperature": 0,
              "messages": [{"role": "system", "content": "You translate."},
                           {"role": "user", "content": prompt}], **extra},
    )  # fmt: skip


def test_openai_answers_in_the_shape_the_prompt_asks_for() -> None:
    with OpenAIFake() as fake, httpx.Client(base_url=fake.url, headers=OPENAI_AUTH) as client:
        reply = _chat(client, ["One <em>two</em>.", "Three"]).json()
        assert reply["object"] == "chat.completion" and reply["model"] == "fake-model"
        choice = reply["choices"][0]
        assert choice["finish_reason"] == "stop" and choice["message"]["role"] == "assistant"
        assert json.loads(choice["message"]["content"]) == {
            "translations": ["ONE <em>TWO</em>.", "THREE"]
        }
        usage = reply["usage"]
        assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
        schema = {"type": "object", "properties": {"segments": {"type": "array"}}}
        structured = _chat(
            client, ["a"], response_format={"type": "json_schema",
                                            "json_schema": {"name": "t", "schema": schema}},
        ).json()  # fmt: skip
        assert json.loads(structured["choices"][0]["message"]["content"]) == {"segments": ["A"]}
        models = client.get("/v1/models").json()
        assert models["object"] == "list" and models["data"][0]["id"] == "fake-model"
        assert fake.completions[0]["temperature"] == 0


def test_openai_scripted_misbehaviour() -> None:
    with OpenAIFake() as fake, httpx.Client(base_url=fake.url, headers=OPENAI_AUTH) as client:
        fake.misbehave(
            Misbehaviour.PREAMBLE,
            Misbehaviour.CODE_FENCE,
            Misbehaviour.DROP_SEGMENT,
            Misbehaviour.EXTRA_SEGMENT,
            Misbehaviour.NOT_JSON,
            Misbehaviour.TRUNCATED,
            str.lower,
        )
        contents = []
        for _ in range(7):
            choice = _chat(client, ["a", "b"]).json()["choices"][0]
            contents.append((choice["message"]["content"], choice["finish_reason"]))
        clean = '{"translations": ["A", "B"]}'
        assert contents[0] == ("Here is the translation:\n\n" + clean, "stop")
        assert contents[1] == (f"```json\n{clean}\n```", "stop")
        assert json.loads(contents[2][0]) == {"translations": ["A"]}
        assert len(json.loads(contents[3][0])["translations"]) == 3
        with pytest.raises(json.JSONDecodeError):
            json.loads(contents[4][0])
        assert contents[5] == (clean[: len(clean) // 2], "length")
        assert contents[6] == (clean.lower(), "stop")
        assert json.loads(_chat(client, ["a"]).json()["choices"][0]["message"]["content"])


def test_openai_errors_in_both_dialects() -> None:
    with OpenAIFake() as fake, httpx.Client(base_url=fake.url) as client:
        refused = _chat(client, ["a"])
        assert refused.status_code == 401
        assert refused.json()["error"] == {
            "message": refused.json()["error"]["message"],
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
        client.headers.update(OPENAI_AUTH)
        fake.inject(error(429, retry_after=3), error(500))
        limited = _chat(client, ["a"])
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        assert _chat(client, ["a"]).json()["error"]["type"] == "server_error"
        no_segments = client.post(
            "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        )
        assert no_segments.status_code == 400
    with OpenAIFake(dialect="llama.cpp") as fake, httpx.Client(base_url=fake.url) as client:
        assert client.get("/v1/models").json() == {
            "error": {"code": 401, "message": "Invalid API Key", "type": "authentication_error"}
        }
        fake.inject(error(503))
        loading = client.get("/v1/models", headers=OPENAI_AUTH)
        assert loading.json()["error"] == {
            "code": 503,
            "message": "Loading model",
            "type": "unavailable_error",
        }


def test_openai_custom_responder_sees_the_request() -> None:
    def echo_model(request: dict[str, object]) -> str:
        return f"model={request['model']}"

    with (
        OpenAIFake(api_key=None, responder=echo_model) as fake,
        httpx.Client(base_url=fake.url) as client,
    ):
        reply = _chat(client, ["x"]).json()
        assert reply["choices"][0]["message"]["content"] == "model=fake-model"
        assert fake.requests[0].header("Authorization") is None
