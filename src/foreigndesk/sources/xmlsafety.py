"""XML from strangers is screened before any parser sees it.

Entity declarations are how the billion-laughs bomb and XXE work; no feed or sitemap
needs them, so a document that declares any is refused outright with one clear line.
"""

from __future__ import annotations

import codecs
import re

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException
from lxml import etree

from foreigndesk.errors import DeskError

#: The encoding an XML declaration names, if it names one.
_DECLARED = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']{1,40})["']""", re.I
)

_DECLARED_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])[^"']*""", re.I)


def screen(content: bytes, what: str) -> None:
    """Raise DeskError when ``content`` declares entities or fetches anything external.

    The screening parser (expat) reads no multi-byte legacy encoding (Shift_JIS, EUC-JP,
    GB18030, Big5, UTF-7) and no label it does not know: such a document is screened as a
    UTF-8 copy, decoded with the codec it declares. A label no codec answers to is one
    error line.
    """
    try:
        _screen(content, what)
    except (ValueError, LookupError):
        _screen(_as_utf8(content, what), what)


def _as_utf8(content: bytes, what: str) -> bytes:
    """``content`` decoded with the codec its declaration names, as UTF-8 that says so."""
    declared = _DECLARED.match(content)
    label = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        raise DeskError(
            f"{what}: declares the character encoding {label!r}, which is not one known"
            " — ask the site to fix its XML declaration, or subscribe to another feed"
        ) from None
    text = content.decode(codec, errors="replace").lstrip("\ufeff")
    return _DECLARED_TEXT.sub(r"\g<1>utf-8", text, count=1).encode("utf-8")


def _screen(content: bytes, what: str) -> None:
    try:
        safe_tree.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DeskError(
            f"{what}: refused, it declares XML entities ({type(exc).__name__}) — no genuine"
            " feed or sitemap needs them"
        ) from exc
    except safe_tree.ParseError:
        # Malformed XML is the feed parser's problem (it is lenient); only entities are ours.
        return


def parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, recover=True
    )
