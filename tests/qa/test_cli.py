"""The qa commands as a user runs them: `qa check` on files, `qa ID`, `qa override`, and the
QA line of `show`."""

from __future__ import annotations

import json
import re
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
    assert "2 blocks: 1 error, 0 warnings" in result.output
    assert "became 400万" in " ".join(result.output.split())


def test_qa_check_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    result = invoke(
        "qa", "check", *files, "--from", "en", "--to", "ja", "--json", "-c", tmp_path / "d.toml"
    )
    report = json.loads(result.output)
    assert report["blocks"] == 2
    assert [(f["block"], f["check"]) for f in report["findings"]] == [(1, "numbers")]


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


EN_PARAGRAPHS = [
    "The ferry to the islands leaves at 8:00 every morning.",
    "Tickets cost 15 euros for adults and 7 euros for children.",
    "In winter the crossing takes about 50 minutes because of the wind.",
    "Bicycles travel free on the lower deck.",
    "The café on board sells coffee, sandwiches and fruit.",
    "Passengers should arrive 20 minutes before the ferry leaves.",
]
ES_PARAGRAPHS = [
    "El ferri a las islas sale a las 8:00 todas las mañanas.",
    "Los billetes cuestan 15 euros para adultos y 7 euros para niños.",
    "En invierno la travesía dura unos 50 minutos por el viento.",
    "Las bicicletas viajan gratis en la cubierta inferior.",
    "La cafetería de a bordo vende café, bocadillos y fruta.",
    "Los pasajeros deben llegar 20 minutos antes de la salida del ferri.",
]
#: Each case: the source's paragraphs, the translation's, the exit status, and the one
#: alignment (or repeats) finding as (block, severity, message).
MISMATCHED = {
    "5 vs 6, a paragraph pasted twice": (
        EN_PARAGRAPHS[:5],
        [*ES_PARAGRAPHS[:5], ES_PARAGRAPHS[2]],
        1,
        (5, "error", "block 5 repeats block 2 and has no source block of its own"),
    ),
    "6 vs 5, a paragraph dropped": (
        EN_PARAGRAPHS,
        [*ES_PARAGRAPHS[:3], *ES_PARAGRAPHS[4:]],
        1,
        (2, "error", "source block 3 has no translation (between blocks 2 and 3)"),
    ),
    "6 vs 5, two paragraphs merged": (
        EN_PARAGRAPHS,
        [*ES_PARAGRAPHS[:2], " ".join(ES_PARAGRAPHS[2:4]), *ES_PARAGRAPHS[4:]],
        0,
        (2, "warning", "source blocks 2 and 3 are translated together in block 2"),
    ),
}


def write_pair(
    tmp_path: Path, source: list[str], target: list[str], html: bool
) -> tuple[Path, Path]:
    """The paragraphs as two text files (blank lines between) or two HTML pages."""
    suffix = ".html" if html else ".txt"
    paths = tmp_path / f"en{suffix}", tmp_path / f"es{suffix}"
    for path, paragraphs in zip(paths, (source, target), strict=True):
        if html:
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            path.write_text(f"<html><body><h1>Ferry</h1>{body}</body></html>", "utf-8")
        else:
            path.write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    return paths


@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
@pytest.mark.parametrize("case", list(MISMATCHED))
def test_qa_check_aligns_paragraphs_that_do_not_pair_and_reports_them(
    tmp_path: Path, case: str, html: bool
) -> None:
    source, target, status, (block, severity, message) = MISMATCHED[case]
    if html:  # the pages' heading is block 0
        block += 1
        message = re.sub(r"\d+", lambda n: str(int(n.group(0)) + 1), message)
    files = write_pair(tmp_path, source, target, html)
    args = ("qa", "check", *files, "--from", "en", "--to", "es", "-c", tmp_path / "d.toml")

    report = invoke(*args, "--json")
    assert report.exit_code == status
    document = json.loads(report.output)
    assert (document["blocks"], document["source_blocks"]) == (
        len(target) + html,
        len(source) + html,
    )
    assert [
        (f["block"], f["severity"], f["message"])
        for f in document["findings"]
        if f["check"] in {"alignment", "repeats"}
    ] == [(block, severity, message)]

    printed = invoke(*args)
    assert printed.exit_code == status
    assert not printed.output.startswith("error:")
    assert f"{len(target) + html} blocks: " in printed.output
    assert "alignment" in printed.output or "repeats" in printed.output
