"""A page's bytes → its text, in the encoding the page was written in.

Foreign-language pages still come in legacy encodings (Shift_JIS, EUC-KR, windows-1251),
and a page read in the wrong one is mojibake in every block, title and name after it. The
evidence is taken in this order: a byte-order mark; valid UTF-8 (multi-byte text in any
other encoding almost never is, while pages that declare Latin-1 but are UTF-8 are common);
the encoding the server declared; the page's own ``<meta charset>``; only then a guess.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

logger = logging.getLogger(__name__)

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


def page_encoding(content: bytes, encoding: str | None = None) -> str:
    """The codec to read the page with, by the first evidence that holds."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    for label in (encoding, declared_encoding(content)):
        declared = _known(label) if label else None
        if declared:
            try:
                content.decode(declared)
            except UnicodeDecodeError:
                logger.debug("page does not decode as its declared %s", declared)
            else:
                return declared
    sample = content if len(content) < 20000 else content[:10000] + content[-10000:]
    best = from_bytes(sample).best()
    guessed = _known(best.encoding) if best is not None and best.encoding else None
    return guessed or "utf-8"


def decode_page(content: bytes, encoding: str | None = None) -> str:
    """The page's text, read by the first evidence that holds; never raises."""
    return content.decode(page_encoding(content, encoding), errors="replace")
