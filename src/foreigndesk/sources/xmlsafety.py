"""XML from strangers is screened before any parser sees it.

Entity declarations are how the billion-laughs bomb and XXE work; no feed or sitemap
needs them, so a document that declares any is refused outright with one clear line.
"""

from __future__ import annotations

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException
from lxml import etree

from foreigndesk.errors import DeskError


def screen(content: bytes, what: str) -> None:
    """Raise DeskError when ``content`` declares entities or fetches anything external."""
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
