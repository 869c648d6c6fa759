"""A page's bytes → one lxml tree, parsed once and shared by every reader after it.

Parsing is the single most repeated cost of extraction, so it happens here once: the
body, the metadata and the figures are all read from this tree. The bytes go to libxml2
as bytes with their encoding named (decoding in Python first and handing lxml a string
costs twice as much). Three things are removed first, because each makes libxml2 build a
tree that is not the page: an XML declaration, a DOCTYPE (some make libxml2 drop or
misplace the body), and control characters, which lxml keeps but refuses to write back
into a tree, so that a later step fails on them. Comments go at parse time: a comment
inside a paragraph splits its text into a tail that extraction would otherwise lose.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from foreigndesk.errors import DeskError
from foreigndesk.extract.decoding import PageEncoding

_PREAMBLE = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?", re.I)
_PREAMBLE_TEXT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?", re.I)
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Encodings in which every byte below 0x20 is that control character and nothing else.
_ASCII_SUPERSETS = re.compile(
    r"^(?:utf-8|cp\d+|iso8859-\d+|gb18030|gbk|big5|shift_jis|euc.*|koi8.*)$"
)


#: Every element an ``HtmlElement``, chosen in C. lxml.html's own lookup picks a class per
#: tag (forms, inputs, labels) in Python, once for every element each time any reader,
#: trafilatura included, touches it: a tenth of extraction's time, for classes the desk
#: never uses (forms and inputs are removed before extraction).
_HTML_ELEMENTS = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement,
    comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity,
)


@lru_cache(maxsize=32)
def _parser(encoding: str | None) -> lxml_html.HTMLParser:
    parser = lxml_html.HTMLParser(
        encoding=encoding, remove_comments=True, remove_pis=True, collect_ids=False
    )
    parser.set_element_class_lookup(_HTML_ELEMENTS)
    return parser


def _from_bytes(content: bytes, encoding: str) -> lxml_html.HtmlElement:
    data = content.translate(None, _CONTROL_BYTES)
    data = _PREAMBLE.sub(b"", data, count=1)
    return lxml_html.document_fromstring(data, parser=_parser(encoding.replace("_", "-")))


def _from_text(content: bytes, encoding: str) -> lxml_html.HtmlElement:
    text = content.decode(encoding, errors="replace")
    text = _CONTROL_TEXT.sub("", _PREAMBLE_TEXT.sub("", text, count=1))
    return lxml_html.document_fromstring(text, parser=_parser(None))


def parse_page(content: bytes, encoding: PageEncoding) -> lxml_html.HtmlElement:
    """The page as an lxml HTML tree; raises DeskError when it is not HTML at all.

    A page with bytes its codec cannot read is decoded here, with U+FFFD for each: libxml2
    given such bytes stops at the first one and drops the rest of the page.
    """
    if not content.strip():
        raise DeskError("page is empty")
    codec = encoding.codec
    try:
        if not encoding.undecodable and _ASCII_SUPERSETS.match(codec):
            try:
                return _from_bytes(content, codec)
            except LookupError:  # a codec Python knows and libxml2 does not
                pass
        return _from_text(content, codec)
    except (ValueError, etree.ParserError) as exc:
        raise DeskError(f"page cannot be parsed as HTML ({exc})") from exc


#: Elements that never hold article text: removed once here, every reader after the
#: metadata walks a smaller tree, trafilatura's copy of it included. Read the JSON-LD
#: scripts and the ``<link>`` elements before removing them.
NEVER_TEXT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "link",
    "canvas",
    "button",
    "select",
    "option",
    "textarea",
    "input",
)
#: Page chrome that trafilatura discards anyway. Read the byline before removing it: an
#: article's own ``<footer>`` often holds it.
CHROME = ("nav", "aside", "footer", "menu")


def strip_never_text(tree: lxml_html.HtmlElement) -> None:
    """Remove, in place, the elements that never hold article text."""
    etree.strip_elements(tree, *NEVER_TEXT, with_tail=False)


def strip_chrome(tree: lxml_html.HtmlElement) -> None:
    """Remove, in place, the page's navigation, sidebars and footers."""
    etree.strip_elements(tree, *CHROME, with_tail=False)
