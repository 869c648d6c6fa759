"""The Argos engine, run for real: its package reader, tokenizers and CTranslate2 on toy packages.

The packages in tests/data/argos were made by scripts/build_argos_test_models.py: tiny
models trained to swap words from a 50-word list and copy the desk's placeholders. They
exercise the real runtime end to end; what they output is not a translation, so these
tests check the plumbing (pairs, batching, order, markup, tokenizers, errors), not quality.
The engine does not use the argostranslate library: nothing here imports it.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import shutil
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from foreigndesk.config import Settings
from foreigndesk.errors import DeskError, EngineError
from foreigndesk.plugins import engine_specs
from foreigndesk.translate.engines.argos import (
    ArgosEngine,
    install_package,
    installed_packages,
)
from foreigndesk.translate.translator import Translator
from tests.conftest import invoke

pytest.importorskip("ctranslate2", reason="the argos extra is not installed")
pytest.importorskip("sentencepiece", reason="the argos extra is not installed")

DATA = Path(__file__).parent.parent / "data" / "argos"
EN_ES = DATA / "translate-en_es-toy.argosmodel"
ES_EN = DATA / "translate-es_en-toy.argosmodel"


@pytest.fixture
def packages(tmp_path: Path) -> Path:
    folder = tmp_path / "packages"
    install_package(EN_ES, folder)
    install_package(ES_EN, folder)
    return folder


@pytest.fixture
def engine(packages: Path) -> ArgosEngine:
    return ArgosEngine(packages, threads=1)


class CountingTranslator:
    """The real CTranslate2 translator, counting its calls and the threads they run on."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: list[int] = []
        self.threads: list[threading.Thread] = []

    def translate_batch(self, batch: list[list[str]], **options: Any) -> Any:
        self.calls.append(len(batch))
        self.threads.append(threading.current_thread())
        return self.real.translate_batch(batch, **options)

    def unload_model(self) -> None:
        self.real.unload_model()


def counting(engine: ArgosEngine, source: str, target: str) -> CountingTranslator:
    loaded = engine._load(engine._packages[(source, target)])
    counter = CountingTranslator(loaded.translator)
    loaded.translator = counter
    return counter


def test_pairs_come_from_the_installed_packages(engine: ArgosEngine) -> None:
    assert engine.pairs() == {("en", "es"), ("es", "en")}


def test_no_packages_folder_means_no_pairs(tmp_path: Path) -> None:
    assert ArgosEngine(tmp_path / "missing").pairs() == frozenset()


def test_folders_that_are_not_translation_packages_are_skipped(packages: Path) -> None:
    (packages / "notes").mkdir()
    sbd = packages / "sbd-toy"
    sbd.mkdir()
    (sbd / "metadata.json").write_text(json.dumps({"type": "sbd", "from_code": "en"}))
    assert {(p.source, p.target) for p in installed_packages(packages)} == {
        ("en", "es"),
        ("es", "en"),
    }


def test_the_engine_registers_through_the_entry_point(packages: Path) -> None:
    settings = Settings.model_validate(
        {"translate": {"engine": "argos", "argos": {"packages_dir": str(packages)}}}
    )
    engine = engine_specs()["argos"].create(settings)
    assert isinstance(engine, ArgosEngine)
    assert engine.pairs() == {("en", "es"), ("es", "en")}


def test_a_batch_is_one_call_off_the_event_loop_with_one_segment_out_per_segment_in(
    engine: ArgosEngine,
) -> None:
    counter = counting(engine, "en", "es")
    segments = [
        "The river.",
        "A small garden near the library. The train crosses the bridge.",
        "Every morning the children visit the market.",
    ]
    result = asyncio.run(engine.translate(segments, "en", "es"))
    assert counter.calls == [4]  # one call for the four sentences of the three segments
    assert threading.main_thread() not in counter.threads
    assert len(result.segments) == 3
    assert all(result.segments)
    assert "río" in result.segments[0]  # the en→es package's word, not the es→en one's
    assert result.billed == sum(len(s) for s in segments)


def test_each_direction_uses_its_own_package(engine: ArgosEngine) -> None:
    [back] = asyncio.run(engine.translate(["el río"], "es", "en")).segments
    assert "river" in back


def test_an_empty_batch_costs_no_call(engine: ArgosEngine) -> None:
    counter = counting(engine, "en", "es")
    result = asyncio.run(engine.translate([], "en", "es"))
    assert result.segments == ()
    assert counter.calls == []


