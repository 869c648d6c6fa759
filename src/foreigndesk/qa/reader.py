"""A translator's own files, read for ``qa check``: one block per paragraph, in order.

A text file's paragraphs are separated by blank lines. An HTML file's blocks are its
paragraphs, headings, list items, quotations and captions, with inline markup kept.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from foreigndesk.errors import DeskError

_BLOCK_TAGS = (
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "figcaption",
    "dt",
    "dd",
)
_HTML_START = re.compile(
    r"^\s*(?:<!doctype html|<html|<body|<p[\s>]|<h[1-6][\s>]|<ul|<ol|<div)", re.I
)


def _inner_html(element: lxml_html.HtmlElement) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(lxml_html.tostring(child, encoding="unicode", with_tail=True))
    return " ".join("".join(parts).split())


def html_blocks(document: str) -> list[str]:
    """The block elements' inner HTML, in document order, innermost blocks only."""
    root = lxml_html.fromstring(document)
    blocks: list[str] = []
    for element in root.iter(*_BLOCK_TAGS):
        if any(True for _ in element.iterdescendants(*_BLOCK_TAGS)):
            continue
        inner = _inner_html(element)
        if inner.strip():
            blocks.append(inner)
    return blocks


def text_blocks(document: str) -> list[str]:
    """Paragraphs separated by blank lines; a paragraph's lines are joined."""
    from html import escape

    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", document.replace("\r\n", "\n")):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        joined = lines[0]
        for line in lines[1:]:
            # Lines of Japanese or Chinese text join without a space.
            gap = "" if ord(joined[-1]) > 0x2E80 and ord(line[0]) > 0x2E80 else " "
            joined += gap + line
        blocks.append(escape(joined, quote=False))
    return blocks


def read_blocks(path: Path) -> list[str]:
    """The blocks of a text or HTML file, as inline HTML."""
    try:
        document = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DeskError(f"{path}: no such file — check the path") from None
    except UnicodeDecodeError:
        raise DeskError(f"{path}: not UTF-8 text — save it as UTF-8") from None
    except OSError as exc:
        raise DeskError(f"{path}: cannot be read ({exc.strerror}) — check the path") from exc
    if path.suffix.lower() in {".html", ".htm", ".xhtml"} or _HTML_START.match(document):
        if not document.strip():
            return []
        return html_blocks(document)
    return text_blocks(document)


def read_pair(source: Path, target: Path) -> tuple[list[str], list[str]]:
    """The blocks of a source file and of its translation. The counts may differ (the
    checks align them and report what does not pair); an empty translation is every
    paragraph dropped, but an empty source leaves nothing to check against."""
    source_blocks, target_blocks = read_blocks(source), read_blocks(target)
    if not source_blocks:
        raise DeskError(f"{source}: no paragraphs found — separate paragraphs with blank lines")
    return source_blocks, target_blocks
