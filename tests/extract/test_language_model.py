"""The language model is unpacked once into the user's cache and read from there after.

What the copy gives must be what py3langid's own model gives; a cache that cannot be
written or read costs only time, never an answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from foreigndesk.extract.language_model import cache_root, load_identifier

TEXTS = (
    "The ferry crosses the river every forty minutes, and more often in summer.",
    "El mercado abre los sábados por la mañana junto a la plaza mayor del pueblo.",
    "駅前の茶屋は百年前から同じ場所で営業を続けている。",
    "Библиотека открыта каждый день, кроме понедельника, с девяти до шести.",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "foreigndesk"


@pytest.fixture(scope="module")
def shipped() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def answers(identifier: LanguageIdentifier) -> list[tuple[str, float]]:
    return [identifier.classify(text) for text in TEXTS]


def test_the_first_load_keeps_a_copy_that_answers_as_the_shipped_model(
    cache: Path, shipped: LanguageIdentifier
) -> None:
    assert cache_root() == cache
    first = load_identifier()
    [copy] = cache.iterdir()
    assert copy.name.startswith("py3langid-")
    assert {p.name for p in copy.iterdir()} >= {"ptc.npy", "nextmove.npy", "classes.json"}
    second = load_identifier()
    assert answers(first) == answers(second) == answers(shipped)
    assert [lang for lang, _ in answers(second)] == ["en", "es", "ja", "ru"]
    assert not [p for p in cache.iterdir() if p.name.startswith(".unpacking-")]


def test_a_cache_that_cannot_be_written_costs_only_time(
    cache: Path, shipped: LanguageIdentifier
) -> None:
    cache.parent.mkdir(exist_ok=True)
    cache.write_text("a file where the folder would be", encoding="utf-8")
    assert answers(load_identifier()) == answers(shipped)


def test_a_damaged_copy_is_made_again(cache: Path, shipped: LanguageIdentifier) -> None:
    load_identifier()
    [copy] = cache.iterdir()
    whole = (copy / "ptc.npy").stat().st_size
    (copy / "ptc.npy").write_bytes(b"not an array")
    assert answers(load_identifier()) == answers(shipped)
    assert (copy / "ptc.npy").stat().st_size == whole
