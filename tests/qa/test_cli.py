"""The qa commands as a user runs them: `qa check` on files, `qa ID`, `qa override`, and the
QA line of `show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke, write_config


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    source, target = tmp_path / "en.txt", tmp_path / "ja.txt"
    source.write_text("The library lends 1,000 books a week.\n\nIt cost $3 million.\n", "utf-8")
    target.write_text("図書館は毎週1000冊の本を貸し出す。\n\nそれは400万ドルかかった。\n", "utf-8")
    return source, target


def test_qa_check_prints_a_report_and_exits_1_on_errors(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    result = invoke("qa", "check", *files, "--from", "en", "--to", "ja", "-c", tmp_path / "d.toml")
    assert result.exit_code == 1
    assert "2 blocks: 2 errors, 0 warnings" in result.output
    assert "400万 is not in" in " ".join(result.output.split())


def test_qa_check_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    result = invoke(
        "qa", "check", *files, "--from", "en", "--to", "ja", "--json", "-c", tmp_path / "d.toml"
    )
    report = json.loads(result.output)
    assert report["blocks"] == 2
    assert [(f["block"], f["check"]) for f in report["findings"]] == [(1, "numbers")] * 2


def test_qa_check_of_a_clean_pair_exits_0(tmp_path: Path) -> None:
    source, target = tmp_path / "en.txt", tmp_path / "es.txt"
    source.write_text("Is the harbour ready?\n", "utf-8")
    target.write_text("¿Está listo el puerto?\n", "utf-8")
    result = invoke(
        "qa", "check", source, target, "--from", "en", "--to", "es", "-c", tmp_path / "d"
    )
    assert result.exit_code == 0
    assert "1 blocks: no findings" in result.output


def test_qa_check_bad_input_is_one_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    result = invoke("qa", "check", files[0], tmp_path / "nope.txt", "--from", "en", "--to", "ja")
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {tmp_path / 'nope.txt'}: no such file — check the path"
    bad_lang = invoke("qa", "check", *files, "--from", "english", "--to", "ja")
    assert "--from 'english' is not a language code" in bad_lang.output


def test_qa_report_override_and_show_on_a_desk(tmp_path: Path, sample_url: str) -> None:
    config = write_config(tmp_path)
    invoke("source", "add", f"{sample_url}feed.xml", "--license", "CC BY 4.0", "-c", config)
    assert invoke("run", "-c", config).exit_code == 0

    report = invoke("qa", "1", "-c", config)
    assert report.exit_code == 0, report.output
    assert "QA: 0 errors," in report.output
    assert "apertium_marks" in report.output
    assert "QA: 0 errors," in invoke("show", "1", "-c", config).output
    listed = invoke("articles", "list", "-c", config)
    assert "warning" in listed.output

    overridden = invoke("qa", "override", "1", "-c", config)
    assert "QA errors overridden for 1" in overridden.output
    assert "publishing allowed by the editor" in invoke("qa", "1", "-c", config).output
    approved = invoke("approve", "2", "--override-qa", "-c", config)
    assert "(QA errors overridden)" in approved.output

    missing = invoke("qa", "999", "-c", config)
    assert missing.exit_code == 1
