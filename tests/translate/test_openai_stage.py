"""The openai engine in the translation stage, into Japanese: what fails the engine's checks
never reaches the translation memory, and the article says which block and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from foreigndesk.models import ArticleStatus
from foreigndesk.pipeline import Desk
from tests.conftest import desk_of, write_config
from tests.fakes.openai import OpenAIFake, find_segments, last_user_text, translation_responder

POISON = "The oven took four months to build."


@contextmanager
def japanese_desk(folder: Path, fake: OpenAIFake) -> Iterator[Desk]:
    """A desk translating into Japanese in full with the openai engine, on ``fake``."""
    config = write_config(
        folder,
        desk={"target_lang": "ja", "locale": "ja_JP"},
        fetch={"retry_base_seconds": 0.0},
        translate={"engine": "openai", "mode": "full", "openai": {"api_url": f"{fake.url}/v1"}},
    )
    with desk_of(config) as desk:
        yield desk


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

    with (
        OpenAIFake(api_key=None, responder=echoes_one_paragraph) as fake,
        japanese_desk(tmp_path, fake) as desk,
    ):
        desk.store.sources.add(f"{sample_url}feed.xml", "en", "CC BY 4.0")
        report = desk.run()
        [failed] = desk.store.articles.all(ArticleStatus.FAILED)
        memory = desk.store.memory.entries()

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
        with japanese_desk(tmp_path, fake) as desk:
            chess = f"{sample_url}articles/chess-club.html"
            desk.store.sources.add(chess, "en", "CC BY 4.0", kind="url")
            desk.run()
            [failed] = desk.store.articles.all(ArticleStatus.FAILED)
            billed = desk.store.memory.usage()
            memory = desk.store.memory.entries()
        spent = sum(usage["total_tokens"] for usage in fake.usages)

    assert "the answer repeats the source unchanged" in (failed.error or "")
    assert memory == []
    assert spent > 0
    assert billed["openai"][1] == spent
