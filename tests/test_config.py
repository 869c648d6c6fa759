"""desk.toml: written commented by `init`, read back into typed settings, every setting
declared once with its help."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from foreigndesk.config import Settings, iter_setting_names, load_settings, render_config
from foreigndesk.errors import DeskError
from tests.conftest import invoke, write_config


def test_init_writes_a_commented_config_that_loads_back(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    result = invoke("init", "--config", config, "--target-lang", "es", "--title", "Desde fuera")
    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    settings = load_settings(config)
    assert settings.desk.target_lang == "es"
    assert settings.desk.locale == "es_ES"
    assert settings.site.title == "Desde fuera"
    assert settings.post.title_template == "{author}⚡️{title}"
    assert settings.desk.auto_approve is False
    # Every setting is in the file, in its section, with its help on the line above.
    commented: set[str] = set()
    section = ""
    lines = text.splitlines()
    for previous, line in zip(["", *lines], lines, strict=False):
        if line.startswith("["):
            section = line.strip("[]")
        elif " = " in line and previous.startswith("# "):
            commented.add(f"{section}.{line.split(' = ')[0]}")
    assert commented == set(iter_setting_names())
    assert (tmp_path / "desk.db").exists()


def test_init_does_not_overwrite_without_force(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("# mine\n")
    result = invoke("init", "--config", config)
    assert result.exit_code == 1
    assert "pass --force" in result.output
    assert config.read_text() == "# mine\n"


def test_rendered_defaults_parse_as_the_defaults() -> None:
    data = tomllib.loads(render_config())
    assert Settings.model_validate(data) == Settings.model_validate({})


def test_a_relative_sqlite_path_is_relative_to_the_config(tmp_path: Path) -> None:
    config = tmp_path / "sub" / "desk.toml"
    config.parent.mkdir()
    config.write_text('[desk]\ndatabase_url = "sqlite:///state/desk.db"\n')
    assert load_settings(config).database_url == f"sqlite:///{tmp_path}/sub/state/desk.db"


def test_the_database_url_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOREIGNDESK_DATABASE_URL", "postgresql+psycopg://desk@/desk")
    assert load_settings(tmp_path / "desk.toml").database_url == "postgresql+psycopg://desk@/desk"


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        (
            "[desk]\ntarget_language = 'es'\n",
            "unknown setting desk.target_language — did you mean desk.target_lang?",
        ),
        (
            "[translate]\nengnie = 'deepl'\n",
            "unknown setting translate.engnie — did you mean translate.engine?",
        ),
        ("[translat]\nengine = 'deepl'\n", "unknown setting translat — did you mean translate?"),
        (
            "[fetch]\ntarget_lang = 'ja'\n",
            "unknown setting fetch.target_lang — did you mean desk.target_lang?",
        ),
        ("[desk]\nzzz = 1\n", "unknown setting desk.zzz — see docs/configuration.md"),
    ],
)
def test_an_unknown_setting_names_itself_and_the_one_meant(
    tmp_path: Path, toml: str, line: str
) -> None:
    assert_refused(tmp_path, toml, line)


def assert_refused(folder: Path, toml: str, line: str) -> None:
    """desk.toml holding ``toml`` is refused with exactly ``line`` (after its path)."""
    config = folder / "desk.toml"
    config.write_text(toml)
    with pytest.raises(DeskError) as raised:
        load_settings(config)
    assert str(raised.value) == f"{config}: {line}"


@pytest.mark.parametrize(
    ("toml", "line"),
    [
        (
            "[desk]\ntarget_lang = 'japanese'\n",
            "setting desk.target_lang: target_lang"
            " 'japanese' is not a language code — did you mean 'ja'?",
        ),
        (
            "[desk]\ntarget_lang = 'klingon'\n",
            "setting desk.target_lang: target_lang 'klingon'"
            " is not a language code — use a code such as en, ja or pt-BR",
        ),
        (
            "[desk]\nlocale = 'jp'\n",
            "setting desk.locale: locale 'jp' is not a locale — did you mean 'ja'?",
        ),
    ],
)
def test_languages_and_locales_are_checked_with_the_nearest_code(
    tmp_path: Path, toml: str, line: str
) -> None:
    assert_refused(tmp_path, toml, line)


def test_a_wrongly_typed_setting_names_itself(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text("[fetch]\ntimeout = 'soon'\n")
    with pytest.raises(DeskError, match=r"setting fetch\.timeout"):
        load_settings(config)


def test_names_with_dots_in_a_mapping_load_back_as_written(tmp_path: Path) -> None:
    config = write_config(tmp_path, fetch={"resolve": {"magazine.test": "127.0.0.1", "*.x": "::1"}})
    assert load_settings(config).fetch.resolve == {"magazine.test": "127.0.0.1", "*.x": "::1"}
