"""The runner: every check over an article, settings honoured, findings summed up; and the
pairing of a translator's own files for ``qa check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreigndesk.config import QASettings
from foreigndesk.errors import DeskError
from foreigndesk.models import Block, BlockKind, Finding, Severity
from foreigndesk.qa import CHECK_NAMES, check_article, read_blocks, read_pair, summary
from tests.qa.helpers import context

BLOCKS = (
    Block(BlockKind.HEADING, html="Tides", text="Tides"),
    Block(BlockKind.IMAGE, src="a.png"),
    Block(BlockKind.PARAGRAPH, html="It cost $3 million.", text="It cost $3 million."),
)


def test_each_check_is_named_once() -> None:
    assert len(set(CHECK_NAMES)) == len(CHECK_NAMES) == 14


def test_findings_are_given_by_block_number_and_images_are_skipped() -> None:
    found = check_article(BLOCKS, ["潮", None, "それは400万ドルかかった."], context())
    assert {(f.position, f.check) for f in found} == {(2, "numbers"), (2, "punctuation")}
    assert [f.severity for f in found] == [Severity.ERROR, Severity.WARNING]


def test_disabled_checks_do_not_run() -> None:
    quiet = context(settings=QASettings(disabled=["numbers", "punctuation"]))
    assert check_article(BLOCKS, ["潮", None, "それは400万ドルかかった."], quiet) == []


def test_the_summary_counts_and_reads_as_a_line() -> None:
    findings = [
        Finding("numbers", Severity.ERROR, "a", 1),
        Finding("numbers", Severity.ERROR, "b", 1, resolved=True),
        Finding("length", Severity.WARNING, "c", 2),
    ]
    result = summary(findings)
    assert (result.errors, result.open_errors, result.warnings) == (2, 1, 1)
    assert result.by_check == {"numbers": 2, "length": 1}
    assert str(result) == "2 errors, 1 warning (1 open)"
    assert str(summary([])) == "no findings"


def test_text_files_are_read_paragraph_by_paragraph(tmp_path: Path) -> None:
    source, target = tmp_path / "en.txt", tmp_path / "ja.txt"
    source.write_text("First line\nsame paragraph.\n\nSecond <one>.\n", encoding="utf-8")
    target.write_text("最初の行\n同じ段落。\n\n二つ目。\n", encoding="utf-8")
    assert read_pair(source, target) == (
        ["First line same paragraph.", "Second &lt;one&gt;."],
        ["最初の行同じ段落。", "二つ目。"],
    )


def test_html_files_give_their_blocks_with_inline_markup(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><body><h1>Title</h1><p>A <a href='https://e.org/'>link</a>.</p>"
        "<ul><li>one</li><li>two</li></ul><blockquote><p>quoted</p></blockquote></body></html>",
        encoding="utf-8",
    )
    assert read_blocks(page) == [
        "Title",
        'A <a href="https://e.org/">link</a>.',
        "one",
        "two",
        "quoted",
    ]


def test_files_with_different_counts_are_read_and_an_empty_source_is_one_clear_error(
    tmp_path: Path,
) -> None:
    source, target, empty = tmp_path / "en.txt", tmp_path / "es.txt", tmp_path / "empty.txt"
    source.write_text("One.\n\nTwo.\n", encoding="utf-8")
    target.write_text("Uno.\n", encoding="utf-8")
    empty.write_text("\n", encoding="utf-8")
    assert read_pair(source, target) == (["One.", "Two."], ["Uno."])
    assert read_pair(source, empty) == (["One.", "Two."], [])
    with pytest.raises(DeskError, match="no paragraphs found — separate paragraphs with blank"):
        read_pair(empty, target)
    with pytest.raises(DeskError, match="no such file — check the path"):
        read_pair(tmp_path / "missing.txt", target)
