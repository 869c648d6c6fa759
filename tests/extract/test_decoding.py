"""A page is read in the encoding it was written in, whatever it declares."""

from __future__ import annotations

import codecs

import pytest

from foreigndesk.errors import DeskError
from foreigndesk.extract.decoding import decode_page, page_encoding
from foreigndesk.extract.parsing import parse_page

JAPANESE = "<p>川沿いの小さなパン屋の前に、毎朝六時になると行列ができます。</p>"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body>{body}</body></html>"


def test_utf8_wins_over_a_wrong_latin1_declaration() -> None:
    content = page("<p>café</p>", '<meta charset="iso-8859-1">').encode("utf-8")
    assert page_encoding(content) == "utf-8"
    assert "café" in parse_page(content).text_content()


def test_a_meta_charset_is_honoured() -> None:
    content = page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis")
    assert page_encoding(content) == "cp932"  # what browsers read Shift_JIS as
    assert "パン屋" in parse_page(content).text_content()


def test_the_servers_declaration_counts_when_the_page_names_none() -> None:
    content = page("<p>Привет, соседи! Библиотека открыта.</p>").encode("cp1251")
    assert "Библиотека" in decode_page(content, "windows-1251")


def test_an_undeclared_legacy_encoding_is_guessed() -> None:
    content = page(JAPANESE * 5).encode("euc_jp")
    assert "パン屋" in parse_page(content).text_content()


def test_a_byte_order_mark_decides() -> None:
    content = codecs.BOM_UTF16_LE + page("<p>café</p>").encode("utf-16-le")
    assert "café" in parse_page(content).text_content()


def test_control_characters_and_doctype_do_not_reach_the_tree() -> None:
    doctype = b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">'
    content = doctype + page("<p>a\x01b\x0cc</p>").encode()
    assert parse_page(content).findtext(".//p") == "abc"


def test_an_empty_page_is_a_clear_error() -> None:
    with pytest.raises(DeskError, match="empty"):
        parse_page(b"  \n ")