def test_a_missing_pair_is_an_error_naming_the_fix(engine: ArgosEngine) -> None:
    with pytest.raises(EngineError, match=r"no en→ja package.*install-argos"):
        asyncio.run(engine.translate(["The river."], "en", "ja"))


def test_links_and_emphasis_come_back_through_placeholders(engine: ArgosEngine) -> None:
    segment = 'The <a href="https://example.org/river?a=1&amp;b=2">old bridge</a> is <em>open</em>.'

    async def run() -> Any:
        try:
            return await Translator([engine]).translate([segment], "en", "es")
        finally:
            await engine.aclose()

    result = asyncio.run(run()).results[segment]
    assert result.error is None and result.engine == "argos"
    assert result.text is not None
    assert result.text.count('<a href="https://example.org/river?a=1&amp;b=2">') == 1
    assert result.text.count("</a>") == 1
    assert result.text.count("<em>") == 1 and result.text.count("</em>") == 1
    assert "⟦" not in result.text


def test_sentencepiece_decoding_keeps_underscores(engine: ArgosEngine) -> None:
    # Argos 1.11 made every "_" a space; SentencePiece's own decoding keeps the text.
    tokenizer = engine._load(engine._packages[("en", "es")]).tokenizer
    text = "the snake_case river and __init__"
    assert tokenizer.decode(tokenizer.encode(text)) == text


def test_the_target_prefix_is_forced_first_and_taken_off(packages: Path) -> None:
    metadata_file = packages / "translate-en_es-toy" / "metadata.json"
    metadata = json.loads(metadata_file.read_text())
    metadata_file.write_text(json.dumps({**metadata, "target_prefix": "▁el"}))
    engine = ArgosEngine(packages, threads=1)
    assert engine._load(engine._packages[("en", "es")]).target_prefix == "▁el"
    [text] = asyncio.run(engine.translate(["The river."], "en", "es")).segments
    assert "río" in text and not text.startswith("el")


def bpe_package(packages: Path, folder: Path) -> Path:
    """The en→es toy package as a BPE package, with no training: the same model, its
    vocabulary relabelled from SentencePiece pieces to the units Moses and BPE make.

    A word-initial piece ``▁word`` becomes the whole word ``word``, any other piece a
    continued unit ``x@@``, and the BPE codes, learnt from the model's words alone, put
    every word back together whole. A sentence of listed words is thus the same ids for
    the model under either tokenizer, and must come out translated the same.
    """
    from subword_nmt.learn_bpe import learn_bpe

    package = folder / "translate-en_es-bpe"
    shutil.copytree(packages / "translate-en_es-toy", package)
    (package / "sentencepiece.model").unlink()
    vocabulary_file = package / "model" / "shared_vocabulary.json"
    vocabulary = json.loads(vocabulary_file.read_text())
    kept = {"</s>", "<unk>", "<s>", "▁", "."}

    def relabel(token: str) -> str:
        if token in kept or token.startswith("⟦"):
            return token
        return token[1:] if token.startswith("▁") else f"{token}@@"

    vocabulary_file.write_text(json.dumps([relabel(t) for t in vocabulary]))
    words = [t[1:] for t in vocabulary if t.startswith("▁") and len(t) > 1]
    codes = io.StringIO()
    learn_bpe(io.StringIO("\n".join(words)), codes, 10_000, min_frequency=1)
    (package / "bpe.model").write_text(codes.getvalue(), encoding="utf-8")
    return package


def test_a_bpe_package_translates_through_moses_tokens_and_bpe_units(
    packages: Path, tmp_path: Path
) -> None:
    pytest.importorskip("sacremoses", reason="the argos extra is not installed")
    pytest.importorskip("subword_nmt", reason="the argos extra is not installed")
    bpe_package(packages, tmp_path / "bpe")
    bpe, sentencepiece = ArgosEngine(tmp_path / "bpe", threads=1), ArgosEngine(packages, threads=1)
    tokenizer = bpe._load(bpe._packages[("en", "es")]).tokenizer
    words = ["a", "small", "garden", "near", "the", "library", "."]
    assert tokenizer.encode("a small garden near the library.") == words
    assert tokenizer.encode("visit")[-1] == "t" and tokenizer.encode("visit")[0].endswith("@@")
    assert tokenizer.decode(["el", "vis@@", "ita", "la", "biblioteca", "."]) == (
        "el visita la biblioteca."
    )
    segments = ["a small garden near the library.", "the teacher builds a new school in the city."]
    translated = asyncio.run(bpe.translate(segments, "en", "es")).segments
    assert translated == asyncio.run(sentencepiece.translate(segments, "en", "es")).segments
    assert translated[0].endswith("biblioteca.")  # Moses detokenizing joined the full stop


