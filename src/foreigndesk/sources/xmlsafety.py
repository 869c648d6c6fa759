"""XML from strangers is defused before any parser sees it.

Entity declarations are how the billion-laughs bomb and XXE work, and they live in the
document type declaration, with the external DTD a document may name. No feed or sitemap
needs any of it, but some declare an entity or two all the same (``&nbsp;``), and their
items are no less readable for it. So :func:`defuse` takes the DOCTYPE out whole before a
feed or sitemap is parsed: nothing it declares is expanded, nothing it names is fetched or
read, and a reference to an entity it declared is one the parser does not know — left as
text, or dropped. An OPML file, which the user hands over, is :func:`screen`-ed instead:
refused with one line if it declares any entity.
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

#: How a document starts, when that alone says its encoding (XML 1.0, appendix F).
_SNIFFED = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)

_DOCTYPE = "<!DOCTYPE"


def defuse(content: bytes, what: str) -> bytes:
    """``content`` without its document type declaration, screened; DeskError, one line
    naming ``what``, when it cannot be read at all.

    A document with no DOCTYPE comes back as it came, bytes and encoding untouched. One
    with a DOCTYPE comes back as UTF-8 that says so, decoded with the codec its byte order
    mark or XML declaration names, the DOCTYPE gone with all it holds: its entity
    declarations (a bomb's among them), the external DTD it names, its internal subset.
    """
    text = _decoded(content, what)
    stripped = _without_doctype(text)
    if stripped is None:
        screen(content, what)
        return content
    defused = _utf8(stripped)
    # What is left declares nothing; should a damaged DOCTYPE have hidden a declaration
    # from the scan above, it is refused here, as any declaration was before.
    screen(defused, what)
    return defused


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


def _decoded(content: bytes, what: str) -> str:
    """``content`` as text, decoded with the codec its byte order mark names, or its XML
    declaration, or else UTF-8; bytes the codec cannot read become U+FFFD."""
    label = next((codec for start, codec in _SNIFFED if content.startswith(start)), None)
    if label is None:
        declared = _DECLARED.match(content)
        label = declared.group(1).decode("ascii", "replace") if declared else "utf-8"
    try:
        text = content.decode(codecs.lookup(label).name, errors="replace")
    except LookupError:  # no codec by that name, or one that is not for text (base64)
        raise DeskError(
            f"{what}: declares the character encoding {label!r}, which is not one known"
            " — ask the site to fix its XML declaration, or subscribe to another feed"
        ) from None
    return text.lstrip("\ufeff")


def _as_utf8(content: bytes, what: str) -> bytes:
    """``content`` decoded with the codec it names, as UTF-8 that says so."""
    return _utf8(_decoded(content, what))


def _utf8(text: str) -> bytes:
    """``text`` encoded as UTF-8, its XML declaration (if it names an encoding) saying so."""
    return _DECLARED_TEXT.sub(r"\g<1>utf-8", text, count=1).encode("utf-8")


def _without_doctype(text: str) -> str | None:
    """``text`` with every DOCTYPE before its first element taken out; None if it has none.

    Only the prolog is scanned (the XML declaration, processing instructions, comments,
    anything else up to the first element): a DOCTYPE is not allowed anywhere else, and a
    parser meeting one there reads no declaration from it.
    """
    kept: list[str] = []
    start = at = 0
    while (opening := text.find("<", at)) >= 0:
        if text.startswith("<?", opening):
            at = _past(text, "?>", opening + 2)
        elif text.startswith("<!--", opening):
            at = _past(text, "-->", opening + 4)
        elif text[opening : opening + len(_DOCTYPE)].upper() == _DOCTYPE:
            kept.append(text[start:opening])
            start = at = _doctype_end(text, opening + len(_DOCTYPE))
        else:
            break
    if not kept:
        return None
    kept.append(text[start:])
    return "".join(kept)


def _past(text: str, end: str, at: int) -> int:
    """Where ``text`` goes on after the next ``end`` from ``at``; its end if there is none."""
    found = text.find(end, at)
    return len(text) if found < 0 else found + len(end)


def _doctype_end(text: str, at: int) -> int:
    """Where the DOCTYPE whose name starts at ``at`` ends: past its ``>``, read over its
    quoted identifiers and its internal subset; the end of ``text`` if it never does."""
    while at < len(text):
        char = text[at]
        if char in "\"'":
            at = _past(text, char, at + 1)
        elif char == "[":
            at = _subset_end(text, at + 1)
        elif char == ">":
            return at + 1
        else:
            at += 1
    return len(text)


def _subset_end(text: str, at: int) -> int:
    """Where an internal subset starting at ``at`` ends: past its ``]``, with a ``]`` or
    ``>`` inside a declaration's quoted value, a comment or a processing instruction
    read over."""
    while at < len(text):
        if text.startswith("<!--", at):
            at = _past(text, "-->", at + 4)
        elif text.startswith("<?", at):
            at = _past(text, "?>", at + 2)
        elif text.startswith("<", at):
            at = _declaration_end(text, at + 1)
        elif text[at] == "]":
            return at + 1
        else:
            at += 1
    return len(text)


def _declaration_end(text: str, at: int) -> int:
    """Past the ``>`` that ends a markup declaration (``<!ENTITY …>``), quotes read over."""
    while at < len(text):
        char = text[at]
        if char in "\"'":
            at = _past(text, char, at + 1)
        elif char == ">":
            return at + 1
        else:
            at += 1
    return len(text)


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
