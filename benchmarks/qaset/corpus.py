"""Where the WMT23 English→Japanese data is, and its lines read into memory.

The data lives beside the repository (``../shared/data/wmt23-en-ja``), never in it; the
environment variable ``FOREIGNDESK_DATA`` names another folder holding the same files. Line
N of every file is segment N: the source, the professional reference (refA) and each
system's output (``hyp.*``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV = "FOREIGNDESK_DATA"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT.parent / "shared" / "data" / "wmt23-en-ja"
PREFIX = "generaltest2023.en-ja."
SOURCE = PREFIX + "src.en"
REFERENCE = PREFIX + "ref.refA.ja"
SEGMENTS = 2074


class DataMissing(Exception):
    """The data folder, or one of its files, is not there."""


@dataclass(frozen=True)
class Corpus:
    """Every segment of the test set: source, reference, and each system's output."""

    source: tuple[str, ...]
    reference: tuple[str, ...]
    systems: dict[str, tuple[str, ...]]


def data_folder() -> Path:
    """The folder the data is read from: ``$FOREIGNDESK_DATA``, else the shared one."""
    return Path(os.environ.get(ENV) or DEFAULT)


def _lines(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        raise DataMissing(f"{path} is missing: set {ENV} to the wmt23-en-ja folder")
    lines = tuple(path.read_text(encoding="utf-8").split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    if len(lines) != SEGMENTS:
        raise DataMissing(f"{path} has {len(lines)} lines, not the {SEGMENTS} of WMT23 en-ja")
    return lines


def load_corpus(folder: Path | None = None) -> Corpus:
    """Read the source, the reference and every ``hyp.*`` file of ``folder``."""
    folder = folder or data_folder()
    if not folder.is_dir():
        raise DataMissing(f"{folder} is missing: set {ENV} to the wmt23-en-ja folder")
    systems = {
        path.name.removeprefix(PREFIX + "hyp.").removesuffix(".ja"): _lines(path)
        for path in sorted(folder.glob(PREFIX + "hyp.*.ja"))
    }
    return Corpus(_lines(folder / SOURCE), _lines(folder / REFERENCE), systems)
