"""A page is read in the encoding it was written in, whatever it declares."""

from __future__ import annotations

import codecs

import pytest
from lxml.html import HtmlElement

from foreigndesk.errors import DeskError
from foreigndesk.extract.article import extract_article
from foreigndesk.extract.decoding import PageEncoding, decode_page, page_encoding
from foreigndesk.extract.parsing import parse_page

JAPANESE = "<p>川沿いの小さなパン屋の前に、毎朝六時になると行列ができます。</p>"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body>{body}</body></html>"


def parse(content: bytes) -> HtmlElement:
    return parse_page(content, page_encoding(content))


def test_utf8_wins_over_a_wrong_latin1_declaration() -> None:
    content = page("<p>café</p>", '<meta charset="iso-8859-1">').encode("utf-8")
    assert page_encoding(content) == PageEncoding("utf-8")
    assert "café" in parse(content).text_content()


def test_a_meta_charset_is_honoured() -> None:
    content = page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis")
    assert page_encoding(content) == PageEncoding("cp932")  # what browsers read Shift_JIS as
    assert "パン屋" in parse(content).text_content()


def test_the_servers_declaration_counts_when_the_page_names_none() -> None:
    content = page("<p>Привет, соседи! Библиотека открыта.</p>").encode("cp1251")
    assert "Библиотека" in decode_page(content, "windows-1251")


def test_an_undeclared_legacy_encoding_is_guessed() -> None:
    content = page(JAPANESE * 5).encode("euc_jp")
    assert "パン屋" in parse(content).text_content()


def test_a_byte_order_mark_decides() -> None:
    content = codecs.BOM_UTF16_LE + page("<p>café</p>").encode("utf-16-le")
    assert "café" in parse(content).text_content()


def test_control_characters_and_doctype_do_not_reach_the_tree() -> None:
    doctype = b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">'
    content = doctype + page("<p>a\x01b\x0cc</p>").encode()
    assert parse(content).findtext(".//p") == "abc"


def test_an_empty_page_is_a_clear_error() -> None:
    with pytest.raises(DeskError, match="empty"):
        parse(b"  \n ")


def damaged(content: bytes, before: bytes, junk: bytes) -> bytes:
    """``content`` with ``junk`` (bytes no codec of the page reads) inserted before ``before``."""
    at = content.index(before)
    return content[:at] + junk + content[at:]


def test_undecodable_bytes_are_counted_and_the_rest_of_the_page_is_kept() -> None:
    body = JAPANESE * 4 + "<p>最後の段落は損傷の後にあります。</p>"
    clean = page(body, '<meta charset="Shift_JIS">').encode("shift_jis")
    content = damaged(clean, "<p>最後".encode("shift_jis"), b"\x81")  # a lead byte alone
    assert page_encoding(content) == PageEncoding("cp932", undecodable=1)
    text = parse_page(content, page_encoding(content)).text_content()
    assert "最後の段落は損傷の後にあります" in text  # libxml2 alone stops at the damage
    assert "\ufffd" in text


def test_a_damaged_utf8_page_is_still_read_as_utf8() -> None:
    content = damaged(page(JAPANESE * 4).encode("utf-8"), "毎朝".encode(), b"\xe6\x97")
    assert page_encoding(content, "utf-8") == PageEncoding("utf-8", undecodable=2)


def test_a_wrong_single_byte_declaration_is_not_taken_for_damage() -> None:
    content = page(JAPANESE * 4).encode("shift_jis")
    assert page_encoding(content, "iso-8859-1") == PageEncoding("cp932")


def test_the_extracted_article_says_how_many_bytes_were_unreadable() -> None:
    body = "<article><h1>パン屋</h1>" + JAPANESE * 4 + "<p>最後の段落です。</p></article>"
    clean = page(body, '<meta charset="euc-jp">').encode("euc_jp")
    content = damaged(clean, "<p>最後".encode("euc_jp"), b"\xa1")
    article = extract_article(content, "https://bakery.test/story")
    assert (article.encoding, article.undecodable_bytes) == ("euc_jp", 1)
    assert "最後の段落です。" in article.blocks[-1].text
