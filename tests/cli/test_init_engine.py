"""`init` leaves a desk with an engine that translates into its language, or says which
engines could and what each needs (issue #18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreigndesk.config import load_settings
from tests.conftest import invoke


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DEEPL_API_KEY",
        "OPENAI_API_KEY",
        "GOOGLE_CLOUD_ACCESS_TOKEN",
        "LIBRETRANSLATE_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def test_a_language_apertium_has_keeps_apertium(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    result = invoke("init", "--target-lang", "es", "-c", config)
    assert result.exit_code == 0
    assert "translating into es with apertium" in result.output
    assert load_settings(config).translate.engine == "apertium"


def test_japanese_with_no_engine_ready_is_a_warning_naming_what_each_needs(
    tmp_path: Path,
) -> None:
    config = tmp_path / "desk.toml"
    result = invoke("init", "--target-lang", "ja", "-c", config)
    assert result.exit_code == 0  # the desk is made; the warning says what is left to do
    line = " ".join(result.output.split())
    assert "warning: no engine here translates into ja yet" in line
    assert "apertium, in translate.engine, has no pair into it" in line
    assert "deepl: " in line and "DEEPL_API_KEY" in line
    assert "libretranslate: set translate.libretranslate.api_url" in line
    assert "openai: set translate.openai.api_url" in line
    assert "`foreigndesk engines --check`" in line


def test_japanese_with_a_deepl_key_chooses_deepl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPL_API_KEY", "not-a-real-key:fx")
    config = tmp_path / "desk.toml"
    result = invoke("init", "--target-lang", "ja", "-c", config)
    assert "translating into ja with deepl" in result.output
    assert load_settings(config).translate.engine == "deepl"