def hide_module(monkeypatch: pytest.MonkeyPatch, hidden: str) -> None:
    """Make the engine's look-up find no ``hidden``, as where the extra is not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == hidden else real(name)
    )


def test_a_bpe_package_without_its_libraries_is_one_line_naming_the_fix(
    packages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("subword_nmt", reason="the argos extra is not installed")
    bpe_package(packages, tmp_path / "bpe")
    hide_module(monkeypatch, "sacremoses")
    engine = ArgosEngine(tmp_path / "bpe")
    with pytest.raises(EngineError) as caught:
        asyncio.run(engine.translate(["the river."], "en", "es"))
    assert str(caught.value) == (
        "argos package translate-en_es-bpe uses a BPE tokenizer, which needs sacremoses — "
        "pip install 'foreigndesk[argos]'"
    )


def test_the_engine_is_not_created_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_module(monkeypatch, "ctranslate2")
    with pytest.raises(
        EngineError, match=r"needs ctranslate2 — pip install 'foreigndesk\[argos\]'$"
    ):
        engine_specs()["argos"].create(Settings())


def test_a_package_that_lost_its_tokenizer_is_an_error_naming_the_fix(packages: Path) -> None:
    (packages / "translate-en_es-toy" / "sentencepiece.model").unlink()
    engine = ArgosEngine(packages)
    with pytest.raises(EngineError, match=r"no sentencepiece\.model or bpe\.model.*install-argos"):
        asyncio.run(engine.translate(["The river."], "en", "es"))


def test_installing_again_replaces_the_package(packages: Path) -> None:
    package = install_package(EN_ES, packages)
    assert package.path == packages / "translate-en_es-toy"
    assert sorted(p.name for p in packages.iterdir()) == [
        "translate-en_es-toy",
        "translate-es_en-toy",
    ]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"pkg/model/model.bin": b""}, "no metadata.json"),
        ({"pkg/metadata.json": b"{"}, "not JSON"),
        ({"pkg/metadata.json": b'{"type": "sbd"}'}, "not a translation"),
        ({"pkg/metadata.json": b'{"from_code": "en"}'}, "no from_code and to_code"),
        ({"pkg/metadata.json": b'{"from_code": "en", "to_code": "es"}'}, "model/model.bin"),
        ({"pkg/metadata.json": b"{}", "other/x": b""}, "one top folder"),
        ({"pkg/metadata.json": b"{}", "pkg/../../evil": b""}, "one top folder"),
    ],
)
def test_a_bad_package_is_refused_before_anything_is_written(
    tmp_path: Path, members: dict[str, bytes], message: str
) -> None:
    archive = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(DeskError, match=message):
        install_package(archive, tmp_path / "packages")
    assert not (tmp_path / "packages").exists()


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "model.argosmodel"
    archive.write_text("not a zip")
    with pytest.raises(DeskError, match="is not an Argos package"):
        install_package(archive, tmp_path / "packages")


def test_the_cli_installs_packages_into_the_configured_folder(tmp_path: Path) -> None:
    folder = tmp_path / "argos"
    config = tmp_path / "desk.toml"
    config.write_text(f'[translate.argos]\npackages_dir = "{folder}"\n')
    result = invoke("engines", "install-argos", EN_ES, ES_EN, "--config", config)
    assert result.exit_code == 0, result.output
    assert "installed en→es" in result.output and "installed es→en" in result.output
    assert (folder / "translate-en_es-toy" / "model" / "model.bin").is_file()
    listing = invoke("engines", "--config", config)
    assert "│ argos" in listing.output and "en→es" in listing.output


def test_the_cli_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(f'[translate.argos]\npackages_dir = "{tmp_path / "argos"}"\n')
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("nope")
    result = invoke("engines", "install-argos", bad, "--config", config)
    assert result.exit_code == 1
    assert "is not an Argos package" in result.output
