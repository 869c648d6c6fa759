"""The language model is unpacked once into the user's cache and read from there after.

What the copy gives must be what py3langid's own model gives; a cache that cannot be
written or read, or a copy damaged, costs only time, never an answer.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from foreigndesk import language_model
from foreigndesk.language_model import cache_root, load_identifier, shared_identifier

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


@pytest.fixture(scope="module")
def shipped_probabilities() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def test_probabilities_come_from_the_same_copy(
    cache: Path, shipped_probabilities: LanguageIdentifier
) -> None:
    assert answers(load_identifier(norm_probs=True)) == answers(shipped_probabilities)
    assert len(list(cache.iterdir())) == 1


@pytest.mark.parametrize("damage", [b"not an array", b""])
def test_a_damaged_copy_is_made_again(
    cache: Path, shipped: LanguageIdentifier, damage: bytes
) -> None:
    load_identifier()
    [copy] = cache.iterdir()
    whole = (copy / "ptc.npy").stat().st_size
    (copy / "ptc.npy").write_bytes(damage)
    assert answers(load_identifier()) == answers(shipped)
    assert (copy / "ptc.npy").stat().st_size == whole


def test_no_home_folder_costs_only_time(
    monkeypatch: pytest.MonkeyPatch, shipped: LanguageIdentifier
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/nonexistent/home")
    monkeypatch.setattr(Path, "home", staticmethod(_no_home))
    assert answers(load_identifier()) == answers(shipped)


def _no_home() -> Path:
    raise RuntimeError("Could not determine home directory.")


def test_a_relative_cache_home_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG rule: a relative $XDG_CACHE_HOME is invalid, and ignored."""
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == tmp_path / ".cache" / "foreigndesk"


def test_a_copy_nobody_reads_is_removed_when_a_new_one_is_made(cache: Path) -> None:
    old = cache / "py3langid-0.0.1-0123456789abcdef"
    left = cache / ".unpacking-abandoned"
    used = cache / "py3langid-0.0.2-fedcba9876543210"
    for folder in (old, left, used):
        folder.mkdir(parents=True)
    long_ago = time.time() - 40 * 24 * 3600
    for folder in (old, left):
        os.utime(folder, (long_ago, long_ago))
    load_identifier()
    assert not old.exists()
    assert not left.exists()
    assert used.exists()  # another py3langid's copy, read lately: still in use


def test_threads_asking_at_once_load_one_model() -> None:
    """The model extraction and the checks share is loaded once per process, however many
    articles are checked at once: each copy is about 80 MB, and a run checking four
    articles on four threads loaded four of them, past the desk's 500 MB (found by
    tests/hostile)."""
    language_model._shared.cache_clear()
    start = threading.Barrier(4)
    models: list[object] = []

    def ask() -> None:
        start.wait()
        models.append(shared_identifier(norm_probs=True))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert language_model._shared.cache_info().misses == 1
    assert all(model is models[0] for model in models)
