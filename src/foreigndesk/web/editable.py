"""The edit box: a block's translation as the editor sees and types it, and back.

The editor sees the text as a reader reads it (``&``, not ``&amp;``), with the inline
markup a translation may carry written as tags: ``<em>``, ``<strong>`` and
``<a href="…">``. What the editor types is kept exactly: those tags, when they open and
close in order (and a link's address is http, https or mailto), are markup; everything
else — ``a<b y c>d``, ``<br>``, ``&amp;`` typed as such — is text.

One text cannot be told apart from markup: the characters of an allowed tag written as
text in the original (``&lt;em&gt;``) come back from the edit box as emphasis.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urlsplit

from foreigndesk.publish.sanitize import LINK_SCHEMES

#: An allowed tag as the editor types it.
_TYPED_TAG = re.compile(r'<(/?)(em|strong|a)(?:\s+href\s*=\s*"([^"<>]*)")?\s*>', re.IGNORECASE)
#: Any tag in the stored inline HTML (which the sanitizer wrote: well formed).
_STORED_TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")
_HREF = re.compile(r'href\s*=\s*"([^"]*)"')


def to_editable(html: str) -> str:
    """The stored inline HTML as the edit box shows it."""
    out: list[str] = []
    position = 0
    for match in _STORED_TAG.finditer(html):
        out.append(unescape(html[position : match.start()]))
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if name in ("em", "strong"):
            out.append(f"<{closing}{name}>")
        elif name == "a" and closing:
            out.append("</a>")
        elif name == "a":
            href = _HREF.search(attributes)
            out.append(f'<a href="{unescape(href.group(1)) if href else ""}">')
        position = match.end()
    out.append(unescape(html[position:]))
    return "".join(out)


def _link_allowed(href: str) -> bool:
    return urlsplit(href.strip()).scheme.lower() in LINK_SCHEMES


def from_editable(text: str) -> str:
    """What the editor typed, as inline HTML: paired allowed tags as markup, the rest
    as text."""
    matches = list(_TYPED_TAG.finditer(text))
    markup: set[int] = set()
    open_tags: list[tuple[str, int]] = []
    for index, match in enumerate(matches):
        closing, name, href = match.group(1), match.group(2).lower(), match.group(3)
        if not closing:
            if name == "a" and (href is None or not _link_allowed(href)):
                continue
            if name != "a" and href is not None:
                continue
            open_tags.append((name, index))
        elif open_tags and open_tags[-1][0] == name and href is None:
            _, opened = open_tags.pop()
            markup.update((opened, index))
    out: list[str] = []
    position = 0
    for index, match in enumerate(matches):
        out.append(escape(text[position : match.start()], quote=False))
        if index in markup:
            name, href = match.group(2).lower(), match.group(3)
            if match.group(1):
                out.append(f"</{name}>")
            elif name == "a":
                out.append(f'<a href="{escape(href or "")}">')
            else:
                out.append(f"<{name}>")
        else:
            out.append(escape(match.group(), quote=False))
        position = match.end()
    out.append(escape(text[position:], quote=False))
    return "".join(out)
