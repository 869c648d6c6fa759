"""The openai engine in the translation stage, into Japanese: what fails the engine's checks
never reaches the translation memory, and the article says which block and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from foreigndesk.config import load_settings
from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from foreigndesk.store import Store
from tests.conftest import write_config
from tests.fakes.openai import OpenAIFake, find_segments, last_user_text, translation_responder

POISON = "The oven took four months to build."


def test_an_echoed_paragraph_is_not_stored_and_the_article_says_why(
    tmp_path: Path, sample_url: str
) -> None:
    model = translation_responder()

    def echoes_one_paragraph(request: dict[str, Any]) -> str:
        """Japanese, except that the paragraph POISON comes back in English."""
        segments = find_segments(last_user_text(request)) or []
        answer = json.loads(model(request))
        answer["translations"] = [
            s if POISON in s else t for s, t in zip(segments, answer["translations"], strict=True)
        ]
        return json.dumps(answer, ensure_ascii=False)

    with OpenAIFake(api_key=None, responder=echoes_one_paragraph) as fake:
        config = write_config(
            tmp_path,
            desk={"target_lang": "ja", "locale": "ja_JP"},
            fetch={"retry_base_seconds": 0.0},
            translate={"engine": "openai", "mode": "full", "openai": {"api_url": f"{fake.url}/v1"}},
        )
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        try:
            store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
            report = Desk(settings, store).run()
            [failed] = store.articles.all(ArticleStatus.FAILED)
            memory = store.memory.entries()
        finally:
            store.close()

    assert "bread-oven" in failed.url
    assert failed.error is not None
    assert "openai: the answer repeats the source unchanged" in failed.error
    assert report.translated > 0
    assert memory
    assert not [e for e in memory if POISON in e.source_text]
    assert all(e.target_text != e.source_text for e in memory if len(e.source_text.split()) > 2)
    assert all(e.target_lang == "ja" for e in memory)


def test_tokens_spent_on_refused_answers_are_billed_though_nothing_is_stored(
    tmp_path: Path, sample_url: str
) -> None:
    """A model that only echoes the English yields no translation, and costs its tokens
    all the same: the budget must see them."""

    def echoes(request: dict[str, Any]) -> str:
        return json.dumps({"translations": find_segments(last_user_text(request)) or []})

    with OpenAIFake(api_key=None, responder=echoes) as fake:
        config = write_config(
            tmp_path,
            desk={"target_lang": "ja", "locale": "ja_JP"},
            fetch={"retry_base_seconds": 0.0},
            translate={"engine": "openai", "mode": "full", "openai": {"api_url": f"{fake.url}/v1"}},
        )
        settings = load_settings(config)
        store = Store.open(settings.database_url)
        try:
            store.sources.add(
                f"{sample_url}articles/chess-club.html", "en", "CC BY 4.0", kind="url"
            )
            Desk(settings, store).run()
            [failed] = store.articles.all(ArticleStatus.FAILED)
            billed = store.memory.usage()
            memory = store.memory.entries()
        finally:
            store.close()
        spent = sum(usage["total_tokens"] for usage in fake.usages)

    assert "the answer repeats the source unchanged" in (failed.error or "")
    assert memory == []
    assert spent > 0
    assert billed["openai"][1] == spent
