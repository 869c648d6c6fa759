"""A page's bytes → its text, in the encoding the page was written in.

Foreign-language pages still come in legacy encodings (Shift_JIS, EUC-KR, windows-1251),
and a page read in the wrong one is mojibake in every block, title and name after it. The
evidence is taken in this order: a byte-order mark; valid UTF-8 (multi-byte text in any
other encoding almost never is, while pages that declare Latin-1 but are UTF-8 are common);
the encoding the server declared; the page's own ``<meta charset>``; only then a guess.

Bytes the chosen codec cannot read (a truncated multi-byte character, a stray byte from
another encoding) become U+FFFD and are counted, so the desk can say which article's text
is damaged instead of passing the damage on silently.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from charset_normalizer import from_bytes

#: Where a page declares its charset: ``<meta charset=…>`` or the http-equiv form.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
#: Browsers read these labels as their supersets; so must we, or bytes go missing.
_SUPERSETS = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: How far into the page a ``<meta charset>`` is looked for (the HTML standard says 1024).
_SNIFF_BYTES = 4096
#: Text in any other encoding fails as UTF-8 on a third or more of its non-ASCII bytes; a
#: page that fails on at most one in this many is UTF-8 with a few damaged characters.
_UTF8_DAMAGE = 20
_ASCII = bytes(range(128))


#: Marks each byte a codec cannot read with a lone surrogate, which no successful decode
#: produces, so counting them counts the bytes. A pure function: safe in every thread.
_MARK = "foreigndesk-mark-undecodable"
_MARKER = "\udcff"


def _mark(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return _MARKER * (error.end - error.start), error.end


codecs.register_error(_MARK, _mark)


class PageEncoding(NamedTuple):
    """The codec to read a page with, and how many of its bytes that codec cannot read."""

    codec: str
    undecodable: int = 0


def undecodable_bytes(content: bytes, codec: str) -> int:
    """How many bytes of ``content`` ``codec`` cannot read (each becomes U+FFFD)."""
    try:
        content.decode(codec)
    except UnicodeDecodeError:
        return content.decode(codec, errors=_MARK).count(_MARKER)
    return 0


def _known(label: str) -> str | None:
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_encoding(content: bytes) -> str | None:
    """The encoding named by the page's ``<meta charset>``, if any."""
    if match := _META_CHARSET.search(content[:_SNIFF_BYTES]):
        return _known(match.group(1).decode("ascii", errors="ignore"))
    return None


def _mostly_utf8(content: bytes, unread: int) -> bool:
    return unread * _UTF8_DAMAGE <= len(content.translate(None, _ASCII))


def page_encoding(content: bytes, encoding: str | None = None) -> PageEncoding:
    """The codec to read the page with, by the first evidence that holds.

    A page with bytes its codec cannot read is damaged or declared wrong. For UTF-8 the
    two are told apart by how many bytes fail; for the legacy multi-byte encodings they
    are not (a wrong one often fails on only 1-3% of the bytes, GB18030 on none), so a
    damaged page keeps its declared codec unless the detector finds one that reads more.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return PageEncoding(name, undecodable_bytes(content, name))
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return PageEncoding("utf-8")
    damaged: dict[str, int] = {}
    for label in (encoding, declared_encoding(content)):
        declared = _known(label) if label else None
        if declared:
            unread = undecodable_bytes(content, declared)
            if not unread:
                return PageEncoding(declared)
            damaged[declared] = unread
    if "utf-8" in damaged and _mostly_utf8(content, damaged["utf-8"]):
        return PageEncoding("utf-8", damaged["utf-8"])
    sample = content if len(content) < 20000 else content[:10000] + content[-10000:]
    best = from_bytes(sample).best()
    guessed = _known(best.encoding) if best is not None and best.encoding else None
    if guessed and guessed not in damaged:
        damaged[guessed] = undecodable_bytes(content, guessed)
    if not damaged:
        return PageEncoding("utf-8", undecodable_bytes(content, "utf-8"))
    # The fewest damaged bytes; on a tie the declaration, which comes first.
    codec = min(damaged, key=damaged.__getitem__)
    return PageEncoding(codec, damaged[codec])


def decode_page(content: bytes, encoding: str | None = None) -> str:
    """The page's text, read by the first evidence that holds; never raises."""
    return content.decode(page_encoding(content, encoding).codec, errors="replace")
