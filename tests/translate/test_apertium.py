"""The apertium engine, run for real: Debian's apertium with the eng-spa pair."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from foreigndesk.config import Settings
from foreigndesk.errors import EngineError
from foreigndesk.plugins import engine_specs
from foreigndesk.translate.engines.apertium import ApertiumEngine, installed_modes, strip_marks

MODES = Path("/usr/share/apertium/modes")


@pytest.fixture
def engine() -> ApertiumEngine:
    return ApertiumEngine("apertium", MODES, timeout=60)


def test_pairs_come_from_the_installed_modes_in_iso_639_1() -> None:
    modes = installed_modes(MODES)
    assert modes[("en", "es")] == "eng-spa"
    assert modes[("es", "en")] == "spa-eng"
    assert all("_" not in mode for mode in modes.values())  # regional variants skipped


def test_no_modes_folder_means_no_pairs(tmp_path: Path) -> None:
    assert installed_modes(tmp_path / "missing") == {}


def test_a_batch_comes_back_in_order_one_segment_each(engine: ApertiumEngine) -> None:
    result = asyncio.run(
        engine.translate(["The house is red.", "New gates", "The cat is black."], "en", "es")
    )
    assert result.segments == ("La casa es roja.", "Puertas nuevas", "El gato es negro.")
    assert result.billed == len("The house is red.New gatesThe cat is black.")


def test_links_and_emphasis_come_back_in_place(engine: ApertiumEngine) -> None:
    source = 'The <a href="https://example.org/a?b=1&amp;c=2">old house</a> is <em>very</em> red.'
    [target] = asyncio.run(engine.translate([source], "en", "es")).segments
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in target
    assert "<em>muy</em>" in target
    assert target.count("</a>") == 1


def test_unknown_words_are_reported_and_their_marks_removed(engine: ApertiumEngine) -> None:
    result = asyncio.run(engine.translate(["Jane Roe lives in Portsville."], "en", "es"))
    assert "*" not in result.segments[0]
    assert "Portsville" in result.segments[0]
    assert "Portsville" in result.unknown_words[0]


def test_strip_marks_leaves_tags_and_plain_asterisks_alone() -> None:
    text, words = strip_marks('<a href="x*y">*Roe</a> 5 * 3 @hola #adiós')
    assert text == '<a href="x*y">Roe</a> 5 * 3 hola adiós'
    assert words == ("Roe", "hola", "adiós")


def test_a_pair_that_is_not_installed_is_refused(engine: ApertiumEngine) -> None:
    with pytest.raises(EngineError, match="no fr→es pair"):
        asyncio.run(engine.translate(["Bonjour"], "fr", "es"))


def test_a_missing_program_says_what_to_install(tmp_path: Path) -> None:
    engine = ApertiumEngine(str(tmp_path / "no-apertium"), MODES, timeout=5)
    with pytest.raises(EngineError, match="install Debian's apertium"):
        asyncio.run(engine.translate(["Hello"], "en", "es"))


def test_a_hung_process_is_killed_at_the_timeout(tmp_path: Path) -> None:
    # A stand-in program that never answers, with a child of its own: the whole process
    # group must go.
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nsleep 60 &\nsleep 60\n")
    hang.chmod(0o755)
    engine = ApertiumEngine(str(hang), MODES, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"longer than 0\.5 s"):
        asyncio.run(engine.translate(["Hello"], "en", "es"))
    assert time.monotonic() - started < 5


def test_apertium_registers_through_the_plugin_hook_like_any_plugin() -> None:
    spec = engine_specs()["apertium"]
    engine = spec.create(Settings())
    assert engine.name == "apertium"
    assert ("en", "es") in engine.pairs()
